from __future__ import annotations

import gzip
import html
import importlib
import json
import re
from datetime import UTC, date, datetime

import pycountry
import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog import licences, querytext
from catalog import search as catalog_search
from catalog.models import Asset, Capability, Score
from catalog.search import STEMMERS, closest_names, search
from tests.catalog.test_load_catalog import load, record, write
from tests.factories import make_asset, make_capability, make_org, make_task

pytestmark = pytest.mark.django_db

# A query whose last word may still be being typed ("vision", no space after it) is a prefix
# search; on PostgreSQL one more statement spells the prefix out as the words it starts.
PREFIX_QUERIES = 1 if connection.vendor == "postgresql" else 0

BAD_INPUTS = [
    "", "   ", "\t\n", '"', '"unbalanced', '"balanced quotes"', "AND", "OR", "NOT", "-", "*",
    "a AND b OR NOT c", "seg*", "-segmentation", 'NEAR(a b)', "name:segformer", "^x", "{a b}",
    "'; DROP TABLE catalog_asset; --", "1=1 OR 'a'='a'", "<script>alert(1)</script>", "&amp;",
    "🦄", "segment 🦄 scenes", "שלום עולם", "مرحبا", "\u202eevil", "a\x00b", "\x00", "x" * 10_000,
    "segment " * 2000, "ǅ ﬁ Å", "(", ")", ":", "a:*", "a & b | !c", "\\", "%", "_",
]


def _highlight(text: str, n: querytext.Normalised, stemmer: str
               ) -> tuple[list[tuple[str, bool]], set[str]]:
    """`text` cut into parts as a result shows it, its matched words flagged
    (catalog.search._parts() of its _word_hits()), and the terms that matched."""
    hits = catalog_search._word_hits(text, n, stemmer)
    return catalog_search._parts(text, hits), {hit[2] for hit in hits}


def _score(asset: Asset, rank: float) -> Score:
    return Score.objects.create(
        asset=asset, rank=rank, coverage=1.0, provisional=False,
        computed_at=datetime(2026, 1, 1, tzinfo=UTC), formula_version="test",
    )


def _tasks_read() -> None:
    """Read the tasks, as the search page does before every search: search() reads them
    once per data generation (tasks_named()), a query more than a count made after the
    page's would see."""
    catalog_search.tasks()


def _named(q: str) -> set[int]:
    """The ids of the tasks the words `q` name."""
    return set(catalog_search.tasks_named(querytext.normalise(q)))


# Tasks as the bundled catalog names them, by slug.
_TASK_NAMES = {
    "image-to-image": "Image-to-image generation", "text-to-image": "Text-to-image generation",
    "image-text-to-text": "Image and text to text", "image-to-text": "Image captioning",
    "summarization": "Summarisation", "automatic-speech-recognition": "Speech recognition",
    "text-to-speech": "Text to speech", "image-classification": "Image classification",
    "classification": "Classification evaluation", "text-generation": "Text generation",
    "embedding": "Embeddings", "object-detection": "Object detection",
}


def _made(*slugs: str) -> list[int]:
    """The ids of these tasks (_TASK_NAMES), made."""
    return [make_task(slug, name=_TASK_NAMES[slug]).id for slug in slugs]


def _names(results) -> list[str]:
    return [r.asset.name for r in results]


def _full(results) -> list[str]:
    """The names of the results holding every term: they come first (search())."""
    flags = [r.all_terms for r in results]
    assert flags == sorted(flags, reverse=True)
    return [r.asset.name for r in results if r.all_terms]


class TestBaseKey:
    @pytest.mark.parametrize("name, key", [
        ("GPT-4o (2024-05-13)", "gpt 4o"),
        ("Codey PaLM-2 (Bison)", "codey palm 2"),
        ("Llama 3.1 Instruct (8B) ", "llama 3 1 instruct"),
        ("Model (a) (b)", "model a"),
        ("GPT-4o", ""),
        ("(beta)", ""),
        ("Mixtral (8x7B) Instruct", ""),
    ])
    def test_it_is_the_name_without_the_qualifier_that_ends_it(self, name, key):
        assert catalog_search.base_key(name) == key


class TestSearch:
    def test_it_finds_assets_by_capability_text(self):
        seg = make_asset("segmenter")
        make_capability(seg, title="Image segmentation", description="Labels every pixel.")
        other = make_asset("classifier")
        make_capability(other, title="Image classification", description="One label.")
        results = search("pixel")
        assert _names(results) == ["segmenter"]
        assert results[0].capabilities[0].title == "Image segmentation"
        assert ("pixel", True) in results[0].snippet

    def test_it_stems_like_the_database(self):
        seg = make_asset("segmenter")
        make_capability(seg, title="Image segmentation", description="Scenes, indoors.")
        results = search("segment scene ")
        assert _names(results) == ["segmenter"]
        assert results[0].capabilities[0].title_parts == [("Image ", False), ("segmentation", True)]

    def test_it_puts_an_exact_name_match_first(self):
        for i in range(3):
            a = make_asset(f"resnet-variant-{i}", name=f"ResNet variant {i}",
                           summary="ResNet ResNet ResNet backbone.")
            make_capability(a, title="ResNet", description="ResNet, a ResNet.")
        make_asset("resnet", name="ResNet", summary="A model.")
        assert _names(search("resnet"))[0] == "ResNet"

    def test_a_name_with_a_qualifier_in_brackets_comes_after_the_exact_name(self):
        make_asset("gpt-4o-2024", name="GPT-4o (2024-05-13)", summary="A chat model.")
        make_asset("gpt-4o-ish", name="gpt-4o-ish", summary="GPT-4o, GPT-4o, GPT-4o.")
        make_asset("gpt-4o", name="GPT-4o", summary="A chat model.")
        results = search("gpt-4o")
        assert _names(results) == ["GPT-4o", "GPT-4o (2024-05-13)", "gpt-4o-ish"]
        # Only the whole name is labelled an exact name.
        assert [r.exact for r in results] == [True, False, False]
        # Typed in full, the name with its qualifier is the exact name.
        results = search("GPT-4o (2024-05-13)")
        assert _names(results)[0] == "GPT-4o (2024-05-13)" and results[0].exact

    def test_a_renamed_asset_loses_its_place_by_its_old_name(self):
        old = make_asset("llama-3-8b", name="Llama 3 (8B)", summary="A language model.")
        make_asset("llama-3-vision", name="Llama 3 vision", summary="Llama 3, Llama 3.")
        assert _names(search("llama 3"))[0] == "Llama 3 (8B)"
        old.name = "Herd (8B)"
        old.save()
        # Still found (its external id holds the words), no longer first.
        assert _names(search("llama 3"))[0] == "Llama 3 vision"
        assert _names(search("herd"))[0] == "Herd (8B)"

    def test_a_qualifier_leaves_out_what_filters_leave_out(self):
        make_asset("phi-3-data", name="Phi 3 (data)", kind=Asset.Kind.DATASET, summary="Text.")
        make_asset("phi-3-mini", name="Phi 3 (mini)", summary="A small model.")
        assert _names(search("phi 3", kind="model")) == ["Phi 3 (mini)"]
        assert _names(search("phi 3 -mini")) == ["Phi 3 (data)"]

    def test_it_orders_by_relevance_before_rank(self):
        strong = make_asset("strong", name="Depth estimator", summary="Depth from one image.")
        make_capability(strong, title="Depth estimation", description="Estimates depth.")
        weak = make_asset("weak", name="Generalist", summary="Also does depth, among others.")
        _score(weak, 95.0)
        _score(strong, 10.0)
        assert _names(search("depth")) == ["Depth estimator", "Generalist"]

    def test_a_word_in_the_name_outweighs_the_same_word_said_often_in_the_text(self):
        # Relevance grows less and less with each repeat of a word (bm25 on SQLite,
        # ts_rank on PostgreSQL; ts_rank_cd counted every repeat in full).
        make_asset("named", name="Depth Pro", summary="A model from Apple.")
        often = make_asset("often", name="Survey", summary="Depth maps, depth sensors, depth "
                           "cues, depth order, depth of field, depth bins, depth priors.")
        make_capability(often, title="Depth estimation", description="Estimates depth.")
        assert _names(search("depth "))[0] == "Depth Pro"

    def test_it_breaks_near_ties_by_rank(self):
        low = make_asset("twin-low", name="Twin", summary="Audio tagging model.")
        high = make_asset("twin-high", name="Twin", summary="Audio tagging model.")
        unranked = make_asset("twin-none", name="Twin", summary="Audio tagging model.")
        _score(low, 20.0)
        _score(high, 80.0)
        assert [r.asset.slug for r in search("audio tagging")] == [
            high.slug, low.slug, unranked.slug
        ]

    def test_a_near_tie_goes_to_the_higher_rank_even_against_the_best_match(self):
        # The same texts, one a few words longer: a little less relevant on both databases.
        for i in range(4):  # other documents, so that the words weigh something
            make_asset(f"other-{i}", summary="Image captioning model.")
        best = make_asset("tight", name="Tight", summary="Audio tagging model.")
        near = make_asset("loose", name="Loose", summary="Audio tagging model, small.")
        _score(best, 20.0)
        _score(near, 80.0)
        results = search("audio tagging")
        rel = {r.asset.name: r.relevance for r in results}
        assert rel["Tight"] > rel["Loose"] > rel["Tight"] * 0.95
        assert _names(results) == ["Loose", "Tight"]

    def test_a_somewhat_longer_document_is_still_a_near_tie(self):
        # The same capability; one asset says a little more about itself, which costs it
        # some relevance: bm25 weighs a document's length against the average (long here),
        # ts_rank() by its logarithm, which spreads relevance wider; each database's band
        # (RELEVANCE_BANDS) keeps this a near-tie, so the better rank comes first on both.
        for i in range(4):
            make_asset(f"long-{i}", name=f"Filler {i}",
                       summary=" ".join(f"word{i}x{j}" for j in range(300)))
        short = make_asset("short", name="Lemon", summary="Runs models on a laptop.")
        make_capability(short, title="Text generation", description="Writes answers.")
        _score(short, 50.0)
        longer = make_asset("longer", name="Big model",
                            summary="An open model from a lab, tuned to follow instructions.")
        make_capability(longer, title="Text generation",
                        description="Writes answers from a prompt.")
        _score(longer, 90.0)
        assert _names(search("text generation "))[:2] == ["Big model", "Lemon"]

    def test_a_near_tie_is_not_lost_behind_more_results_than_are_shown(self):
        for i in range(4):
            make_asset(f"other-{i}", summary="Image captioning model.")
        for i in range(8):
            _score(make_asset(f"tight-{i}", summary="Audio tagging model."), 20.0)
        _score(make_asset("loose", name="Loose", summary="Audio tagging model, small."), 80.0)
        assert _names(search("audio tagging", limit=2))[0] == "Loose"

    def test_a_broad_need_ranks_the_best_ranked_of_its_matches_too(self, monkeypatch):
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            _score(make_asset(f"early-{i}", summary="A widget maker."), 30.0)
        _score(make_asset("late", name="Late", summary="A widget maker."), 90.0)
        # With its last word as typed (a prefix: no space after it), and finished.
        assert _names(search("widget maker"))[0] == "Late"
        assert _names(search("widget maker "))[0] == "Late"
        # Also among the assets holding the words side by side, and for any filters.
        assert _names(search("widget maker", kind="model"))[0] == "Late"

    def test_assets_holding_the_words_in_the_order_typed_come_first(self):
        apart = make_asset("apart", name="Speech corpus",
                           summary="Speech clips, with a text transcript for each.")
        _score(apart, 90.0)
        asr = make_asset("asr", name="Recogniser", summary="Turns speech to text.")
        tts = make_asset("tts", name="Voice", summary="Turns text to speech.")
        assert _names(search("speech to text"))[0] == "Recogniser"
        assert _names(search("text to speech"))[0] == "Voice"
        # The last word of both was taken as a prefix (no space after it); finished or
        # not, and whatever the filters.
        assert _names(search("text to speech "))[0] == "Voice"
        assert _names(search("speech to text", kind=asr.kind))[0] == "Recogniser"
        # A word still being typed is no phrase yet.
        assert set(_names(search("text to spe"))) == {"Speech corpus", "Recogniser", "Voice"}
        # A single word has no order: relevance and rank decide.
        assert set(_names(search("speech"))) == {"Speech corpus", "Recogniser", "Voice"}
        assert tts.slug in [r.asset.slug for r in search("speech text")]

    def test_the_assets_holding_a_phrase_are_candidates_however_many_match(self, monkeypatch):
        # More assets than CANDIDATES hold the words (in their names, which PostgreSQL
        # takes first); the one holding them side by side, only in its summary, still
        # comes first.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            make_asset(f"words-{i}", name=f"Speech and text {i}", summary="Audio.")
        make_asset("phrase", name="Recogniser", summary="Turns speech to text.")
        assert _names(search("speech to text "))[0] == "Recogniser"
        assert _names(search("speech to text"))[0] == "Recogniser"

    def test_each_term_finds_candidates_when_any_term_may_match(self, monkeypatch):
        # No asset holds both words. More assets than CANDIDATES hold the common one, and
        # come first in the index; the one holding the rare word is still ranked.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            make_asset(f"gen-{i}", name=f"Writer {i}", summary="Text generation.")
        make_asset("clips", name="Clipper", summary="Labels clips of video.")
        for typed in ["video generation ", "generation video ", "video generation"]:
            results = search(typed)
            assert "clips" in [r.asset.slug for r in results], typed
            assert len(results) == 1 + 4 // 2, typed  # each word its share of CANDIDATES
            assert results[0].all_terms is False
        if connection.vendor == "sqlite":
            # bm25() weighs the rarer word more (ts_rank() knows no word's rarity).
            assert search("video generation ")[0].asset.slug == "clips"

    def test_the_kinds_the_words_name_come_first(self, django_assert_num_queries):
        bench = make_asset("toolbench", name="ToolBench", kind=Asset.Kind.DATASET,
                           summary="Data for the evaluation of agents.")
        _score(bench, 90.0)
        make_asset("harness", name="Harness", kind=Asset.Kind.TOOL,
                   summary="An evaluation framework.")
        make_asset("scorer", name="Scorer", summary="Evaluation metrics.")  # a model
        # Both hold every word ("tool": ToolBench by its name, Harness by its kind); the
        # tool first, the better ranked dataset after. Then, holding some of the words, the
        # model: not steered, nor found by "tools" alone. No query more.
        _tasks_read()
        with django_assert_num_queries(4):
            results = search("tools for evaluation ")
        assert _full(results) == ["Harness", "ToolBench"]
        assert _names(results) == ["Harness", "ToolBench", "Scorer"]
        assert _full(search("evaluation tools")) == ["Harness", "ToolBench"]
        # A kind chosen decides; a word in quotes steers nowhere.
        assert _full(search("tools for evaluation ", kind=Asset.Kind.DATASET)) == ["ToolBench"]
        assert set(_full(search('"tools" evaluation '))) == {"ToolBench", "Harness"}

    def test_the_current_come_before_the_deprecated_and_superseded(
        self, django_assert_num_queries
    ):
        # The retired ones hold the words more closely (short texts) and rank better.
        old = make_asset("old", name="Vector embedder", summary="Embeds text.",
                         deprecated_in=["crfm-helm"])
        new = make_asset("new", name="Vector embedder two",
                         summary="Embeds text into vectors for search, and much else besides.")
        gone = make_asset("gone", name="Vector embedder one", summary="Embeds text.",
                          successor=new)
        for asset in (old, gone):
            _score(asset, 90.0)
        _tasks_read()
        # (No query more: four, the search for some of the words among them.)
        with django_assert_num_queries(4):
            assert _names(search("vector embedder ")) == [
                "Vector embedder", "Vector embedder two", "Vector embedder one"]
        # The exact name first, as ever; then the current.
        assert _names(search("embeds text ")) == [
            "Vector embedder two", "Vector embedder", "Vector embedder one"]
        Asset.objects.filter(pk=old.pk).update(deprecated_in=[])
        assert _names(search("embeds text "))[0] == "Vector embedder"

    def test_the_assets_of_an_organisation_the_words_name_come_first(
        self, django_assert_num_queries
    ):
        openai = make_org("OpenAI", slug="openai")
        clip = make_asset("clip", name="LLM2CLIP-Openai-B-16", summary="An embedding model.",
                          organization=make_org("microsoft", slug="microsoft"))
        _score(clip, 90.0)
        make_asset("te3", name="text-embedding-3-small", kind=Asset.Kind.API,
                   summary="An embedding model.", organization=openai)
        _tasks_read()
        with django_assert_num_queries(3):  # no query more
            assert _full(search("OpenAI embedding ", limit=2)) == [
                "text-embedding-3-small", "LLM2CLIP-Openai-B-16"]
        assert _full(search("embedding openai"))[0] == "text-embedding-3-small"
        # By its slug, its words apart, and a run of the words typed.
        meta = make_org("Meta", slug="meta-llama")
        make_asset("guard", name="Meta Llama guard", summary="Keeps chats safe.", licence="mit")
        make_asset("llama", name="Llama 3", summary="Writes text; a meta llama.",
                   organization=meta, licence="mit")
        assert _full(search("meta llama mit "))[0] == "Llama 3"
        # A kind named as well counts too: the API by OpenAI before the model by another.
        assert _full(search("openai embedding model "))[0] == "text-embedding-3-small"
        # A word naming a licence names no organisation: the asset under the MIT licence
        # holds every word, the MIT's only the others (its maker's name is no match,
        # makers_apart()).
        make_asset("ast", name="AST", summary="Audio tagging.", licence="apache-2.0",
                   organization=make_org("MIT", slug="mit"))
        make_asset("tagger", name="Tagger", summary="Audio tagging.", licence="mit")
        results = search("mit audio tagging ")
        assert _full(results) == ["Tagger"]
        assert _names(results)[:2] == ["Tagger", "AST"]

    def test_the_assets_of_a_task_the_words_name_come_first(self, django_assert_num_queries):
        generation = make_task("text-generation", name="Text generation")
        embedding = make_task("embedding", name="Embeddings")
        # An embedding model named for LLMs, better ranked and saying "code" more often.
        _score(make_asset("c2llm", name="C2LLM", tasks=[embedding],
                          summary="Code embeddings for code search over code."), 90.0)
        make_asset("starcoder", name="StarCoder", tasks=[generation], summary="Writes code.")
        make_asset("ranker", name="Code ranker", tasks=[embedding], summary="Ranks code.")
        _tasks_read()
        # Ranking, then those holding some of the words; the assets; their capabilities.
        with django_assert_num_queries(4):  # no query more
            assert _full(search("llm for coding ")) == ["StarCoder", "C2LLM"]
        # "LLM" is one of the task's other names; its name, and words stemming alike, too.
        assert _full(search("llm "))[0] == "StarCoder"
        assert _full(search("coding with large language models "))[0] == "StarCoder"
        assert _full(search("code text generation "))[0] == "StarCoder"
        # Words joined by "or" steer too; not words in quotes.
        assert _full(search("llm or ranker "))[0] == "StarCoder"
        assert _full(search('"llm" coding ')) == ["C2LLM", "StarCoder"]
        # In the search for some of the words too (nothing holds "ranker" and "llm").
        names = _names(search("llm ranker "))
        assert names.index("StarCoder") < names.index("C2LLM")

    def test_in_the_search_for_some_words_more_of_them_come_before_a_task_named(self):
        embedding = make_task("embedding", name="Embeddings")
        generation = make_task("text-generation", name="Text generation")
        _score(make_asset("llm2vec", name="LLM2Vec chat", tasks=[embedding],
                          summary="Embeds chat turns with an llm."), 90.0)
        make_asset("chatter", name="Chatter", tasks=[generation], summary="Chats.")
        # Nothing holds "small": of those holding "llm" and "chat", the LLM first.
        assert _names(search("small llm for chat "))[:2] == ["Chatter", "LLM2Vec chat"]
        # But those holding more of the words come before those listing the task named.
        make_asset("legal", name="Legal reader", tasks=[generation],
                   summary="Embeddings of legal texts.")
        make_asset("embedder", name="Embedder", tasks=[embedding], summary="Embeds texts.")
        results = search("embeddings for legal contracts ")  # nothing holds "contracts"
        assert not results[0].all_terms
        assert _names(results)[0] == "Legal reader"
        assert set(_names(results)[1:]) == {"Embedder", "LLM2Vec chat"}

    def test_a_task_named_within_a_longer_task_name_steers_nowhere(self):
        classification = make_task("classification", name="Classification evaluation")
        images = make_task("image-classification", name="Image classification")
        _score(make_asset("bench", name="Image set", kind=Asset.Kind.DATASET,
                          tasks=[classification], summary="Small image classification set."),
               90.0)
        make_asset("vit", name="ViT", tasks=[images], summary="Small image classification.")
        # "image classification" names the second task: its model first, though the dataset
        # is ranked better and lists the task that "classification" alone would name.
        assert _full(search("small image classification ")) == ["ViT", "Image set"]
        # So does the last word while it is typed, once past its stem ("classif").
        assert _full(search("small image classifi")) == ["ViT", "Image set"]
        assert _full(search("small classification ")) == ["Image set", "ViT"]

    def test_a_task_spelt_with_a_word_twice_is_named_only_by_both(self):
        editing, painting, both, captioning, summaries, speech = _made(
            "image-to-image", "text-to-image", "image-text-to-text", "image-to-text",
            "summarization", "automatic-speech-recognition")
        # "image" once is no "image to image", which its terms hold once as well.
        assert _named("image ") == _named("find an image ") == set()
        assert _named("image to image ") == _named("image-to-image editing ") == {editing}
        # Nor is "image generation" the name of the first task, which says "image" twice.
        assert _named("image generation ") == {painting}
        assert _named("image to text ") == {captioning}
        assert _named("image and text to text ") == {both}
        # A verb's task name and a word's other spelling still name with the words typed.
        assert _named("text summarization ") == _named("summarisation ") == {summaries}
        assert _named("transcribe interviews ") == {speech}

    def test_a_direction_named_with_from_names_it_as_with_to(self):
        painting, captioning, speaking, listening = _made(
            "text-to-image", "image-to-text", "text-to-speech", "automatic-speech-recognition")
        # What comes from what, either way it is said: not the task its words spell in the
        # order typed ("images ... text": image to text).
        assert _named("images from text ") == _named("text to images ") == {painting}
        assert _named("generate images from text prompts ") == {painting}
        assert _named("text from images ") == _named("image to text ") == {captioning}
        assert _named("generate text from an image ") == {captioning}
        assert _named("speech from text ") == {speaking}
        assert _named("text from speech ") == {listening}
        # Only words that name a direction turn: "features from images" is no "images to
        # features", nor "models from google" anything.
        features = make_task("feature-extraction", name="Feature extraction").id
        _tasks_read()
        assert _named("extract features from images ") == {features}
        assert _named("models from google ") == set()

    def test_a_verb_and_the_word_it_acts_on_name_a_task_named_the_other_way_round(self):
        (images, classification, generation, painting, embeddings, detection, listening,
         captioning) = _made(
            "image-classification", "classification", "text-generation", "text-to-image",
            "embedding", "object-detection", "automatic-speech-recognition", "image-to-text")
        assert _named("classify images ") == _named("classify the images of plants ") == {
            images}
        assert _named("generate text ") == {generation}
        # "image generation", another name of text to image.
        assert _named("generate images ") == {painting}
        assert _named("detect objects ") == {detection}
        assert _named("recognize speech ") == {listening}
        assert _named("caption images ") == {captioning}
        # The words in the order typed first: "image generation" in a longer need is text
        # to image, not "generation text" taken the other way round.
        assert _named("image generation text prompts ") == {painting}
        # A word right before another begins a compound: what the verb acts on is "text
        # embeddings", not text.
        assert _named("generate text embeddings ") == {embeddings}
        # A word alone names as before.
        assert _named("classify reviews ") == {classification}
        assert _named('classify "images" ') == {classification}

    def test_a_task_name_being_typed_names_it_once_past_its_stem(self):
        generation = make_task("text-generation", name="Text generation").id
        embeddings = make_task("embedding", name="Embeddings").id
        summaries = make_task("summarization", name="Summarisation").id
        # Typed past the stem ("gener", "embed"), the word is searched as the one it starts.
        assert _named("text generati") == _named("text gener") == {generation}
        assert _named("embeddin") == {embeddings}
        # Either way it is spelt, though a word being typed is not given its other spelling.
        assert _named("summarizatio") == _named("summarisatio") == {summaries}
        # Past all of it but the e an ending drops ("mining": mine).
        mining = make_task("bitext-mining", name="Bitext mining").id
        assert _named("bitext minin") == {mining}
        # Not before: "text gen" may become "text genomics".
        assert _named("text gen") == _named("text ge") == set()
        # Only the last word, while typed: nor a word finished, nor one in quotes.
        assert _named("text generati ") == _named('"text generati"') == set()
        assert _named("text generati models ") == set()

    def test_a_task_named_beside_a_kind_steers_within_the_kind(self):
        # The task of the datasets that evaluate retrieval is "retrieval" by its slug.
        evaluation = make_task("retrieval", name="Retrieval evaluation")
        _score(make_asset("passages", name="Dense retrieval", kind=Asset.Kind.DATASET,
                          tasks=[evaluation], summary="Dense retrieval, for a model to find."),
               90.0)
        make_asset("finder", name="Finder", summary="Finds passages by dense retrieval, quickly.")
        # The model first: the dataset is of the task, but not of the kind, named.
        assert _full(search("dense retrieval model ")) == ["Finder", "Dense retrieval"]

    def test_fine_tunes_are_asked_for_in_one_word_or_two(self):
        make_asset("tuned", name="llama-chat-tuned", kind=Asset.Kind.FINE_TUNE,
                           summary="Chats in Welsh.")
        other = make_asset("other", name="bert-ner", kind=Asset.Kind.FINE_TUNE,
                           summary="Tags names.")
        _score(other, 90.0)
        make_asset("llama", name="Llama 3", summary="Writes text.")
        _score(make_asset("llama-tool", name="llama-runner", kind=Asset.Kind.TOOL,
                          summary="Runs models."), 80.0)
        # Every fine-tune is found by the kind written as one.
        assert set(_full(search("finetuned "))) == {"llama-chat-tuned", "bert-ner"}
        assert _full(search("llama finetunes ")) == ["llama-chat-tuned"]
        # The fine-tune first; then those holding the other word, not every fine-tune
        # holding "fine tune" (its kind), however well ranked.
        for q in ["fine tune llama ", "fine-tuned llama ", "llama finetune "]:
            results = search(q)
            assert _full(results) == ["llama-chat-tuned"], q
            assert set(_names(results)[1:]) == {"llama-runner", "Llama 3"}, q
        # Nothing of the kind holds the word: those that do, and no fine-tune.
        assert "bert-ner" not in _names(search("fine tune runner "))

    def test_those_saying_the_opposite_of_a_direction_come_after(
            self, django_assert_num_queries):
        make_asset("painter", name="Painter", summary="Text to image.")
        make_asset("captioner", name="Captioner", summary="Image to text: writes captions.")
        make_asset("both", name="Both ways", summary="Text to image, and image to text.")
        # (A longer text: bm25() alone ranks it after the painter.)
        make_asset("reader", name="Reader", summary="Reads an image and writes what it sees "
                   "as text, in many languages and many styles, short or long.")
        search("image text ")  # (the tasks, remembered)
        # No query more: every word, some of them (fewer than 20 hold every word), the
        # assets and their capabilities.
        with django_assert_num_queries(4):
            found = _full(search("image to text "))
        assert found[2:] == ["Reader", "Painter"] and set(found[:2]) == {"Captioner", "Both ways"}
        found = _full(search("text to image model "))
        assert found[2:] == ["Reader", "Captioner"] and set(found[:2]) == {"Painter", "Both ways"}
        # The phrase in quotes leaves them out, as before; no direction, no order of it.
        assert set(_full(search('"image to text" '))) == {"Captioner", "Both ways"}
        assert set(_full(search("image text "))) == {"Painter", "Captioner", "Both ways", "Reader"}

    def test_c_plus_plus_finds_what_says_it_or_cpp(self):
        make_asset("llama-cpp", name="llama.cpp", kind=Asset.Kind.TOOL, summary="Runs models.")
        coded = make_asset("coded", name="Code pairs", kind=Asset.Kind.DATASET,
                           summary="Functions and their docs.")
        make_capability(coded, title="Languages", description="Covers 2 languages: C++ code "
                        "and Python code.")
        make_asset("cmed", name="CMedQA", kind=Asset.Kind.DATASET, summary="Medical questions.")
        make_asset("c-lib", name="A C library", kind=Asset.Kind.LIBRARY, summary="In C.")
        assert set(_names(search("c++ "))) == {"llama.cpp", "Code pairs"}
        assert _full(search("c++ code ")) == ["Code pairs"]
        assert "A C library" in _names(search("c "))
        # Marked as written, where it is written with its sign.
        coded_result = next(r for r in search("c++ ") if r.asset.slug == "coded")
        assert ("C++", True) in coded_result.snippet

    def test_c_sharp_finds_what_covers_it_by_name_not_what_says_c(self):
        covering = make_asset("coded", name="Code embedder", summary="Embeds code.",
                              languages=["python-Code", "c#-Code"])
        said = make_asset("said", name="Snippets", kind=Asset.Kind.DATASET,
                          summary="Functions written in C# and in Python.")
        make_asset("cmed", name="CMedQA", kind=Asset.Kind.DATASET, summary="Medical questions.")
        make_asset("other", name="Python only", summary="Embeds code.",
                   languages=["python-Code"])
        results = search("c# ")
        assert set(_names(results)) == {"Code embedder", "Snippets"}
        by_slug = {r.asset.slug: r for r in results}
        # The language its page may not name, said and marked; the summary's word marked.
        assert by_slug[covering.slug].language_parts == [
            ("C#", True), (" code, among its 2 languages", False)]
        assert ("C#", True) in by_slug[said.slug].snippet
        assert _full(search("c# code ")) == ["Code embedder"]
        assert _names(search("f# ")) == []

    def test_a_programming_language_written_in_one_word_is_found_whole(self):
        # "JavaScript" is one word: found by "javascript", not by "java" or "script".
        make_asset("js", name="Web snippets", kind=Asset.Kind.DATASET, summary="Functions.",
                   languages=["javascript-Code", "typescript-Code"])
        make_asset("java", name="Class files", kind=Asset.Kind.DATASET, summary="Functions.",
                   languages=["java-Code"])
        for q in ("javascript", "javascript ", "typescript"):
            assert _names(search(q)) == ["Web snippets"], q
        assert _full(search("JavaScript functions")) == ["Web snippets"]
        # (Typed "java", the last word may still be being typed: "javascript".)
        assert _names(search("java ")) == ["Class files"]
        assert _names(search("script ")) == []
        result = search("javascript")[0]
        assert result.language_parts == [
            ("JavaScript", True), (" code, among its 2 languages", False)]

    def test_a_language_covered_is_found_by_name_however_many_others(
            self, django_assert_num_queries):
        # Its page names eight of its languages (the first, by name); the search all of
        # those people name a need by.
        covered = ["afr-Latn", "amh-Ethi", "ara-Arab", "ben-Beng", "deu-Latn", "eng-Latn",
                   "fra-Latn", "hin-Deva", "jpn-Jpan", "kor-Hang", "swh-Latn", "yor-Latn",
                   "bcq-Ethi"]
        make_asset("wide", name="Wide embedder", summary="Embeddings.", languages=covered)
        make_asset("sw", name="Kiswahili set", kind=Asset.Kind.DATASET,
                   summary="News in Swahili.", languages=["swh-Latn"])
        make_asset("other", name="Other embedder", summary="Embeddings.",
                   languages=["eng-Latn"])
        search("embeddings ")  # (the tasks, remembered)
        search("swahili embeddings ")  # (the words naming languages, remembered)
        # Every word; the other words in what covers the language; some of the words; the
        # assets (their languages with them) and their capabilities.
        with django_assert_num_queries(5):
            results = search("swahili embeddings ")
        assert _full(results) == ["Wide embedder"]
        assert results[0].language_parts == [
            ("Swahili", True), (", among its 13 languages", False)]
        assert set(_names(search("swahili "))) == {"Wide embedder", "Kiswahili set"}
        # The set's own text says it: not twice.
        set_result = next(r for r in search("swahili ") if r.asset.slug == "sw")
        assert set_result.language_parts == []
        # Words of a language typed in part, as it is being typed.
        assert "Wide embedder" in _names(search("yoru"))
        # Bench (bcq) is a language too, known to few: the word finds nothing by it.
        assert _names(search("bench ")) == []
        # A variety is found by its language, not by the word telling which.
        make_asset("ar", name="Arabic set", kind=Asset.Kind.DATASET, summary="News.",
                   languages=["arb-Arab", "ell-Grek"])
        assert "Arabic set" in _names(search("arabic "))
        assert _names(search("standard ")) == [] and _names(search("modern ")) == []
        greek = next(r for r in search("greek ") if r.asset.slug == "ar")
        assert greek.language_parts == [
            ("Modern ", False), ("Greek", True), (", among its 2 languages", False)]
        # Not the names of every language of an asset covering more than SPOKEN_MAX: they
        # would weigh it down for every other word. Named alone, it is found by what it
        # covers, after those saying the language.
        many = [f"{found.alpha_3}-Latn" for found in pycountry.languages
                if hasattr(found, "alpha_2") and found.alpha_3 != "swa"]
        many = many[:catalog_search.SPOKEN_MAX]
        make_asset("all", name="All embedder", summary="Embeddings.",
                   languages=[*many, "swh-Latn"])
        assert _names(search("swahili "))[2:] == ["All embedder"]
        assert "All embedder" in _names(search("embeddings "))
        # With other words, it is found by what it covers, after those saying the
        # language, and says so.
        results = search("swahili embeddings ")
        assert _full(results) == ["Wide embedder", "All embedder"]
        assert results[1].language_parts == [
            ("Swahili", True), (", among its 51 languages", False)]
        assert _full(search("embeddings swahili ")) == ["Wide embedder", "All embedder"]
        # Not when the language is chosen, in quotes or one of words joined by "or".
        assert _full(search("swahili embeddings ", language="swh")) == ["Wide embedder"]
        assert "All embedder" not in _full(search('"swahili embeddings" '))
        assert "All embedder" not in _full(search('"swahili" embeddings '))
        assert "All embedder" not in _full(search("swahili or yoruba embeddings "))
        assert "All embedder" not in _full(search("swahili embeddings -swahili "))

    def test_a_language_named_alone_finds_what_covers_it_best_ranked_first(
            self, django_assert_num_queries):
        # Assets covering more languages than the index names (SPOKEN_MAX), Malagasy and
        # Scottish Gaelic among them: found by the language's name alone, best ranked first.
        many = [f"{found.alpha_3}-Latn" for found in pycountry.languages
                if hasattr(found, "alpha_2") and found.alpha_3 not in {"mlg", "gla"}]
        many = many[:catalog_search.SPOKEN_MAX + 5]
        low = make_asset("low", name="Low embedder", summary="Embeddings.",
                         languages=[*many, "mlg-Latn"])
        high = make_asset("high", name="High embedder", summary="Embeddings.",
                          languages=[*many, "mlg-Latn", "gla-Latn"])
        make_asset("none", name="Other embedder", summary="Embeddings.", languages=many)
        _score(low, 40.0)
        _score(high, 70.0)
        search("malagasy ")  # (the words naming languages, remembered)
        # The words; the assets covering it; the assets and their capabilities.
        with django_assert_num_queries(4):
            results = search("malagasy ")
        assert _names(results) == ["High embedder", "Low embedder"]
        assert results[0].language_parts == [
            ("Malagasy", True), (f", among its {len(many) + 2} languages", False)]
        assert _names(search("Malagasy")) == ["High embedder", "Low embedder"]
        # A name of two words: both name it.
        assert _names(search("scottish gaelic ")) == ["High embedder"]
        # The filters keep what they keep.
        assert _names(search("malagasy ", kind="dataset")) == []
        # Words left out leave out what holds them; in quotes, or left out, it is taken as
        # typed.
        assert _names(search("malagasy -low ")) == ["High embedder"]
        assert _names(search("malagasy -embeddings ")) == []
        assert _names(search("malagasy -malagasy ")) == []
        assert _names(search('"malagasy" ')) == []

    def test_model_finds_fine_tunes_and_apis_that_never_say_it(self):
        make_asset("tuned", name="Tagger tuned", kind=Asset.Kind.FINE_TUNE,
                   summary="Tags parts of speech.")
        make_asset("served", name="Tagger served", kind=Asset.Kind.API,
                   summary="Tags parts of speech.")
        make_asset("set", name="Tagged set", kind=Asset.Kind.DATASET,
                   summary="Tags parts of speech.")
        assert set(_full(search("speech tags model "))) == {"Tagger tuned", "Tagger served"}

    def test_words_naming_a_kind_are_left_out_of_the_search_for_some_words(self):
        make_asset("granite", name="Granite Library", kind=Asset.Kind.LIBRARY,
                   summary="Adapters.")
        make_asset("set", name="Eval set", kind=Asset.Kind.DATASET,
                   summary="Data for evaluation.")
        # Nothing holds both words: the dataset holds the word of the need, the library
        # only the word naming its kind.
        assert [(r.asset.name, r.all_terms) for r in search("evaluation library ")] == [
            ("Eval set", False)]

    def test_the_kinds_the_words_name_are_candidates_however_many_others_match(
        self, monkeypatch
    ):
        # More datasets than CANDIDATES hold the words, in their names, and come first in
        # the index; the one tool holding them is still found, and first.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            make_asset(f"set-{i}", name=f"Set {i} of tool evaluations", kind=Asset.Kind.DATASET)
        make_asset("harness", name="Harness", kind=Asset.Kind.TOOL, summary="Runs evaluations.")
        for typed in ["evaluation tool ", "evaluation tool", "tool evaluation"]:
            assert _names(search(typed))[0] == "Harness", typed

    def test_words_asking_for_the_lowest_price_order_by_list_price(
        self, monkeypatch, django_assert_num_queries
    ):
        def api(slug: str, price: float | None, summary: str = "An embedding model.") -> None:
            facts = {"input_per_mtok": price, "currency": "USD", "unit": "per 1M tokens"}
            make_asset(slug, name=slug, kind=Asset.Kind.API, summary=summary,
                       price_facts=facts if price is not None else {})

        # More assets than CANDIDATES hold the words, the cheapest last in the index, and
        # more with a list price than that: those are candidates of their own, the
        # cheapest first.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            _score(make_asset(f"model-{i}", name=f"Model {i}", summary="An embedding model."),
                   90.0)
        api("dear", 0.5)
        api("dearer", 0.9)
        api("dearest", 1.2)
        api("unpriced", None)
        api("cheap", 0.02)
        api("mid", 0.1)
        _tasks_read()
        with django_assert_num_queries(3):  # no query more
            found = _full(search("cheapest embedding "))
        assert found[:3] == ["cheap", "mid", "dear"]
        # The word asks for an order: it is no word the results must hold.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 200)
        found = _full(search("cheap embedding "))
        assert found[:3] == ["cheap", "mid", "dear"] and len(found) == 5 + 6 + 1
        # Alone, in quotes or joined by "or", it is a word like any other.
        assert _full(search("cheapest ")) == []
        assert _full(search('"cheap" embedding ')) == ["cheap"]
        # Those holding a task's name (or other name) as typed come before the cheapest of
        # the rest.
        make_task("text-to-image", name="Text to image")
        api("painter", None, summary="Image generation from text.")
        api("chat", 0.01, summary="Reads an image; text generation.")
        assert _full(search("cheap image generation "))[:2] == ["painter", "chat"]
        assert _full(search("image generation "))[0] == "painter"

    def test_words_asking_for_the_longest_context_order_by_context_window(
        self, monkeypatch, django_assert_num_queries
    ):
        def api(slug: str, window, summary: str = "A chat model; context window listed.",
                price: float | None = None) -> None:
            facts = {"input_per_mtok": price, "currency": "USD", "unit": "per 1M tokens"}
            make_asset(slug, name=slug, kind=Asset.Kind.API, summary=summary,
                       price_facts=facts if price is not None else {},
                       attributes={"genai_prices": {"context_window": window}}
                       if window is not None else {})

        # More assets than CANDIDATES hold the words, the longest last in the index: those
        # listing a window are candidates of their own, the longest first.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            _score(make_asset(f"model-{i}", name=f"Model {i}",
                              summary="A chat model; context window listed."), 90.0)
        api("short", 8_192, price=0.01)
        api("junk", "a lot")  # no number: listed as none
        api("none", 0)
        api("unlisted", None)
        api("mid", 128_000, price=5.0)
        api("long", 2_000_000, price=1.0)
        _tasks_read()
        with django_assert_num_queries(3):  # no query more
            results = search("long context chat ", limit=3)
        assert _full(results)[:3] == ["long", "mid", "short"]
        # The results have their windows read with them, not their attributes.
        assert [r.asset.context_window for r in results[:3]] == [2_000_000, 128_000, 8_192]
        assert "attributes" in results[0].asset.get_deferred_fields()
        monkeypatch.setattr(catalog_search, "CANDIDATES", 200)
        found = _full(search("largest context window "))
        assert found[:3] == ["long", "mid", "short"] and len(found) == 6 + 6
        # In quotes, it is a phrase like any other; with "cheapest", a word like any other
        # (querytext), the price ordering.
        assert _full(search('"long context" chat ')) == []
        assert _full(search("cheapest long context chat ")) == ["long"]
        assert _full(search("cheapest context chat "))[:3] == ["short", "long", "mid"]

    def test_words_asking_for_the_smallest_or_largest_order_by_parameters(
        self, monkeypatch, django_assert_num_queries
    ):
        generation = make_task("text-generation", name="Text generation")
        embedding = make_task("embedding", name="Embeddings")
        # More assets than CANDIDATES hold the words, the smallest last in the index: those
        # stating a count are candidates of their own.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            _score(make_asset(f"model-{i}", name=f"Model {i}", summary="A parser.",
                              tasks=[generation]), 90.0)
        for slug, count in [("big", 7_000_000_000), ("none", None), ("zero", 0),
                            ("mid", 350_000_000), ("tiny", 20_000_000)]:
            make_asset(slug, name=slug, summary="A parser.", n_parameters=count,
                       tasks=[generation])
        _tasks_read()
        with django_assert_num_queries(3):  # no query more
            assert _full(search("smallest parser ", limit=3)) == ["tiny", "mid", "big"]
        monkeypatch.setattr(catalog_search, "CANDIDATES", 200)
        found = _full(search("largest parser "))
        assert found[:3] == ["big", "mid", "tiny"] and len(found) == 6 + 5
        assert _full(search("tiniest parser "))[:3] == ["tiny", "mid", "big"]
        # Within the task the words name: an embedding model named for LLMs, smaller, comes
        # after the text generators.
        make_asset("f2llm", name="F2LLM micro", summary="Embeds texts.", n_parameters=80_000,
                   tasks=[embedding])
        assert _full(search("smallest llm "))[:3] == ["tiny", "mid", "big"]
        assert "F2LLM micro" in _full(search("smallest llm "))

    def test_words_joined_by_hyphens_are_found_written_as_one(self):
        tuned = make_asset("tuned", name="vit-tuned", summary="An image model.")
        make_capability(tuned, title="Lineage", description="Fine-tuned from vit-base.")
        make_asset("tags", name="Tags", kind=Asset.Kind.DATASET,
                   summary="A multi-label set for zero-shot tagging.")
        assert _full(search("finetuned image ")) == ["vit-tuned"]
        assert _full(search("fine-tuned image ")) == ["vit-tuned"]
        assert _full(search("multilabel zeroshot ")) == ["Tags"]
        assert catalog_search.hyphened_words(
            ["Fine-tuned from bge-m3 (text-to-image); x-ray", "CC BY-NC"]
        ) == "finetuned texttoimage bync"
        # The result marks what the words written as one found, hyphens and all.
        found = search("finetuned image ")[0]
        assert [p for p, hit in found.snippet if hit] == ["Fine-tuned"], found.snippet

    def test_words_changing_case_within_them_are_found_whole(self):
        # The name of a set a model was trained on, in its text: found by the name as typed,
        # and still by its parts.
        trained = make_asset("sew", name="sew-d-tiny", summary="Speech vectors.")
        make_capability(trained, title="Lineage", description="Trained on LibriSpeech.")
        make_asset("other", name="Other", summary="Speech vectors from a library.")
        assert _names(search("librispeech ")) == ["sew-d-tiny"]
        assert _full(search("trained on librispeech")) == ["sew-d-tiny"]
        assert _full(search("libri speech ")) == ["sew-d-tiny"]
        assert catalog_search.cased_words(
            ["Trained on ImageNet-1k, HotpotQA; SAM 3D", "YOLOv10, resnet50, GPT-4o", "a b"]
        ) == "imagenet hotpotqa 3d"
        # The result marks the word found, whole.
        found = search("librispeech ")[0]
        assert [p for p, hit in found.snippet if hit] == ["LibriSpeech"], found.snippet

    @pytest.mark.parametrize("stemmer", STEMMERS.values())
    def test_words_joined_by_hyphens_are_marked_for_them_written_as_one(self, stemmer):
        texts = ["Fine-tuned from vit.", "A fine model, tuned; finetuning", "multi-label",
                 "Zero-Shot x-ray"]

        def marked(q):
            return [[texts[i][a:b] for a, b, _ in hits] for i, hits in enumerate(
                catalog_search._hits_of(texts, querytext.normalise(q), stemmer))]

        assert marked("finetuned ") == [["Fine-tuned"], ["finetuning"], [], []]
        assert marked("multilabel zeroshot ") == [[], [], ["multi-label"], ["Zero-Shot"]]
        # A word being typed marks those it starts, written as one.
        assert marked("finet") == [["Fine-tuned"], ["finetuning"], [], []]
        # Their parts still mark their own words.
        assert marked("tuned ") == [["tuned"], ["tuned"], [], []]
        assert marked("fine ") == [["Fine"], ["fine"], [], []]
        parts, terms = _highlight("Zero-shot, Zero shot", querytext.normalise(
            "zeroshot "), stemmer)
        assert [p for p, hit in parts if hit] == ["Zero-shot"] and terms == {"zeroshot"}

    def test_a_phrase_holds_its_stop_words(self):
        # "text generation, image" holds text and image two words apart, as "text to image"
        # does: only the words themselves, stop words included, make the phrase.
        near = make_asset("near", name="Text image model",
                          summary="Text generation, image and text to text.")
        make_capability(near, title="Text and image", description="Text in, image in.")
        _score(near, 90.0)
        make_asset("painter", name="Painter", summary="Turns text to image.")
        assert _names(search("text to image "))[0] == "Painter"

    def test_it_combines_filters_with_the_text(self):
        task = make_task("image-segmentation")
        make_asset("seg-model", summary="segmentation", tasks=[task])
        make_asset("seg-data", summary="segmentation", kind=Asset.Kind.DATASET, licence="mit")
        make_asset("seg-nolicence", summary="segmentation", kind=Asset.Kind.DATASET, licence="")
        make_asset("seg-draft", summary="segmentation", status=Asset.Status.DRAFT)
        slugs = lambda **kw: sorted(r.asset.slug for r in search("segmentation", **kw))  # noqa: E731
        assert slugs() == ["seg-data", "seg-model", "seg-nolicence"]
        assert slugs(kind="dataset") == ["seg-data", "seg-nolicence"]
        assert slugs(kind="dataset", licence="mit") == ["seg-data"]
        assert slugs(licence="none") == ["seg-nolicence"]
        assert slugs(task="image-segmentation") == ["seg-model"]
        assert slugs(task="image-segmentation", kind="dataset") == []

    def test_a_word_after_a_minus_sign_leaves_out_the_assets_holding_it(self):
        make_asset("seg-model", name="Segmenter", summary="A segmentation model.")
        make_asset("seg-data", name="Scenes", kind=Asset.Kind.DATASET,
                   summary="A segmentation dataset of indoor scenes.")
        make_asset("seg-named", name="Segmentation", summary="Pixel labels, as a dataset.")
        assert sorted(_names(search("segmentation"))) == ["Scenes", "Segmentation", "Segmenter"]
        # The exact name too; the word stemmed as the index stems it ("datasets").
        for q in ["segmentation -dataset", "segmentation -datasets ", "-dataset segmentation"]:
            assert _names(search(q)) == ["Segmenter"], q
        # Those holding some of the words are left out alike.
        results = search("segmentation underwater -dataset")
        assert _names(results) == ["Segmenter"]
        assert results[0].all_terms is False
        assert search("segmentation -segmentation") == []
        assert search("-dataset") == []
        # Words joined by hyphens, together: not the first alone, nor the others searched.
        make_asset("tuned", name="Fine segmenter", kind=Asset.Kind.FINE_TUNE,
                   summary="A segmentation model, fine-tuned on scenes.")
        make_asset("fine", name="Fine-grained segmenter", summary="A segmentation model.")
        assert set(_full(search("segmentation model -fine-tuned"))) == {
            "Segmenter", "Segmentation", "Fine-grained segmenter"}

    def test_a_phrase_in_quotes_must_be_held_with_its_words_side_by_side(self):
        make_asset("tts", name="Voicer", summary="Text to speech for audiobooks.")
        make_asset("asr", name="Listener", summary="Speech to text for meetings.")
        make_asset("apart", name="Reader", summary="Reads text aloud: speech from books.")
        assert sorted(_names(search("text speech "))) == ["Listener", "Reader", "Voicer"]
        assert _names(search('"text to speech"')) == ["Voicer"]
        assert _names(search('"speech to text" meetings')) == ["Listener"]
        # Those holding some of the words hold the phrase too (not Voicer's audiobooks).
        some = search('"speech to text" audiobooks')
        assert _names(some) == ["Listener"]
        assert some[0].all_terms is False
        # A name lacking the phrase is not found by it (Listener), however it is typed.
        assert _names(search('"listener"')) == ["Listener"]
        assert _names(search('listener "text to speech"')) == ["Voicer"]
        # Left out with a minus sign in front.
        assert sorted(_names(search('speech -"text to speech"'))) == ["Listener", "Reader"]
        assert _names(search('voicer -"text to speech"')) == []

    def test_words_joined_by_or_find_assets_holding_either(self, django_assert_num_queries):
        make_asset("b", name="Bert base", summary="An encoder for segmentation.")
        make_asset("r", name="Roberta large", summary="An encoder.")
        make_asset("v", name="Video seg", summary="Video segmentation.")
        make_asset("i", name="Image seg", summary="Image segmentation.")
        make_asset("c", name="Image cls", summary="Image classification.")
        # One group: every result holds one of its words, and no second search follows.
        _tasks_read()
        with django_assert_num_queries(3):
            results = search("bert or roberta ")
        assert sorted(_names(results)) == ["Bert base", "Roberta large"]
        assert all(r.all_terms for r in results)
        assert sorted(_full(search("image or video segmentation "))) == ["Image seg", "Video seg"]
        # Without "or", those holding both words only hold every word.
        assert _full(search("bert roberta ")) == []

    def test_words_left_out_add_no_query(self, django_assert_num_queries):
        make_asset("seg-model", name="Segmenter", summary="A segmentation model.")
        _tasks_read()
        with django_assert_num_queries(3):
            assert search("segmentation -dataset -scenes ")
        with django_assert_num_queries(3):
            assert search('"segmentation model" -"indoor scenes" ', limit=1)
        with django_assert_num_queries(0):
            assert search("-dataset") == []

    def test_it_matches_a_prefix_of_the_last_word_only_from_three_characters(self):
        make_asset("segformer", summary="A segmentation model.")
        assert _names(search("segf")) == ["segformer"]
        assert _names(search("seg")) == ["segformer"]
        assert _names(search("se")) == []
        # A finished word (followed by a space) is not a prefix any more.
        assert _names(search("segf ")) == []
        # Only the last word is a prefix.
        assert _names(search("segf pixels")) == []

    def test_it_falls_back_to_any_term_and_says_so(self):
        make_asset("seg", summary="Image segmentation.")
        results = search("segmentation underwater")
        assert _names(results) == ["seg"]
        assert results[0].all_terms is False
        assert search("image segmentation")[0].all_terms is True

    def test_those_holding_some_words_follow_when_few_hold_them_all(
        self, django_assert_num_queries
    ):
        # One library lists the task; the depth models never say "estimation".
        lib = make_asset("lib", name="Pipelines", summary="Depth estimation and more.")
        _score(lib, 20.0)
        pro = make_asset("pro", name="Depth Pro", summary="Sharp monocular depth.")
        _score(pro, 90.0)
        make_asset("other", name="Other", summary="Speech.")
        results = search("depth estimation ")
        assert [(r.asset.slug, r.all_terms) for r in results] == [("lib", True), ("pro", False)]
        # As many as asked for hold every word: the search for some of them does not run.
        with django_assert_num_queries(3):
            assert [r.asset.slug for r in search("depth estimation ", limit=1)] == ["lib"]
        with django_assert_num_queries(4):
            assert len(search("depth estimation ", limit=2)) == 2

    def test_pages_follow_on_from_one_another(self, django_assert_num_queries):
        for i in range(9):
            _score(make_asset(f"both-{i}", summary="A vision robot."), float(i))
        for i in range(6):
            _score(make_asset(f"one-{i}", summary="A robot arm."), float(10 * i))
        every = [(r.asset.slug, r.all_terms) for r in search("vision robot ", limit=50)]
        assert len(every) == 15 and [t for _, t in every] == [True] * 9 + [False] * 6
        pages = [[(r.asset.slug, r.all_terms) for r in search("vision robot ", limit=4, offset=o)]
                 for o in range(0, 20, 4)]
        assert [row for page in pages for row in page] == every
        assert [len(page) for page in pages] == [4, 4, 4, 3, 0]
        # A page wholly of those holding every word does not look for the others.
        with django_assert_num_queries(3):
            search("vision robot ", limit=4, offset=4)
        with django_assert_num_queries(4):
            search("vision robot ", limit=4, offset=8)

    def test_those_holding_all_the_words_but_one_come_before_those_holding_fewer(
        self, monkeypatch
    ):
        # Nothing holds all four words. An asset holding three of them outranks the many
        # holding one, however well and however highly ranked they are.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            lic = make_asset(f"lic-{i}", name=f"Licensed licensing {i}", summary="Licensed.",
                             kind=Asset.Kind.DATASET, licence="mit")
            _score(lic, 99.0)
        make_asset("vit", name="Vision", summary="An image model.", licence="apache-2.0")
        make_asset("img", name="Picture", summary="An image model.", licence="mit")
        results = search("apache licensed image model ")
        assert results[0].asset.slug == "vit"
        assert not any(r.all_terms for r in results)
        # Three words: two of them make the first tier ("image model").
        assert {r.asset.slug for r in search("licensed image model ")[:2]} == {"vit", "img"}

    def test_those_holding_two_words_side_by_side_come_first_among_those_holding_some(
        self, monkeypatch
    ):
        # Nothing holds all three words. The many datasets holding two of them come first
        # in the index; the one holding "speech to text" side by side still comes first.
        monkeypatch.setattr(catalog_search, "CANDIDATES", 4)
        for i in range(6):
            make_asset(f"hate-{i}", name=f"Hate speech set {i}", kind=Asset.Kind.DATASET,
                       summary="Text classification of what people said.")
        make_asset("asr", name="Recogniser", kind=Asset.Kind.LIBRARY,
                   summary="Turns speech to text.")
        for typed in ["speech to text for german ", "speech to text for german"]:
            results = search(typed)
            assert results[0].asset.slug == "asr", typed
            assert not any(r.all_terms for r in results)

    def test_those_holding_the_words_before_a_kind_side_by_side_come_first(self):
        # "image generation api": a word naming a kind at the end is no part of the phrase.
        # The APIs holding "image" and "generation" apart (a vision language model's two
        # tasks), more of them and in shorter texts, rank after the one holding them side by
        # side.
        for i in range(3):
            make_asset(f"vlm-{i}", name=f"Reader {i}", kind=Asset.Kind.API,
                       summary="Image questions, text generation.")
        make_asset("drawer", name="Zoetrope", kind=Asset.Kind.API,
                   summary="An API for image generation from a written prompt, in several "
                           "sizes and styles, slower than most.")
        results = search("image generation api")
        assert results[0].asset.slug == "drawer" and len(results) == 4
        assert all(r.all_terms for r in results)
        # A phrase holder lacking the kind's word holds only some of the words: it still
        # comes under them, as without the phrase.
        make_asset("sketch-set", name="Sketches", kind=Asset.Kind.DATASET,
                   summary="Pictures for image generation.")
        results = search("image generation api")
        assert [(r.asset.slug, r.all_terms) for r in results][:1] == [("drawer", True)]
        assert [(r.asset.slug, r.all_terms) for r in results][-1] == ("sketch-set", False)

    def test_a_word_glued_to_a_number_in_a_name_is_found_on_its_own(self):
        task = make_task("image-classification", name="Image classification")
        make_asset("r50", name="resnet50.a1_in1k", summary="Weights.", tasks=[task])
        make_asset("yolo", name="YOLOv10", summary="Boxes.")
        results = search("resnet image classification ")
        assert [(r.asset.slug, r.all_terms) for r in results] == [("r50", True)]
        assert [r.asset.slug for r in search("yolo ")] == ["yolo"]
        assert [r.asset.slug for r in search("resnet 50 ")] == ["r50"]
        assert [r.asset.slug for r in search("resnet50 ")] == ["r50"]

    def test_it_filters_by_a_language_in_any_script(self):
        make_asset("ko", summary="Questions.", languages=["kor-Hang"])
        make_asset("ko-kore", summary="Questions.", languages=["eng-Latn", "kor-Kore"])
        make_asset("ko-bare", summary="Questions.", languages=["kor"])
        make_asset("ja", summary="Questions.", languages=["jpn-Jpan"])
        make_asset("none", summary="Questions.")
        make_asset("odd", summary="Questions.", languages={"kor": "not a list"})
        found = {r.asset.slug for r in search("questions", language="kor")}
        assert found == {"ko", "ko-kore", "ko-bare"}
        assert {r.asset.slug for r in search("questions", language="jpn")} == {"ja"}
        assert search("questions", language="kork") == []  # a code, not a prefix

    def test_the_language_filter_follows_saves_and_deletes(self):
        a = make_asset("ko", summary="Questions.", languages=["kor-Hang", "kor-Kore", " "])
        assert [r.asset.slug for r in search("questions", language="kor")] == ["ko"]
        a.languages = ["jpn-Jpan"]
        a.save()
        assert search("questions", language="kor") == []
        assert [r.asset.slug for r in search("questions", language="jpn")] == ["ko"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM catalog_search_language WHERE asset_id = %s",
                           [a.pk])
            assert cursor.fetchall() == [("jpn",)]
            a.delete()
            cursor.execute("SELECT count(*) FROM catalog_search_language")
            assert cursor.fetchone() == (0,)

    @pytest.mark.parametrize("languages, codes", [
        (["kor-Hang", "kor-Kore", "eng"], ["kor", "eng"]), ([], []), ({"kor": 1}, []),
        ([None, 3, "", "-x", " zho-Hans"], ["zho"]), ("kor", []),
    ])
    def test_an_assets_languages_are_indexed_as_their_codes(self, languages, codes):
        assert catalog_search.language_codes(languages) == codes

    def test_a_task_or_language_filter_combines_with_a_name_match(self):
        task = make_task("image-segmentation", name="Image segmentation")
        make_asset("seg", name="Segmenter", summary="Masks.", tasks=[task], languages=["eng"])
        make_asset("seg-2", name="Segmenter", summary="Masks.", external_id="b/segmenter")
        assert [r.asset.slug for r in search("segmenter", task="image-segmentation")] == ["seg"]
        assert [r.asset.slug for r in search("segmenter", language="eng")] == ["seg"]
        assert search("segmenter", language="eng")[0].exact

    def test_a_name_written_apart_is_found_glued(self):
        make_asset("gpt-4o-2024-05-13", name="GPT-4o (2024-05-13)", kind=Asset.Kind.API,
                   summary="An API model for text generation, published by openai, with a "
                           "longer text than the other one.")
        make_asset("gpt-4o-mini-tts", name="gpt-4o-mini-tts", kind=Asset.Kind.API,
                   summary="An API model.")
        make_asset("llama-3-8b", name="Llama 3 (8B)", summary="A language model.")
        make_asset("llama-3-70b", name="Llama 3 (70B)", summary="A language model.")
        # Its name without the qualifier, taken apart as the query glues it, comes first.
        assert [r.asset.slug for r in search("gpt4o ")] == ["gpt-4o-2024-05-13",
                                                            "gpt-4o-mini-tts"]
        assert search("gpt4o ")[0].exact is False  # not its whole name
        assert {r.asset.slug for r in search("gpt4")} == {"gpt-4o-2024-05-13",
                                                          "gpt-4o-mini-tts"}  # typing
        results = search("llama3 8b ")
        assert [(r.asset.slug, r.all_terms) for r in results] == [("llama-3-8b", True),
                                                                   ("llama-3-70b", False)]

    def test_it_searches_split_camel_case_names_and_licence_families(self):
        make_asset("csn", name="CodeSearchNetRetrieval", kind=Asset.Kind.DATASET, licence="mit")
        make_asset("closed", name="CodeClosed", kind=Asset.Kind.DATASET, licence="cc-by-nc-4.0")
        results = search("permissive code dataset")
        assert _full(results) == ["CodeSearchNetRetrieval"]
        # The closed one holds some of the words.
        assert _names(results) == ["CodeSearchNetRetrieval", "CodeClosed"]

    def test_open_source_finds_the_assets_under_licences_the_osi_approved(self):
        make_asset("gpl", name="Copyleft tagger", summary="A tagger.", licence="gpl-3.0")
        make_asset("apache", name="Permissive tagger", summary="A tagger.", licence="apache-2.0")
        make_asset("cc", name="Shared tagger", summary="A tagger.", licence="cc-by-4.0")
        make_asset("nc", name="Closed tagger", summary="A tagger.", licence="cc-by-nc-4.0")
        make_asset("none", name="Unknown tagger", summary="A tagger.", licence="")
        assert sorted(_full(search("open source tagger"))) == [
            "Copyleft tagger", "Permissive tagger"]
        # The words go with the licence: changing it moves the asset in or out.
        closed = Asset.objects.get(slug="nc")
        closed.licence = "mit"
        closed.save()
        assert "Closed tagger" in _full(search("open source tagger"))

    def test_it_builds_highlights_as_plain_text_parts(self):
        a = make_asset("html", summary="plain")
        make_capability(a, title="<b>Bold</b> segmentation", description="<i>x</i> segmentation")
        result = search("segmentation")[0]
        assert result.capabilities[0].title_parts == [
            ("<b>Bold</b> ", False), ("segmentation", True)
        ]
        assert ("segmentation", True) in result.snippet

    def test_it_flags_the_words_of_a_name_that_matched(self):
        make_asset("aviation", name="Aviation NER", summary="A model library.")
        result = search("ner")[0]
        assert result.name_parts == [("Aviation ", False), ("NER", True)]
        assert not result.capabilities and not result.tasks

    def test_a_name_found_by_its_words_joined_has_them_marked_as_one(self):
        make_asset("gpt", name="GPT-4o (2024-05-13)", summary="A chat model.")
        make_asset("mistral", name="Mistral 7B", summary="A chat model.")
        assert search("gpt4o")[0].name_parts == [("GPT-4o", True), (" (2024-05-13)", False)]
        assert search("mistral7b")[0].name_parts == [("Mistral 7B", True)]
        # A word being typed that goes on into the number, not one that stops before it.
        assert search("mistral7")[0].name_parts == [("Mistral 7B", True)]
        assert search("gpt 4o")[0].name_parts == [
            ("GPT", True), ("-", False), ("4o", True), (" (2024-05-13)", False)]

    def test_a_result_found_by_a_task_it_lists_says_which(self):
        ner = make_task("token-classification", name="Token classification")
        seg = make_task("image-segmentation", name="Image segmentation")
        make_asset("tagger", name="Tagger", summary="A model library.", tasks=[ner, seg])
        (result,) = search("ner")
        assert result.tasks == [[("Token classification (named entity recognition, ", False),
                                 ("NER", True), (")", False)]]
        # By the task's own name, the name alone.
        (result,) = search("segmentation")
        assert result.tasks == [[("Image ", False), ("segmentation", True)]]

    def test_tasks_are_not_shown_when_a_capability_matched(self):
        seg = make_task("image-segmentation", name="Image segmentation")
        a = make_asset("seg", name="Labeller", summary="x", tasks=[seg])
        make_capability(a, title="Segmentation", description="Labels pixels.")
        (result,) = search("segmentation")
        assert [c.title for c in result.capabilities] == ["Segmentation"]
        assert result.tasks == []

    def test_the_capabilities_matching_most_of_the_words_are_shown_first(self):
        lib = make_asset("lib", name="Toolkit", summary="A model library.")
        for title, text in [("Audio classification", "A model library that labels audio."),
                            ("Depth estimation", "A model library that estimates depth."),
                            ("Speech recognition", "A model library that transcribes."),
                            ("Image captioning", "A model library that describes images."),
                            ("Summarisation", "A model library that summarises text.")]:
            make_capability(lib, title=title, description=text)
        (result,) = search("model for summarisation")
        assert [c.title for c in result.capabilities][0] == "Summarisation"
        assert "".join(part for part, _ in result.snippet).startswith(
            "A model library that summarises")

    def test_a_task_naming_more_of_the_need_than_any_capability_is_shown(self):
        summ = make_task("summarization", name="Summarisation")
        lib = make_asset("lib", name="Toolkit", summary="A library.", tasks=[summ])
        make_capability(lib, title="Audio classification",
                        description="A model library that labels audio.")
        (result,) = search("model for summarisation")
        assert result.capabilities == []
        assert [[part for part, hit in task if hit] for task in result.tasks] == [
            ["Summarisation"]]

    def test_the_capability_holding_the_words_as_typed_is_shown_first(self):
        lib = make_asset("lib", name="Toolkit", summary="A library.")
        make_capability(lib, title="Text to speech", description="Reads text aloud as speech.")
        make_capability(lib, title="Speech recognition", description="Turns speech to text.")
        (result,) = search("speech to text")
        assert [c.title for c in result.capabilities] == ["Speech recognition", "Text to speech"]
        assert "".join(part for part, _ in result.snippet) == "Turns speech to text."
        (result,) = search("text to speech ")
        assert [c.title for c in result.capabilities] == ["Text to speech", "Speech recognition"]

    def test_a_result_found_by_its_id_alone_shows_it(self):
        make_asset("vg", name="VGClust", summary="Data for clustering.",
                   external_id="navjordj/VG_summarization")
        (result,) = search("summarization")
        assert result.id_parts == [("navjordj/VG_", False), ("summarization", True)]
        # Not when anything else it shows matched.
        make_asset("other", name="Summarization set", external_id="x/summarization")
        assert [r.id_parts for r in search("summarization") if r.asset.slug == "other"] == [[]]

    def test_it_brings_each_result_with_its_organisation_and_score(
        self, django_assert_num_queries
    ):
        a = make_asset("org-seg", summary="segmentation", organization=make_org("Acme"))
        _score(a, 71.6)
        make_asset("bare-seg", summary="segmentation", organization=None, licence="")
        _tasks_read()
        with django_assert_num_queries(3):
            results = {r.asset.slug: r.asset for r in search("segmentation ")}
            ranked, bare = results["org-seg"], results["bare-seg"]
            assert (ranked.organization.name, ranked.score.rank) == ("Acme", 71.6)
            assert ranked.score.provisional is False
            assert bare.organization is None
            with pytest.raises(Score.DoesNotExist):
                bare.score  # noqa: B018
            assert ranked.get_absolute_url() == "/assets/org-seg/"

    def test_it_cuts_a_long_snippet_around_the_first_match(self):
        a = make_asset("long", summary="x")
        make_capability(a, title="T", description="filler " * 60 + "segmentation " + "tail " * 60)
        snippet = search("segmentation")[0].snippet
        text = "".join(part for part, _ in snippet)
        assert len(text) <= catalog_search.SNIPPET_CHARS + 2
        assert text.startswith("…") and text.endswith("…")
        assert ("segmentation", True) in snippet

    @pytest.mark.parametrize("q", BAD_INPUTS)
    def test_it_never_raises_on_any_input(self, q):
        a = make_asset("segformer", summary="segmentation of scenes")
        make_capability(a, title="Image segmentation", description="Labels pixels.")
        assert isinstance(search(q), list)
        assert isinstance(closest_names(q), list)
        assert isinstance(search(q, kind="dataset", task="x", licence="none"), list)

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from([
        "segmentation", "scenes", "pixels", "labels", "segm", "sc", "or", "OR", "the", "to",
        '"', '-', '-"', "*", "(", ")", ":", "a:b", "NOT", "🦄", "x" * 40, "face", "pixel",
    ]), max_size=12).map(" ".join))
    @example('"segmentation of" or scenes -"of scenes" -pix segm')
    @example('segmentation "face" or scenes -pixels fac')
    def test_it_answers_any_web_search_syntax(self, q):
        # Phrases, words left out and "or" groups together, in every order: each database
        # must take what search() writes for them. Words of its maker's name too, left out
        # of a search naming no maker (makers_apart()).
        if not Asset.objects.filter(slug="segformer").exists():  # once for every example
            a = make_asset("segformer", summary="segmentation of scenes",
                           organization=make_org("Pixel Face", slug="pixelface"))
            make_capability(a, title="Image segmentation", description="Labels pixels.")
        with transaction.atomic():  # a database error would show here, not in the next one
            assert isinstance(search(q), list)
            assert isinstance(search(q, kind="model"), list)

    def test_it_returns_nothing_for_an_empty_query_without_a_query(
        self, django_assert_num_queries
    ):
        with django_assert_num_queries(0):
            assert search("  ") == []

    @pytest.mark.parametrize("n_assets", [3, 40])
    def test_its_query_count_does_not_grow(self, n_assets, django_assert_num_queries):
        for i in range(n_assets):
            a = make_asset(f"vision-{i}", summary="vision model")
            make_capability(a, title="Vision", description="Sees things.")
        # Rank the capped candidates; the result assets; their capabilities.
        _tasks_read()
        with django_assert_num_queries(3):
            assert search("vision ", limit=20)
        # No asset has every word: the any-word fallback adds one ranking query.
        with django_assert_num_queries(4):
            assert search("vision underwater ", limit=20)
        # Typed prefixes: on PostgreSQL, the statement that spells them out, once a search.
        with django_assert_num_queries(3 + PREFIX_QUERIES):
            assert search("visi", limit=20)
        # Before falling back, one statement looks for indexed words that "underw" starts
        # with (there are none; nor words people describe needs with, read once per data
        # generation, as the tasks: catalog.search.need_words()).
        catalog_search.need_words()
        with django_assert_num_queries(5 + PREFIX_QUERIES):
            assert search("vision underw", limit=20)

    def test_it_ranks_only_the_capped_candidates_but_keeps_the_exact_name(self, monkeypatch):
        monkeypatch.setattr(catalog_search, "CANDIDATES", 2)
        for i in range(4):
            make_asset(f"depth-{i}", name=f"Depth model {i}", summary="depth")
        make_asset("depth", name="Depth", summary="Estimates depth.")  # the last one indexed
        names = _names(search("depth"))
        assert names[0] == "Depth"
        assert len(names) <= 3  # two candidates, and the exact name if it was not one of them

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's first pass")
    def test_it_takes_name_and_title_matches_as_candidates_first(self, monkeypatch):
        monkeypatch.setattr(catalog_search, "CANDIDATES", 2)
        for i in range(4):
            make_asset(f"mention-{i}", summary="Mentions depth once.")
        titled = make_asset("titled", summary="x")
        make_capability(titled, title="Depth estimation", description="From one image.")
        assert "titled" in [r.asset.slug for r in search("depth")]

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's word table")
    def test_it_spells_out_a_typed_prefix_as_the_words_it_starts(self, monkeypatch):
        seg = make_asset("seg", summary="Segmentation of scenes.")
        make_capability(seg, title="Segmenter", description="Segments images.")
        make_asset("sega", name="Sega games", summary="Arcade classics.")
        make_asset("other", summary="Depth estimation.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT word FROM catalog_search_word WHERE word LIKE 'seg%%'")
            assert {"segment", "sega"} <= {row[0] for row in cursor.fetchall()}
        spelled = sorted(r.asset.slug for r in search("seg"))
        assert spelled == ["seg", "sega"]
        assert sorted(r.asset.slug for r in search("scenes segm")) == ["seg"]
        fallback = search("depth segm")  # nothing holds both: any term
        assert sorted(r.asset.slug for r in fallback) == ["other", "seg"]
        assert not any(r.all_terms for r in fallback)
        # A prefix starting more words than are spelled out stays a prefix: the same results.
        monkeypatch.setattr(catalog_search._Postgres, "MAX_SPELLED", 1)
        assert sorted(r.asset.slug for r in search("seg")) == spelled
        # Stop words and words nothing starts with.
        assert search("the") == [] and search("zzzq") == []

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements")
    def test_it_never_prepares_its_ranking_statements(self):
        # A prepared statement may get one generic plan for all terms (catalog.search,
        # _planned_each_time); the statements after ranking are prepared as usual.
        a = make_asset("seg", summary="Segmentation of scenes.")
        make_capability(a, title="Segmenter", description="Segments images.")
        for word in ["segmentation", "scenes", "segm", "scen", "segmentation scenes"] * 2:
            assert search(word)
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        assert any("catalog_capability" in sql for sql in prepared)
        assert not any("ts_rank(" in sql or "WITH ops" in sql for sql in prepared)
        assert connection.connection.prepare_threshold == 5

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="tsquery input")
    def test_it_quotes_spelled_words_as_tsquery_operands(self):
        with connection.cursor() as cursor:
            for word in ["plain", "it's", "back\\slash", "o''k", "日本"]:
                cursor.execute("SELECT querytree(%s::tsquery)", [catalog_search._lexeme(word)])
                quoted = word.replace("\\", "\\\\").replace("'", "''")
                assert cursor.fetchone()[0] == f"'{quoted}'"

    def test_a_word_being_typed_keeps_its_results_past_the_stem(
        self, django_assert_num_queries
    ):
        # The index holds stems: "segmentation" is indexed as "segment", which no longer
        # starts with "segmentat". The words the typed part starts with stand in for it.
        seg = make_asset("seg", summary="Scenes.")
        make_capability(seg, title="Image segmentation", description="Labels pixels.")
        make_asset("classy", summary="Classroom notes.")
        for typed in ["segmen", "segmentat", "segmentati", "segmentation"]:
            assert [r.asset.slug for r in search(typed)] == ["seg"], typed
        # A word typed past its stem and on, or mistyped at the end, still marks what matched.
        for typed in ["segmentationz", "segmentz"]:
            result = search(typed)[0]
            assert result.capabilities[0].title_parts == [
                ("Image ", False), ("segmentation", True)
            ], typed
        result = search("image segmentati")[0]
        assert result.all_terms is True
        assert result.capabilities[0].title_parts == [
            ("Image", True), (" ", False), ("segmentation", True)
        ]
        # Rank, with the word it may be the start of (segmentation: segment) standing in for
        # it; the result assets; their capabilities. PostgreSQL also reads the prefix's
        # words, and those stems, first.
        with django_assert_num_queries(3 + PREFIX_QUERIES):
            assert search("segmentat")
        # A prefix that starts indexed words is searched as it is ("class" does not stand
        # for "classroom"), and the other words still fall back to any term.
        assert [r.asset.slug for r in search("classr")] == ["classy"]
        assert search("zzzq segmentat")[0].all_terms is False
        assert search("segmzz") == [] and search("zzzq") == []
        # A word no ending explains stands for no shorter start of it, only for what it is
        # with a letter or two mistyped at its end: "complet" not for "comp" (BrowseComp).
        make_asset("comp", name="BrowseCompRetrieval", summary="Web browsing questions.")
        assert search("complet") == []
        assert [r.asset.slug for r in search("scenes complet")] == ["seg"]

    def test_a_word_typed_past_its_stem_is_not_held_to_names_glued_together(
        self, django_assert_num_queries
    ):
        # A name's words are also indexed glued together ("retrieval32m", for finding
        # "retrieval-32M" typed as one word). "retrieva" starts that, not "retriev", as
        # "retrieval" is indexed: at "retrieva", the glued name alone was found.
        make_asset("glued", name="potion-retrieval-32M", summary="Static embeddings.")
        for i in range(3):
            make_asset(f"ret-{i}", name=f"Finder {i}", summary="Dense retrieval of passages.")
        make_asset("classes", name="Sorter", summary="Sorts into classes.")
        labeller = make_asset("labeller", name="Labeller",
                              summary="Image classification of scenes.")
        make_asset("glued-too", name="SceneClassificationv2", kind=Asset.Kind.DATASET,
                   summary="Scenes, labelled.")
        everything = {"glued", "ret-0", "ret-1", "ret-2"}
        # Rank with the word standing in for it (found without a query); the result assets;
        # their capabilities.
        _tasks_read()
        with django_assert_num_queries(3 + PREFIX_QUERIES):
            found = {r.asset.slug for r in search("retrieva")}
        assert found == everything
        for typed in ["retriev", "retrieval", "retrieval "]:
            assert {r.asset.slug for r in search(typed)} == everything, typed
        # Its stem is marked where it was found.
        result = next(r for r in search("retrieva") if r.asset.slug == "ret-0")
        assert ("retrieval", True) in result.snippet
        # With other words too; and only the stems of words it may be the start of:
        # "classificati" never stands for "class" (classes).
        assert _full(search("image classificati")) == [labeller.name]
        assert {r.asset.slug for r in search("classificati")} == {"labeller", "glued-too"}
        # A page's worth of names glued together found as typed: the stem stands beside it
        # all the same. Those named for the word were missing until it was typed in full
        # ("embeddi" listed datasets named like Qwen3VLEmbedding2BReranking, not the
        # embedding models).
        for i in range(25):
            make_asset(f"glued-{i}", name=f"retrieval-{i}x", summary="Other.")
        for i in range(3):
            _score(make_asset(f"named-{i}", name=f"Retrieval finder {i}", summary="Finds."),
                   90.0)
        _tasks_read()
        with django_assert_num_queries(3 + PREFIX_QUERIES):
            found = {r.asset.slug for r in search("retrieva", limit=21)}
        assert len(found) == 21 and {"named-0", "named-1", "named-2"} <= found

    def test_a_short_last_word_being_typed_follows_what_the_others_find(
            self, django_assert_num_queries):
        for i in range(3):
            make_asset(f"speech-{i}", name=f"Speech kit {i}", summary="Speech to text.")
        make_asset("r", name="R tools", summary="Statistics in r.")
        _tasks_read()
        # Every word; the others; the assets; their capabilities.
        with django_assert_num_queries(4):
            results = search("speech r")
        # Nothing holds both: what "speech" finds, not R tools, which holds the rarer word
        # (a family, the newest first).
        assert _names(results) == _names(search("speech ")) == [
            "Speech kit 2", "Speech kit 1", "Speech kit 0"]
        assert not any(r.all_terms for r in results)
        # Finished, a word like any other: those holding some of the words.
        assert "R tools" in _names(search("speech r "))
        # Those holding both come first all the same.
        make_asset("speech-r", name="Speech in R", summary="Speech to text, in r.")
        assert _names(search("speech r"))[0] == "Speech in R"

    def test_the_words_side_by_side_hold_the_stem_of_one_typed_past_it(self):
        _score(make_asset("apart", name="Sorter", summary="Classification of short text."),
               90.0)
        make_asset("together", name="Labeller", summary="Text classification, fast.")
        # The phrase as typed would hold "classifica", which no document does: only the
        # words finished, or cut at the stem, found those holding them side by side first.
        for typed in ["text classif", "text classifica", "text classificati",
                      "text classification "]:
            assert _names(search(typed)) == ["Labeller", "Sorter"], typed

    @pytest.mark.parametrize(("typed", "stems"), [
        ("retrieva", ["retriev"]), ("classificati", ["classif"]), ("embeddi", ["embed"]),
        ("segmentati", ["segment"]), ("detecti", ["detect"]),
        # Its last consonant doubled, as before "ing".
        ("embedd", ["embed"]), ("modell", ["model"]), ("programm", ["program"]),
        # Past all of it but the e an ending drops.
        ("minin", ["mine"]), ("codin", ["code"]),
        # A word cut short no ending goes on from, or a whole word: nothing.
        ("classr", []), ("classif", []), ("vision", []), ("transf", []),
        # Its own stem, the stem of a word it starts stands for: "analysing" (analys), as
        # a word, searched as analys (the stem alone would be searched as anali).
        ("analysi", ["analys"]),
    ])
    def test_the_stems_standing_for_a_word_typed_past_them(self, typed, stems):
        # (Among others that may be no indexed word: "embeddier" gives embedd.)
        found = catalog_search._past_stem(typed, [
            (word, querytext.porter_stem(word)[1])
            for word in catalog_search.completions(typed)])
        # Words, each searched as the stem it stands for.
        assert all(word.startswith(typed) for word in found)
        found_stems = {querytext.porter_stem(word)[1] for word in found}
        assert set(stems) <= found_stems and bool(found) == bool(stems)
        assert "class" not in found_stems

    def test_a_word_typed_to_its_stem_finds_what_the_whole_word_does(self):
        make_asset("sa", name="Tweet moods", summary="Sentiment analysis of tweets.")
        make_asset("other", name="Moods", summary="Sentiment of poems.")
        for typed in ["sentiment analys", "sentiment analysi", "sentiment analysis"]:
            results = search(typed)
            assert _names(results)[0] == "Tweet moods" and results[0].all_terms, typed

    def test_a_whole_word_typed_never_stands_for_a_shorter_one(self):
        # "completion" is a whole word to the stemmer (complet), not one cut short past its
        # stem: "comp", an indexed word it starts with, does not stand in for it.
        make_asset("comp", name="BrowseCompRetrieval", summary="Web browsing questions.")
        make_asset("coder", summary="Writes code.")
        assert search("completion") == []
        results = search("code completion")
        assert [r.asset.slug for r in results] == ["coder"]
        assert results[0].all_terms is False
        # Nor "multiple" for "multi".
        make_asset("multi", name="MultiEURLEX", summary="Laws.")
        assert search("multiple") == []

    def test_a_word_being_typed_that_its_stem_loses_finds_the_words_it_starts(self):
        # The stemmers make "anali" of "analys", while "analysis" is indexed "analysi".
        make_asset("senti", name="Sentiment Reader", summary="Sentiment analysis of reviews.")
        for typed in ["analys", "sentiment analys", "sentiment analysi", "sentiment analysis"]:
            assert [r.asset.slug for r in search(typed)] == ["senti"], typed

    def test_a_word_being_typed_whose_stand_ins_find_nothing_finds_the_words_it_starts(self):
        # "zemin" may be the start of "zeming" (stemmed zeme), which no entry holds; it is
        # the start of Zemini, whose name the stemmers leave as it is. It found nothing.
        make_asset("zemini", name="Zemini Pro", summary="Writes text.")
        assert [r.asset.slug for r in search("zemin")] == ["zemini"]
        assert [r.asset.slug for r in search("writes zemin")] == ["zemini"]

    def test_a_word_being_typed_that_no_stem_follows_finds_the_words_it_starts(self):
        # The stemmers make harn of "harnes" as a word, while "harness" is indexed har;
        # "claus" is no stem of "clause" (claus is), nor "supervis" of "supervised"; nor
        # "recogniti" of "recognition" (recognit), a word of a task's name, nor "portugue"
        # of "portuguese" (portugues). Each found nothing.
        make_asset("harness", name="Harness kit", summary="Runs evaluations.")
        make_asset("contracts", name="Lexi", summary="Finds a clause in contracts.")
        make_asset("probe", name="Probe", summary="Learns supervised, from labels.")
        make_asset("ears", name="Ears", summary="Transcribes talks.",
                   tasks=[make_task("automatic-speech-recognition", name="Speech recognition")])
        # (A language's name is such a word when SPELLING_LANGUAGE_MIN assets cover it.)
        make_asset("serafim", name="Serafim", summary="Encodes Portuguese sentences.",
                   languages=["por-Latn"])
        for i in range(catalog_search.SPELLING_LANGUAGE_MIN - 1):
            make_asset(f"covers-{i}", summary="Encodes sentences.", languages=["por-Latn"])
        for typed, slug in [("harnes", "harness"), ("claus", "contracts"),
                            ("supervis", "probe"), ("recogniti", "ears"),
                            ("portugue", "serafim"), ("portugues", "serafim")]:
            # (The assets covering Portuguese follow Serafim, which says it.)
            assert [r.asset.slug for r in search(typed)][:1] == [slug], typed

    def test_a_whole_word_being_typed_stands_for_itself_not_the_words_its_stem_starts(
            self, django_assert_num_queries):
        # "parsing" is stemmed pars, which starts ParsiNLU; "hugging" hug, which starts
        # "huge"; "coding" code, which starts Codex. Typed in full, none of those.
        make_asset("parsinlu", name="ParsiNLU", summary="Persian language understanding.")
        make_asset("parser", name="Doc reader", summary="Parsing of scanned documents.")
        make_asset("hub", name="huggingface-hub", summary="Downloads weights.")
        make_asset("huge", name="Huge net", summary="A huge vision model.")
        make_asset("codex", name="Codex", summary="Writes programs.")
        make_asset("coder", name="Helper", summary="Writes code.")
        slugs = lambda q: sorted(r.asset.slug for r in search(q))  # noqa: E731
        assert slugs("parsing") == slugs("parses") == ["parser"]
        assert slugs("pars") == ["parser", "parsinlu"]  # a prefix, still
        # Typed in part, a prefix (of the stem of the word it may be the start of).
        assert slugs("parsin") == ["parser", "parsinlu"]
        # Nothing holding it, the indexed words it starts stand for it: names' words glued
        # together ("huggingface"), or the word it is the start of ("imagene": imagenet).
        assert slugs("hugging") == ["hub"]
        assert slugs("hug") == ["hub", "huge"]
        make_asset("in", name="imagenet-1k", summary="Labelled photos.")
        make_asset("pics", name="Pics", summary="One image a day.")
        assert slugs("imagene") == ["in"] and slugs("image") == ["pics"]
        assert slugs("coding") == ["coder"]
        assert slugs("cod") == slugs("codin") == ["coder", "codex"]
        # Marked as found: the word, not the words its stem starts.
        result = search("parsing")[0]
        assert ("Parsing", True) in result.snippet
        # Rank with it (no query more); the result assets; their capabilities.
        _tasks_read()
        with django_assert_num_queries(3 + PREFIX_QUERIES):
            search("parsing")
        # Finding nothing, the indexed words it starts (SQLite; PostgreSQL reads them with
        # the prefix's spelling out, first), then rank again.
        with django_assert_num_queries(5):
            search("hugging")
        # With other words, and when any of them may match.
        assert slugs("scanned parsing") == ["parser"]
        assert slugs("zzzq parsing") == ["parser"]
        assert slugs("downloads hugging") == ["hub"]

    def test_it_suggests_the_closest_names(self):
        make_asset("segformer-b4", name="segformer-b4")
        make_asset("bert", name="bert-base")
        assert [a.name for a in closest_names("segformr")] == ["segformer-b4"]

    # (On PostgreSQL the names a filter keeps are measured all when few, else the nearest
    # walked until enough are kept: both ways.)
    @pytest.mark.parametrize("few_kept", [0, catalog_search.FEW_KEPT])
    def test_the_names_it_suggests_are_those_the_filters_keep(self, few_kept, monkeypatch):
        monkeypatch.setattr(catalog_search, "FEW_KEPT", few_kept)
        seg = make_task("image-segmentation", name="Image segmentation")
        make_asset("segformer-b4", name="segformer-b4", tasks=[seg], languages=["eng-Latn"])
        make_asset("segformer-b5", name="segformer-b5", kind=Asset.Kind.DATASET,
                   licence="mit")
        make_asset("segformer-b6", name="segformer-b6", kind=Asset.Kind.DATASET,
                   status=Asset.Status.ARCHIVED)
        for close in [False, True]:
            def names(close: bool = close, **filters) -> list[str]:
                return [a.name for a in closest_names("segformer-b", close=close, **filters)]

            assert names() == ["segformer-b4", "segformer-b5"]
            assert names(kind="dataset") == ["segformer-b5"]
            assert names(task="image-segmentation") == ["segformer-b4"]
            assert names(licence="mit") == ["segformer-b5"]
            assert names(language="eng") == ["segformer-b4"]
            assert names(kind="tool") == names(task="no-such-task") == []

    def test_it_suggests_the_nearest_names_first(self):
        for slug, name in [("far", "segment-anything-model"), ("near", "segformer"),
                           ("mid", "segformer-b4-finetuned-ade"), ("other", "bert-base"),
                           ("hidden", "segformr")]:
            make_asset(slug, name=name, status=(
                Asset.Status.ARCHIVED if slug == "hidden" else Asset.Status.PUBLISHED))
        names = [a.name for a in closest_names("segformr ", limit=2)]
        assert names == ["segformer", "segformer-b4-finetuned-ade"]

    @pytest.mark.parametrize("few_kept", [0, catalog_search.FEW_KEPT])
    def test_it_suggests_the_nearest_names_a_filter_keeps_first(self, few_kept, monkeypatch):
        monkeypatch.setattr(catalog_search, "FEW_KEPT", few_kept)
        seg = make_task("image-segmentation", name="Image segmentation")
        for slug, name in [("far", "segment-anything-model"), ("near", "segformer"),
                           ("mid", "segformer-b4-finetuned-ade"), ("other", "segformr-x")]:
            make_asset(slug, name=name, tasks=[] if slug == "other" else [seg])
        names = [a.name for a in closest_names("segformr ", limit=2, task=seg.slug)]
        assert names == ["segformer", "segformer-b4-finetuned-ade"]

    def test_it_suggests_names_a_little_further_than_pg_trgm_would(self):
        make_asset("sd", name="Stable Diffusion XL")
        make_asset("bert", name="bert-base")
        # Word similarity 0.57: under pg_trgm's threshold of 0.6, within NAME_DISTANCE.
        assert [a.name for a in closest_names("stabel difusion ")] == ["Stable Diffusion XL"]
        assert closest_names("bret ") == []  # 0.2

    def test_close_names_are_only_the_near_ones(self):
        make_asset("sd", name="Stable Diffusion XL")
        make_asset("stab", name="stable-baselines3")  # shares a start, little else
        make_asset("bert", name="bert-base")
        assert [a.name for a in closest_names("stable difusion xl ", close=True)] == [
            "Stable Diffusion XL"]
        assert closest_names("bret ", close=True) == []  # word similarity 0.2
        assert closest_names("speech to text for german ", close=True) == []

    def test_no_name_is_close_to_a_need_of_more_words_than_any_name(
            self, django_assert_num_queries):
        make_asset("lexica", name="Lexica Search with Stable Diffusion v1.5 (1B)")
        # As many words as the longest name: looked for, and found.
        assert [a.slug for a in closest_names(
            "lexica serch with stable diffusion v1.5 1b ", close=True)] == ["lexica"]
        # One more: a need described at length, not a name misspelt; no query.
        with django_assert_num_queries(0):
            assert closest_names("lexica serch with stable diffusion v1.5 1b for art ",
                                 close=True) == []
        # Nothing found at all: the closest names are offered whatever its length.
        assert [a.slug for a in closest_names(
            "lexica serch with stable diffusion v1.5 1b for art ")] == ["lexica"]

    def test_no_name_of_the_bundled_catalog_is_written_in_more_words_than_it_says(self):
        with gzip.open(django_settings.BUNDLED_CATALOG, "rt") as fh:
            longest = max(catalog_search.words_written(json.loads(line)["name"])
                          for line in fh)
        assert longest == catalog_search.NAME_WORDS_MAX

    def test_a_long_name_misspelt_is_close(self):
        # A key long enough that the names are matched in groups of its trigrams.
        make_asset("long", name="multilingual-e5-large-instruct sentence embeddings")
        make_asset("short", name="multilingual-e5-small")
        found = closest_names("multilingal e5 large instruct sentense embedings ", close=True)
        assert [a.name for a in found] == ["multilingual-e5-large-instruct sentence embeddings"]

    def test_a_name_misspelt_in_its_first_letters_is_still_suggested(self):
        # No prefix in common: SQLite's prefix pass alone found nothing.
        make_asset("gpt-4o", name="GPT-4o (2024-05-13)")
        make_asset("llama", name="Llama 3 (8B)")
        make_asset("lambda", name="lambda_resnet26t.c1_in1k")
        assert [a.name for a in closest_names("gtp-4o")] == ["GPT-4o (2024-05-13)"]
        assert [a.name for a in closest_names("lama 3")][0] == "Llama 3 (8B)"

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own fallback")
    def test_an_sqlite_without_the_trigram_tokenizer_falls_back_to_prefixes(self, monkeypatch):
        monkeypatch.setattr(catalog_search, "SQLITE_TRIGRAMS", False)
        with connection.cursor() as cursor:  # as migration 0021 leaves such a database
            cursor.execute("DROP TABLE catalog_search_trigram")
        make_asset("segformer-b4", name="segformer-b4")
        make_asset("gpt-4o", name="GPT-4o (2024-05-13)")
        assert [a.name for a in closest_names("segformr")] == ["segformer-b4"]
        assert closest_names("gtp-4o") == []

    def test_the_names_it_suggests_follow_renames_and_deletions(self):
        asset = make_asset("whisper", name="whisper-large")
        assert [a.name for a in closest_names("wisper larg")] == ["whisper-large"]
        asset.name = "Parakeet"
        asset.save()
        assert closest_names("wisper larg") == []
        assert [a.name for a in closest_names("parakete")] == ["Parakeet"]
        asset.delete()
        assert closest_names("parakete") == []


@pytest.mark.skipif(not catalog_search.SQLITE_TRIGRAMS, reason="FTS5's trigram tokenizer")
class TestNamesStarted:
    """The names a word too short to be searched by its start starts (names_started())."""

    def _names(self) -> None:
        for slug, name, kind, rank, released in [
            ("gemma", "Gemma", Asset.Kind.MODEL, 50.0, date(2024, 2, 1)),
            ("gemini-2", "Gemini 2", Asset.Kind.API, 50.0, None),
            ("geo", "GeoBench", Asset.Kind.DATASET, 60.0, None),
            ("getter", "Getter", Asset.Kind.TOOL, None, None),
            ("age", "Age", Asset.Kind.MODEL, 90.0, None),  # holds "ge", not at its start
        ]:
            asset = make_asset(slug, name=name, kind=kind, released_on=released)
            if rank is not None:
                _score(asset, rank)
        make_asset("gerund", name="Gerund", status=Asset.Status.DRAFT)

    def test_the_best_ranked_first_then_the_newest(self, django_assert_num_queries):
        self._names()
        with django_assert_num_queries(2):  # the names; their assets
            names = [a.name for a in catalog_search.names_started("ge")]
        assert names == ["GeoBench", "Gemini 2", "Gemma", "Getter"]
        assert [a.name for a in catalog_search.names_started("GE", limit=2)] == [
            "GeoBench", "Gemini 2"]
        assert [a.name for a in catalog_search.names_started("gem")] == ["Gemini 2", "Gemma"]

    def test_the_filters_keep_what_they_keep_in_the_search(self):
        self._names()
        assert [a.name for a in catalog_search.names_started("ge", kind="model")] == ["Gemma"]
        assert catalog_search.names_started("ge", task="no-such-task") == []

    def test_nothing_typed_or_started_finds_nothing(self, django_assert_num_queries):
        self._names()
        with django_assert_num_queries(0):
            assert catalog_search.names_started("  ") == []
        with django_assert_num_queries(1):
            assert catalog_search.names_started("zq") == []


class TestTrigramMatch:
    """The names trigram_match() lets through hold all those within the distance, however
    the trigrams are grouped: checked on an FTS5 trigram table of its own."""

    @staticmethod
    def _matched(names: list[str], expression: str) -> set[int]:
        import sqlite3

        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(name_key, tokenize='trigram')")
        db.executemany("INSERT INTO t (rowid, name_key) VALUES (?, ?)",
                       [(i, catalog_search.padded_words(name)) for i, name in enumerate(names)])
        return {row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ?",
                                              [expression])}

    @staticmethod
    def _within(key: str, name: str, distance: float) -> bool:
        wanted = catalog_search._word_trigrams(key)
        held = wanted & catalog_search._word_trigrams(name)
        return len(held) / len(wanted) >= 1 - distance

    @settings(max_examples=60, deadline=None)
    @given(key=st.text(alphabet="abcdeilmnorst ", min_size=3, max_size=70),
           names=st.lists(st.text(alphabet="abcdeilmnorst ", max_size=80), max_size=12),
           distance=st.sampled_from([catalog_search.CLOSE_NAME_DISTANCE,
                                     catalog_search.NAME_DISTANCE]),
           rare=st.integers(0, 2**32))
    @example(key="image classification model pretrained imagenet small mobile",
             names=["image classification model pretrained on imagenet small",
                    "mobile image model", "imagenet"],
             distance=catalog_search.CLOSE_NAME_DISTANCE, rare=7)
    def test_every_name_close_enough_is_matched(self, key, names, distance, rare):
        key = " ".join(key.split())
        if not key:
            return
        wanted = catalog_search._word_trigrams(key)
        # Any counts of names holding each trigram: the grouping changes, never what is found.
        counts = {gram: hash((gram, rare)) % 1000 for gram in wanted}
        expression, _ = catalog_search.trigram_match(wanted, distance, lambda: counts)
        names = [" ".join(name.split()) for name in names]
        names.append(key)  # (a name the key itself is within any distance)
        close = {i for i, name in enumerate(names) if self._within(key, name, distance)}
        assert close <= self._matched(names, expression)

    @settings(max_examples=200, deadline=None)
    @given(words=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1,
                                  max_size=12), min_size=1, max_size=12),
           distance=st.sampled_from([catalog_search.CLOSE_NAME_DISTANCE,
                                     catalog_search.NAME_DISTANCE]),
           rare=st.integers(0, 2**32))
    def test_a_name_lacking_a_whole_group_is_never_close_enough(self, words, distance, rare):
        # So a name within the distance holds one of every group, whichever the group.
        wanted = catalog_search._word_trigrams(" ".join(words))
        counts = {gram: hash((gram, rare)) % 1000 for gram in wanted}
        expression, every = catalog_search.trigram_match(wanted, distance, lambda: counts)
        groups = [set(re.findall(r'"([^"]+)"', part)) for part in expression.split(" AND ")]
        assert (set().union(*groups) == wanted) == every
        if len(groups) > 1 or not every:
            for group in groups:
                assert (len(wanted) - len(group)) / len(wanted) < 1 - distance
        if not every:
            # One group, of the rarest.
            assert len(groups) == 1
            assert max(counts[gram] for gram in groups[0]) <= min(
                counts[gram] for gram in wanted - groups[0])

    @staticmethod
    def _rarest_first(key: str, distance: float, rarest: dict[str, int]
                      ) -> tuple[set[str], str, bool]:
        """The trigrams of `key`, and trigram_match() of them when those of `rarest` are
        held by fewer names than the others."""
        wanted = catalog_search._word_trigrams(key)
        counts = dict.fromkeys(wanted, 100) | rarest
        return wanted, *catalog_search.trigram_match(wanted, distance, lambda: counts)

    def test_a_long_key_is_matched_in_groups_the_rarest_first(self):
        wanted, expression, every = self._rarest_first(
            "zero shot audio classification environmental sounds",
            catalog_search.CLOSE_NAME_DISTANCE, {"nme": 1, "ent": 2})
        groups = expression.split(" AND ")
        assert every
        assert len(groups) == 3 and all(group.startswith("(") for group in groups)
        assert '"nme"' in groups[0] and '"ent"' in groups[0]
        # Every trigram once: bm25() ranks names as it did matching any of them.
        assert all(expression.count(querytext.fts5_quote(gram)) == 1 for gram in wanted)

    def test_the_far_distance_matches_any_of_the_rarest(self):
        # Within NAME_DISTANCE a name may lack over half of them: no two groups, and one of
        # the rarest 60 % it must hold.
        wanted, expression, every = self._rarest_first(
            "stable diffusion xl turbo", catalog_search.NAME_DISTANCE, {"tur": 1, "xl ": 2})
        assert " AND " not in expression and not every
        held = set(re.findall(r'"([^"]+)"', expression))
        assert {"tur", "xl "} <= held and len(held) == int(len(wanted) * 0.6) + 1
        # A key too short to leave any out matches every trigram, and how many names hold
        # each is not read.
        asked = []
        expression, every = catalog_search.trigram_match(
            catalog_search._word_trigrams("a"), catalog_search.NAME_DISTANCE,
            lambda: asked.append(1) or {})
        assert every and asked == []


_WORDS = st.text(alphabet="abcdefgimnoST0 -_.", max_size=12)


class TestNameWords:
    @pytest.mark.parametrize(("name", "external_id", "words"), [
        # Each word once, whichever spelling holds it.
        ("pubmedbert-base-embeddings-100K", "NeuML/pubmedbert-base-embeddings-100K",
         "pubmedbert base embeddings 100k 100 k"),
        ("Conan-embedding-v2", "TencentBAC/Conan-embedding-v2", "conan embedding v2"),
        ("ADE20K SceneParsing (150 classes)", "zhoubolei/scene_parse_150",
         "ade20k sceneparsing 150 classes ade20 k scene parsing parse"),
        ("Mistral v0.1 (7B)", "mistralai/Mistral-7B-v0.1", "mistral v0 1 7b 7 b"),
        # An acronym keeps its version ("YOL Ov10" no more).
        ("YOLOv10", "THU-MIG/yolov10", "yolov10"),
    ])
    def test_a_name_holds_each_word_of_its_spellings_once(self, name, external_id, words):
        assert catalog_search.name_words(name, external_id) == words

    @pytest.mark.parametrize(("name", "external_id", "words"), [
        ("vit_base_patch16_224.augreg_in21k", "timm/vit_base_patch16_224", "vision transformer"),
        ("CLIP-ViT-L-14", "laion/CLIP-ViT-L-14", "vision transformer"),
        ("Mistral OCR 3", "mistralai/mistral-ocr-3", "optical character recognition"),
        ("Vitamin OCR", "x/vitamin-ocr", "optical character recognition"),  # a word, not "vit"
        ("Segformer", "nvidia/segformer", ""),
        # The words a speech model is named for, which lists no task.
        ("tts-1-hd", "openai/tts-1-hd", "text to speech, speech synthesis"),
        ("ChatTTS", "chat_tts", "text to speech, speech synthesis"),
        ("gpt-4o-transcribe", "openai/gpt-4o-transcribe",
         "automatic speech recognition, speech to text, transcription"),
        ("whisper-large-v3", "openai/whisper-large-v3",
         "automatic speech recognition, speech to text, transcription"),
    ])
    def test_abbreviations_in_a_name_bring_what_they_stand_for(self, name, external_id, words):
        names = catalog_search.name_words(name, external_id)
        assert catalog_search.alias_words(names) == words

    @pytest.mark.parametrize(("name", "external_id", "untasked_api", "words"), [
        ("GPT Image 1", "openai/gpt-image-1", True, "text to image generation"),
        ("gpt-5-image", "openai/gpt-5-image", True, "text to image generation"),
        ("Gemini 2.5 Flash Image", "google/gemini-2.5-flash-image", True,
         "text to image generation"),
        # Not for a model or dataset, nor an API listing a task: "image" there as often
        # says what it takes in.
        ("GPT Image 1", "openai/gpt-image-1", False, ""),
        ("Image tts", "x/image-tts", True, "text to image generation text to speech, "
                                           "speech synthesis"),
        ("Imagen 4", "google/imagen-4", True, ""),
    ])
    def test_a_word_in_the_name_of_an_api_listing_no_task_brings_what_it_stands_for(
            self, name, external_id, untasked_api, words):
        names = catalog_search.name_words(name, external_id)
        assert catalog_search.alias_words(names, untasked_api=untasked_api) == words

    def test_only_an_api_listing_no_task_is_found_by_what_image_in_its_name_stands_for(self):
        task = make_task("image-classification", name="Image classification")
        make_asset("gpt-image-1", name="GPT Image 1", kind=Asset.Kind.API, summary="An API.")
        make_asset("image-api", name="Image Tagger", kind=Asset.Kind.API, summary="An API.",
                   tasks=[task])
        make_asset("image-model", name="Image Model", summary="A model.")
        for q in ("image generation", "text to image"):
            assert [r.asset.name for r in search(q) if r.all_terms] == ["GPT Image 1"], q

    @pytest.mark.parametrize(("name", "external_id", "words"), [
        # Letters glued to a number, a version apart from its letters; not "in1k" or "b4".
        ("resnet50.a1_in1k", "timm/resnet50.a1_in1k", "resnet 50"),
        ("YOLOv10", "THU-MIG/yolov10", "yolo v10"),
        ("mobilenetv3_large_100", "timm/mobilenetv3_large_100", "mobilenet v3"),
        ("conv2d-b4", "x/conv2d-b4", ""),
        ("ADE20K SceneParsing (150 classes)", "zhoubolei/scene_parse_150", "ade 20"),
        # Letters and a number written apart, joined (not in the qualifier in brackets).
        ("GPT-4o (2024-05-13)", "openai/gpt-4o-2024-05-13", "gpt4o"),
        ("Llama 3 Instruct (8B)", "meta/llama-3-8b-instruct", "llama3"),
        ("Mixtral (8x7B 32K seqlen)", "mistralai/mixtral-8x7b-32kseqlen", "mixtral8x7b"),
        ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", ""),
    ])
    def test_letters_glued_to_numbers_are_also_held_apart(self, name, external_id, words):
        assert catalog_search.glued_words(name, external_id) == words


class TestTaskWords:
    @pytest.mark.parametrize("name, slug, words", [
        ("Summarisation", "summarization", "Summarisation summarization"),
        ("Speech recognition", "automatic-speech-recognition",
         "Speech recognition automatic speech to text, transcription, ASR"),
        ("Image segmentation", "image-segmentation", "Image segmentation"),
        ("Text-to-image generation", "text-to-image", "Text-to-image generation image generation"),
        ("Token classification", "token-classification",
         "Token classification named entity recognition, NER"),
    ])
    def test_a_task_adds_the_words_of_its_slug_its_name_lacks(self, name, slug, words):
        assert catalog_search.task_words(name, slug) == words

    @pytest.mark.parametrize("name, slug, shown", [
        ("Summarisation", "summarization", "Summarisation (summarization)"),
        ("Speech recognition", "automatic-speech-recognition",
         "Speech recognition (automatic speech recognition, speech to text, transcription, "
         "ASR)"),
        ("Image segmentation", "image-segmentation", "Image segmentation"),
        ("Text-to-image generation", "text-to-image",
         "Text-to-image generation (image generation)"),
    ])
    def test_a_result_shows_a_task_with_what_else_it_is_called(self, name, slug, shown):
        assert catalog_search.task_shown(name, slug) == (shown, len(name))
        # Words the document holds, and no others.
        assert (set(querytext.index_text(shown).split())
                == set(querytext.index_text(catalog_search.task_words(name, slug)).split()))


class TestHoldsPhrase:
    @pytest.mark.parametrize(("text", "q", "held"), [
        ("Turns speech to text.", "speech to text", True),
        ("Speech-to-text, and fast", "speech to text", True),
        ("Reads text aloud as speech to text", "text to speech", False),
        ("Turns speech into text.", "speech to text", False),
        ("It segments indoor scenes", "segment indoor scene", True),
        ("Indoor scenes, segmented", "segment indoor scene", False),
        ("A speech to textbook", "speech to text ", False),
        ("Speech", "speech", False),  # one word is no phrase
    ])
    @pytest.mark.parametrize("stemmer", sorted(set(STEMMERS.values())))
    def test_it_finds_the_words_side_by_side_in_their_order(self, text, q, held, stemmer):
        n = querytext.normalise(q)
        hits = catalog_search._word_hits(text, n, stemmer)
        assert catalog_search._holds_phrase(text, hits, querytext.phrase_words(n)) is held


class TestHighlighting:
    """catalog.search finds the words of ASCII text with a pattern and remembers what each
    stands for; it must find exactly what the definition finds: in every run of letters and
    digits, what `_word_spans` says stands for a term."""

    @staticmethod
    def defined_hits(text: str, n: querytext.Normalised, stemmer: str
                     ) -> list[tuple[int, int, str]]:
        import re

        hits = []
        for m in re.finditer(r"[A-Za-z0-9]+", text):
            hits += [(m.start() + a, m.start() + b, term)
                     for a, b, term in catalog_search._word_spans(m.group(), n, stemmer)]
        return hits

    @given(st.lists(_WORDS, max_size=12).map(" ".join), _WORDS)
    @example("Segmentation SceneParsing segment segm image", "segmentation scene")
    @example("imagenet IMAGE images img", "image")
    @example("seg segm segmen", "segm")
    @example("hoping hope hopes", "hoping")
    @example("dies died", "dies")
    def test_it_finds_the_words_the_definition_finds(self, text, q):
        n = querytext.normalise(q)
        for stemmer in STEMMERS.values():
            assert (catalog_search._word_hits(text, n, stemmer)
                    == self.defined_hits(text, n, stemmer))
            # Again, now from the memo of the words already seen.
            assert (catalog_search._word_hits(text, n, stemmer)
                    == self.defined_hits(text, n, stemmer))

    @given(st.lists(st.lists(_WORDS | st.sampled_from(["Café", "naïve", "ＳＥＧＭ", ""]),
                            max_size=6).map(" ".join), max_size=8), _WORDS)
    @example(["segmentation", "Scene", "", "segm\nent", "x segment"], "segm")
    @example(["Café segmentation", "segmentation"], "segmentation")
    @example(["Café"], "caf")
    def test_it_finds_the_words_of_many_texts_at_once(self, texts, q):
        # A page of results searches its capabilities' texts together: the ASCII ones as
        # the definition says, the others by their own (folding) path.
        n = querytext.normalise(q)
        for stemmer in STEMMERS.values():
            assert catalog_search._hits_of(texts, n, stemmer) == [
                self.defined_hits(t, n, stemmer) if t.isascii()
                else catalog_search._unicode_hits(t, n, stemmer)
                for t in texts
            ]

    @given(st.lists(_WORDS, min_size=10, max_size=60).map(" ".join), _WORDS)
    @example("filler " * 40 + "segmentation tail " * 20, "segmentation")
    @example("segmentation " + "x" * 400, "segm")
    def test_it_cuts_snippets_into_the_parts_of_the_text_it_shows(self, text, q):
        n = querytext.normalise(q)
        for stemmer in STEMMERS.values():
            parts = catalog_search.snippet(text, n, stemmer, chars=60)
            shown = "".join(part for part, _ in parts)
            assert parts == _highlight(shown, n, stemmer)[0]
            assert len(shown) <= max(len(text), 62)

    @pytest.mark.parametrize("q, text, marked", [
        ("segment ", "segmentation segments segmenter segmental segmentz", [
            "segmentation", "segments", "segmenter", "segmental"]),
        ("segmentation ", "segment segm", ["segment"]),
        ("embedding ", "embed embedded embeddings embedder", ["embedded", "embeddings"]),
        ("model ", "modelling modeling models modelscope", ["modelling", "modeling", "models"]),
        ("open ", "openai opened open-source", ["opened", "open"]),
        # A CamelCase word by the part that stands for the term: Image Net.
        ("image ", "imagenet images ImageNet", ["images", "Image"]),
        ("captioning ", "captions captioner ActivityNetCaptions", [
            "captions", "captioner", "Captions"]),
        ("detecting objects ", "Object detection, LanguageDetection", [
            "Object", "detection", "Detection"]),
        ("hate speech ", "HateSpeechPortugueseClassification", ["HateSpeech"]),
        # The word being typed starts the name: its part is marked, not all of it.
        ("hate speech", "SpeechCommands HateSpeech speeches", ["Speech", "HateSpeech",
                                                                "speeches"]),
        ("open", "openai", ["openai"]),  # being typed: every word it starts
        # A whole word being typed (the stemmer shortens it): the words of its stem and
        # those it starts, not every word its stem starts.
        ("parsing", "ParsiNLU parsing parses parsingbench", ["parsing", "parses",
                                                             "parsingbench"]),
    ])
    @pytest.mark.parametrize("stemmer", STEMMERS.values())
    def test_a_word_stands_for_a_term_its_index_stems_alike(self, q, text, marked, stemmer):
        n = querytext.normalise(q)
        parts, _ = _highlight(text, n, stemmer)
        assert [part for part, hit in parts if hit] == marked

    @pytest.mark.parametrize("stemmer, marked", [
        ("porter", ["general", "generation"]),  # FTS5 makes them one word: gener
        ("english", ["generation"]),
    ])
    def test_marks_follow_the_stemmer_of_the_database(self, stemmer, marked):
        n = querytext.normalise("generation ")
        parts, _ = _highlight("general generation", n, stemmer)
        assert [part for part, hit in parts if hit] == marked

    PARITY = ["captions", "captioning", "captioner", "embed", "embedded", "embedding",
              "general", "generation", "generates", "classifying", "classification",
              "classifier", "translated", "translation", "detecting", "detection",
              "summarization", "images", "imagenet", "segmenter", "modelling", "hoping",
              "happy", "relational", "sensibility", "codey", "state", "stats", "psychology",
              "technologies", "biology", "organization"]

    def test_it_stems_words_as_the_database_indexes_them(self):
        # What the database holds for each word, beside what the highlighter's stemmer says.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT w, (SELECT string_agg(lexeme, ' ') FROM unnest(to_tsvector(%s, w)))"
                    " FROM unnest(%s::text[]) AS w", [catalog_search.CONFIG, self.PARITY])
            else:
                cursor.execute("CREATE VIRTUAL TABLE temp.stems USING fts5("
                               "w, tokenize = 'porter unicode61 remove_diacritics 2')")
                cursor.execute("CREATE VIRTUAL TABLE temp.stems_held USING fts5vocab("
                               "temp, stems, instance)")
                cursor.executemany("INSERT INTO temp.stems (w) VALUES (%s)",
                                   [[w] for w in self.PARITY])
                cursor.execute("SELECT s.w, v.term FROM temp.stems s "
                               "JOIN temp.stems_held v ON v.doc = s.rowid")
            held = dict(cursor.fetchall())
            if connection.vendor == "sqlite":
                cursor.execute("DROP TABLE temp.stems_held")
                cursor.execute("DROP TABLE temp.stems")
        stemmer = STEMMERS[connection.vendor]
        assert held == {w: catalog_search.stem(w, stemmer) for w in self.PARITY}

    def test_a_result_marks_what_its_database_matched(self):
        a = make_asset("Clip labeller", summary="Writes captions for short videos.")
        [result] = search("captioning ")
        assert result.asset == a
        assert [part for part, hit in result.snippet if hit] == ["captions"]

    @pytest.mark.parametrize("q, name, marked", [
        ("question answering", "SlideVQA", ["VQA"]),  # the part that is the abbreviation
        ("code", "StarCoder (15.5B)", ["Coder"]),
        ("vision transformer", "davit_small vit_base_patch16", ["vit"]),
        # Any of the words it stands for, which are written with commas between them.
        ("transcription", "gpt-4o-transcribe", ["transcribe"]),
        ("speech synthesis", "Gemini 2.5 Flash TTS", ["TTS"]),
    ])
    def test_a_name_marks_the_abbreviation_that_matched(self, q, name, marked):
        make_asset("named", name=name, summary="Benchmarks.")
        [result] = search(q)
        assert [part for part, hit in result.name_parts if hit] == marked

    def test_it_matches_non_ascii_text_by_the_same_rules(self):
        n = querytext.normalise("café segmentation")
        parts, terms = _highlight("Le Café: Segmentation d’image", n, "porter")
        assert ("Café", True) in parts and ("Segmentation", True) in parts
        assert terms == {"café", "segmentation"}


class TestTaskVerbs:
    def test_a_verb_finds_the_assets_of_its_task_and_marks_its_name(self):
        asr = make_task("automatic-speech-recognition", name="Speech recognition")
        toolkit = make_asset("toolkit", name="Toolkit", summary="Audio models.", tasks=[asr])
        make_asset("other", name="Other", summary="Audio clips.")
        result, other = search("transcribe audio ")
        assert result.asset == toolkit and result.all_terms and not other.all_terms
        assert [[part for part, hit in task if hit] for task in result.tasks] == [
            ["transcription"]]


class TestNameAliases:
    def test_a_model_named_coder_is_found_by_code_and_marked(self):
        star = make_asset("starcoder", name="StarCoder (15.5B)", summary="A text model.")
        make_asset("other", name="Star Tracker", summary="A text model.")
        result = search("code model")[0]
        assert result.asset == star
        assert [part for part, hit in result.name_parts if hit] == ["Coder"]


class TestNamesTypedInPart:
    """While the last of several words is typed, names starting with what was typed come
    first, even when the words are too common for the text search to reach them."""

    @pytest.fixture(autouse=True)
    def _catalog(self, monkeypatch):
        monkeypatch.setattr(catalog_search, "CANDIDATES", 5)
        for i in range(12):  # holding both words, found before the library in index order
            make_asset(f"st-{i}", name=f"Encoder {i}",
                       summary="A sentence embedding model built with sentence transformers.")
        self.library = make_asset("sentence-transformers", name="sentence-transformers",
                                  kind=Asset.Kind.LIBRARY, summary="A library.")

    @pytest.mark.parametrize("q", ["sentence-trans", "sentence transf", "Sentence Transfo"])
    def test_the_name_being_typed_comes_first(self, q):
        first = search(q, limit=5)[0]
        assert first.asset == self.library and not first.exact

    @pytest.mark.parametrize(("q", "start"), [
        ("sentence transf", "sentence transf"), ("sentence-trans", "sentence trans"),
        # Finished, the words a name starts with: "stable diffusion" is no "stable diffusionx".
        ("sentence transf ", "sentence transf "), ("stable diffusion ", "stable diffusion "),
        # A last word too short to be a prefix, being typed, is a start all the same.
        ("sentence t", "sentence t"), ("stable di", "stable di"), ("stable di ", "stable di "),
        ("sentence", ""), ("-x sentence transf", ""), ('"a b" sentence transf', ""),
        ("sentence or transf", ""),
    ])
    def test_only_for_several_words(self, q, start):
        # Not for one word ("speech" would put every name starting with it first), nor when
        # words are left out, quoted or joined by "or".
        assert catalog_search._names(querytext.normalise(q)).start == start

    def test_names_starting_with_the_words_come_first(self):
        make_asset("lexica", name="Lexica Search with Stable Diffusion v1.5",
                   summary="Stable diffusion, stable diffusion images.")
        xl = make_asset("sdxl", name="Stable Diffusion XL", summary="An image model.")
        make_asset("sdx", name="Stable Diffusionx", summary="Stable diffusion.")
        results = search("stable diffusion ")
        assert results[0].asset == xl and not results[0].exact

    def test_a_last_word_too_short_to_be_a_prefix_starts_names_too(self):
        # ("stable d" opened with stable-static-embedding, better ranked, which holds
        # "stable" and not "d"; "deepseek r" with DeepSeek V4.1 Flash, not DeepSeek-R1.)
        for q in ("sentence t", "Sentence-tr"):
            first = search(q, limit=5)[0]
            assert first.asset == self.library and not first.exact, q

    def test_filters_hold(self):
        assert search("sentence transf", kind="dataset") == []


class TestPastedIds:
    """An id or a repository address pasted whole finds the asset it names first."""

    @pytest.fixture(autouse=True)
    def _catalog(self):
        self.m3 = make_asset("bge-m3", name="bge-m3", external_id="BAAI/bge-m3")
        make_asset("bge-reranker-v2-m3", name="bge-reranker-v2-m3",
                   external_id="BAAI/bge-reranker-v2-m3")
        make_asset("bge-visualized-m3", name="bge-visualized-m3",
                   external_id="BAAI/bge-visualized-m3")
        self.copy = make_asset("someone-bge-m3", name="bge-m3", external_id="someone/bge-m3")

    @pytest.mark.parametrize("q", ["BAAI/bge-m3", "baai/bge-m3",
                                   "https://huggingface.co/BAAI/bge-m3",
                                   "huggingface.co/BAAI/bge-m3/tree/main", " hf.co/BAAI/bge-m3 "])
    def test_the_asset_it_names_comes_first_as_an_exact_name(self, q):
        results = search(q)
        assert results[0].asset == self.m3 and results[0].exact
        # Another of that name is an exact name too, after the owner's.
        assert results[1].asset == self.copy and results[1].exact

    def test_an_address_elsewhere_is_searched_as_words(self):
        assert querytext.normalise("https://example.com/BAAI/bge-m3").terms[:3] == [
            "https", "example", "com"]


class TestSpeltOtherwise:
    def test_a_word_spelt_the_other_way_finds_the_catalog_s_and_marks_it(self):
        mit = make_asset("mit", name="Parser", summary="A parser under licence MIT.")
        make_asset("other", name="Other", summary="A parser with no stated terms.")
        [result] = search("mit license")
        assert result.asset == mit and result.all_terms
        assert [part for part, hit in result.snippet if hit] == ["licence", "MIT"]

    def test_a_word_left_out_leaves_out_its_other_spelling_too(self):
        make_asset("mit", name="Parser MIT", summary="A parser under licence MIT.")
        kept = make_asset("none", name="Parser", summary="A parser with no stated terms.")
        assert [r.asset for r in search("parser -license")] == [kept]
        assert [r.asset for r in search('parser -"licence mit"')] == [kept]

    def test_a_british_spelling_finds_an_american_one(self):
        quantized = make_asset("q8", name="Q8", summary="Quantized weights.")
        [result] = search("quantised weights ")
        assert result.asset == quantized and result.all_terms


class TestOpenSource:
    def test_open_source_finds_the_open_weights_models_too_and_marks_why(self):
        weights = make_asset("ow", name="Parser OW", summary="An open-weights model parsing.",
                             licence="")
        mit = make_asset("mit", name="Parser MIT", summary="A parser.", licence="mit")
        # Holding "open" and "weights" apart is not being open-weights.
        make_asset("apart", name="Parser W", summary="A parser open to all; weights 5 MB.",
                   licence="")
        make_asset("none", name="Parser", summary="A parser.", licence="")
        results = search("open source parser ")
        assert {r.asset for r in results if r.all_terms} == {weights, mit}
        found = next(r for r in results if r.asset == weights)
        assert [part for part, hit in found.snippet if hit] == ["open-weights"]
        # Typed in quotes, the two words are wanted as typed.
        assert {r.asset for r in search('"open source" parser ') if r.all_terms} == {mit}


class TestLicenceTerms:
    """A document holds what its licence allows (licences.terms_label()); "non" is joined to
    the word it negates, in the index and in the query."""

    @pytest.fixture(autouse=True)
    def _catalog(self):
        self.nc = make_asset("nc", name="Parser NC", summary="A parser.", licence="cc-by-nc-4.0")
        self.msr = make_asset("msr", name="Parser MSR", summary="A parser.",
                              licence="msr-la-nc")
        self.mit = make_asset("mit", name="Parser MIT", summary="A parser.", licence="mit")
        self.gpl = make_asset("gpl", name="Parser GPL", summary="A parser.", licence="gpl-2.0")
        self.none = make_asset("none", name="Parser", summary="A parser.", licence="")

    def test_commercial_use_finds_the_assets_licensed_for_it_and_marks_why(self):
        results = search("parser for commercial use ")
        assert {r.asset for r in results if r.all_terms} == {self.mit, self.gpl}
        mit = next(r for r in results if r.asset == self.mit)
        assert mit.licence_parts == [
            ("MIT", False), (" (", False), ("permissive, ", False), ("commercial", True),
            (" ", False), ("use", True), (" allowed; open source (OSI-approved)", False),
            (")", False)]

    def test_non_commercial_finds_the_assets_licensed_for_nothing_else(self):
        for q in ["non-commercial parser", "noncommercial parser", "non commercial parser"]:
            results = search(q)
            assert {r.asset for r in results if r.all_terms} == {self.nc, self.msr}, q
        nc = next(r for r in results if r.asset == self.nc)
        assert nc.licence_parts == [("CC BY-NC 4.0", False), (" (", False),
                                    ("non-commercial", True), (")", False)]
        # Its name says as much: not twice.
        msr = next(r for r in results if r.asset == self.msr)
        assert msr.licence_parts == [("Microsoft Research Licence (", False),
                                     ("non-commercial", True), (")", False)]

    def test_a_licence_left_out_leaves_its_assets_out(self):
        assert {r.asset for r in search("parser -non-commercial ")} == {
            self.mit, self.gpl, self.none}

    @pytest.mark.parametrize("stemmer", STEMMERS.values())
    def test_a_page_of_texts_is_marked_text_by_text(self, stemmer):
        n = querytext.normalise("non-commercial ")
        texts = ["Licence", "under a non", "commercial licence", "A Non-Commercial one"]
        assert catalog_search._hits_of(texts, n, stemmer) == [
            [], [], [], [(2, 16, "noncommercial")]]
        n = querytext.normalise("commercial ")
        assert catalog_search._hits_of(texts, n, stemmer) == [
            [], [], [(0, 10, "commercial")], []]
        # "İ" is two characters lower-cased: the texts are read as they are.
        n = querytext.normalise("non-commercial ")
        assert catalog_search._hits_of(["İzmir", "A NON commercial one"], n, stemmer) == [
            [], [(2, 16, "noncommercial")]]

    @pytest.mark.parametrize("stemmer", STEMMERS.values())
    def test_commercial_does_not_mark_what_is_non_commercial(self, stemmer):
        text = "Non-commercial, or commercial use; non commercially."
        parts, _ = _highlight(text, querytext.normalise("commercial "), stemmer)
        assert [part for part, hit in parts if hit] == ["commercial"]
        parts, _ = _highlight(text, querytext.normalise("non-commercial "),
                                            stemmer)
        assert [part for part, hit in parts if hit] == ["Non-commercial", "non commercially"]


class TestAlternativesNamed:
    def _named(self, q: str) -> str | None:
        named = catalog_search.alternatives_named(querytext.normalise(q))
        return named.slug if named else None

    def test_it_names_the_asset_whose_alternatives_the_words_ask_for(
        self, django_assert_num_queries
    ):
        make_asset("gpt-4o", name="GPT-4o (2024-05-13)")
        make_asset("bge-m3", name="bge-m3", external_id="BAAI/bge-m3")
        with django_assert_num_queries(1):
            assert self._named("alternatives to GPT-4o") == "gpt-4o"
        for q in ["gpt-4o alternatives", "an alternative to gpt-4o?", "similar to gpt4o",
                  "cheaper replacement for gpt-4o", "competitors of GPT-4o (2024-05-13)",
                  "open source substitutes for gpt-4o"]:
            assert self._named(q) == "gpt-4o", q
        assert self._named("alternatives to BAAI/bge-m3") == "bge-m3"

    def test_it_names_none_unless_the_words_ask_and_name_an_asset(
        self, django_assert_num_queries
    ):
        make_asset("gpt-4o", name="GPT-4o")
        make_asset("hidden", name="Hidden", status=Asset.Status.DRAFT)
        for q in ["alternatives to gpt", "alternatives to hidden", "alternatives to",
                  "alternatives", "gpt-4o vs alternatives"]:
            assert self._named(q) is None, q
        # Words that do not ask: no query.
        with django_assert_num_queries(0):
            for q in ["gpt-4o", "alternative medicine", "alternatively gpt-4o", "to gpt-4o"]:
                assert self._named(q) is None, q


class TestVersusNamed:
    def _named(self, q: str) -> tuple[str, str] | None:
        pair = catalog_search.versus_named(querytext.normalise(q))
        return (pair[0].slug, pair[1].slug) if pair else None

    def test_it_names_the_two_assets_a_vs_b_names(self, django_assert_num_queries):
        make_asset("gpt-4o", name="GPT-4o")
        make_asset("whisper-base", name="whisper-base")
        with django_assert_num_queries(1):
            assert self._named("GPT-4o vs whisper-base") == ("gpt-4o", "whisper-base")
        # In the order typed, by "vs.", "versus", any case, spaces around.
        assert self._named("whisper-base  VS.  gpt-4o ") == ("whisper-base", "gpt-4o")
        assert self._named("whisper-base versus GPT-4o") == ("whisper-base", "gpt-4o")
        # Glued as the search takes names ("gpt4o": GPT-4o).
        assert self._named("gpt4o vs whisper-base") == ("gpt-4o", "whisper-base")

    def test_a_name_without_its_qualifier_names_the_best_ranked_then_the_newest(self):
        from datetime import date

        old = make_asset("sonnet-old", name="Claude 3.5 Sonnet (20240620)",
                         released_on=date(2024, 6, 20))
        new = make_asset("sonnet-new", name="Claude 3.5 Sonnet (20241022)",
                         released_on=date(2024, 10, 22))
        make_asset("undated", name="Claude 3.5 Sonnet (beta)")
        make_asset("gpt-4o", name="GPT-4o")
        assert self._named("claude 3.5 sonnet vs gpt-4o") == ("sonnet-new", "gpt-4o")
        _score(old, 70.0)
        _score(new, 60.0)
        assert self._named("claude 3.5 sonnet vs gpt-4o") == ("sonnet-old", "gpt-4o")
        # A name typed whole is the asset so named, whatever the others' ranks.
        assert self._named("claude 3.5 sonnet (20241022) vs gpt-4o") == (
            "sonnet-new", "gpt-4o")

    def test_it_names_none_unless_both_sides_name_an_asset(self, django_assert_num_queries):
        make_asset("gpt-4o", name="GPT-4o")
        make_asset("hidden", name="Hidden", status=Asset.Status.DRAFT)
        for q in ["gpt-4o vs claude", "gpt-4o vs gpt-4o", "gpt-4o vs hidden", "gpt-4o vs",
                  "vs gpt-4o", "gpt-4o vs gpt-4o vs gpt-4o", "gpt-4o canvas"]:
            assert self._named(q) is None, q
        # No "vs" between two words: no query.
        with django_assert_num_queries(0):
            assert self._named("gpt-4o canvas vsx") is None


class TestSpelling:
    """spelling(): a misspelt word put right, when the index does not hold it and it is close
    to a word people describe needs with (the tasks' names, the kinds)."""

    @pytest.fixture(autouse=True)
    def _catalog(self):
        task = make_task("image-segmentation", name="Image segmentation")
        make_task("any2any-multimodal", name="Any to any (multi modal)")
        a = make_asset("segformer", name="SegFormer", summary="Lidar scans, parsed.",
                       tasks=[task])
        make_capability(a, title="Image segmentation", description="Labels every pixel.")

    @pytest.mark.parametrize("q, spelled", [
        ("segmentaton modl", "segmentation model"),  # model, not modal: assets have kinds
        ("Segmentaton", "segmentation"),
        ("lidar segmentaton ", "lidar segmentation"),  # a word the index holds is kept
        ('"image segmentaton" -modl', '"image segmentation" -modl'),  # only what is sought
        ("segmentation model", None),
        ("segmen", None),  # being typed: it starts segmentation
        ("sgmentation", "segmentation"),
        ("zegmentation", None),  # the first letter is taken as typed
        ("segmantatoin ", "segmentation"),  # two edits: a letter changed, two swapped
        ("segmantatoinn ", None),  # three
        ("imaxez ", None),  # two letters off "images": too short for two
        ("imag segmentation", None),  # too short to put right
    ])
    def test_it_puts_right_what_is_close_to_a_need_word(self, q, spelled):
        assert catalog_search.spelling(querytext.normalise(q)) == spelled

    @pytest.mark.parametrize("q, spelled", [
        ("antropic claude ", "anthropic claude"),
        ("hugginface claude ", "huggingface claude"),
        # Two edits off a maker's name: as likely a word of its own ("deepfake": deepfile).
        ("claude by antropik ", None),
        ("anthrop claude ", None),  # two letters short
        ("anthropic claude ", None),
        # Held as another word's stem (huge), put right where the words then name a maker.
        ("huging face ", "hugging face"),
        ("huging ", None),
    ])
    def test_it_puts_right_the_words_of_makers_names(self, q, spelled):
        make_asset("claude", name="Claude", summary="Writes text.",
                   organization=make_org("Anthropic", slug="anthropic"))
        make_org("Hugging Face", slug="huggingface")
        make_asset("huge", name="Huge model", summary="Writes text.")
        assert catalog_search.spelling(querytext.normalise(q)) == spelled

    def test_it_puts_right_the_names_of_languages_several_assets_cover(self):
        for i in range(catalog_search.SPELLING_LANGUAGE_MIN):
            make_asset(f"de-{i}", name=f"German set {i}", summary="Texts.",
                       languages=["deu-Latn"] + (["iws-Latn"] if i == 0 else []))
        assert catalog_search.spelling(querytext.normalise("germn segmentation")) == (
            "german segmentation")
        # One asset covers Sepik Iwam: "sepk" is not put right to it.
        assert catalog_search.spelling(querytext.normalise("time sepk ")) is None

    def test_a_word_the_index_holds_is_not_misspelt(self):
        make_asset("modl", name="Modl toolkit", summary="Tools.")
        assert catalog_search.spelling(querytext.normalise("segmentation modl ")) is None

    def test_a_word_held_as_another_s_stem_is_put_right_where_it_then_names_a_task(self):
        # "imge" stems as "img", which a name holds (Porter drops the final e).
        make_asset("sent2img", name="Sent2Img", summary="Pairs of img and text.")
        make_task("image-segmentation", name="Image segmentation")
        assert catalog_search.spelling(querytext.normalise("imge segmentation ")) == (
            "image segmentation")
        assert catalog_search.spelling(querytext.normalise("imge segmentati")) == (
            "image segmentati")
        # With another word misspelt, put right too: the two then name the task.
        assert catalog_search.spelling(querytext.normalise("imge segmentaton ")) == (
            "image segmentation")
        # Alone, or where the word put right names no task, it is taken as typed.
        assert catalog_search.spelling(querytext.normalise("imge ")) is None
        assert catalog_search.spelling(querytext.normalise("imge pairs ")) is None

    def test_a_word_the_index_holds_is_put_right_only_a_letter_off(self):
        # "reasoning" is two letters off the maker ReasonIR's name: put right, the words
        # would name a maker, but a word the index holds is taken as the word it is.
        make_org("ReasonIR", slug="reasonir")
        make_asset("sonar", name="Sonar Reasoning", summary="Answers after reasoning.")
        assert catalog_search.spelling(querytext.normalise("math reasoning ")) is None
        assert catalog_search.spelling(querytext.normalise("math reasoning")) is None
        # Being typed, it is the start of "reasoning", though a letter off ReasonIR; typed
        # whole, a word of its own, it is not the start of anything.
        assert catalog_search.spelling(querytext.normalise("math reasonin")) is None
        assert catalog_search.spelling(querytext.normalise("math reasonin ")) == (
            "math reasonir")
        # Not held, it is put right to the maker's name a letter off.
        assert catalog_search.spelling(querytext.normalise("math reasonri ")) == (
            "math reasonir")
        # Nor a word the stemmer leaves as typed, held as a word of its own: "song" is a
        # letter off Sony, "test" a letter off "text", which would then name a task.
        make_org("Sony", slug="sony")
        make_asset("songbloom", name="SongBloom", summary="Writes a song.")
        assert catalog_search.spelling(querytext.normalise("song lyrics ")) is None
        assert catalog_search.spelling(querytext.normalise("song ")) is None
        make_task("text-generation", name="Text generation")
        make_asset("unit", name="Unit tests", summary="A test of each unit.")
        assert catalog_search.spelling(querytext.normalise("unit test generation ")) is None

    def test_a_word_is_put_right_to_a_name_a_letter_off_only(self):
        # "device" is two letters off Devin, one of the names closest to what was typed.
        names = ["Devin", "Stable Diffusion XL"]
        assert catalog_search.spelling(querytext.normalise("on device "), names=names) is None
        assert catalog_search.spelling(querytext.normalise("on devinn "), names=names) == (
            "on devin")
        assert catalog_search.spelling(querytext.normalise("stable difusion "),
                                       names=names) == "stable diffusion"
        # Being typed, a word is not put right to the word it starts: it is being typed on.
        assert catalog_search.spelling(querytext.normalise("stable diffusio"),
                                       names=names) is None
        assert catalog_search.spelling(querytext.normalise("stable difusion"),
                                       names=names) == "stable diffusion"

    def test_a_short_word_is_put_right_to_a_name_only_by_a_letter_lacking_or_too_many(self):
        names = ["Cline", "Llama 3 (70B)", "Qwen3", "Mistral 7B"]
        assert catalog_search.spelling(querytext.normalise("lama "), names=names) == "llama"
        assert catalog_search.spelling(querytext.normalise("clinne "), names=names) == "cline"
        # A letter changed: as likely another word ("clone": Cline), or a name misspelt
        # ("qwem": Qwen), in a word this short.
        assert catalog_search.spelling(querytext.normalise("clone "), names=names) is None
        assert catalog_search.spelling(querytext.normalise("qwem "), names=names) is None
        # From NAME_CHANGE_MIN letters on, a letter changed too.
        assert catalog_search.spelling(querytext.normalise("mistrol "), names=names) == (
            "mistral")

    def test_it_asks_one_query_and_none_for_known_words(self, django_assert_num_queries):
        catalog_search.spelling(querytext.normalise("segmentaton"))  # the words remembered
        with django_assert_num_queries(1):
            assert catalog_search.spelling(querytext.normalise("modl")) == "model"
        with django_assert_num_queries(0):
            assert catalog_search.spelling(querytext.normalise("image segmentations")) is None


class TestMakersApart:
    """A word of a maker's name matches only when the words name a maker (makers_apart())."""

    @pytest.fixture
    def made(self):
        hf = make_org("Hugging Face", slug="huggingface")
        openai = make_org("OpenAI", slug="openai")
        return {
            "lib": make_asset("transformers", name="Transformers", kind=Asset.Kind.LIBRARY,
                              summary="A model library for object detection, published by "
                                      "Hugging Face.", organization=hf),
            "face": make_asset("retinaface", name="RetinaFace",
                               summary="Face detection in photographs."),
            "dalle": make_asset("dall-e-3", name="DALL-E 3", kind=Asset.Kind.API,
                                summary="An image generation API, published by OpenAI.",
                                organization=openai, licence=""),
            "open": make_asset("open-diffusion", name="Open Diffusion",
                               summary="An open source image generation model."),
        }

    def test_a_word_of_a_makers_name_finds_nothing_of_its_own(self, made):
        # "face" is Hugging Face's, not the library's: it holds "detection" only.
        results = search("face detection ")
        assert _full(results) == ["RetinaFace"]
        assert _names(search("face ")) == ["RetinaFace"]
        assert _full(search("open source image generation ")) == ["Open Diffusion"]
        # Nor does it count among the words an asset holds.
        assert "DALL-E 3" not in _full(search("open image generation "))

    @pytest.mark.parametrize("q", ["hugging face", "Hugging Face ", "huggingface ",
                                   "hugging face object detection ", "hugging", "hugging fa",
                                   "huggin"])
    def test_words_naming_the_maker_find_its_assets(self, made, q):
        assert "Transformers" in _names(search(q))

    def test_the_assets_of_a_maker_named_come_first(self, made):
        assert _names(search("open ai "))[0] == "DALL-E 3"
        assert _names(search("openai image generation "))[0] == "DALL-E 3"
        assert catalog_search.organisations_named(
            querytext.normalise("open ai image generation"),
            [made["open"], made["dalle"]]) == ["OpenAI"]

    @pytest.mark.parametrize("q, apart", [
        ("face detection ", True), ("face", True), ("faces ", True), ("chatbot ai", True),
        ("ai ", True), ("hugging face", False), ("huggingface ", False), ("hugging", False),
        ("hugging fa", False), ("huggin", False), ("faceb", False), ("facebook ", False),
        ("ai singapore ", False), ("ai sing", False), ("image generation ", False),
    ])
    def test_which_words_leave_makers_names_out(self, made, q, apart):
        """Only words of makers' names do, and not when they name one, typed in full or in
        part ("image generation": no word of theirs)."""
        make_org("Meta", slug="facebook")
        make_org("AI Singapore", slug="aisingapore")
        assert catalog_search.makers_apart(querytext.normalise(q)) is apart

    def test_a_makers_name_a_summary_says_is_not_marked_as_matched(self, made):
        transformers = next(r for r in search("face detection ") if r.asset.name == "Transformers")
        assert [text for text, flagged in transformers.snippet if flagged] == ["detection"]
        # Named, it is.
        named = search("hugging face detection ")[0]
        assert named.asset.name == "Transformers"
        assert [text for text, flagged in named.snippet if flagged] == [
            "detection", "Hugging", "Face"]

    def test_what_the_page_says_leaves_the_makers_name_out(self, made):
        # Its summary is shown as written; the index holds the maker's name apart.
        result = search("object detection ")[0]
        assert result.asset.name == "Transformers"
        assert "published by Hugging Face" in result.asset.summary
        assert catalog_search.unpublished(result.asset.summary, "Hugging Face") == (
            "A model library for object detection.")

    def test_a_renamed_maker_is_named_by_its_new_name(self, made):
        org = made["lib"].organization
        org.name = "Hugging Labs"
        org.save()
        assert "Transformers" in _names(search("hugging labs "))
        assert "Transformers" not in _names(search("labs "))

    @pytest.mark.parametrize("q", ["hugging face transformers", "Transformers Hugging Face ",
                                   "huggingface transformers "])
    def test_a_name_after_or_before_its_makers_is_an_exact_name(self, made, q):
        hf = made["lib"].organization
        _score(make_asset("transformers-js", name="Transformers.js", kind=Asset.Kind.LIBRARY,
                          summary="Transformers in the browser: transformers for the web.",
                          organization=hf), 90.0)
        _score(make_asset("other-transformers", name="Transformers",
                          organization=make_org("Acme", slug="acme")), 95.0)
        results = search(q)
        assert [(r.asset.slug, r.exact) for r in results[:2]] == [
            ("transformers", True), ("transformers-js", False)]
        assert not [r for r in results if r.asset.slug == "other-transformers" and r.exact]

    def test_a_name_without_its_qualifier_after_its_makers(self, made):
        openai = made["dalle"].organization
        make_asset("gpt-4o-may", name="GPT-4o (2024-05-13)", kind=Asset.Kind.API,
                   organization=openai, summary="A chat model.")
        make_asset("gpt-4o-mini-tts", name="gpt-4o-mini-tts", kind=Asset.Kind.API,
                   organization=openai, summary="Speaks text, gpt-4o gpt-4o gpt-4o.")
        assert _names(search("openai gpt-4o "))[0] == "GPT-4o (2024-05-13)"

    def test_a_word_of_a_makers_name_left_out_leaves_out_only_those_holding_it(self, made):
        # Hugging Face's library holds "face" only as its maker's name: kept.
        assert _names(search("detection -face ")) == ["Transformers"]
        assert _names(search('detection -"face" ')) == ["Transformers"]
        # The maker named: its assets are left out.
        assert _names(search("detection -huggingface ")) == ["RetinaFace"]
        assert _names(search('detection -"hugging face" ')) == ["RetinaFace"]
        assert _names(search("image generation -openai ")) == ["Open Diffusion"]

    def test_the_pairs_of_a_phrase_are_those_of_its_words(self, made):
        """PostgreSQL finds the assets holding the phrase by the pairs of its words, as
        to_tsvector() reads them: not the operands asking for weights A-C."""
        if connection.vendor != "postgresql":
            pytest.skip("the pairs are PostgreSQL's")
        with CaptureQueriesContext(connection) as queries:
            assert _names(search("face detection "))[0] == "RetinaFace"
        paired = [q["sql"] for q in queries.captured_queries
                  if "catalog_search_pair_query" in q["sql"]]
        assert paired
        assert all("to_tsvector('unfragile', 'face <-> detection')" in sql for sql in paired)

    def test_what_is_left_out_as_each_database_reads_it(self, made):
        left_out = catalog_search.left_out(querytext.normalise('detection -face -huggingface'))
        assert left_out == ("(face:ABC) | (huggingface)" if connection.vendor == "postgresql"
                            else '(-{maker} : ("face")) OR "huggingface"')
        assert catalog_search.left_out(querytext.normalise("detection")) == ""

    def test_a_word_every_asset_is_about_finds_no_candidates(self, made):
        """Held by names alone, "ai" would fill the search for some of the words."""
        make_asset("backyard", name="Backyard AI", kind=Asset.Kind.TOOL,
                   summary="Chats with characters.")
        make_asset("coder", name="Coder", summary="Writes code.")
        assert _names(search("ai for coding ")) == ["Coder"]
        assert _names(search("ai ")) == ["Backyard AI"]

    def test_no_query_more(self, made, django_assert_num_queries):
        _tasks_read()
        for q in ("face detection ", "hugging face ", "image generation "):
            with django_assert_num_queries(3):
                assert search(q, limit=1)[0].all_terms

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's index columns")
    def test_an_index_without_the_makers_column_holds_their_words_with_the_rest(self, made):
        """As a migration before 0042 writes it, which the later ones then make anew."""
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE catalog_search_vocab")
            cursor.execute("DROP TABLE catalog_search_fts")
            cursor.execute(
                "CREATE VIRTUAL TABLE catalog_search_fts USING fts5(name, titles, body, "
                f"tokenize = '{querytext.FTS5_TOKENIZER}')")
        # (A migration gives its model registry.)
        catalog_search.reindex_assets([made["lib"].pk], apps=django_apps)
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM catalog_search_fts WHERE rowid = %s",
                           [made["lib"].pk])
            assert cursor.fetchone()[0].endswith("hugging face huggingface")


class TestFamilies:
    """The assets whose names start with the words, a family: as relevant as one another,
    and the newest of those ranked alike first (catalog.search.newness())."""

    @pytest.mark.parametrize("name, version", [
        ("Claude Opus 4.7", (4, 7)),
        ("Claude 4.5 Sonnet (20250929)", (4, 5)),
        ("Claude Instant V1", (1, 0)),
        ("Claude v1.3", (1, 3)),
        ("Qwen3.5 9B", (3, 5)),
        ("Llama-2-7b-hf", (2, 0)),
        ("Mistral-7B-Instruct-v0.2", (0, 2)),
        ("gpt-4-32k-0613", (4, 0)),
        ("all-MiniLM-L6-v2", (2, 0)),
        ("Gemini 3.10 Pro", (3, 10)),
        # Sizes, dates, numbers in brackets or of three digits, a letter's number: none.
        ("LLaMA (13B)", None),
        ("Mistral Large (2402)", None),
        ("Mixtral 8x7B", None),
        ("gpt-oss-120b", None),
        ("text-embedding-ada-002", None),
        ("bge-m3", None),
        ("e5-large", None),
        ("o3-mini", None),
        ("Claude Code", None),
    ])
    def test_a_name_gives_its_version(self, name, version):
        assert catalog_search.name_version(name) == version

    def test_a_version_comes_before_a_date_and_a_date_before_neither(self):
        newness = catalog_search.newness
        assert (newness("Zorb 3.10", None) > newness("Zorb 3.9", None)
                > newness("Zorb 2", date(2020, 1, 1)) > newness("Zorb 1.9", date(2025, 1, 1))
                > newness("Zorb 1.9", None) > newness("Zorb", date(2026, 1, 1))
                > newness("Zorb", date(2025, 12, 31)) > newness("Zorb", None) == 0)

    def _family(self) -> None:
        # The oldest described least: its shorter entry scored a little higher, and its
        # name's words with it.
        for slug, name, summary, released in [
            ("zorb-1", "Zorb 1", "Writes.", date(2023, 1, 1)),
            ("zorb-10", "Zorb 10", "Writes text, translates it, and answers questions "
             "about documents in forty languages, with tools. " + " ".join(
                 f"Reads {word} documents and summarises them." for word in (
                     "legal", "medical", "financial", "scientific", "historical",
                     "technical", "personal", "public", "private", "archived")), None),
            ("zorb-2-5", "Zorb 2.5 Pro", "Writes text and answers questions about "
             "documents.", date(2024, 1, 1)),
            ("zorb-lite", "Zorb Lite", "Writes text, briefly and cheaply, on a phone.",
             date(2025, 6, 1)),
            ("zorb-studio", "Zorb Studio", "Writes text in a window of its own, with "
             "history and sharing.", None),
        ]:
            _score(make_asset(slug, name=name, summary=summary, released_on=released), 50.0)

    def test_the_newest_of_a_family_ranked_alike_come_first(self):
        self._family()
        newest = ["Zorb 10", "Zorb 2.5 Pro", "Zorb 1", "Zorb Lite", "Zorb Studio"]
        assert _names(search("zorb ")) == newest
        # While it is being typed too.
        assert _names(search("zor")) == newest

    def test_a_better_ranked_member_comes_first_all_the_same(self):
        self._family()
        Score.objects.filter(asset__slug="zorb-studio").update(rank=60.0)
        assert _names(search("zorb "))[:2] == ["Zorb Studio", "Zorb 10"]

    def test_a_family_is_named_by_whole_words_once_they_are_typed(self):
        _score(make_asset("zorb-1", name="Zorb 1", summary="Writes."), 50.0)
        _score(make_asset("zorbix", name="Zorbix 9", summary="Works with zorb."), 50.0)
        # "zorb" is no word of Zorbix's name: no member, its version orders nothing.
        assert _names(search("zorb ")) == ["Zorb 1", "Zorbix 9"]
        # Being typed, "zorb" may be the start of it, but is a whole word of Zorb 1's name
        # (test_a_word_being_typed_whole_in_a_name_comes_before_longer_words).
        assert _names(search("zorb")) == ["Zorb 1", "Zorbix 9"]

    def test_a_word_being_typed_whole_in_a_name_comes_before_longer_words(self):
        # ("phi": Phi-3.5 MoE, not PhincBitextMining, better ranked.)
        _score(make_asset("zorb-1", name="Zorb 1", summary="Writes."), 50.0)
        _score(make_asset("zorbix", name="Zorbix 9", summary="Writes."), 60.0)
        assert _names(search("zorb")) == ["Zorb 1", "Zorbix 9"]

    def test_a_word_being_typed_that_starts_every_name_leaves_the_family_first(self):
        # ("qwe": the Qwen models, not DeepSeek-R1-Distill-Qwen-14B, a start of none.)
        _score(make_asset("zorbix", name="Zorbix 9", summary="Writes."), 55.0)
        _score(make_asset("distill", name="Distill Zorbix 3", summary="Writes."), 50.0)
        assert _names(search("zorbi")) == ["Zorbix 9", "Distill Zorbix 3"]

    def test_only_a_family_is_ordered_by_its_names_versions(self):
        # Neither name starts with the word: the version in one says nothing of how well
        # it answers the words.
        _score(make_asset("beta", name="Beta kit", summary="Kit."), 50.0)
        _score(make_asset("alpha", name="Alpha kit v9", summary="A kit of tools for "
                          "writing, reading and searching text in many languages."), 50.0)
        assert _names(search("kit ")) == ["Beta kit", "Alpha kit v9"]

    @pytest.mark.parametrize("key, spaced, lead, versions", [
        ("zorb 4", "zorb 4", "zorb", ((4, 0), (5, 0))),
        ("zorb 4 5", "zorb 4 5", "zorb", ((4, 5), (4, 6))),
        ("zorb max 12", "zorb max 12", "zorb max", ((12, 0), (13, 0))),
        # Letters glued to the number: the version is read from the words apart.
        ("resnet50", "resnet 50", "resnet", ((50, 0), (51, 0))),
        # No version ending it: a family by its start alone.
        ("zorb", "zorb", "", None),
        ("zorb 4b", "zorb 4b", "", None),
        ("zorb 4 lite", "zorb 4 lite", "", None),
        ("zorb 2024", "zorb 2024", "", None),
        ("4 5", "4 5", "", None),
    ])
    def test_a_version_ending_the_words_names_a_family_by_it(self, key, spaced, lead,
                                                             versions):
        family = catalog_search._Family.of(key, spaced, typing=False)
        assert (family.start, family.lead) == (key, lead)
        if versions:
            low, high = (catalog_search.newness(f"Zorb {a}.{b}", None) for a, b in versions)
            assert family.newness == (low, high)
        assert catalog_search._Family.of("", "", typing=False) is None

    def _versions(self) -> None:
        for slug, name, released in [
            ("zorb-4-6", "Zorb 4.6 Pro", date(2026, 2, 1)),
            ("zorb-4", "Zorb 4 Pro", date(2025, 5, 1)),
            ("zorb-max-4-7", "Zorb Max 4.7", None),
            ("zorb-max-5", "Zorb Max 5", None),
            ("zorb-max-3", "Zorb Max 3.9", None),
            ("zorbix-4-9", "Zorbix 4.9", None),
        ]:
            _score(make_asset(slug, name=name, summary="Writes text.", released_on=released),
                   50.0)

    def test_a_family_named_with_its_version_takes_the_names_giving_it_anywhere(self):
        self._versions()
        # Zorb Max 4.7 is as much a Zorb 4 as Zorb 4.6 Pro, and newer; the others are not
        # Zorb 4 (Zorbix is not Zorb).
        assert _names(search("zorb 4"))[:3] == ["Zorb Max 4.7", "Zorb 4.6 Pro", "Zorb 4 Pro"]
        assert _names(search("zorb 4.6"))[0] == "Zorb 4.6 Pro"
        assert _names(search("zorb max 4"))[0] == "Zorb Max 4.7"

    @pytest.mark.parametrize("key, spaced, first, held", [
        ("zorb max", "zorb max", "zorb", ("max",)),
        ("zorb max lite", "zorb max lite", "zorb", ("max", "lite")),
        # Before a version ending them.
        ("zorb max 12", "zorb max 12", "zorb", ("max",)),
        # One word, or a number among them: none.
        ("zorb", "zorb", "", ()),
        ("zorb 4", "zorb 4", "", ()),
        ("zorb 4 lite", "zorb 4 lite", "", ()),
        ("zorb4 lite", "zorb 4 lite", "", ()),
        ("zorb mäx", "zorb mäx", "", ()),
    ])
    def test_several_words_name_a_family_by_the_first(self, key, spaced, first, held):
        family = catalog_search._Family.of(key, spaced, typing=False)
        assert (family.first, family.held) == (first, held)

    def _lines(self) -> None:
        # The oldest described least: its shorter entry scored a little higher.
        for slug, name, summary, rank in [
            ("zorb-3-max", "Zorb 3 Max", "Writes.", 50.0),
            ("zorb-4-7-max", "Zorb 4.7 Max", "Writes text and answers questions.", 50.0),
            ("zorb-6-max", "Zorb 6 Max", "Writes text, translates it and answers questions "
             "about documents in forty languages.", 50.0),
            ("zorb-max-5", "Zorb Max 5", "Writes text.", 50.0),
            ("zorb-max-4-1", "Zorb Max 4.1", "Writes text and answers questions about "
             "documents in forty languages, with tools of its own.", 50.0),
            # Holding the words, and better ranked, but not starting with the first.
            ("max-zorb-8", "Max Zorb 8", "Writes.", 60.0),
            ("zorbix-max-9", "Zorbix Max 9", "Works with zorb.", 60.0),
        ]:
            _score(make_asset(slug, name=name, summary=summary), rank)

    def test_a_family_named_by_several_words_takes_the_names_holding_them_anywhere(self):
        # ("claude sonnet": Claude 3 Sonnet came before Claude 4.6 Sonnet, shorter.)
        self._lines()
        # Those starting with the words first, as another line may name its members so
        # ("gpt image": GPT Image 2.5 before gpt-5-image); then the others holding them,
        # the newest first; then the rest.
        members = ["Zorb Max 5", "Zorb Max 4.1", "Zorb 6 Max", "Zorb 4.7 Max", "Zorb 3 Max"]
        assert _names(search("zorb max "))[:5] == members
        assert _names(search("zorb max "))[5:] == ["Max Zorb 8", "Zorbix Max 9"]
        # While the last word is being typed too.
        assert _names(search("zorb max"))[:5] == members
        # With a version, all those giving it count as starting with the words.
        assert _names(search("zorb max 4"))[:2] == ["Zorb 4.7 Max", "Zorb Max 4.1"]

    def _maker(self) -> None:
        zorbco = make_org("Zorbco", slug="zorbco")
        # The oldest described least: its shorter entry scored a little higher.
        for slug, name, summary in [
            ("writer", "Writer", "Writes."),
            ("zorb-2", "Zorb 2", "Writes text and answers questions about documents."),
            ("zorb-3", "Zorb 3 Pro", "Writes text, translates it, and answers questions "
             "about documents in forty languages, with tools of its own."),
        ]:
            _score(make_asset(slug, name=name, summary=summary, organization=zorbco), 50.0)
        _score(make_asset("kit", name="Kit", summary="Works with Zorbco's models.",
                          organization=make_org("Other", slug="other")), 50.0)

    def test_a_makers_name_alone_opens_with_its_newest(self):
        self._maker()
        assert _names(search("zorbco ")) == ["Zorb 3 Pro", "Zorb 2", "Writer", "Kit"]
        # While it is being typed too.
        assert _names(search("zorbco"))[:3] == ["Zorb 3 Pro", "Zorb 2", "Writer"]

    def test_a_makers_better_ranked_asset_comes_first_all_the_same(self):
        self._maker()
        Score.objects.filter(asset__slug="writer").update(rank=60.0)
        assert _names(search("zorbco "))[:2] == ["Writer", "Zorb 3 Pro"]

    def test_a_makers_name_with_more_words_orders_no_family_of_its_assets(self):
        self._maker()
        assert _names(search("zorbco writes "))[0] == "Writer"

    def test_the_index_holds_each_names_newness(self):
        a = make_asset("zorb-2", name="Zorb 2 (preview)", released_on=date(2024, 5, 6))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT newness FROM {catalog_search.NAME_KEYS[connection.vendor]} "
                           "WHERE asset_id = %s", [a.pk])
            assert cursor.fetchone()[0] == catalog_search.newness(a.name, a.released_on) > 0

    def test_an_index_without_their_newness_is_written_without_it(self):
        """As a migration before 0043 writes it."""
        a = make_asset("zorb-2", name="Zorb 2")
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {catalog_search.NAME_KEYS[connection.vendor]} "
                           "DROP COLUMN newness")
        # (A migration gives its model registry.)
        catalog_search.reindex_assets([a.pk], apps=django_apps)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT name_key FROM {catalog_search.NAME_KEYS[connection.vendor]} "
                           "WHERE asset_id = %s", [a.pk])
            assert cursor.fetchone() == ("zorb 2",)

    def test_the_migration_writes_the_newness_of_every_name_held(self):
        a = make_asset("zorb-2", name="Zorb 2", released_on=date(2024, 5, 6))
        b = make_asset("zorb", name="Zorb")
        table = catalog_search.NAME_KEYS[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET newness = 0")
        migration = importlib.import_module("catalog.migrations.0043_search_names_newness")
        migration.write_newness(django_apps, _Editor())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT asset_id, newness FROM {table} WHERE asset_id IN (%s, %s)",
                           [a.pk, b.pk])
            assert dict(cursor.fetchall()) == {
                a.pk: catalog_search.newness("Zorb 2", date(2024, 5, 6)), b.pk: 0}


class _Editor:
    """What a migration's RunPython function asks of a schema editor."""

    connection = connection


class TestWeighed:
    """PostgreSQL's operands asking for weights A, B or C (makers_apart())."""

    @pytest.mark.parametrize("tsquery, weighed", [
        ("face & detect", "face:ABC & detect:ABC"),
        ("imag:*", "imag:*ABC"),
        ("('imag' | 'image')", "('imag':ABC | 'image':ABC)"),
        ("a <-> b <2> c", "a:ABC <-> b:ABC <2> c:ABC"),
        ("'it''s':* & x", "'it''s':*ABC & x:ABC"),
        ("(a|b) & !c", "(a:ABC|b:ABC) & !c:ABC"),
        ("", ""),
        (None, None),
    ])
    def test_every_operand_asks_for_them(self, tsquery, weighed):
        assert catalog_search.weighed(tsquery) == weighed

    def test_postgresql_reads_them(self):
        if connection.vendor != "postgresql":
            pytest.skip("to_tsquery() is PostgreSQL's")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setweight(to_tsvector('simple', 'face'), 'D') @@ to_tsquery('simple', %s),"
                " setweight(to_tsvector('simple', 'face'), 'C') @@ to_tsquery('simple', %s)",
                [catalog_search.weighed("fac:*"), catalog_search.weighed("face")])
            assert cursor.fetchone() == (False, True)


class TestIndexMaintenance:
    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
    def test_it_keeps_prefix_indexes_for_typed_prefixes(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'catalog_search_fts'"
            )
            assert "prefix = '3 4 5'" in cursor.fetchone()[0]
        a = make_asset("segformer", summary="Segmentation of scenes.")
        assert [r.asset for r in search("segm")] == [a]
        assert [r.all_terms for r in search("image segmen")] == [False]  # no "image"
        assert [r.asset for r in search("scenes segmentat")] == [a]

    def test_the_retired_are_read_from_their_own_index(self):
        migration = importlib.import_module("catalog.migrations.0041_asset_retired_index")
        assert migration.RETIRED == catalog_search.RETIRED_SQL
        vendor = connection.vendor
        sql = (f"SELECT id FROM catalog_asset WHERE {catalog_search.RETIRED_SQL[vendor]}")
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                # (A table this small is read whole unless told otherwise.)
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(f"EXPLAIN {sql}")
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "catalog_asset_retired" in plan

    def test_it_follows_saves_and_deletes(self):
        a = make_asset("a-1", name="Alpha", summary="first")
        assert _names(search("alpha")) == ["Alpha"]
        a.name = "Omega"
        a.save()
        assert _names(search("alpha")) == []
        assert _names(search("omega")) == ["Omega"]
        cap = make_capability(a, title="Tabular regression", description="Predicts numbers.")
        assert _names(search("tabular")) == ["Omega"]
        cap.delete()
        assert _names(search("tabular")) == []
        a.delete()
        assert _names(search("omega")) == []
        assert _index_size() == 0

    def test_it_follows_task_changes(self):
        a = make_asset("gamma", summary="x")
        a.tasks.add(make_task("depth-estimation", name="Depth estimation"))
        assert _names(search("depth")) == ["gamma"]
        a.tasks.clear()
        assert _names(search("depth")) == []

    def test_it_follows_task_renames_and_deletes(self):
        a = make_asset("gamma", summary="x")
        task = make_task("depth-estimation", name="Distance guessing")
        a.tasks.add(task)
        assert _names(search("guessing")) == _names(search("depth")) == ["gamma"]
        task.name = "Monocular ranging"
        task.save()
        assert _names(search("guessing")) == []
        assert _names(search("monocular ranging")) == ["gamma"]
        assert _names(search("depth estimation")) == ["gamma"]  # the slug's words stay
        task.delete()
        assert _names(search("monocular")) == _names(search("depth")) == []

    def test_a_task_added_renamed_or_deleted_is_known_at_once(self):
        # Remembered per data generation; with no asset, no search entry is rewritten.
        assert "depth-estimation" not in catalog_search.tasks()
        task = make_task("depth-estimation", name="Distance guessing")
        assert catalog_search.tasks()["depth-estimation"] == ("Distance guessing", task.id)
        assert _named("distance guessing ") == {task.id}
        task.name = "Monocular ranging"
        task.save()
        assert catalog_search.tasks()["depth-estimation"][0] == "Monocular ranging"
        task.delete()
        assert "depth-estimation" not in catalog_search.tasks()

    def test_it_follows_organisation_renames(self):
        org = make_org("Acme Vision Lab")
        make_asset("gamma", summary="x", organization=org)
        assert _names(search("acme")) == ["gamma"]
        org.name = "Zenith Robotics"
        org.save()
        assert _names(search("acme")) == []
        assert _names(search("zenith")) == ["gamma"]

    def test_it_follows_imports(self, tmp_path):
        path = write(tmp_path / "c.jsonl.gz", [
            record("hf-model:org/seg-x", tasks=["image-segmentation"]),
        ])
        load(path)
        assert _names(search("segmentation")) == ["seg-x"]
        path = write(tmp_path / "c.jsonl.gz", [
            record("hf-model:org/seg-x", tasks=["depth-estimation"]),
        ])
        load(path)
        assert _names(search("segmentation")) == []
        assert _names(search("depth")) == ["seg-x"]

    def test_a_dry_run_import_leaves_the_index_alone(self, tmp_path):
        path = write(tmp_path / "c.jsonl.gz", [record("hf-model:org/seg-y")])
        load(path, "--dry-run")
        assert _index_size() == 0

    def test_reindex_drops_entries_of_missing_assets(self):
        a = make_asset("delta")
        Asset.objects.filter(pk=a.pk).update(name="renamed quietly")  # no signal
        catalog_search.reindex_assets([a.pk])
        assert _names(search("quietly")) == ["renamed quietly"]
        Capability.objects.all().delete()
        catalog_search.reindex_assets([a.pk + 1000])
        assert _index_size() == 1


def _index_size() -> int:
    table = "catalog_search_doc" if connection.vendor == "postgresql" else "catalog_search_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


# Relevance on the bundled catalog, loaded once for this module, with its scores: near-ties
# are broken by UnfragileRank, as on the site. ------------------------------------------------


@pytest.fixture(scope="module")
def bundled(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_catalog", verbosity=0)
        yield
        _wipe_catalog()


def _wipe_catalog() -> None:
    """Delete what the load wrote, with raw SQL: per-row signals would take minutes."""
    tables = [
        "catalog_evidencehistory", "catalog_scorehistory", "catalog_score",
        "comparisons_match", "comparisons_comatch", "comparisons_searchevent",
        "catalog_capability", "catalog_evidence", "catalog_asset_tasks",
        "catalog_asset_trained_on", "catalog_asset", "catalog_task", "catalog_organization",
        "catalog_search_language",
    ]
    tables += (
        ["catalog_search_doc"] if connection.vendor == "postgresql"
        else ["catalog_search_fts", "catalog_search_name"]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        else:
            cursor.execute("UPDATE catalog_asset SET base_id = NULL")
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


@pytest.mark.usefixtures("bundled")
class TestRelevanceOnTheBundledCatalog:
    def test_a_word_of_a_makers_name_finds_none_of_its_assets(self):
        # Hugging Face's libraries held "face", OpenAI's APIs "open" and "ai", and the
        # assets of the makers named "... AI" "ai".
        results = search("face detection", limit=10)
        assert results[0].asset.name == "LVFace"
        assert not [r.asset.name for r in results if r.all_terms]
        assert not [r.asset.name for r in search("open source ai image generator", limit=5)
                    if r.asset.organization and r.asset.organization.name == "OpenAI"]
        assert all("code" in r.asset.name.lower()
                   for r in search("best ai for coding", limit=5))
        # A name after its maker's is an exact name.
        assert search("hugging face transformers")[0].asset.name == "Transformers"
        assert search("nvidia nemo")[0].asset.name == "NeMo"
        assert search("openai gpt-4o")[0].asset.name.startswith("GPT-4o (")
        # Misspelt, it is put right.
        assert catalog_search.spelling(querytext.normalise("hugginface transformers")) == (
            "huggingface transformers")
        # Named, a maker's assets come first.
        for q in ("hugging face", "open ai", "mistral ai", "meta llama"):
            named = catalog_search.makers_named(querytext.normalise(q))
            assert named
            assert {r.asset.organization_id for r in search(q, limit=5)} <= set(named)

    def test_a_family_opens_with_its_newest(self):
        # Claude Instant V1, Gemini 1.0 Pro and GPT-2 came first: the shortest entries.
        for word in ("claude", "gemini", "gpt"):
            versions = [catalog_search.name_version(r.asset.name)
                        for r in search(f"{word} ", limit=5)]
            newest = max(filter(None, map(catalog_search.name_version, Asset.objects.filter(
                name__istartswith=word).values_list("name", flat=True))))
            assert versions[0] == newest, word
            assert versions == sorted(versions, reverse=True), word

    def test_a_makers_name_alone_opens_with_its_newest(self):
        # Claude Code and Claude Instant V1 came first, GPT-2 and Codex: the shortest
        # entries.
        for maker, word in (("anthropic", "claude"), ("openai", "gpt")):
            versions = [catalog_search.name_version(r.asset.name)
                        for r in search(maker, limit=5)
                        if r.asset.name.lower().startswith(word)]
            newest = max(filter(None, map(catalog_search.name_version, Asset.objects.filter(
                organization__slug=maker, name__istartswith=word).values_list(
                    "name", flat=True))))
            assert versions[0] == newest, maker

    def test_a_family_being_typed_opens_with_the_names_holding_it_whole(self):
        # PhincBitextMining came first, better ranked than the Phi models.
        assert all(n.startswith("Phi-") for n in _names(search("phi", limit=5)))

    def test_a_family_named_with_its_version_opens_with_its_newest(self):
        # Claude Opus 4.8 came after every "Claude 4..." name, which starts with the words.
        for typed, major in (("claude 4", 4), ("gemini 2", 2)):
            versions = [catalog_search.name_version(r.asset.name)
                        for r in search(typed, limit=5)]
            newest = max(v for v in map(catalog_search.name_version, Asset.objects.filter(
                name__istartswith=typed.split()[0]).values_list("name", flat=True))
                if v and v[0] == major)
            assert versions[0] == newest, typed
            assert versions == sorted(versions, reverse=True), typed

    def test_a_family_named_by_several_words_opens_with_its_newest(self):
        # Claude 3 Sonnet came before Claude 4.6 Sonnet, Gemini 3.1 Flash TTS Preview
        # before Gemini 3.8 Flash, Llama 3 Instruct (70B) before Llama 4 Maverick.
        for typed, first, held in (("claude sonnet", "claude", "sonnet"),
                                   ("gemini flash", "gemini", "flash"),
                                   ("llama instruct", "llama", "instruct")):
            # (Those deprecated or superseded come after the others.)
            names = [n for n in Asset.objects.current().filter(
                name__istartswith=first).values_list("name", flat=True)
                if held in n.lower().replace("-", " ").split()]
            assert len(names) >= 5, typed
            # Those starting with the words come first; the others, the newest first.
            found = [r.asset.name for r in search(typed, limit=len(names))]
            assert sorted(found) == sorted(names), typed
            rest = [n for n in found if not n.lower().startswith(typed)]
            versions = [catalog_search.name_version(n) or (0, 0) for n in rest]
            assert versions == sorted(versions, reverse=True), typed
            assert versions[0] == max(catalog_search.name_version(n) or (0, 0)
                                      for n in names if not n.lower().startswith(typed))

    def test_a_name_typed_to_its_next_words_first_letter_opens_with_it(self):
        # stable-static-embedding-fast-retrieval came first, DeepSeek V4.1 Flash.
        for typed, start in (("stable d", "stable diffusion"), ("deepseek r", "deepseek-r"),
                             ("sentence t", "sentence-t")):
            names = _names(search(typed, limit=3))
            assert all(n.lower().startswith(start) for n in names), (typed, names)

    def test_every_example_the_search_page_gives_finds_something(self, client):
        page = client.get("/search/").content.decode()
        links = re.findall(r'href="(/search/\?q=[^"]+)"', page)
        assert len(links) >= 12
        for link in map(html.unescape, links):
            body = client.get(link).content.decode()
            assert "No results for" not in body and 'class="results' in body, link

    def test_a_segmentation_need_finds_segmentation_assets_first(self):
        results = search("segment indoor scenes", limit=5)
        assert results[0].asset.slug == "scene_parse_150"  # ADE20K SceneParsing
        top = [r.asset.slug for r in results[:3]]
        assert "segformer-b4-finetuned-ade-512-512" in top
        assert results[0].capabilities[0].title == "Image segmentation"

    def test_a_permissive_code_dataset_is_a_permissively_licensed_code_dataset(self):
        results = search("permissive code dataset", limit=8)
        assert len(results) == 8
        for r in results:
            assert r.asset.kind == Asset.Kind.DATASET
            assert r.asset.licence in {"mit", "apache-2.0", "bsd-3-clause", "cc-by-4.0", "cc0-1.0"}
        assert all("code" in r.asset.name.lower() for r in results[:5])

    def test_the_search_pages_example_of_a_vs_b_names_two_assets(self):
        pair = catalog_search.versus_named(querytext.normalise("whisper-large-v3 vs whisper-base"))
        assert [named.slug for named in pair] == ["whisper-large-v3", "whisper-base"]
        # Names without their qualifiers: one of those so named each.
        pair = catalog_search.versus_named(querytext.normalise("gpt-4o vs claude 3.5 sonnet"))
        assert pair[0].name.startswith("GPT-4o (")
        assert pair[1].name.startswith("Claude 3.5 Sonnet (")

    def test_an_exact_name_comes_first(self):
        results = search("segformer-b4-finetuned-ade-512-512")
        assert results[0].exact
        assert results[0].asset.slug == "segformer-b4-finetuned-ade-512-512"

    def test_filters_narrow_a_broad_need(self):
        results = search("image classification", kind="dataset", limit=10)
        assert len(results) == 10
        assert all(r.asset.kind == "dataset" for r in results)

    def test_a_need_can_leave_out_a_kind_of_asset_by_its_word(self):
        every = search("segmentation", limit=20)
        assert any("dataset" in r.asset.name.lower() or r.asset.kind == "dataset" for r in every)
        results = search("segmentation -dataset", limit=20)
        slugs = [r.asset.slug for r in results]
        assert "segformer-b4-finetuned-ade-512-512" in slugs
        assert "scene_parse_150" not in slugs  # ADE20K SceneParsing, a dataset
        assert all(r.asset.kind != "dataset" for r in results)

    def test_a_kind_named_by_the_words_comes_first(self):
        # The datasets named ToolRetrieval and ToolBench came first for "tool".
        assert {r.asset.kind for r in search("tools for evaluation", limit=10)} == {"tool"}
        assert {r.asset.kind for r in search("embedding api", limit=10)} == {"api"}
        # A fine-tune is a model too.
        assert search("image segmentation models")[0].asset.slug == (
            "segformer-b4-finetuned-ade-512-512")

    def test_a_misspelt_name_gets_close_names(self):
        assert search("segformr ") == []
        assert "segformer-b4-finetuned-ade-512-512" in [a.slug for a in closest_names("segformr")]
        # While it is being typed, the word stands for the indexed stem it starts with.
        assert "segformer-b4-finetuned-ade-512-512" in [r.asset.slug for r in search("segformr")]

    @pytest.mark.parametrize("said", [
        "looking for an image segmentation model", "i need an image segmentation model please",
    ])
    def test_a_need_in_the_askers_words_finds_what_its_words_name(self, said):
        def holding_every_word(q):
            # (Those holding some of the words are taken from many alike, in an order
            # PostgreSQL does not fix between runs.)
            return [r.asset.slug for r in search(q, limit=10) if r.all_terms]

        assert holding_every_word(said) == holding_every_word("image segmentation model")
        assert holding_every_word(said)

    def test_words_about_the_asker_find_no_namesakes(self):
        results = search("i need something to detect objects in images", limit=10)
        assert results[0].all_terms
        assert not any("something" in r.asset.name.lower() for r in results)

    def test_a_verb_finds_the_assets_of_the_task_it_names(self):
        asr = {a.slug for a in Asset.objects.filter(tasks__slug="automatic-speech-recognition")}
        # The stemmers keep "recognize" (recogn) apart from "recognition" (recognit).
        found = [r.asset.slug for r in search("recognize speech ", limit=20) if r.all_terms]
        assert len(asr) == 6 and asr.issubset(found)

    def test_a_licence_spelt_the_american_way_finds_the_assets_under_it(self):
        # The catalog writes "licence": "license" was a word only a few names held.
        results = search("mit license", limit=10)
        assert len(results) == 10
        assert all(r.all_terms and r.asset.licence == "mit" for r in results)
        results = search("licensed under apache ", limit=10)
        assert all(r.all_terms and r.asset.licence == "apache-2.0" for r in results)

    def test_a_family_named_by_the_words_comes_first(self):
        # "Lexica Search with Stable Diffusion v1.5" and four "Safe Stable Diffusion" came
        # first; Stable Diffusion XL thirteenth.
        names = [r.asset.name for r in search("stable diffusion", limit=5)]
        assert all(name.startswith("Stable Diffusion") for name in names)

    def test_code_finds_the_models_named_coder(self):
        # Both stemmers keep "coder" apart from "code": none was in the first 40.
        found = [r.asset.name for r in search("code generation model", limit=20)]
        for name in ("StarCoder (15.5B)", "SantaCoder (1.1B)", "DeepSeek-Coder-6.7b-Instruct"):
            assert name in found

    def test_code_generators_come_before_embedding_models_named_for_llms(self):
        # C2LLM, F2LLM: embedding models for code search, named "LLM", holding both words.
        results = search("llm for coding", limit=10)
        assert len(results) == 10
        for r in results:
            listed = {t.slug for t in r.asset.tasks.all()}
            assert "text-generation" in listed and "embedding" not in listed, r.asset.name

    @pytest.mark.parametrize("q", ["small llm for chat ", "llm for coding in rust"])
    def test_a_task_named_steers_the_search_for_some_of_the_words(self, q):
        # Nothing holds every word: LLM2Vec's embedding models, named for LLMs and chat,
        # came first, and C2LLM's for code. ("chat" typed in full: being typed, it starts
        # "chatbot", another name of text generation, and the small LLMs hold every word.)
        results = search(q, limit=5)
        assert len(results) == 5 and not results[0].all_terms
        for r in results:
            assert "text-generation" in {t.slug for t in r.asset.tasks.all()}, r.asset.name

    @pytest.mark.parametrize("typed", ["embedd", "embeddi", "embeddin"])
    def test_a_word_typed_past_its_stem_lists_what_the_whole_word_will(self, typed):
        # Datasets named like Vidore3EnergyQwen3VLEmbedding2BReranking, whose glued words
        # "embeddi" starts, filled the page until "embedding" was typed in full.
        results = search(typed, limit=10)
        assert len(results) == 10
        for r in results:
            assert "embedding" in {t.slug for t in r.asset.tasks.all()}, r.asset.name

    def test_a_library_doing_many_things_shows_the_one_the_need_names(self):
        # Transformers showed "Matched: Audio classification, Speech recognition, Depth
        # estimation": its first capabilities, each a "model library", none a summariser.
        [result] = [r for r in search("which model is best for summarization", limit=20)
                    if r.asset.slug == "transformers"]
        assert result.capabilities[0].title == "Summarisation"

    @pytest.mark.parametrize("q", ["sentence-trans", "sentence transf"])
    def test_a_library_name_typed_in_part_is_listed_while_it_is_typed(self, q):
        # It was not in the first 40: hundreds of fine-tunes hold both words.
        assert "sentence-transformers" in [r.asset.slug for r in search(q, limit=3)]

    @pytest.mark.parametrize(("q", "external_id"), [
        ("BAAI/bge-m3", "BAAI/bge-m3"),
        ("https://huggingface.co/BAAI/bge-small-en-v1.5", "BAAI/bge-small-en-v1.5"),
        ("openai/whisper-large-v3", "openai/whisper-large-v3"),
        ("https://github.com/huggingface/transformers", "transformers"),
    ])
    def test_an_id_pasted_whole_finds_its_asset_first(self, q, external_id):
        # Before, "BAAI/bge-m3" listed bge-m3 fourth, after a reranker holding every word.
        [first, *_] = search(q, limit=5)
        assert first.asset.external_id == external_id and first.exact

    def test_commercial_use_finds_no_asset_licensed_for_anything_but(self):
        # "commercial" found "Non-commercial" before the index joined the two.
        results = search("commercial use", limit=20)
        assert len(results) == 20 and all(r.all_terms for r in results)
        assert {licences.family(r.asset.licence) for r in results} <= {
            licences.PERMISSIVE, licences.COPYLEFT}
        results = search("non-commercial", limit=20)
        assert {licences.family(r.asset.licence) for r in results} == {licences.NON_COMMERCIAL}

    def test_a_misspelt_need_is_put_right(self):
        assert catalog_search.spelling(querytext.normalise("segmentaton modl")) == (
            "segmentation model")
        # "imge" stems as "img", which the index holds (MVLSIBSent2Img).
        assert catalog_search.spelling(querytext.normalise("imge segmentation")) == (
            "image segmentation")
        assert catalog_search.spelling(querytext.normalise("imge clasification")) == (
            "image classification")
        assert search("segmentaton modl") == []

    def test_a_typed_prefix_finds_results_while_typing(self):
        assert search(querytext.normalise("image segm"))[0].capabilities

    def test_speech_to_text_and_text_to_speech_find_what_they_name(self):
        def tasks(result) -> set[str]:
            return {t.slug for t in result.asset.tasks.all()}

        asr = search("speech to text", limit=5)
        assert all("automatic-speech-recognition" in tasks(r) for r in asr[:3])
        assert "hate" not in " ".join(r.asset.name.lower() for r in asr)
        tts = search("text to speech", limit=3)
        assert all("text-to-speech" in tasks(r) for r in tts)

    def test_what_comes_from_what_finds_the_assets_doing_it(self):
        def tasks(results) -> list[set[str]]:
            return [{t.slug for t in r.asset.tasks.all()} for r in results]

        # "images from text" is text to image: the generators, not the captioning models
        # whose texts say "image to text"; and the other way round.
        painting = search("images from text", limit=5)
        assert len(painting) == 5 and all("text-to-image" in t for t in tasks(painting))
        assert all("text-to-image" in t for t in tasks(search("generate images from text")[:5]))
        # As for "image to text", the image generators, whose texts say "text to image",
        # come after the models reading images.
        reading = tasks(search("text from images", limit=10))
        assert len(reading) == 10 and not any("text-to-image" in t for t in reading)
        assert all("text-to-speech" in t for t in tasks(search("speech from text", limit=3)))
        assert all("automatic-speech-recognition" in t
                   for t in tasks(search("text from speech", limit=3)))

    def test_what_the_words_ask_to_leave_out_is_left_out(self):
        embedders = search("embedding model not from openai", limit=10)
        assert len(embedders) == 10
        assert not any(r.asset.organization.name == "openai" for r in embedders)
        # Before, "openai" steered to OpenAI's embedding APIs, and "no api" to APIs.
        painters = search("image generation no api", limit=10)
        assert len(painters) == 10 and Asset.Kind.API not in {r.asset.kind for r in painters}

    def test_a_need_put_as_a_verb_finds_the_assets_of_the_task(self):
        found = search("classify images", limit=3)
        assert len(found) == 3
        assert all("image-classification" in {t.slug for t in r.asset.tasks.all()}
                   for r in found)
        # Where few assets list the task, what its name finds (those holding the name as
        # typed may come first: the phrase).
        for verb, task in [("detect objects", "object detection"),
                           ("estimate depth", "depth estimation")]:
            assert set(_names(search(verb, limit=5))) == set(_names(search(task, limit=5))), verb

    def test_a_task_named_with_one_word_twice_finds_its_assets(self):
        # "Audio to audio": one term, said twice, still a phrase.
        results = search("audio to audio ", limit=3)
        assert all("audio-to-audio" in {t.slug for t in r.asset.tasks.all()} for r in results)

    def test_text_to_image_finds_image_generators(self):
        # Multimodal models whose documents hold "text generation, image and text to text"
        # came first on PostgreSQL while its index dropped "to".
        results = search("text to image", limit=10)
        assert len(results) == 10
        assert all("text-to-image" in {t.slug for t in r.asset.tasks.all()} for r in results)

    def test_the_everyday_names_of_model_families_find_them(self):
        def tasks(results) -> list[set[str]]:
            return [{t.slug for t in r.asset.tasks.all()} for r in results]

        assert all("image-text-to-text" in t for t in tasks(search("vision language model")[:5]))
        # Embedding models named after VLMs (VLM2Vec) and LLMs (F2LLM) came first: three of
        # the first ten for "VLM", eight for "llm".
        assert all("image-text-to-text" in t for t in tasks(search("VLM", limit=10)))
        assert all("text-generation" in t for t in tasks(search("llm", limit=10)))
        assert all("audio-text-to-text" in t for t in tasks(search("audio language model")[:5]))
        llm = search("large language model", limit=10)
        assert len(llm) == 10 and all("text-generation" in t for t in tasks(llm))
        # The datasets of chatbot conversations, named for them (SynPerChatbot...), were
        # all of the first ten.
        chat = search("chatbot", limit=10)
        assert len(chat) == 10 and all("text-generation" in t for t in tasks(chat))
        assert all(r.asset.kind == Asset.Kind.DATASET for r in search("chatbot dataset")[:5])

    def test_a_model_family_named_with_a_qualifier_comes_first(self):
        assert [n[:8] for n in _names(search("gpt-4o", limit=3))] == ["GPT-4o ("] * 3
        assert set(_names(search("llama 3", limit=2))) == {"Llama 3 (8B)", "Llama 3 (70B)"}

    def test_an_abbreviation_in_names_is_found_by_what_it_stands_for(self):
        vit = _names(search("vision transformer", limit=10))
        assert len(vit) == 10 and all("vit" in n.lower() for n in vit)
        ocr = _names(search("optical character recognition", limit=5))
        assert len(ocr) == 5 and all("ocr" in n.lower() for n in ocr)

    def test_the_speech_apis_are_found_by_what_their_names_say(self):
        # None lists a task: "text to speech api" and "speech to text api" found no API
        # doing either, "speech recognition" none of Whisper's models.
        voiced = _names(search("text to speech api", limit=9))
        assert all("tts" in n.lower() for n in voiced), voiced
        heard = _names(search("speech to text api", limit=10))
        assert all("transcribe" in n.lower() or "whisper" in n.lower() for n in heard), heard
        heard = _names(search("speech recognition", limit=30))
        assert {"whisper-1", "whisper-large-v3", "gpt-4o-transcribe"} <= set(heard), heard

    def test_the_image_generation_apis_are_found_by_what_their_names_say(self):
        # They list neither a task nor a modality: "image generation api" listed none of
        # them in its first 60, after the vision language models holding "image" (of one
        # task) and "generation" (of another) apart.
        found = search("image generation api", limit=20)
        names = _names(found)
        assert {"GPT Image 1", "gpt-5-image", "chatgpt-image-latest"} <= set(names), names
        # Those first hold the two words side by side: the text to image APIs, then these.
        assert all(r.asset.kind == Asset.Kind.API and (
            "image" in r.asset.name.lower() or "text-to-image" in {t.slug for t in
                                                                  r.asset.tasks.all()})
                   for r in found), names

    def test_a_long_context_need_lists_the_longest_context_windows_first(self):
        # "long" was a word to hold: the Claude APIs holding "long" (in "longer contexts
        # cost more") came first, and none was in the order of its window.
        results = search("long context llm", limit=10)
        windows = [r.asset.context_window for r in results]
        assert len(results) == 10 and all(windows), _names(results)
        assert windows == sorted(windows, reverse=True)
        assert windows[0] == max(a.context_window or 0 for a in Asset.objects.filter(
            tasks__slug="text-generation"))
        assert all("text-generation" in {t.slug for t in r.asset.tasks.all()} for r in results)

    def test_a_need_for_the_smallest_or_largest_lists_them_by_parameters(self):
        # "smallest llm" opened with the embedding models named F2LLM, 80M parameters.
        for order in ("smallest", "largest"):
            results = search(f"{order} llm", limit=10)
            counts = [r.asset.n_parameters for r in results]
            assert len(results) == 10 and all(counts), _names(results)
            assert counts == sorted(counts, reverse=order == "largest")
            assert all("text-generation" in {t.slug for t in r.asset.tasks.all()}
                       for r in results), _names(results)

    def test_the_apps_running_models_are_found_by_what_they_are_for(self):
        # Their texts said only "a local app that generates text": "llm inference" opened
        # with Gemma (2B) and Claude Instant, which hold "LLM" alone.
        for q in ("llm inference", "run llm locally"):
            results = search(q, limit=10)
            assert len(results) == 10 and all(r.all_terms for r in results), q
            assert all(r.asset.subtype == "local app" for r in results), q

    def test_a_language_finds_what_covers_it(self):
        results = search("korean", limit=10)
        assert len(results) == 10
        # Korean in Hangul, or in Korean script (kor-Kore).
        assert all(any(code.startswith("kor-") for code in r.asset.languages) for r in results)

    def test_a_family_typed_glued_finds_the_names_written_apart(self):
        gpt = _names(search("gpt4o", limit=10))
        assert all(n.lower().startswith("gpt-4o") for n in gpt)
        # The family's own name, as for "gpt-4o", before the names that only start with it.
        assert [n[:8] for n in gpt[:3]] == ["GPT-4o ("] * 3
        assert _names(search("llama3 ", limit=2)) == ["Llama 3 (70B)", "Llama 3 (8B)"]
        llama = _names(search("llama3 8b ", limit=10))
        assert "Llama 3 (8B)" in llama
        assert all("3" in n and "8b" in n.lower() for n in llama)

    def test_open_source_llm_finds_the_open_weights_llms(self):
        # No LLM states a licence: LLM2Vec's embedding models, under MIT and named "LLM",
        # were all of the first ten.
        results = search("open source llm", limit=10)
        assert len(results) == 10 and all(r.all_terms for r in results)
        assert all(r.asset.subtype == "open-weights model" and "text-generation" in
                   {t.slug for t in r.asset.tasks.all()} for r in results), _names(results)

    def test_an_open_source_need_finds_assets_under_osi_approved_licences(self):
        results = search("open source image classification", limit=10)
        assert len(results) == 10
        assert all(r.asset.licence in licences.OSI_APPROVED for r in results)
        # Two multimodal embedding models say they classify images too.
        classifiers = [r for r in results
                       if "image-classification" in {t.slug for t in r.asset.tasks.all()}]
        assert len(classifiers) >= 8

    def test_audio_embeddings_find_the_models_that_embed_audio(self):
        # Whisper and others like it: "embedding models" whose texts once said they embed text.
        # (Some 80 models embed audio, ranked much alike; Whisper's names say more.)
        results = search("audio embeddings", limit=100)
        assert "openai/whisper-base" in {r.asset.external_id for r in results}
        for r in results[:20]:
            assert "audio" in r.asset.modalities
            assert "embedding" in {t.slug for t in r.asset.tasks.all()}

    def test_a_task_is_found_by_its_registry_name_too(self):
        # Named "Speech recognition" and "Summarisation" here; the registry says
        # automatic-speech-recognition and summarization.
        found = search("automatic speech recognition ")
        asr = {r.asset.slug for r in found if r.all_terms}
        assert asr and len(_full(found)) == len(asr)
        assert {"nemo", "k2"} <= asr
        summaries = [r.asset.slug for r in search("summarization ")]
        assert "summeval" in summaries
        # And by the other names people give it.
        assert {r.asset.slug for r in search("transcription ")} == asr

    @pytest.mark.parametrize("q", ["hugging face transformers", "huggingface transformers"])
    def test_a_maker_is_found_by_the_name_people_say_and_by_its_namespace(self, q):
        # The namespace "huggingface" is shown as Hugging Face (records.KNOWN_NAMES).
        assert "transformers" in [r.asset.slug for r in search(q, limit=2)]

    def test_an_organisation_shown_under_its_maker_s_name_is_found_by_its_namespace(self):
        # The models of the facebook namespace are shown as Meta's.
        found = [r.asset for r in search("facebook opt", limit=5) if r.all_terms]
        assert found and all(a.organization.slug == "facebook" for a in found)
        assert {a.organization.name for a in found} == {"Meta"}
        # Said as Meta, they are found with the Meta namespace's.
        assert {r.asset.organization.slug for r in search("meta opt", limit=5)} == {
            "facebook", "meta"}
