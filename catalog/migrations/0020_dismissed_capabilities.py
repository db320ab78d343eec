"""Imported capabilities a curator deleted (DismissedCapability): imports leave them out. The
curators group may see them and delete them, to let an import write one again."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "curators"

WANTED = ("view_dismissedcapability", "delete_dismissedcapability")


def _group_and_permissions(apps, alias: str):
    """The curators group (None if it was deleted) and the permissions WANTED."""
    group = apps.get_model("auth", "Group").objects.using(alias).filter(name=GROUP).first()
    perms = apps.get_model("auth", "Permission").objects.using(alias).filter(
        content_type__app_label="catalog", codename__in=WANTED)
    return group, perms


def grant(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    # Permissions are created by post_migrate, after every migration has run (see 0002).
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None
    group, perms = _group_and_permissions(apps, alias)
    if group is not None:
        group.permissions.add(*perms)


def revoke(apps, schema_editor) -> None:
    group, perms = _group_and_permissions(apps, schema_editor.connection.alias)
    if group is not None:
        group.permissions.remove(*perms)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0019_search_open_source_licences"),
    ]

    operations = [
        migrations.CreateModel(
            name="DismissedCapability",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.CharField(max_length=100)),
                ("dismissed_at", models.DateTimeField(auto_now_add=True)),
                ("asset", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                            related_name="dismissed_capabilities",
                                            to="catalog.asset")),
            ],
            options={
                "verbose_name": "dismissed imported capability",
                "ordering": ["asset", "key"],
                "constraints": [models.UniqueConstraint(fields=("asset", "key"),
                                                        name="dismissed_capability_key")],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
