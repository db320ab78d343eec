from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from catalog.claims import refresh_claims
from catalog.models import Asset, DismissedCapability, Evidence, Score
from comparisons.models import PairNote
from tests.catalog.test_load_catalog import base_file, load
from tests.factories import make_asset, make_capability, make_evidence, make_org, make_task

CURATOR_PERMISSIONS = {
    "catalog.add_asset", "catalog.change_asset", "catalog.view_asset",
    "catalog.add_capability", "catalog.change_capability", "catalog.delete_capability",
    "catalog.view_capability",
    "catalog.add_evidence", "catalog.change_evidence", "catalog.delete_evidence",
    "catalog.view_evidence",
    "catalog.add_organization", "catalog.change_organization", "catalog.view_organization",
    "catalog.add_task", "catalog.change_task", "catalog.view_task",
    "catalog.view_score", "catalog.view_scorehistory", "catalog.view_evidencehistory",
    "catalog.view_dismissedcapability", "catalog.delete_dismissedcapability",
    "comparisons.add_pairnote", "comparisons.change_pairnote", "comparisons.delete_pairnote",
    "comparisons.view_pairnote",
}


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(
        "curator@example.org", "curator@example.org", "a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


class _FormValues(HTMLParser):
    """What a browser would submit from the page's forms, as the test client's POST data."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
            elif kind not in {"submit", "button", "file", "reset"}:
                self.data[name] = [a.get("value") or ""]
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data[name] = []
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _form_data(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormValues()
    parser.feed(response.content.decode())
    parser.data.pop("q", None)  # the sidebar's model filter
    # A textarea's first newline is part of the markup, not of its value.
    return {k: [v.removeprefix("\n") for v in vs] for k, vs in parser.data.items()}


def _row_prefix(data: dict[str, list[str]], formset: str, pk: int) -> str:
    """The prefix of the inline form that holds row `pk`, e.g. "evidence-0"."""
    return next(
        key.removesuffix("-id") for key, value in data.items()
        if re.fullmatch(rf"{formset}-\d+-id", key) and value == [str(pk)]
    )


def _make_assets(n: int, org=None, task=None) -> list[Asset]:
    org = org or make_org()
    task = task or make_task()
    assets = []
    for i in range(n):
        asset = make_asset(organization=org, tasks=[task])
        # Half have no score yet, which the rank column must survive.
        if i % 2:
            Score.objects.create(
                asset=asset, rank=40.0 + i, coverage=0.8, provisional=False,
                computed_at=timezone.now(), formula_version="1",
            )
        assets.append(asset)
    return assets


def _imported_asset(**kw) -> Asset:
    asset = make_asset(organization=make_org(), tasks=[make_task()], **kw)
    make_capability(asset, key="task:one", task=make_task())
    make_capability(asset, key="task:two")
    make_evidence(asset, origin="catalog", name="downloads", value=100.0)
    make_evidence(asset, name="curated_signal", value=2.0)
    return asset


@pytest.mark.django_db
class TestAssetChangeList:
    def test_it_renders_with_a_fixed_number_of_queries(
        self, curator_client, django_assert_num_queries
    ):
        org, task = make_org(), make_task()
        _make_assets(3, org, task)
        curator_client.get("/admin/catalog/asset/")  # warms the content-type cache

        # 1 session, 2 user, 3-4 the user's and the group's permissions, 5 the licences held
        # and 6 top organisations for the filters, 7 tasks for the filter, 8 count of matching
        # assets, 9 the page of assets joined to organisation and score.
        with django_assert_num_queries(9):
            response = curator_client.get("/admin/catalog/asset/")
        assertContains(response, 'class="action-select"', count=3)

        _make_assets(27, org, task)
        with django_assert_num_queries(9):
            response = curator_client.get("/admin/catalog/asset/")
        assertContains(response, 'class="action-select"', count=30)

    def test_it_shows_rank_and_unknown_rank(self, curator_client):
        _make_assets(2)  # the second has a score of 41

        response = curator_client.get("/admin/catalog/asset/")

        assertContains(response, '<td class="field-rank">41.0</td>', html=True)
        assertContains(response, '<td class="field-rank">unknown</td>', html=True)

    def test_it_filters_by_a_top_organisation(self, curator_client):
        big, small = make_org("Big Lab"), make_org("Small Lab")
        _make_assets(2, org=big)
        lone = make_asset(organization=small, name="Lone model")

        response = curator_client.get(f"/admin/catalog/asset/?org={small.pk}")

        assertContains(response, "Big Lab")  # listed in the filter
        assertContains(response, 'class="action-select"', count=1)
        assertContains(response, lone.name)

    @pytest.mark.parametrize("org", ["abc", "%00", "99999999999999999999999", "-1", "١"])
    def test_a_bad_organisation_filter_is_an_invalid_filter_not_an_error(self, curator_client,
                                                                         org):
        make_asset(organization=make_org("Lab"))  # the filter shows when some asset has one
        response = curator_client.get(f"/admin/catalog/asset/?org={org}")
        assert response.status_code == 302 and response["Location"].endswith("?e=1")

    @pytest.mark.parametrize("url", [
        "/admin/catalog/scorehistory/?at__year=99999999999999999999",
        "/admin/catalog/scorehistory/?at__year=2026&at__month=123456789012345678901",
        "/admin/catalog/scorehistory/?at__year=x",
        "/admin/comparisons/searchevent/?day__year=99999999999999999999",
        "/admin/comparisons/pairview/?day__year=99999999999999999999",
        # Lookups of a date field outside any date hierarchy too.
        "/admin/catalog/asset/?released_on__year=10000",
        "/admin/catalog/asset/?released_on__year=0",
        "/admin/catalog/asset/?released_on__month=13",
    ])
    def test_a_date_past_any_calendar_is_an_invalid_filter_not_an_error(self, admin_client,
                                                                         url):
        response = admin_client.get(url)
        assert response.status_code == 302 and response["Location"].endswith("?e=1")
        assert admin_client.get("/admin/catalog/scorehistory/?at__year=2026").status_code == 200

    def test_it_searches_by_external_id(self, curator_client):
        make_asset("wanted", external_id="acme/wanted-model")
        make_asset("other")

        response = curator_client.get("/admin/catalog/asset/?q=acme/wanted")

        assertContains(response, 'class="action-select"', count=1)

    def test_it_does_not_offer_delete_to_a_curator(self, curator_client):
        make_asset()

        response = curator_client.get("/admin/catalog/asset/")

        assertContains(response, 'value="publish"')
        assertContains(response, 'value="archive"')
        assertContains(response, 'value="recompute_score"')
        assertNotContains(response, 'value="delete_selected"')

    def test_it_filters_by_licence_and_by_none_stated(self, curator_client):
        make_asset("mit-one", name="MIT one", licence="mit")
        make_asset("mit-two", name="MIT two", licence="mit")
        listed = curator_client.get("/admin/catalog/asset/").content.decode()
        assert listed.count('href="?licence=mit"') == 1  # once, however many are under it
        make_asset("unstated", name="Unstated one", licence="")
        response = curator_client.get("/admin/catalog/asset/?licence=none")
        assertContains(response, "Not stated")
        assertContains(response, "Unstated one")
        assertNotContains(response, "MIT one")
        response = curator_client.get("/admin/catalog/asset/?licence=mit")
        assertContains(response, "MIT one")
        assertNotContains(response, "Unstated one")

    def test_the_asset_pickers_tell_namesakes_apart(self, curator_client):
        make_asset("gemini-flash", name="Gemini Flash", kind=Asset.Kind.API)
        make_asset("gemini-flash-8b", name="Gemini Flash", kind=Asset.Kind.API)
        response = curator_client.get("/admin/autocomplete/", {
            "term": "gemini", "app_label": "catalog", "model_name": "asset",
            "field_name": "base"})
        texts = sorted(r["text"] for r in response.json()["results"])
        assert texts == ["Gemini Flash · API · gemini-flash",
                         "Gemini Flash · API · gemini-flash-8b"]

    def test_the_admin_names_the_site_and_a_score_reads_as_one(self, curator_client):
        asset = make_asset()
        Score.objects.create(asset=asset, rank=53.4, coverage=0.2, provisional=True,
                             computed_at=timezone.now(), formula_version="t")
        response = curator_client.get(f"/admin/catalog/asset/{asset.pk}/change/")
        assertContains(response, "Unfragile catalog")
        assertContains(response, "UnfragileRank 53 (provisional)")
        assert b"Django administration" not in response.content

    def test_it_redirects_a_non_staff_user_to_login(self, client, django_user_model):
        user = django_user_model.objects.create_user("visitor", password="x-long-password")
        client.force_login(user)

        response = client.get("/admin/catalog/asset/")

        assert response.status_code == 302
        assert response["Location"] == "/admin/login/?next=/admin/catalog/asset/"


@pytest.mark.django_db
class TestAssetChangeForm:
    def test_it_renders_with_a_fixed_number_of_queries(
        self, curator_client, django_assert_num_queries
    ):
        asset = _imported_asset(base=make_asset())
        asset.trained_on.add(make_asset(kind=Asset.Kind.DATASET))
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        _make_assets(3)
        curator_client.get(url)  # warms the content-type cache

        # 1 session, 2 user, 3 the asset, 4-5 the user's and the group's permissions,
        # 6 score inline, 7 capability inline, 8 tasks for its <select>, 9 dismissed
        # capabilities, 10 imported evidence, 11 curated evidence, then the read-only
        # imported relations: 12 organisation, 13 tasks, 14 base, 15 trained on.
        with django_assert_num_queries(15):
            response = curator_client.get(url)
        assert response.status_code == 200

        _make_assets(30)
        for i in range(10):
            make_capability(asset, task=make_task())
            DismissedCapability.objects.create(asset=asset, key=f"task:gone-{i}")
        with django_assert_num_queries(15):
            response = curator_client.get(url)
        assert response.status_code == 200

    def test_it_separates_imported_from_curated_fields(self, curator_client):
        asset = _imported_asset()

        response = curator_client.get(f"/admin/catalog/asset/{asset.pk}/change/")

        assertContains(response, "Imported (read-only, from the catalog file)")
        assertContains(response, 'name="curated_summary"')
        assertContains(response, 'name="status"')
        for field in ("name", "slug", "uid", "external_id", "kind", "licence", "summary"):
            assertNotContains(response, f'name="{field}"')

    def test_it_does_not_change_imported_fields(self, curator_client):
        asset = _imported_asset()
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        data.update(name=["Renamed"], slug=["renamed"], curated_summary=["Better words."])

        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        asset.refresh_from_db()
        assert asset.name != "Renamed"
        assert asset.slug != "renamed"
        assert asset.curated_summary == "Better words."
        assert asset.version == 2

    def test_it_marks_an_edited_capability_as_curated(self, curator_client):
        asset = _imported_asset()
        first, second = asset.capabilities.order_by("position")
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        data[_row_prefix(data, "capabilities", first.pk) + "-vs_override"] = [
            "Smaller than the usual pick."
        ]

        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.is_curated
        assert first.vs_override == "Smaller than the usual pick."
        assert not second.is_curated

    def test_deleting_an_imported_capability_keeps_it_deleted(self, curator_client):
        asset = _imported_asset()
        own = make_capability(asset, title="Curator's own")
        first = asset.capabilities.get(key="task:one")
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        data[_row_prefix(data, "capabilities", first.pk) + "-DELETE"] = ["on"]
        data[_row_prefix(data, "capabilities", own.pk) + "-DELETE"] = ["on"]

        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        assert not asset.capabilities.filter(pk__in=[first.pk, own.pk]).exists()
        # The imported one's key is remembered; one a curator added has none.
        assert [d.key for d in asset.dismissed_capabilities.all()] == ["task:one"]
        response = curator_client.get(url)
        assertContains(response, "Capabilities (an imported one you delete stays out of later")
        assertContains(response, "Dismissed imported capabilities")
        assertContains(response, "task:one")

    def test_taking_back_a_dismissal_writes_the_capability_again(self, curator_client, tmp_path):
        load(base_file(tmp_path))
        refresh_claims()  # as a load that recomputes would
        asset = Asset.objects.get(slug="base-b")
        key = "task:image-classification"
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        cap = asset.capabilities.get(key=key)
        assert cap.unique_claim
        data[_row_prefix(data, "capabilities", cap.pk) + "-DELETE"] = ["on"]
        assert curator_client.post(url, data).status_code == 302
        assert not asset.capabilities.filter(key=key).exists()
        version = Asset.objects.get(pk=asset.pk).version

        data = _form_data(curator_client, url)
        dismissed = asset.dismissed_capabilities.get()
        data[_row_prefix(data, "dismissed_capabilities", dismissed.pk) + "-DELETE"] = ["on"]
        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        assert not DismissedCapability.objects.exists()
        again = asset.capabilities.get(key=key)
        assert again.description.startswith("Assigns one of")
        # With its computed claims, as before, not only after the next recompute.
        assert (again.unique_claim, again.vs_alternatives, again.evidence_id) == (
            cap.unique_claim, cap.vs_alternatives, cap.evidence_id)
        assert Asset.objects.get(pk=asset.pk).version > version  # cached pages follow

    def test_it_bumps_the_version_when_only_an_inline_changed(self, curator_client):
        asset = _imported_asset()
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        data["capabilities-0-title"] = ["A clearer title"]

        curator_client.post(url, data)

        asset.refresh_from_db()
        # One bump from saving the asset, one for the capability saved after it.
        assert asset.version == 3

    def test_it_does_not_change_or_delete_imported_evidence(self, curator_client):
        asset = _imported_asset()
        imported = asset.evidence.get(origin="catalog")
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        # What a hand-crafted POST would send for the imported row.
        prefix = _row_prefix(data, "evidence", imported.pk)
        data[f"{prefix}-value"] = ["999"]
        data[f"{prefix}-DELETE"] = ["on"]

        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        imported.refresh_from_db()
        assert imported.value == 100.0

    def test_it_adds_curated_evidence(self, curator_client):
        asset = _imported_asset()
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        prefix = "evidence-2"
        assert data[f"{prefix}-TOTAL_FORMS"] == ["1"]
        data.update({
            f"{prefix}-TOTAL_FORMS": ["2"],
            f"{prefix}-1-dimension": ["quality"],
            f"{prefix}-1-name": ["ade20k_miou"],
            f"{prefix}-1-value": ["50.1"],
            f"{prefix}-1-unit": ["%"],
            f"{prefix}-1-source_name": ["Paper, table 3"],
            f"{prefix}-1-verification": ["claimed"],
        })

        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        added = asset.evidence.get(name="ade20k_miou")
        assert added.origin == ""
        assert added.value == 50.1

    def test_it_rejects_a_second_curated_value_for_the_same_signal(self, curator_client):
        asset = _imported_asset()
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        data.update({
            "evidence-2-TOTAL_FORMS": ["2"],
            "evidence-2-1-dimension": ["quality"],
            "evidence-2-1-name": ["curated_signal"],
            "evidence-2-1-value": ["3"],
            "evidence-2-1-source_name": ["Somewhere"],
            "evidence-2-1-verification": ["claimed"],
        })

        response = curator_client.post(url, data)

        assertContains(response, "already exists")
        assert asset.evidence.filter(name="curated_signal").count() == 1

    def test_it_keeps_the_change_history(self, curator_client):
        asset = _imported_asset()
        url = f"/admin/catalog/asset/{asset.pk}/change/"
        data = _form_data(curator_client, url)
        data["curated_summary"] = ["Curated."]
        curator_client.post(url, data)

        response = curator_client.get(f"/admin/catalog/asset/{asset.pk}/history/")

        assertContains(response, "Changed Curated summary")

    def test_it_refuses_delete_to_a_curator(self, curator_client):
        asset = make_asset()

        assert curator_client.get(f"/admin/catalog/asset/{asset.pk}/delete/").status_code == 403
        response = curator_client.post(f"/admin/catalog/asset/{asset.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
        assert Asset.objects.filter(pk=asset.pk).exists()


@pytest.mark.django_db
class TestAssetAddForm:
    def test_it_creates_an_asset_by_hand(self, curator_client):
        data = _form_data(curator_client, "/admin/catalog/asset/add/")
        data.update(
            uid=["api:acme/oracle"], external_id=["acme/oracle"], id_scheme=["api"],
            slug=["acme-oracle"], name=["Acme Oracle"], kind=["api"], status=["draft"],
        )

        response = curator_client.post("/admin/catalog/asset/add/", data)

        assert response.status_code == 302, response.content.decode()[:2000]
        asset = Asset.objects.get(slug="acme-oracle")
        assert (asset.name, asset.kind, asset.status) == ("Acme Oracle", "api", "draft")

    def test_an_asset_made_under_a_successor_s_id_supersedes_those_naming_it(
            self, curator_client):
        old = make_asset("oracle-v1", attributes={"mteb": {"superseded_by": "acme/oracle"}})
        other = make_asset("other", attributes={"mteb": {"superseded_by": "acme/else"}})
        version = old.version
        data = _form_data(curator_client, "/admin/catalog/asset/add/")
        data.update(
            uid=["api:acme/oracle"], external_id=["acme/oracle"], id_scheme=["api"],
            slug=["acme-oracle"], name=["Acme Oracle"], kind=["api"], status=["published"],
        )
        assert curator_client.post("/admin/catalog/asset/add/", data).status_code == 302
        new = Asset.objects.get(slug="acme-oracle")
        old.refresh_from_db()
        other.refresh_from_db()
        assert (old.successor, other.successor) == (new, None)
        assert old.version > version
        assert b"oracle-v1" in curator_client.get("/assets/acme-oracle/").content

    def test_it_lists_no_asset_in_full_whatever_the_catalog_holds(self, curator_client):
        # Every field naming other assets picks them by typing (the catalog holds
        # thousands: a list of them all took the page over a second to write).
        make_asset("listed-nowhere", name="Listed Nowhere")
        body = curator_client.get("/admin/catalog/asset/add/").content.decode()
        assert "Listed Nowhere" not in body
        for field in ("organization", "base", "trained_on", "tasks", "successor"):
            assert re.search(rf'<select [^>]*name="{field}"[^>]*class="[^"]*admin-autocomplete',
                             body), field


@pytest.mark.django_db
class TestAssetActions:
    def _run(self, client, action: str, assets: list[Asset]):
        return client.post(
            "/admin/catalog/asset/",
            {"action": action, "_selected_action": [a.pk for a in assets]},
            follow=True,
        )

    def test_it_publishes_and_bumps_the_version(self, curator_client):
        drafts = [make_asset(status=Asset.Status.DRAFT) for _ in range(2)]
        untouched = make_asset(status=Asset.Status.DRAFT)

        response = self._run(curator_client, "publish", drafts)

        assertContains(response, "Published 2 asset(s).")
        for asset in drafts:
            asset.refresh_from_db()
            assert (asset.status, asset.version) == ("published", 2)
        untouched.refresh_from_db()
        assert (untouched.status, untouched.version) == ("draft", 1)
        assert LogEntry.objects.filter(object_id=str(drafts[0].pk)).exists()

    def test_it_archives_and_bumps_the_version(self, curator_client):
        asset = make_asset()

        response = self._run(curator_client, "archive", [asset])

        assertContains(response, "Archived 1 asset(s).")
        asset.refresh_from_db()
        assert (asset.status, asset.version) == ("archived", 2)

    def test_it_recomputes_the_selected_scores_and_says_so_in_words(self, curator_client):
        assets = [make_asset(), make_asset()]

        response = self._run(curator_client, "recompute_score", assets)

        assertContains(response, "Scores recomputed for 2 assets: 2 changed.")
        assert all(a.score_history.filter(reason__startswith="Recomputed from the admin by "
                                                              "curator@example.org").exists()
                   for a in assets)
        response = self._run(curator_client, "recompute_score", assets[:1])
        assertContains(response, "Scores recomputed for 1 asset: 0 changed, as nothing "
                                 "behind them had.")


@pytest.mark.django_db
class TestEvidenceAdmin:
    def test_it_shows_imported_evidence_read_only(self, curator_client):
        evidence = make_evidence(make_asset(), origin="catalog", value=5.0)
        url = f"/admin/catalog/evidence/{evidence.pk}/change/"

        response = curator_client.get(url)

        assertContains(response, "5.0")
        assertNotContains(response, 'name="value"')
        assert curator_client.post(url, {"value": "9"}).status_code == 403
        evidence.refresh_from_db()
        assert evidence.value == 5.0

    def test_it_refuses_to_delete_imported_evidence(self, curator_client):
        evidence = make_evidence(make_asset(), origin="catalog")
        url = f"/admin/catalog/evidence/{evidence.pk}/delete/"

        assert curator_client.post(url, {"post": "yes"}).status_code == 403
        response = curator_client.post(
            "/admin/catalog/evidence/",
            {"action": "delete_selected", "_selected_action": [evidence.pk], "post": "yes"},
        )
        assert response.status_code == 403
        assert Evidence.objects.filter(pk=evidence.pk).exists()

    def test_it_lets_a_curator_edit_curated_evidence(self, curator_client):
        evidence = make_evidence(make_asset(), value=5.0, label="Curated signal")
        url = f"/admin/catalog/evidence/{evidence.pk}/change/"
        data = _form_data(curator_client, url)
        data["value"] = ["6.5"]

        response = curator_client.post(url, data)

        assert response.status_code == 302, response.content.decode()[:2000]
        evidence.refresh_from_db()
        assert evidence.value == 6.5
        evidence.asset.refresh_from_db()
        assert evidence.asset.version == 2  # its page shows the evidence


@pytest.mark.django_db
class TestCuratorsGroup:
    def test_it_has_exactly_the_curator_permissions(self):
        perms = Permission.objects.filter(group__name="curators")

        assert {f"{p.content_type.app_label}.{p.codename}" for p in perms} == CURATOR_PERMISSIONS

    def test_it_forbids_the_user_admin(self, curator_client):
        assert curator_client.get("/admin/auth/user/").status_code == 403
        assert curator_client.get("/admin/auth/group/").status_code == 403

    def test_it_lets_a_curator_view_scores_but_not_change_them(self, curator_client):
        asset = _make_assets(2)[1]

        assert curator_client.get("/admin/catalog/score/").status_code == 200
        response = curator_client.get(f"/admin/catalog/score/{asset.pk}/change/")
        assertContains(response, "41.0")
        assertNotContains(response, 'name="rank"')
        assert curator_client.get("/admin/catalog/scorehistory/").status_code == 200


@pytest.mark.django_db
class TestPairNoteAdmin:
    def test_it_stores_the_pair_in_slug_order(self, curator_client, curator):
        zeta, alpha = make_asset("zeta"), make_asset("alpha")

        response = curator_client.post(
            "/admin/comparisons/pairnote/add/",
            {"asset_a": zeta.pk, "asset_b": alpha.pk, "note": "Different jobs."},
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        note = PairNote.objects.get()
        assert (note.asset_a, note.asset_b) == (alpha, zeta)
        assert note.author == curator
        zeta.refresh_from_db()
        assert zeta.version == 2  # the versus page shows the note

    def test_it_rejects_a_pair_of_one_asset(self, curator_client):
        asset = make_asset()

        response = curator_client.post(
            "/admin/comparisons/pairnote/add/",
            {"asset_a": asset.pk, "asset_b": asset.pk, "note": "Same."},
        )

        assertContains(response, "pick another asset for B")
        assert not PairNote.objects.exists()

    def test_it_rejects_the_same_pair_in_the_other_order(self, curator_client):
        a, b = make_asset("aa"), make_asset("bb")
        PairNote.objects.create(asset_a=a, asset_b=b, note="First.")

        response = curator_client.post(
            "/admin/comparisons/pairnote/add/", {"asset_a": b.pk, "asset_b": a.pk, "note": "2nd"}
        )

        assertContains(response, "already exists")
        assert PairNote.objects.count() == 1


class TestNameHolderAdmin:
    """Organisation and task names show on cached pages: a rename refreshes them."""

    def test_renaming_an_organisation_refreshes_its_assets(self, curator_client, client):
        org = make_org("Acme Vision Lab", slug="acme")
        asset = make_asset("seg-one", organization=org)
        other = make_asset("unrelated")
        assert b"Acme Vision Lab" in client.get("/assets/seg-one/").content

        response = curator_client.post(
            f"/admin/catalog/organization/{org.pk}/change/",
            {"name": "Zenith Robotics", "slug": "acme", "url": ""},
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        asset.refresh_from_db()
        other.refresh_from_db()
        assert (asset.version, other.version) == (2, 1)
        assert b"Zenith Robotics" in curator_client.get("/assets/seg-one/").content

    def test_renaming_a_task_refreshes_its_assets(self, curator_client):
        task = make_task("depth-estimation", name="Depth estimation")
        asset = make_asset("depth-one", tasks=[task])
        response = curator_client.post(
            f"/admin/catalog/task/{task.pk}/change/",
            {"name": "Monocular depth", "slug": "depth-estimation", "modality": task.modality},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        asset.refresh_from_db()
        assert asset.version == 2
