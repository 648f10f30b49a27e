"""The "operators" group, holding the permission to view every study group's dashboards.

Put the people who run the portal in it (in the admin, or `manage.py shell`); being staff
alone shows no group. Permissions are normally created after migrations run, so this one
is made here if it does not exist yet."""

from django.db import migrations

OPERATORS = "operators"


def create_operators(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="portal", model="studygroup")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_every_group",
        defaults={"name": "Can view every study group's dashboards"},
    )
    operators, _ = Group.objects.get_or_create(name=OPERATORS)
    operators.permissions.add(permission)


def remove_operators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OPERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0005_study_group_view_every_group_permission"),
    ]

    operations = [migrations.RunPython(create_operators, remove_operators)]
