from __future__ import annotations

from types import SimpleNamespace

import pytest

from unfragile import pagecache


@pytest.fixture
def manifest(monkeypatch):
    """Stand in for the deploy's static files manifest, by its hash."""

    def use(manifest_hash: str | None) -> None:
        storage = SimpleNamespace() if manifest_hash is None else SimpleNamespace(
            manifest_hash=manifest_hash
        )
        monkeypatch.setattr(pagecache, "staticfiles_storage", storage)
        pagecache.static_version.cache_clear()

    yield use
    pagecache.static_version.cache_clear()


def test_a_deploy_with_other_static_files_makes_pages_anew(manifest):
    # Cached pages link to the hashed names of the stylesheet and scripts.
    manifest("1f2e3d")
    before = pagecache.key("versus", "example.org", 1, 2)
    assert pagecache.key("versus", "example.org", 1, 2) == before
    manifest("9a8b7c")
    assert pagecache.key("versus", "example.org", 1, 2) != before


def test_without_a_manifest_the_key_still_stands(manifest):
    manifest(None)  # DEBUG on: plain storage, no hashed names
    assert pagecache.static_version() == ""
    assert pagecache.key("versus", "example.org", 1).startswith("versus:")
