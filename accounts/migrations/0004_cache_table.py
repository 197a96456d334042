"""The shared cache's table (used when REDIS_URL is not set): `migrate` creates it,
so a new deployment needs no separate `createcachetable` step."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_student_certifications_and_cv")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
