from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Asset, name_qualifiers
from tests.factories import make_asset

pytestmark = pytest.mark.django_db


class TestAssetConstraints:
    def test_it_rejects_a_duplicate_slug(self):
        make_asset("same")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_asset("same", uid="hf-model:x/other", external_id="x/other")

    def test_it_rejects_a_duplicate_external_id(self):
        make_asset("one", external_id="org/thing")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_asset("two", external_id="org/thing")

    def test_it_rejects_a_slug_containing_vs(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_asset("cats-vs-dogs")

    def test_it_rejects_an_asset_that_is_its_own_base(self):
        asset = make_asset("loop")
        with pytest.raises(IntegrityError), transaction.atomic():
            Asset.objects.filter(pk=asset.pk).update(base=asset.pk)

    def test_saving_bumps_the_version(self):
        asset = make_asset("v")
        assert asset.version == 1
        asset.name = "V"
        asset.save()
        assert asset.version == 2
        asset.save()
        assert Asset.objects.get(pk=asset.pk).version == 3

    def test_it_has_a_url_and_a_name(self):
        asset = make_asset("thing", name="Thing")
        assert str(asset) == "Thing"
        assert asset.get_absolute_url() == "/assets/thing/"


class TestNameQualifiers:
    def test_only_the_names_shared_in_the_list_get_one(self):
        def asset(name, external_id, slug=""):
            return SimpleNamespace(name=name, external_id=external_id, slug=slug)

        listed = [
            asset("PaLM-2 (Bison)", "google/text-bison@001"),
            asset("Alone", "x/alone"),
            asset("PaLM-2 (Bison)", "google/text-bison-32k"),
            asset("palm-2 (bison)", "google/text-bison@002"),  # case aside, the same name
            asset("Granite", "ibm/granite-8b"),
            asset("Granite", "ibm-granite/granite-8b"),
            # Ids that differ in case only, and say the name: the whole id.
            asset("SONAR", "facebook/SONAR"),
            asset("Sonar", "perplexity/sonar"),
        ]
        assert name_qualifiers(listed) == [
            "text-bison@001", "", "text-bison-32k", "text-bison@002",
            "ibm/granite-8b", "ibm-granite/granite-8b", "facebook/SONAR", "perplexity/sonar",
        ]
        assert name_qualifiers([]) == []


class TestSubtypeShown:
    @pytest.mark.parametrize(("kind", "subtype", "shown"), [
        ("api", "API embedding model", "embedding model"),
        ("api", "API model", "model"),
        ("api", "embedding model (API)", "embedding model"),
        ("api", "api", ""),
        ("model", "image backbone", "image backbone"),
        ("library", "", ""),
    ])
    def test_the_subtype_beside_the_kind_does_not_repeat_it(self, kind, subtype, shown):
        assert Asset(kind=kind, subtype=subtype).subtype_shown == shown


def test_api_is_no_framework_shown():
    assert Asset(frameworks=["api", "vLLM"]).frameworks_shown == ["vLLM"]
    assert Asset(frameworks=["api"]).frameworks_shown == []
