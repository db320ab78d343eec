"""The "curators" group: exactly what people who keep the catalog right need in the admin."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "curators"

# (app label, model, actions). Scores and histories are written by commands, so view only;
# no auth permissions, so a curator can never grant themselves more.
PERMISSIONS = [
    ("catalog", "asset", ("add", "change", "view")),
    ("catalog", "capability", ("add", "change", "delete", "view")),
    ("catalog", "evidence", ("add", "change", "delete", "view")),
    ("catalog", "organization", ("add", "change", "view")),
    ("catalog", "task", ("add", "change", "view")),
    ("catalog", "score", ("view",)),
    ("catalog", "scorehistory", ("view",)),
    ("catalog", "evidencehistory", ("view",)),
    ("comparisons", "pairnote", ("add", "change", "delete", "view")),
]


def create_group(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    # Permissions are normally created by post_migrate, after every migration has run; on a
    # fresh database they do not exist yet at this point.
    for label in ("catalog", "comparisons"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (app_label, f"{action}_{model}")
        for app_label, model, actions in PERMISSIONS
        for action in actions
    ]
    perms = []
    for app_label, codename in wanted:
        perms.append(
            Permission.objects.using(alias).get(
                content_type__app_label=app_label, codename=codename
            )
        )
    group, _ = Group.objects.using(alias).get_or_create(name=GROUP)
    group.permissions.set(perms)


def delete_group(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("comparisons", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
