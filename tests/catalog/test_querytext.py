from __future__ import annotations

import importlib
import re
import sqlite3
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalog import querytext
from catalog.querytext import (
    MAX_TERMS,
    Normalised,
    fold,
    fts5_match,
    fts5_phrase,
    fts5_required,
    index_text,
    normalise,
    pg_phrase_text,
    pg_required_text,
    pg_tsquery_text,
)

# Every character, surrogates and unassigned code points included.
any_text = st.text(st.characters(exclude_categories=()), max_size=300)
# Text that hits the edges more often: operators, quotes, marks, scripts, controls.
tricky_text = st.lists(
    st.one_of(
        st.sampled_from(list(" \"'*^:()-+&|!<>;\\\x00\t\n\u200d\u200f\u202e\ufeff\u0301\u00ad")),
        st.sampled_from(["AND", "OR", "NOT", "NEAR", "name", "the", "ß", "İ", "ﬁ", "x²"]),
        st.sampled_from(list("aZ9é中ع\u0939\u093f\ue000🤖")),
    ),
    max_size=80,
).map("".join)
texts = st.one_of(any_text, tricky_text)

# Quoted terms, the last perhaps starred, or groups of them joined by OR ("or" typed).
_FTS5_STRING = r'"(?:[^"]|"")+"'
_FTS5_TERM = rf'(?:{_FTS5_STRING}|\({_FTS5_STRING}(?: OR {_FTS5_STRING})+\))'
FTS5_EXPRESSION = re.compile(rf"{_FTS5_TERM}\*?(?: AND {_FTS5_TERM}\*?)*")


def terms(raw: str) -> list[str]:
    return normalise(raw).terms


@pytest.fixture(scope="module")
def fts():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    db.executemany(
        "INSERT INTO t (x) VALUES (?)",
        [("image segmentation with transformers",), ("code generation dataset",)],
    )
    yield db
    db.close()


def match(db: sqlite3.Connection, expression: str) -> list[str]:
    rows = db.execute("SELECT x FROM t WHERE t MATCH ? ORDER BY rowid", (expression,))
    return [x for (x,) in rows]


class TestNormalise:
    def test_it_lower_cases_and_splits_into_terms(self):
        n = normalise("Image  Segmentation")

        assert n == Normalised(
            text="image segmentation",
            terms=["image", "segmentation"],
            truncated=False,
            prefix="segmentation",
        )

    @pytest.mark.parametrize("raw", ["", " ", "\t\n \u3000", "\x00\x01\x7f", None])
    def test_it_answers_empty_input_with_no_terms(self, raw):
        assert normalise(raw) == Normalised(text="", terms=[], truncated=False, prefix=None)

    def test_it_keeps_terms_from_unbalanced_quotes(self):
        assert terms('"image segmentation') == ["image", "segmentation"]
        assert terms('image" "segmentation"""') == ["image", "segmentation"]

    def test_it_treats_boolean_operators_as_words(self):
        assert terms("segmentation AND depth OR *") == ["segmentation", "depth"]
        # Save NOT, which leaves out what follows, as it says (negations_written()).
        n = normalise("segmentation AND NOT depth OR *")
        assert (n.terms, n.excluded) == (["segmentation"], ["depth"])

    def test_a_word_after_a_minus_sign_is_left_out_not_searched(self):
        n = normalise("segmentation AND NOT -depth OR *")
        assert (n.terms, n.excluded) == (["segmentation"], ["depth"])
        assert n.wanted == "segmentation and not or *"
        n = normalise("-dataset image -timm -dataset segm")
        assert (n.terms, n.excluded, n.prefix) == (["image", "segm"], ["dataset", "timm"], "segm")
        assert n.wanted == "image segm"

    @pytest.mark.parametrize("raw", [
        "gpt-4o", "text-to-speech", "image - segmentation", "image -- segmentation", "a-b -",
    ])
    def test_a_minus_sign_inside_or_apart_from_a_word_leaves_nothing_out(self, raw):
        n = normalise(raw)
        assert n.excluded == []
        assert n.wanted == n.text

    @pytest.mark.parametrize(("raw", "terms", "excluded", "wanted"), [
        ("bert -fine-tuned", ["bert"], ["fine tuned"], "bert"),
        ("-state-of-the-art model", ["model"], ["state of the art"], "model"),
        ("gpt-4o -gpt-4o-mini ", ["gpt", "4o"], ["gpt 4o mini"], "gpt-4o"),
        ("bert -non-commercial", ["bert"], ["noncommercial"], "bert"),
        # Inside quotes, or apart: as before.
        ('"x -fine-tuned" bert', ["x", "fine", "tuned", "bert"], [], '"x -fine-tuned" bert'),
        ("bert -fine- tuned", ["bert", "tuned"], ["fine"], "bert - tuned"),
    ])
    def test_words_joined_by_hyphens_after_a_minus_sign_are_left_out_together(
            self, raw, terms, excluded, wanted):
        n = normalise(raw)
        assert (n.terms, n.excluded, n.wanted) == (terms, excluded, wanted)

    def test_a_word_left_out_is_never_the_prefix(self):
        assert normalise("image -data").prefix is None
        assert normalise("image -data").terms == ["image"]
        assert normalise("image -dataset image").prefix == "image"

    def test_stop_words_are_never_left_out(self):
        # Nearly every document holds them: leaving them out would leave nothing.
        n = normalise("speech -the -to")
        assert (n.terms, n.excluded) == (["speech"], [])
        assert normalise("-the who").terms == ["who"]

    @pytest.mark.parametrize(("raw", "terms"), [
        ("i need something to detect objects in images", ["detect", "objects", "images"]),
        ("looking for an image segmentation model", ["image", "segmentation", "model"]),
        ("can you recommend a good text to speech model", ["text", "speech", "model"]),
        ("i want", ["i", "want"]),  # nothing else: kept
        ("best model -something", ["model"]),
        ("any to any retrieval", ["any", "retrieval"]),  # the name of a kind of task
    ])
    def test_words_about_the_asker_are_dropped_as_stop_words_are(self, raw, terms):
        assert normalise(raw).terms == terms

    @pytest.mark.parametrize(("raw", "terms", "alternatives", "prefix"), [
        ("transcribe audio", ["transcribe", "transcription", "audio"],
         ["transcribe transcription"], "audio"),
        ("classify images ", ["classify", "classification", "images"],
         ["classify classification"], None),
        ("audio transcribe", ["audio", "transcribe"], [], "transcribe"),  # being typed
        ("classify or detect", ["classify", "detect"], ["classify detect"], None),
        ("classify classification", ["classify", "classification"], [], "classification"),
        ("images -classify ", ["images"], [], None),
    ])
    def test_a_verb_also_finds_the_name_of_its_task(self, raw, terms, alternatives, prefix):
        n = normalise(raw)
        assert (n.terms, n.alternatives, n.prefix) == (terms, alternatives, prefix)

    def test_a_verb_keeps_its_phrase(self):
        # The task's name is no word typed: the words typed side by side still rank first.
        assert querytext.phrase_words(normalise("transcribe audio ")) == ["transcribe", "audio"]
        assert querytext.phrase_words(normalise("speech or text ")) == []

    @pytest.mark.parametrize(("word", "other"), [
        ("license", "licence"), ("licensed", "licence"), ("licence", "license"),
        ("color", "colour"), ("colours", "colors"), ("tokenization", "tokenisation"),
        ("quantised", "quantized"), ("optimizer", "optimiser"), ("analyse", "analyze"),
        ("size", None), ("precise", None), ("rise", None), ("model", None),
    ])
    def test_a_word_is_spelt_the_other_way(self, word, other):
        assert querytext.spelt_otherwise(word) == other

    @pytest.mark.parametrize(("raw", "terms", "alternatives", "prefix"), [
        ("mit license ", ["mit", "license", "licence"], ["license licence"], None),
        # Being typed, it is a whole word still: its stem finds what the prefix found.
        ("mit license", ["mit", "license", "licence"], ["license licence"], None),
        ("quantised model", ["quantised", "quantized", "model"], ["quantised quantized"],
         "model"),
        ("recognise speech", ["recognise", "recognize", "recognition", "speech"],
         ["recognise recognize recognition"], "speech"),
        ("licence or mit ", ["licence", "license", "mit"], ["licence license mit"], None),
        ("licence license ", ["licence", "license"], [], None),
        ("images -license ", ["images"], [], None),
    ])
    def test_a_word_also_finds_its_other_spelling(self, raw, terms, alternatives, prefix):
        n = normalise(raw)
        assert (n.terms, n.alternatives, n.prefix) == (terms, alternatives, prefix)

    @pytest.mark.parametrize(("raw", "terms", "alternatives"), [
        ("open source llm ", ["open", "source", "openweights", "llm"], ["source openweights"]),
        ("open-source model ", ["open", "source", "openweights", "model"],
         ["source openweights"]),
        # Only the two side by side, as typed: not quoted, not left out, not apart.
        ('"open source" llm ', ["open", "source", "llm"], []),
        ("open -source llm ", ["open", "llm"], []),
        ("-open source llm ", ["source", "llm"], []),
        ("open data source ", ["open", "data", "source"], []),
        ("source open ", ["source", "open"], []),
        ("open source or mit ", ["open", "source", "mit"], ["source mit"]),
        ("open source openweights ", ["open", "source", "openweights"], []),
        ("not open source llm ", ["open", "source", "llm"], []),
    ])
    def test_open_source_also_finds_open_weights(self, raw, terms, alternatives):
        n = normalise(raw)
        assert (n.terms, n.alternatives) == (terms, alternatives)

    def test_open_source_being_typed_is_a_whole_word(self):
        # As a word spelt otherwise is: its stem finds what the prefix found.
        n = normalise("open source")
        assert (n.terms, n.alternatives, n.prefix) == (
            ["open", "source", "openweights"], ["source openweights"], None)

    @pytest.mark.parametrize(("raw", "terms", "excluded", "wanted"), [
        ("non-commercial", ["noncommercial"], [], "non-commercial"),
        ("non commercial use ", ["noncommercial", "use"], [], "non commercial use"),
        ("noncommercial", ["noncommercial"], [], "noncommercial"),
        ("non commercially", ["noncommercially"], [], "non commercially"),
        ("non-comm", ["noncomm"], [], "non-comm"),  # being typed
        ("images -non-commercial", ["images"], ["noncommercial"], "images"),
        ("-non commercial images", ["images"], ["noncommercial"], "images"),
        ("-nonsense images", ["images"], ["nonsense"], "images"),
        ("non-english", ["non", "english"], [], "non-english"),
        ("non co", ["non", "co"], [], "non co"),
        ("commercial use", ["commercial", "use"], [], "commercial use"),
    ])
    def test_non_is_joined_to_the_word_it_negates(self, raw, terms, excluded, wanted):
        n = normalise(raw)
        assert (n.terms, n.excluded, n.wanted) == (terms, excluded, wanted)

    def test_the_index_joins_non_to_the_word_it_negates_as_the_query_does(self):
        assert querytext.index_text("FAIR Non-Commercial Research, non commercially") == (
            "fair noncommercial research noncommercially")
        assert querytext.index_text("non-English, nonsense") == "non english nonsense"

    def test_under_is_a_stop_word(self):
        assert normalise("licensed under apache ").terms == ["licensed", "licence", "apache"]

    def test_a_word_about_the_asker_left_out_stays_left_out(self):
        assert normalise("best model -something").excluded == ["something"]

    @pytest.mark.parametrize(("raw", "kinds"), [
        ("tools for evaluation", ["tool"]),
        ("evaluation library", ["library"]),
        ("image segmentation models ", ["model", "fine-tune", "api"]),
        ("speech datasets", ["dataset"]),
        ("embedding API", ["api"]),
        ("dataset tools evaluation", ["dataset", "tool"]),
        # Quoted, joined by "or" or left out, a kind word steers nowhere; alone neither.
        ('"model" embedding', []),
        ("embedding model or dataset", []),
        ("speech -dataset", []),
        ("models", []),
        ("models datasets", []),
        # Fine-tunes by one word or two side by side, hyphened or not.
        ("llama finetunes", ["fine-tune"]),
        ("finetuned bert", ["fine-tune"]),
        ("fine-tuned bert", ["fine-tune"]),
        ("fine tune llama", ["fine-tune"]),
        ("whisper fine-tunes", ["fine-tune"]),
        ("fine-tune", []),
        ("fine llama tune", []),
        ('"fine tune" llama', []),
        ("fine or tune llama", []),
        ("fine-tuning bert", []),
    ])
    def test_a_word_naming_a_kind_of_asset_steers_to_it(self, raw, kinds):
        assert normalise(raw).kinds == kinds

    @pytest.mark.parametrize(
        ("raw", "terms", "by_price", "steering"),
        [
            ("cheapest embedding api", ["embedding", "api"], True, ["api"]),
            ("embedding API, affordable ", ["embedding", "api"], True, ["api"]),
            ("cheapest api", ["api"], True, []),  # "api" alone: a term, no steering
            ("cheap", ["cheap"], False, []),  # alone: nothing else to search for
            ('"cheap" embedding', ["cheap", "embedding"], False, []),
            ("cheap or free embedding", ["cheap", "free", "embedding"], False, []),
            ("embedding chea", ["embedding", "chea"], False, []),  # being typed: a prefix
        ],
    )
    def test_words_asking_for_the_lowest_price_are_an_order_not_terms(
            self, raw, terms, by_price, steering):
        n = normalise(raw)
        assert (n.terms, n.by_price, n.steering) == (terms, by_price, steering)

    @pytest.mark.parametrize(
        ("raw", "terms", "by_context"),
        [
            ("long context llm", ["context", "llm"], True),
            ("largest context window ", ["context", "window"], True),
            ("LLM with a longer context", ["llm", "context"], True),
            ("long context", ["context"], True),  # "context" stays: what they hold
            ("long  context ", ["context"], True),
            # Only right before "context", as typed: not quoted, not joined, not left out.
            ('"long context" llm', ["long", "context", "llm"], False),
            ("long or short context", ["long", "short", "context"], False),
            ("long -context llm", ["long", "llm"], False),
            ("context long", ["context", "long"], False),
            ("a long text with context", ["long", "text", "context"], False),
            ("long conte", ["long", "conte"], False),  # being typed: a prefix
            # The price orders first: one order at a time.
            ("cheapest long context llm", ["long", "context", "llm"], False),
        ],
    )
    def test_words_asking_for_the_longest_context_are_an_order_not_terms(
            self, raw, terms, by_context):
        n = normalise(raw)
        assert (n.terms, n.by_context) == (terms, by_context)

    @pytest.mark.parametrize(
        ("raw", "terms", "by_size"),
        [
            ("smallest embedding model", ["embedding", "model"], "smallest"),
            ("tiniest image model ", ["image", "model"], "smallest"),
            ("largest llm", ["llm"], "largest"),
            ("llm, the biggest ", ["llm"], "largest"),
            ("smallest", ["smallest"], ""),  # alone: nothing else to search for
            ('"smallest" model', ["smallest", "model"], ""),
            ("smallest or largest llm", ["smallest", "largest", "llm"], ""),
            ("small llm", ["small", "llm"], ""),  # "Mistral Small", "bge-small"
            # One order at a time: the price's, the context window's first.
            ("cheapest smallest llm", ["smallest", "llm"], ""),
            ("largest context window", ["context", "window"], ""),
        ],
    )
    def test_words_asking_for_the_fewest_or_most_parameters_are_an_order(
            self, raw, terms, by_size):
        n = normalise(raw)
        assert (n.terms, n.by_size) == (terms, by_size)

    def test_a_word_naming_a_kind_is_a_term_still(self):
        assert normalise("tools for evaluation").terms == ["tools", "evaluation"]

    def test_words_left_out_count_towards_the_terms_kept(self):
        raw = " ".join(f"-w{i}" for i in range(MAX_TERMS)) + " kept"
        n = normalise(raw)
        assert n.truncated
        assert n.terms == []
        assert len(n.excluded) == MAX_TERMS

    def test_a_phrase_in_quotes_is_required_and_its_words_are_terms(self):
        n = normalise('"Text to Speech" model')
        assert (n.terms, n.phrases, n.excluded) == (["text", "speech", "model"],
                                                    ["text to speech"], [])
        assert fts5_required(n) == '"text" + "to" + "speech"'
        assert pg_required_text(n) == '"text to speech"'
        n = normalise('"image segmentation" "zero shot" "bert"')
        assert n.phrases == ["image segmentation", "zero shot"]  # one word is no phrase
        assert fts5_required(n) == '"image" + "segmentation" AND "zero" + "shot"'
        assert pg_required_text(n) == '"image segmentation" "zero shot"'

    @pytest.mark.parametrize("raw", ['"text to speech', 'text" to speech', 'a "b'])
    def test_a_quote_left_open_quotes_nothing(self, raw):
        assert normalise(raw).phrases == []

    def test_a_phrase_in_quotes_with_a_minus_sign_in_front_is_left_out(self):
        n = normalise('speech -"text to speech" -"the" -tts')
        assert (n.terms, n.excluded, n.phrases) == (["speech"], ["text to speech", "tts"], [])
        assert n.wanted == "speech"
        assert querytext.fts5_excluded(n) == '"text" + "to" + "speech" OR "tts"'
        assert querytext.excluded_words(n) == [["text", "to", "speech"], ["tts"]]
        assert querytext.pg_phrase_of(["text", "to", "speech"]) == "text <-> to <-> speech"
        # Inside quotes a minus sign is only a character.
        assert normalise('"text -to speech"').excluded == []

    def test_a_word_left_out_leaves_out_its_other_spelling_too(self):
        n = normalise('parser -license -"open source license" -dataset')
        assert n.excluded == ["license", "open source license", "dataset"]
        assert querytext.fts5_excluded(n) == (
            '"license" OR "licence" OR "open" + "source" + "license" OR '
            '"open" + "source" + "licence" OR "dataset"')
        assert querytext.excluded_words(n) == [
            ["license"], ["licence"], ["open", "source", "license"],
            ["open", "source", "licence"], ["dataset"]]
        assert n.left_out == ("license (or licence), “open source license” (or “open source "
                              "licence”), dataset")

    @pytest.mark.parametrize("raw, groups, fts5, pg", [
        ("bert or roberta", [["bert", "roberta"]], ['("bert" OR "roberta")'], "(bert|roberta)"),
        ("image OR video segmentation ", [["image", "video"], ["segmentation"]],
         ['("image" OR "video")', '"segmentation"'], "(image|video) & segmentation"),
        ("x or y or z w", [["x", "y", "z"], ["w"]], ['("x" OR "y" OR "z")', '"w"'],
         "(x|y|z) & w"),
        ("x or y z or w", [["x", "y"], ["z", "w"]], ['("x" OR "y")', '("z" OR "w")'],
         "(x|y) & (z|w)"),
    ])
    def test_or_joins_the_words_beside_it(self, raw, groups, fts5, pg):
        n = normalise(raw)
        assert querytext.term_groups(n) == groups
        assert querytext.fts5_terms(n) == fts5
        assert pg_tsquery_text(n) == pg
        assert querytext.phrase_words(n) == []

    @pytest.mark.parametrize("raw", [
        "or bert", "bert or", "bert or -roberta", 'bert or "roberta large"', "bert or the",
        '"bert or roberta"', "segmentation AND NOT depth OR *",
    ])
    def test_or_without_a_term_on_either_side_is_a_stop_word(self, raw):
        n = normalise(raw)
        assert n.alternatives == []
        assert "or" not in n.terms

    def test_a_word_typed_after_or_is_taken_as_typed(self):
        n = normalise("image or vid")
        assert (n.alternatives, n.prefix) == (["image vid"], None)

    def test_only_words_left_out_leave_nothing_to_search(self):
        n = normalise("-dataset")
        assert (n.terms, n.excluded, n.wanted) == ([], ["dataset"], "")

    def test_it_strips_fts5_syntax(self):
        n = normalise('NEAR(image segmentation, 3) name:segformer ^ade20k {x y}: "a"*')

        assert n.terms == [
            "near", "image", "segmentation", "3", "name", "segformer", "ade20k", "x", "y"
        ]  # fmt: skip
        assert terms("{x y}: - name : ^") == ["x", "y", "name"]

    def test_it_strips_sql(self):
        assert terms("'; DROP TABLE catalog_asset; --") == ["drop", "table", "catalog", "asset"]

    def test_it_strips_html(self):
        n = normalise('<script>alert("x")</script><b onclick=1>bold</b>')

        assert n.terms == ["script", "alert", "x", "b", "onclick", "1", "bold"]
        assert n.text == '<script>alert("x")</script><b onclick=1>bold</b>'

    def test_it_drops_emoji_but_keeps_the_words_around_them(self):
        assert terms("🤖 robot 👩‍💻coder🔥") == ["robot", "coder"]
        assert normalise("🤖🔥").terms == []

    def test_it_keeps_right_to_left_text(self):
        n = normalise("\u202eنموذج تقسيم الصور\u200f")

        assert n.terms == ["نموذج", "تقسيم", "الصور"]
        assert "\u202e" not in n.text and "\u200f" not in n.text

    def test_it_keeps_scripts_written_with_combining_marks(self):
        assert terms("हिन्दी भाषा मॉडल") == ["हिन्दी", "भाषा", "मॉडल"]

    def test_it_keeps_chinese_and_japanese(self):
        assert terms("图像分割 画像セグメンテーション") == ["图像分割", "画像セグメンテーション"]

    def test_it_removes_nul_and_control_characters(self):
        n = normalise("seg\x00men\x1btation\x07 mo\u200bdel")

        assert n.text == "segmentation model"
        assert n.terms == ["segmentation", "model"]

    def test_it_turns_line_breaks_and_tabs_into_spaces(self):
        assert normalise("image\nsegmentation\tmodel\r\n").text == "image segmentation model"

    def test_it_applies_nfkc_and_case_folding(self):
        assert normalise("ＧＰＴ－４ Straße ﬁne-tune x²").terms == [
            "gpt",
            "4",
            "strasse",
            "fine",
            "tune",
            "x2",
        ]
        assert normalise("Cafe\u0301").text == "café"

    def test_it_splits_hyphenated_words(self):
        assert terms("segformer-b4-finetuned-ade-512-512") == [
            "segformer",
            "b4",
            "finetuned",
            "ade",
            "512",
        ]

    def test_it_drops_stop_words_when_other_terms_remain(self):
        assert terms("a model for the segmentation of images") == [
            "model",
            "segmentation",
            "images",
        ]
        # Words that join the need's words, which few texts hold ("about": one asset of
        # the bundled catalog): as terms, nothing held them all.
        assert terms("semantic search over product descriptions") == [
            "semantic", "search", "product", "descriptions"]
        assert terms("questions about documents via an api, better than bm25") == [
            "questions", "documents", "api", "better", "bm25"]

    def test_it_keeps_stop_words_when_nothing_else_remains(self):
        assert terms("The Who") == ["who"]
        assert terms("to be or not") == ["to", "be", "or", "not"]
        assert terms("the of") == ["the", "of"]

    def test_it_keeps_each_term_once(self):
        assert terms("seg Seg SEG model seg") == ["seg", "model"]

    def test_it_caps_the_number_of_terms_and_says_so(self):
        words = [f"w{i}" for i in range(20)]

        n = normalise(" ".join(words))

        assert n.terms == words[:MAX_TERMS]
        assert n.text == " ".join(words[:MAX_TERMS])
        assert n.truncated is True
        assert n.prefix is None

    def test_it_does_not_count_stop_words_or_repeats_toward_the_cap(self):
        raw = "the " * 30 + " ".join(f"w{i} w{i}" for i in range(MAX_TERMS))

        n = normalise(raw, max_chars=1000)

        assert len(n.terms) == MAX_TERMS
        assert n.truncated is False

    def test_it_truncates_at_a_word_boundary(self):
        n = normalise("image segmentation model", max_chars=20)

        assert n.text == "image segmentation"
        assert n.terms == ["image", "segmentation"]
        assert n.truncated is True
        assert n.prefix is None

    def test_it_keeps_a_word_that_ends_exactly_at_the_limit(self):
        n = normalise("image segmentation model", max_chars=18)

        assert n.text == "image segmentation"
        assert n.truncated is True

    def test_it_cuts_a_single_long_word_at_the_limit(self):
        n = normalise("x" * 10_000)

        assert n.text == "x" * 200
        assert n.truncated is True

    def test_it_handles_ten_thousand_characters_of_words(self):
        n = normalise("segmentation " * 800)

        assert len(n.text) <= 200
        assert n.terms == ["segmentation"]
        assert n.truncated is True

    def test_it_does_not_cut_a_word_at_the_work_limit(self):
        raw = " " * 1040 + "segmentation " + "x" * 5000

        n = normalise(raw)

        assert n.text == "segmentation"
        assert n.terms == ["segmentation"]
        assert n.truncated is True

    def test_it_does_not_count_trailing_space_and_controls_as_truncation(self):
        n = normalise("image" + " \x00" * 5000)

        assert n.text == "image"
        assert n.truncated is False

    def test_it_accepts_a_zero_or_negative_limit(self):
        assert normalise("image", max_chars=0) == Normalised("", [], True, None)
        assert normalise("image", max_chars=-5) == Normalised("", [], True, None)


class TestPrefix:
    def test_it_offers_the_last_word_while_it_is_being_typed(self):
        assert normalise("image seg").prefix == "seg"

    def test_it_offers_no_prefix_after_a_space(self):
        assert normalise("image seg ").prefix is None
        assert normalise("image seg\n").prefix is None

    def test_it_offers_no_prefix_under_three_characters(self):
        assert normalise("image se").prefix is None

    def test_a_last_word_too_short_for_a_prefix_is_partial_while_typed(self):
        assert normalise("image se").partial and normalise("zero shot c").partial
        # Finished, alone, a prefix, quoted, left out or joined by "or": not.
        for raw in ["image se ", "se", "image seg", '"image se"', "image -se",
                    "image or se", "the se"]:
            assert not normalise(raw).partial, raw

    def test_a_last_word_too_short_for_a_prefix_is_short_while_typed_alone_too(self):
        for raw in ["se", "image se", "g", "7b"]:
            assert normalise(raw).short, raw
        assert not normalise("se").partial  # (alone: nothing else stands for it)
        for raw in ["se ", "seg", '"se"', "x -se", "se-", "image or se"]:
            assert not normalise(raw).short, raw

    def test_it_offers_a_prefix_before_a_trailing_star(self):
        assert normalise("seg*").prefix == "seg"

    def test_it_offers_no_prefix_when_the_last_word_was_dropped(self):
        assert normalise("models for").prefix is None
        assert normalise("seg model seg").prefix is None

    def test_it_ignores_trailing_control_characters(self):
        assert normalise("image seg\x00").prefix == "seg"
        assert normalise("image seg \x00").prefix is None


class TestFts5Match:
    def test_it_quotes_every_term_and_stars_the_prefix(self):
        assert fts5_match(normalise("Image seg")) == '"image" AND "seg"*'
        assert fts5_match(normalise("image seg ")) == '"image" AND "seg"'

    def test_it_takes_the_word_being_typed_as_finished_when_asked(self):
        assert querytext.fts5_terms(normalise("text imag"), finished=True) == ['"text"', '"imag"']


class TestPorterStem:
    def test_it_stems_as_the_index_does(self):
        words = ["images", "completion", "segmentat", "analys", "café", "Résumés", "4o", "中文"]
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '{querytext.FTS5_TOKENIZER}')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(words))
        indexed = dict(db.execute("SELECT doc, term FROM v").fetchall())

        assert [querytext.porter_stem(fold(w))[1] for w in words] == [
            indexed[i] for i in range(len(words))]
        assert querytext.porter_stem("images") == ("images", "imag")
        assert querytext.porter_stem("segmentat") == ("segmentat", "segmentat")
        assert querytext.porter_stem("café") == ("cafe", "cafe")

    def test_it_matches_the_tokenizer_the_index_was_made_with(self):
        migration = importlib.import_module("catalog.migrations.0010_search_prefix_index")
        assert f"tokenize = '{querytext.FTS5_TOKENIZER}'" in migration.COLUMNS

    def test_it_is_empty_without_terms(self):
        assert fts5_match(normalise(" *** ")) == ""

    def test_it_doubles_quotes_inside_a_term(self):
        n = Normalised(text="", terms=['a"b'], truncated=False, prefix=None)

        assert fts5_match(n) == '"a""b"'

    def test_a_direction_named_with_from_is_the_one_to_names_the_other_way_round(self):
        directed = {"imag", "text", "speech"}  # stems, as catalog.search reads them
        n = normalise("generate images from text prompts")
        assert querytext.typed_terms(n, directed) == ["generate", "text", "images", "prompts"]
        assert querytext.turned_around(n, directed) == (
            ["text", "to", "images"], ["images", "to", "text"])
        assert querytext.fts5_turned_around(normalise("text from an image"), directed) == (
            '("text" + "to" + "image") NOT ("image" + "to" + "text")')
        assert querytext.pg_turned_around_text(normalise("text from speech"), directed) == (
            "(text <-> to <-> speech) & !(speech <-> to <-> text)")
        # Only words naming a direction turn; without them, as typed.
        for raw in ["features from images", "models from google", "text from text"]:
            n = normalise(raw)
            assert querytext.typed_terms(n, directed) == querytext.typed_terms(n), raw
            assert querytext.turned_around(n, directed) == ([], []), raw
        assert querytext.turned_around(normalise("images from text")) == ([], [])

    def test_a_term_right_before_another_begins_a_compound(self):
        assert querytext.compounded(normalise("generate text embeddings")) == {
            "generate", "text"}
        assert querytext.compounded(normalise("classify the images of plants")) == set()

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("image segmentation", ["image segmentation with transformers"]),
            ("Segmentation AND code", []),
            ("NEAR(image transformers)", []),
            ("x: name:image", []),
            ("code gen", ["code generation dataset"]),
            ('"code', ["code generation dataset"]),
            ("IMAGE with", ["image segmentation with transformers"]),
        ],
    )
    def test_it_runs_in_sqlite(self, fts, raw, expected):
        assert match(fts, fts5_match(normalise(raw))) == expected


class TestPhrase:
    def test_it_holds_every_word_in_the_order_typed_stop_words_included(self):
        assert querytext.phrase_words(normalise("Speech to Text")) == ["speech", "to", "text"]
        assert fts5_phrase(normalise("speech to text ")) == '"speech" + "to" + "text"'
        assert pg_phrase_text(normalise("speech to text ")) == "speech <-> to <-> text"

    def test_its_last_word_counts_as_typed_in_full(self):
        assert fts5_phrase(normalise("speech to tex")) == '"speech" + "to" + "tex"'
        assert pg_phrase_text(normalise("speech to tex")) == "speech <-> to <-> tex"

    def test_words_left_out_are_not_part_of_it(self):
        assert fts5_phrase(normalise("text -audio to speech ")) == '"text" + "to" + "speech"'

    def test_there_is_none_for_fewer_than_two_terms(self):
        for raw in ["speech", "the speech", "", "🦄 speech", "speech of the"]:
            assert fts5_phrase(normalise(raw)) == ""
            assert pg_phrase_text(normalise(raw)) == ""

    def test_it_runs_from_the_first_term_to_the_last(self):
        assert querytext.phrase_words(normalise("looking for an image segmentation robot")) == [
            "image", "segmentation", "robot"]
        assert querytext.phrase_words(normalise("i need a text to speech voice ")) == [
            "text", "to", "speech", "voice"]

    def test_a_word_naming_a_kind_at_either_end_of_three_is_not_part_of_it(self):
        for raw, words in [
            ("image generation api", ["image", "generation"]),
            ("looking for an image segmentation model", ["image", "segmentation"]),
            ("i need a text to speech model ", ["text", "to", "speech"]),
            ("dataset of code search", ["code", "search"]),
            ("models for text to speech apis", ["text", "to", "speech"]),
            # Inside, it stays; and of two terms, a phrase needs both.
            ("embedding model for retrieval", ["embedding", "model", "for", "retrieval"]),
            ("segmentation model", ["segmentation", "model"]),
            ("api model", ["api", "model"]),
        ]:
            assert querytext.phrase_words(normalise(raw)) == words, raw
        assert pg_phrase_text(normalise("image generation api")) == "image <-> generation"

    def test_the_same_term_twice_makes_one(self):
        # Task names such as "Audio to audio" or "Image to image".
        assert querytext.phrase_words(normalise("Audio to audio ")) == ["audio", "to", "audio"]
        assert fts5_phrase(normalise("speech speech")) == '"speech" + "speech"'
        # A query of stop words only keeps them as its terms.
        assert querytext.phrase_words(normalise("to be or not to be")) == [
            "to", "be", "or", "not", "to", "be"]

    def test_its_pairs_run_from_each_term_to_the_next_for_three_terms_or_more(self):
        n = normalise("speech to text for german")
        assert querytext.phrase_pairs(n) == [["speech", "to", "text"], ["text", "for", "german"]]
        assert querytext.fts5_pairs(n) == '"speech" + "to" + "text" OR "text" + "for" + "german"'
        assert querytext.pg_pairs_text(n) == "speech <-> to <-> text | text <-> for <-> german"
        # Two terms: the phrase is all there is.
        assert querytext.phrase_pairs(normalise("speech to text")) == []
        assert querytext.fts5_pairs(normalise("speech to text")) == ""

    @pytest.mark.parametrize(("raw", "terms"), [
        ("c++", ["cpp"]), ("C++ inference", ["cpp", "inference"]), ("c++17", ["cpp", "17"]),
        ('"c++" code', ["cpp", "code"]), ("llama.cpp", ["llama", "cpp"]),
        # Not when the pluses belong to something else.
        ("c+++", ["c"]), ("abc++", ["abc"]), ("c++x", ["c", "x"]), ("c ++", ["c"]),
        # C# and F# likewise, as csharp and fsharp.
        ("c#", ["csharp"]), ("C# code", ["csharp", "code"]), ("f# c#", ["fsharp", "csharp"]),
        ("c#-Code", ["csharp", "code"]), ("C#/.NET", ["csharp", "net"]),
        ("abc#", ["abc"]), ("c##", ["c"]), ("c#x", ["c", "x"]), ("c #", ["c"]), ("cf#", ["cf"]),
    ])
    def test_languages_named_with_a_sign_are_words(self, raw, terms):
        assert normalise(raw).terms == terms
        assert querytext.index_text(raw) == " ".join(terms)

    def test_a_language_named_with_a_sign_is_left_out_or_quoted_as_written(self):
        # It stands where its name is written, two characters for six letters: a minus
        # sign or quotes around it reach it.
        for raw in ["bert -c#", "-c# bert", "bert -c++", "bert -f#"]:
            n = normalise(raw)
            assert (n.terms, n.wanted) == (["bert"], "bert"), raw
            assert len(n.excluded) == 1, raw
        n = normalise('model "c# code" -"f# code"')
        assert (n.terms, n.phrases, n.excluded) == (
            ["model", "csharp", "code"], ["csharp code"], ["fsharp code"])
        assert n.wanted == 'model "c# code"'
        # The page says what is left out as people write it.
        assert n.left_out == "“F# code”"
        assert normalise("bert -c++ -csharp").left_out == "C++, C#"

    @pytest.mark.parametrize(("raw", "terms", "excluded"), [
        ("embedding model not from openai", ["embedding", "model"], ["openai"]),
        ("segmentation except datasets", ["segmentation"], ["datasets"]),
        ("image generation without an api", ["image", "generation"], ["api"]),
        ("image generation no api", ["image", "generation"], ["api"]),
        ("llm other than openai", ["llm"], ["openai"]),
        ("excluding gpt-4o, an llm", ["llm"], ["gpt 4o"]),
        ("models not made by google", ["models"], ["google"]),
        # Words joined to it by "or", "nor" or commas, each; not by "and".
        ("llm not from openai, google or meta", ["llm"], ["openai", "google", "meta"]),
        ("llm from neither openai nor google", ["llm"], ["openai", "google"]),
        ("asr without a gpu and with diarization", ["asr", "diarization"], ["gpu"]),
        # "no" before anything but a kind, "not open source", a word inside another, words
        # in quotes, and nothing after: taken as typed.
        ("no code tool", ["no", "code", "tool"], []),
        ("not open source llm", ["open", "source", "llm"], []),
        ("knot theory", ["knot", "theory"], []),
        ('"text not from openai"', ["text", "openai"], []),
        ("speech recognition without", ["speech", "recognition", "without"], []),
    ])
    def test_words_asking_to_leave_out_what_follows_are_a_minus_sign(self, raw, terms,
                                                                      excluded):
        n = normalise(raw)
        assert (n.terms, n.excluded) == (terms, excluded)
        # As if typed with the sign: what is left out steers nowhere ("no api").
        if excluded:
            assert n.text == querytext.negations_written(querytext.fold(raw))
            assert n.steering == (["model"] if "model" in terms and len(terms) > 1 else [])

    def test_a_direction_is_turned_around(self):
        n = normalise("speech to text for german")
        assert querytext.turned_around(n) == (["speech", "to", "text"], ["text", "to", "speech"])
        assert querytext.fts5_turned_around(n) == (
            '("text" + "to" + "speech") NOT ("speech" + "to" + "text")')
        assert querytext.pg_turned_around_text(n) == (
            "(text <-> to <-> speech) & !(speech <-> to <-> text)")
        # The same both ways, "to" alone, words apart, or either way: no direction.
        for raw in ["audio to audio", "to text", "speech text", "speech or text to image",
                    "to be or not to be"]:
            assert querytext.turned_around(normalise(raw)) == ([], []), raw
            assert querytext.fts5_turned_around(normalise(raw)) == "", raw

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("image segmentation", ["image segmentation with transformers"]),
            ("segmentation image", []),
            ("segmentation with transformers", ["image segmentation with transformers"]),
            ("segmentation transformers", []),
            ("code generation data", []),
            ("generation dataset", ["code generation dataset"]),
            ('"code" generation', ["code generation dataset"]),
            ("code gen", []),
            ('code AND generation', []),
        ],
    )
    def test_it_runs_in_sqlite_and_wants_the_words_side_by_side(self, fts, raw, expected):
        assert match(fts, fts5_phrase(normalise(raw))) == expected

    @settings(max_examples=300)
    @given(texts)
    @example('say "hi" to NEAR(a b)')
    @example("a\x00 b")
    @example("0 -1:0")
    def test_its_fts5_phrase_runs_and_finds_the_text_it_came_from(self, raw):
        # The text without what was left out: "0 -1:0" asks for no document holding 1.
        n = normalise(raw)
        expression = fts5_phrase(n)
        if not expression:
            return
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        db.executemany("INSERT INTO t (x) VALUES (?)", [(index_text(n.wanted),), ("unrelated",)])

        assert match(db, expression) == [index_text(n.wanted)]
        db.close()


class TestPgTsqueryText:
    def test_it_requires_every_term_and_marks_the_prefix(self):
        assert pg_tsquery_text(normalise("Image seg")) == "image & seg:*"
        assert pg_tsquery_text(normalise("image seg ")) == "image & seg"

    def test_it_is_empty_without_terms(self):
        assert pg_tsquery_text(normalise("!!! & |")) == ""

    def test_it_leaves_no_tsquery_syntax(self):
        n = Normalised(
            text="", terms=["a:*b", "c&d|!(e)", "'f'", "<->"], truncated=False, prefix=None
        )

        assert pg_tsquery_text(n) == "ab & cde & f"


class TestFold:
    def test_it_matches_what_normalise_searches(self):
        assert fold("  Straße\x00 ＡＢＣ\n") == "strasse abc"

    def test_it_gives_index_text_as_separate_words(self):
        assert index_text("SegFormer-B4 (ADE20K) 🤖robot, the best") == (
            "segformer b4 ade20k robot the best"
        )

    def test_it_keeps_the_query_and_a_newer_emoji_apart(self):
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        db.executemany(
            "INSERT INTO t (x) VALUES (?)", [("robot\U0001f916",), (index_text("robot\U0001f916"),)]
        )

        # SQLite reads the raw text as one token; the indexed words match.
        assert match(db, fts5_match(normalise("robot "))) == ["robot"]
        db.close()


def assert_clean(n: Normalised, max_chars: int) -> None:
    assert len(n.text) <= max_chars
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Cn"} for ch in n.text)
    assert n.text == " ".join(n.text.split())
    assert len(n.terms) + len(n.excluded) <= MAX_TERMS
    assert len(set(n.terms)) == len(n.terms)
    assert len(set(n.excluded)) == len(n.excluded)
    # Phrases (and phrases left out) are words one space apart. A word is in the text, or
    # was added for one that is (its other spelling, a verb's task, the word a language named
    # with a sign is read as: "f#", fsharp), or joins "non" to the word it negates.
    added = {other for t in n.terms if (other := querytext.spelt_otherwise(t))}
    added |= {querytext.TASK_VERBS[t] for t in n.terms if t in querytext.TASK_VERBS}
    added |= {word for name, word in querytext.SYMBOLIC.items() if name in n.text}
    for word in [w for entry in [*n.terms, *n.excluded, *n.phrases] for w in entry.split(" ")]:
        assert word and (word in n.text or word in added
                         or (word.startswith(querytext.NEGATING)
                             and word[len(querytext.NEGATING):] in n.text))
        assert not any(ch.isspace() or ch in "\"'*^:()" for ch in word)
    for group in n.alternatives:
        assert all(word in n.terms for word in group.split(" "))
    assert n.prefix is None or (n.prefix == n.terms[-1] and len(n.prefix) >= 3)


class TestProperties:
    @given(texts, st.integers(min_value=0, max_value=300))
    @example("\ud800 surrogate", 200)
    @example("a" * 5000 + " b", 200)
    @example('"0:1"', 5)
    @example('x -"a b" "c d" e OR f', 200)
    @example("ANALYSE", 7)  # "analyze" is added
    @example("non commercial use", 200)  # "noncommercial"
    @example("F#", 2)  # "fsharp"
    def test_it_never_raises_and_returns_clean_text(self, raw, max_chars):
        assert_clean(normalise(raw, max_chars), max_chars)

    @given(st.text(alphabet=st.characters(max_codepoint=127)))
    @example("Tab\there\x00nul\x1fUS\x7fDEL\x0bVT  MiXeD-case_42")
    @example("c#")  # (the ASCII short cut alone: "csharp" is _words()'s, for both)
    def test_its_ascii_short_cuts_give_what_the_general_code_gives(self, raw):
        assert fold(raw) == querytext._fold_any(raw)
        assert querytext._ascii_words(raw) == querytext._words_any(raw)

    @given(texts)
    def test_it_folds_idempotently(self, raw):
        assert fold(fold(raw)) == fold(raw)

    @given(texts)
    def test_it_gives_the_same_terms_for_its_own_text(self, raw):
        n = normalise(raw)

        again = normalise(n.text)
        assert (again.terms, again.excluded) == (n.terms, n.excluded)

    @given(texts)
    @example("0 or 1")
    def test_its_fts5_expression_is_only_quoted_terms(self, raw):
        expression = fts5_match(normalise(raw))

        assert expression == "" or FTS5_EXPRESSION.fullmatch(expression)

    @given(texts)
    @example("00:OR:0")
    def test_its_pg_tsquery_text_has_no_operators_but_its_own(self, raw):
        query = pg_tsquery_text(normalise(raw))

        for operand in query.split(" & ") if query else []:
            # A term, the prefix starred, or a group of terms "or" joined: (a|b).
            group = re.fullmatch(r"\(([^()]+)\)", operand)
            words = group.group(1).split("|") if group else [operand.removesuffix(":*")]
            assert len(words) > 1 if group else True
            for word in words:
                assert word
                assert all(
                    unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "Co"
                    for ch in word
                )

    @given(texts)
    def test_its_pg_text_of_phrases_and_words_left_out_has_no_operators_but_its_own(self, raw):
        n = normalise(raw)

        text = pg_required_text(n)
        quoted = re.fullmatch(r'"[^"]+"(?: "[^"]+")*', text) if text else None
        assert quoted or not text
        excluded = [querytext.pg_phrase_of(words) for words in querytext.excluded_words(n)]
        for phrase in filter(None, excluded):
            assert re.fullmatch(r"[^()|&!<>:' ]+(?: <-> [^()|&!<>:' ]+)*", phrase)
        for words in [re.findall(r'[^" ]+', text),
                      [word for phrase in excluded for word in phrase.split(" <-> ") if word]]:
            for word in words:
                assert all(
                    unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "Co"
                    for ch in word
                )

    @settings(max_examples=300)
    @given(texts)
    @example('"')
    @example("\ud800")
    @example("NEAR(a b, 3)")
    @example("x:y")
    @example("0\U0001f900")  # a symbol newer than SQLite's Unicode 6.1 tables
    @example("0:1:OR:00")
    def test_its_fts5_expression_runs_and_finds_the_text_it_came_from(self, raw):
        n = normalise(raw)
        expression = fts5_match(n)
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        rows = [(n.text,), (index_text(n.text),), ("unrelated row",),
                (index_text(" ".join(n.excluded)),)]
        db.executemany("INSERT INTO t (x) VALUES (?)", rows)

        found = match(db, expression) if expression else []
        excluded = querytext.fts5_excluded(n)
        left_out = match(db, excluded) if excluded else []

        if expression:
            assert index_text(n.text) in found
        if excluded:
            assert index_text(" ".join(n.excluded)) in left_out
        if required := fts5_required(n):
            assert index_text(n.text) in match(db, required)
        db.close()
