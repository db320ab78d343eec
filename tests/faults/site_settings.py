"""The production settings, for a site process started by the fault tests.

Only the static files storage differs: the manifest storage needs `collectstatic`, which would
write into the project's shared STATIC_ROOT while other processes may be serving from it.
"""

from __future__ import annotations

from unfragile.settings import *  # noqa: F403
from unfragile.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
