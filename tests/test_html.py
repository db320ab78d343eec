"""Every page type is well-formed HTML5: no parse errors under the HTML5 parsing algorithm
(html5lib, strict), one <h1>, unique ids, and labels that point at fields that exist."""

from __future__ import annotations

import json
import re

import html5lib
import pytest
from django.utils import timezone

from catalog.models import Asset, Score
from comparisons.models import CoMatch
from tests.comparisons.test_versus import make_pair, make_score
from tests.factories import make_asset, make_evidence

pytestmark = pytest.mark.django_db

PAGES = [
    "/", "/assets/", "/assets/?kind=model&sort=rank", "/assets/alpha-seg/",
    "/compare/alpha-seg-vs-beta-seg/", "/compare/alpha-seg-vs-stack/", "/compare/",
    "/compare/?a=alpha-seg&b=nothing-like-it", "/search/?q=segmentation", "/search/?q=zzzzqq",
    "/methodology/", "/no/such/page/",
]


@pytest.fixture
def catalog_pages():
    alpha, beta = make_pair(caps=12)
    stack = make_asset("stack", name="The Stack", kind=Asset.Kind.DATASET)
    make_score(stack, 50.0)
    miou = make_evidence(alpha, dimension="quality", name="ade20k_miou", label="ADE20K mIoU",
                         value=50.3, unit="%")
    Score.objects.filter(asset=alpha).update(percentiles=json.dumps({miou.pk: 80.0}))
    CoMatch.objects.create(asset_a=alpha, asset_b=beta, weight=2, last_seen=timezone.now())


def _errors(body: str) -> list[str]:
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(body)
    return [f"line {line}, col {col}: {code} {data or ''}"
            for (line, col), code, data in parser.errors]


def test_the_check_finds_what_a_validator_would():
    assert _errors("<!doctype html><html><head><title>x</title></head><body><p><b>x</p></i>")
    assert _errors("<!doctype html><title>x</title><p id=a id=b>x</p>")
    assert not _errors("<!doctype html><html lang=en><head><title>x</title></head><body></body>")


@pytest.mark.parametrize("path", PAGES)
def test_the_page_is_valid_html(client, catalog_pages, path):
    r = client.get(path)
    assert r.status_code in (200, 400, 404), path
    body = r.content.decode()
    assert body.startswith("<!doctype html>"), path
    assert _errors(body) == [], path
    assert len(re.findall(r"<h1[ >]", body)) == 1, path
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', body):
        assert target in ids, (path, target)


@pytest.mark.parametrize("path, current", [
    ("/assets/", "Browse"), ("/compare/", "Compare"),
    ("/compare/alpha-seg-vs-beta-seg/", "Compare"), ("/methodology/", "Methodology"),
    ("/", None), ("/search/?q=segmentation", None),
])
def test_the_menu_marks_the_section_the_page_is_in(client, catalog_pages, path, current):
    menu = client.get(path).content.decode().split('aria-label="Main"', 1)[1].split("</nav>")[0]
    marked = re.findall(r'aria-current="page">([^<]+)<', menu)
    assert marked == ([current] if current else []), path
