"""Imported capabilities a curator deleted (DismissedCapability): imports leave them out. The
curators group may see them and delete them, to let an import write one again."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "curators"

WANTED = ("view_dismissedcapability", "delete_dismissedcapability")


def grant(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    # Permissions are created by post_migrate, after every migration has run (see 0002).
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.add(*Permission.objects.using(alias).filter(
            content_type__app_label="catalog", codename__in=WANTED))


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    group = Group.objects.using(alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.using(alias).filter(
            content_type__app_label="catalog", codename__in=WANTED))


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
