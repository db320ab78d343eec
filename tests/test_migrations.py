"""The migrations describe the models: a model change without its migration fails here."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations --check exited {exit_.code}:\n{out.getvalue()}")


@pytest.mark.django_db
def test_postgresql_knows_ten_times_the_search_words():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the statistics target is PostgreSQL's (migration 0033)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute "
            "WHERE attrelid = 'catalog_search_doc'::regclass "
            "AND attname IN ('document', 'head', 'pairs') ORDER BY attname")
        assert cursor.fetchall() == [("document", 1000), ("head", 1000), ("pairs", 1000)]


@pytest.mark.django_db
def test_migrations_writing_entries_leave_none_pending():
    """On PostgreSQL every search reads the entries a GIN index holds pending: migration
    0035 merges those already pending, and those writing entries again merge theirs."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from catalog.migrations._sql import reindex_everything
    from catalog.search import merge_pending
    from tests.factories import make_asset

    if connection.vendor != "postgresql":
        pytest.skip("GIN's pending list is PostgreSQL's")
    for i in range(20):
        make_asset(f"a{i}", name=f"Asset {i}", summary="Segments images of indoor scenes.")
    merging = importlib.import_module("catalog.migrations.0035_search_gin_pending_lists")
    merging.Migration.operations[0].code(apps, _Editor())
    assert merge_pending() == [0, 0, 0]
    make_asset("more", name="More", summary="Detects objects in photographs.")
    reindex_everything().code(apps, _Editor())
    assert merge_pending() == [0, 0, 0]


class _Editor:
    """What a migration's operation asks of a schema editor."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)


def _written_again(module: str, select: str, ids: set[int], unfound: str) -> None:
    """Run migration `module`'s operation on the assets as they were before it: its
    selection (the function `select`) names `ids`, whose entries are gone from the index
    (`unfound` finds none of them), then written again by the operation."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from catalog import search as catalog_search

    migration = importlib.import_module(f"catalog.migrations.{module}")
    assert set(getattr(migration, select)(apps, connection.alias)) == ids
    catalog_search.remove_assets(ids)
    assert catalog_search.search(unfound) == []
    migration.Migration.operations[0].code(apps, _Editor())


@pytest.mark.django_db
def test_entries_holding_a_sign_are_written_again():
    """Migration 0034 writes again the entries of the assets whose texts or languages hold a
    "#", so that "c#" finds those written before it, and only those."""
    from catalog import search as catalog_search
    from tests.factories import make_asset, make_capability

    said = make_asset("said", name="Snippets", summary="Functions in C#.")
    covering = make_asset("covering", name="Coder", summary="Code.", languages=["c#-Code"])
    capable = make_asset("capable", name="Porter", summary="Ports code.")
    make_capability(capable, title="Translation", description="From F# to Python.")
    make_asset("plain", name="Plain", summary="Nothing of the kind.")
    signed = {said.pk, covering.pk, capable.pk}
    _written_again("0034_search_signed_language_names", "_holding_a_sign", signed, "c# ")
    assert {r.asset.pk for r in catalog_search.search("c# ")} == {said.pk, covering.pk}
    assert [r.asset.pk for r in catalog_search.search("f# ")] == [capable.pk]


@pytest.mark.django_db
def test_entries_of_assets_covering_a_cased_language_name_are_written_again():
    """Migration 0037 writes again the entries of the assets covering a language whose name
    changes case within a word ("JavaScript"), so that "javascript" finds those written
    before it, and only those."""
    from catalog import search as catalog_search
    from tests.factories import make_asset

    covering = make_asset("js", name="Web code", summary="Functions.",
                          languages=["eng-Latn", "javascript-Code"])
    typed = make_asset("ts", name="Typed code", summary="Functions.",
                       languages=["typescript-Code"])
    make_asset("py", name="Python code", summary="Functions.", languages=["python-Code"])
    make_asset("plain", name="Plain", summary="Nothing of the kind.")
    cased = {covering.pk, typed.pk}
    _written_again("0037_search_language_names_whole", "_covering_a_cased_name", cased,
                   "javascript ")
    assert [r.asset.pk for r in catalog_search.search("javascript ")] == [covering.pk]
    assert [r.asset.pk for r in catalog_search.search("typescript ")] == [typed.pk]


@pytest.mark.django_db
def test_entries_of_assets_named_for_speech_are_written_again():
    """Migration 0044 writes again the entries of the assets whose names hold a word that
    stands for a speech task ("tts", "transcribe"), so that the task's words find those
    written before it, and only those."""
    from catalog import search as catalog_search
    from tests.factories import make_asset

    voice = make_asset("tts-1", name="tts-1", summary="An API model.")
    heard = make_asset("gpt-transcribe", name="gpt-transcribe", summary="An API model.")
    glued = make_asset("chat-tts", name="ChatTTS", summary="A model library.")
    make_asset("plain", name="Plain", summary="An API model for images.")
    named = {voice.pk, heard.pk, glued.pk}
    _written_again("0044_search_speech_names", "_named_for_speech", named, "text to speech")
    # Each holds the three words; those holding them in the order typed come first.
    spoken = [r.asset.pk for r in catalog_search.search("text to speech")]
    assert set(spoken[:2]) == {voice.pk, glued.pk} and spoken[2:] == [heard.pk]
    assert [r.asset.pk for r in catalog_search.search("speech to text")][0] == heard.pk


@pytest.mark.django_db
def test_entries_of_apis_listing_no_task_named_for_images_are_written_again():
    """Migration 0045 writes again the entries of the APIs listing no task whose names hold
    "image", so that "image generation" finds those written before it, and only those."""
    from catalog import search as catalog_search
    from catalog.models import Asset
    from tests.factories import make_asset, make_task

    api = Asset.Kind.API
    drawn = make_asset("gpt-image-1", name="GPT Image 1", kind=api, summary="An API model.")
    glued = make_asset("gpt-5-image", name="gpt-5-image", kind=api, summary="An API model.")
    make_asset("tagger", name="Image Tagger", kind=api, summary="An API model.",
               tasks=[make_task("image-classification", name="Image classification")])
    make_asset("image-model", name="Image Model", summary="A model.")
    make_asset("plain", name="Plain", kind=api, summary="An API model.")
    named = {drawn.pk, glued.pk}
    _written_again("0045_search_image_api_names", "_untasked_apis_named_for_images", named,
                   "generation")
    assert {r.asset.pk for r in catalog_search.search("image generation")
            if r.all_terms} == named


@pytest.mark.django_db
def test_entries_of_text_generators_are_written_again():
    """Migration 0046 writes again the entries of the assets listing text generation, so that
    "chatbot" (another name of the task) finds those written before it, and only those."""
    from catalog import search as catalog_search
    from tests.factories import make_asset, make_task

    task = make_task("text-generation", name="Text generation")
    llm = make_asset("llm", name="Talker", summary="A model.", tasks=[task])
    lib = make_asset("lib", name="Runner", summary="A library.", tasks=[task])
    make_asset("plain", name="Plain", summary="A model for images.")
    named = {llm.pk, lib.pk}
    _written_again("0046_search_chatbot", "_generating_text", named, "talker")
    assert {r.asset.pk for r in catalog_search.search("chatbot")} == named
