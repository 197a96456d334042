"""Create the "Moderators" group with the permissions moderation needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("listings", "listing", "moderate_listing"),
    ("listings", "listing", "view_listing"),
    ("listings", "listing", "change_listing"),
    ("listings", "listingevent", "view_listingevent"),
    ("listings", "lab", "view_lab"),
    ("listings", "lab", "change_lab"),
    ("accounts", "labstaffprofile", "view_labstaffprofile"),
    ("accounts", "labstaffprofile", "change_labstaffprofile"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, model, codename in MODERATOR_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0002_seed_role_types_and_certifications"),
        ("accounts", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
