"""One account per address whatever its spelling: a unique comparison key per user."""

from django.db import migrations, models

from accounts.identity import email_key


def fill_keys(apps, schema_editor):
    """Key every account. Accounts made before this, with another spelling of an address
    already taken (the hole this closes), keep their rows but get a key of their own
    ("<key>#<id>") that no login finds; the earliest account keeps the address."""
    User = apps.get_model("accounts", "User")
    seen = set()
    for user in User.objects.order_by("date_joined", "pk").only("pk", "email"):
        key = email_key(user.email)
        if key in seen:
            print(f"\n  Account {user.pk} ({user.email!r}) spells a taken address: disabled.")
            key = f"{key}#{user.pk}"
            User.objects.filter(pk=user.pk).update(is_active=False)
        seen.add(key)
        User.objects.filter(pk=user.pk).update(email_key=key)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_cache_table")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_key",
            field=models.CharField(editable=False, max_length=254, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email_key",
            field=models.CharField(editable=False, max_length=254, unique=True),
        ),
    ]
