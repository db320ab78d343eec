from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comparisons.verdict import Part, Side, Verdict, decide, join, whole_points

KNOWN = {"adoption": 50.0, "quality": 50.0, "ecosystem": 50.0, "match_graph": 50.0}


def make_side(name: str = "Alpha", **overrides) -> Side:
    slug = name.lower().replace(" ", "-")
    values = {
        "name": name,
        "slug": slug,
        "url": f"/assets/{slug}/",
        "kind": "Model",
        "tasks": ["Image segmentation"],
        "rank": 50.0,
        "provisional": False,
        "coverage": 1.0,
        "sub_scores": dict(KNOWN),
        **overrides,
    }
    return Side(**values)


def pair(a: dict | None = None, b: dict | None = None) -> tuple[Side, Side]:
    return make_side("Alpha", **(a or {})), make_side("Beta", **(b or {}))


def scores(**known: float | None) -> dict[str, float | None]:
    return {**KNOWN, **known}


def topic(verdict: Verdict, name: str) -> list[str]:
    return [s.text for s in verdict.sentences if s.topic == name]


def only(verdict: Verdict, name: str) -> str:
    [text] = topic(verdict, name)
    return text


class TestRank:
    def test_it_names_the_higher_rank_and_the_margin(self):
        verdict = decide(*pair({"rank": 42.0}, {"rank": 58.0}))

        assert verdict.leader == "b"
        assert verdict.margin == 16
        assert (
            only(verdict, "rank")
            == "Beta ranks above Alpha on UnfragileRank by 16 points, 58 vs 42."
        )

    def test_it_links_both_names_in_the_rank_sentence(self):
        verdict = decide(*pair({"rank": 70.0}, {"rank": 40.0}))

        links = [p for p in verdict.sentences[0].parts if p.url]
        assert links == [Part("Alpha", "/assets/alpha/"), Part("Beta", "/assets/beta/")]

    def test_it_calls_a_difference_of_two_points_a_tie(self):
        verdict = decide(*pair({"rank": 60.0}, {"rank": 58.0}))

        assert verdict.leader is None
        assert verdict.margin == 2
        assert only(verdict, "rank") == (
            "It is a tie: Alpha and Beta are within 2 points of each other on UnfragileRank"
            " (60 vs 58)."
        )

    def test_it_does_not_call_a_difference_of_three_points_a_tie(self):
        verdict = decide(*pair({"rank": 61.0}, {"rank": 58.0}))

        assert verdict.leader == "a"
        assert verdict.margin == 3
        assert "tie" not in only(verdict, "rank")

    def test_it_judges_the_whole_points_the_reader_sees(self):
        # 52.4 vs 50.0 differ by 2.4 but read as 52 vs 50: a tie, or the page contradicts itself.
        tie = decide(*pair({"rank": 52.4}, {"rank": 50.0}))
        lead = decide(*pair({"rank": 52.6}, {"rank": 50.0}))

        assert tie.leader is None
        assert "(52 vs 50)" in only(tie, "rank")
        assert lead.leader == "a"
        assert only(lead, "rank").endswith("by 3 points, 53 vs 50.")

    def test_it_rounds_half_up(self):
        assert [whole_points(x) for x in (41.5, 42.5, 42.49, 0.5)] == [42, 43, 42, 1]

    def test_it_says_tie_plainly_for_equal_ranks(self):
        verdict = decide(*pair({"rank": 50.2}, {"rank": 49.8}))

        assert verdict.leader is None
        assert verdict.margin == 0
        assert (
            only(verdict, "rank") == "It is a tie: Alpha and Beta both have an UnfragileRank of 50."
        )


class TestLeads:
    @pytest.mark.parametrize(
        ("ahead", "expected"),
        [
            ({}, "Neither leads on any dimension by 5 points or more."),
            (
                {"quality": 60.0},
                "Alpha leads on quality (60 vs 50); Beta has no lead of 5 points or more.",
            ),
            (
                {"quality": 60.0, "ecosystem": 71.0},
                "Alpha leads on quality (60 vs 50) and ecosystem (71 vs 50);"
                " Beta has no lead of 5 points or more.",
            ),
            (
                {"adoption": 90.0, "quality": 60.0, "ecosystem": 71.0},
                "Alpha leads on adoption (90 vs 50), quality (60 vs 50) and ecosystem (71 vs 50);"
                " Beta has no lead of 5 points or more.",
            ),
            (
                {"adoption": 90.0, "quality": 60.0, "ecosystem": 71.0, "match_graph": 55.0},
                "Alpha leads on adoption (90 vs 50), quality (60 vs 50), ecosystem (71 vs 50)"
                " and match graph (55 vs 50); Beta has no lead of 5 points or more.",
            ),
        ],
        ids=["none", "one", "two", "three", "four"],
    )
    def test_it_joins_the_leads_in_natural_english(self, ahead, expected):
        verdict = decide(*pair({"sub_scores": scores(**ahead)}))

        assert only(verdict, "leads") == expected
        assert verdict.leads_a == list(ahead)
        assert verdict.leads_b == []

    def test_it_names_the_leads_of_each_side(self):
        verdict = decide(
            *pair(
                {"sub_scores": scores(ecosystem=70.0)},
                {"sub_scores": scores(adoption=61.0, quality=70.0)},
            )
        )

        assert only(verdict, "leads") == (
            "Alpha leads on ecosystem (70 vs 50); Beta leads on adoption (61 vs 50)"
            " and quality (70 vs 50)."
        )
        assert verdict.leads_a == ["ecosystem"]
        assert verdict.leads_b == ["adoption", "quality"]

    def test_it_counts_a_lead_of_exactly_five_points(self):
        verdict = decide(*pair({"sub_scores": scores(quality=55.0)}))

        assert verdict.leads_a == ["quality"]

    def test_it_does_not_count_a_lead_of_four_point_nine(self):
        # 54.4 vs 49.5: 4.9 apart, shown as 54 vs 50.
        verdict = decide(
            *pair({"sub_scores": scores(quality=54.4)}, {"sub_scores": scores(quality=49.5)})
        )

        assert verdict.leads_a == []
        assert only(verdict, "leads") == "Neither leads on any dimension by 5 points or more."

    def test_it_counts_a_lead_that_reads_as_five_points(self):
        # 54.9 vs 50.0 is shown as 55 vs 50, so it is a lead on the page and in the verdict.
        verdict = decide(*pair({"sub_scores": scores(quality=54.9)}))

        assert verdict.leads_a == ["quality"]
        assert "quality (55 vs 50)" in only(verdict, "leads")

    def test_it_ignores_a_dimension_unknown_on_either_side(self):
        verdict = decide(
            *pair({"sub_scores": scores(quality=95.0)}, {"sub_scores": scores(quality=None)})
        )

        assert verdict.leads_a == []
        assert only(verdict, "leads") == "Neither leads on any dimension by 5 points or more."

    def test_it_says_when_no_dimension_is_known_on_both_sides(self):
        verdict = decide(
            *pair(
                {"sub_scores": {"adoption": 80.0, "quality": None}},
                {"sub_scores": {"quality": 20.0, "ecosystem": 10.0}},
            )
        )

        assert only(verdict, "leads") == (
            "No dimension is known for both, so they cannot be compared on any of them."
        )

    @pytest.mark.parametrize(
        ("items", "expected"),
        [
            ([], ""),
            (["quality"], "quality"),
            (["quality", "ecosystem"], "quality and ecosystem"),
            (["adoption", "quality", "ecosystem"], "adoption, quality and ecosystem"),
        ],
    )
    def test_it_joins_without_the_oxford_comma(self, items, expected):
        assert join(items) == expected


class TestUnknown:
    def test_it_names_a_dimension_unknown_for_both(self):
        verdict = decide(
            *pair({"sub_scores": scores(adoption=None)}, {"sub_scores": scores(adoption=None)})
        )

        assert only(verdict, "unknown") == "Adoption is unknown for both."

    def test_it_names_a_dimension_unknown_for_one_side(self):
        verdict = decide(*pair(b={"sub_scores": scores(match_graph=None)}))

        assert only(verdict, "unknown") == "Match graph is unknown for Beta."

    def test_it_groups_several_unknown_dimensions(self):
        verdict = decide(
            *pair(
                {"sub_scores": scores(adoption=None, match_graph=None, quality=None)},
                {"sub_scores": scores(adoption=None, match_graph=None, ecosystem=None)},
            )
        )

        assert only(verdict, "unknown") == (
            "Adoption and match graph are unknown for both; quality is unknown for Alpha;"
            " ecosystem is unknown for Beta."
        )

    def test_it_treats_a_missing_dimension_as_unknown(self):
        verdict = decide(
            *pair({"sub_scores": {"adoption": 50.0, "quality": 50.0, "ecosystem": 50.0}})
        )

        assert only(verdict, "unknown") == "Match graph is unknown for Alpha."

    def test_it_never_shows_an_unknown_as_zero(self):
        verdict = decide(
            *pair({"sub_scores": scores(quality=None)}, {"sub_scores": scores(quality=60.0)})
        )

        assert not any(" 0 " in s.text or "(0 " in s.text for s in verdict.sentences)

    def test_it_says_nothing_about_unknowns_when_everything_is_known(self):
        assert topic(decide(*pair()), "unknown") == []


class TestDifferentJobs:
    def test_leads_across_kinds_say_each_is_among_its_own_kind(self):
        verdict = decide(*pair({"kind": "Fine-tune", "sub_scores": scores(ecosystem=66.0)},
                               {"kind": "Dataset", "sub_scores": scores(ecosystem=5.0)}))
        assert only(verdict, "leads").endswith(
            " (each sub-score places an asset among its own kind).")
        assert "own kind" not in only(decide(*pair(
            {"sub_scores": scores(ecosystem=66.0)}, {"sub_scores": scores(ecosystem=5.0)})),
            "leads")
        # A model and its fine-tune can replace each other, but are each placed among their
        # own kind: the fine-tune among fine-tunes.
        verdict = decide(*pair({"kind": "Model", "sub_scores": scores(ecosystem=82.0)},
                               {"kind": "fine-tune", "sub_scores": scores(ecosystem=99.0)}))
        assert verdict.substitutes is not False
        assert only(verdict, "leads").endswith(
            " (each sub-score places an asset among its own kind).")
        assert "own kind" not in only(decide(*pair(
            {"kind": "API", "sub_scores": scores(ecosystem=66.0)},
            {"kind": "api", "sub_scores": scores(ecosystem=5.0)})), "leads")

    def test_it_says_different_kinds_are_not_substitutes(self):
        verdict = decide(*pair({"kind": "Fine-tune"}, {"kind": "Dataset"}))

        assert verdict.substitutes is False
        assert only(verdict, "jobs") == (
            "They do different jobs and are not substitutes: Alpha is a fine-tune,"
            " Beta is a dataset."
        )

    @pytest.mark.parametrize("kinds", [("Model", "API"), ("Fine-tune", "API"),
                                       ("Model", "Fine-tune")])
    def test_a_model_behind_an_api_can_replace_one_doing_the_same_job(self, kinds):
        same_job = decide(*pair({"kind": kinds[0], "tasks": ["Embeddings"]},
                                {"kind": kinds[1], "tasks": ["Embeddings"]}))
        assert same_job.substitutes and topic(same_job, "jobs") == []
        other_job = decide(*pair({"kind": kinds[0], "tasks": ["Embeddings"]},
                                 {"kind": kinds[1], "tasks": ["Text generation"]}))
        assert not other_job.substitutes

    def test_it_keeps_acronym_kinds_and_their_article(self):
        verdict = decide(*pair({"kind": "API"}, {"kind": "Library"}))

        assert "Alpha is an API, Beta is a library." in only(verdict, "jobs")

    def test_it_links_the_alternative_of_each_side_and_says_how_it_was_found(self):
        verdict = decide(
            *pair(
                {"kind": "Fine-tune", "alternative": ("Gamma", "/assets/gamma/"),
                 "alternative_source": "co-matched"},
                {"kind": "Dataset", "alternative": ("Delta", "/assets/delta/")},
            )
        )
        [sentence] = [s for s in verdict.sentences if s.topic == "alternatives"]

        assert sentence.text == (
            "To compare like with like, set Alpha against Gamma (most often matched with it by"
            " searches) and Beta against Delta (the best-ranked of its kind sharing a task)."
        )
        assert [p for p in sentence.parts if p.url] == [
            Part("Gamma", "/assets/gamma/"),
            Part("Delta", "/assets/delta/"),
        ]

    def test_it_says_when_one_side_has_no_alternative(self):
        verdict = decide(
            *pair({"kind": "Dataset"}, {"kind": "Tool", "alternative": ("Delta", "/assets/delta/")})
        )

        assert only(verdict, "alternatives") == (
            "To compare like with like, set Beta against Delta (the best-ranked of its kind"
            " sharing a task); no like-for-like alternative is listed for Alpha yet."
        )

    def test_it_says_when_neither_side_has_an_alternative(self):
        verdict = decide(*pair({"kind": "Fine-tune"}, {"kind": "Dataset"}))

        assert only(verdict, "alternatives") == (
            "No like-for-like alternative is listed for either yet."
        )

    def test_it_says_the_same_kind_with_no_shared_task_does_different_jobs(self):
        verdict = decide(
            *pair(
                {"tasks": ["Image segmentation", "Depth estimation"]},
                {"tasks": ["Text generation"], "alternative": ("Delta", "/assets/delta/")},
            )
        )

        assert verdict.substitutes is False
        assert only(verdict, "jobs") == (
            "They do different jobs and are not substitutes: Alpha is listed under"
            " Image segmentation and Depth estimation, Beta under Text generation."
        )
        assert "set Beta against Delta" in only(verdict, "alternatives")

    def test_it_shortens_a_long_task_list(self):
        tasks = ["One", "Two", "Three", "Four", "Five"]
        verdict = decide(*pair({"tasks": tasks}, {"tasks": ["Six"]}))

        assert "Alpha is listed under One, Two, Three and 2 more tasks," in only(verdict, "jobs")

    def test_it_treats_a_shared_task_as_the_same_job(self):
        verdict = decide(
            *pair(
                {"tasks": ["Image segmentation", "Depth estimation"]},
                {"tasks": ["image segmentation"]},
            )
        )

        assert verdict.substitutes is True
        assert topic(verdict, "jobs") == []
        assert topic(verdict, "alternatives") == []

    def test_it_does_not_claim_different_jobs_when_a_side_lists_no_task(self):
        verdict = decide(*pair(b={"tasks": []}))

        assert verdict.substitutes is True
        assert topic(verdict, "jobs") == []

    def test_a_side_listing_no_task_does_the_job_of_its_role(self):
        # Two tools listing no task: an agent harness is no evaluation framework.
        harness = {"kind": "Tool", "tasks": [], "role": "agent harness",
                   "alternative": ("Codex", "/assets/codex/"), "alternative_source": "role"}
        verdict = decide(*pair(harness, {"kind": "Tool", "tasks": [],
                                         "role": "evaluation framework"}))
        assert verdict.substitutes is False
        assert only(verdict, "jobs") == (
            "They do different jobs and are not substitutes: Alpha is listed as an agent"
            " harness, Beta as an evaluation framework.")
        assert only(verdict, "alternatives").startswith(
            "To compare like with like, set Alpha against Codex (the best-ranked of its kind"
            " listed for the same role);")
        # Nor is it a local app generating text; two agent harnesses are substitutes.
        verdict = decide(*pair(harness, {"kind": "Tool", "tasks": ["Text generation"]}))
        assert "Alpha is listed as an agent harness, Beta under Text generation." in only(
            verdict, "jobs")
        verdict = decide(*pair(harness, {"kind": "Tool", "tasks": [], "role": "agent harness"}))
        assert verdict.substitutes is True and topic(verdict, "jobs") == []

    def test_it_treats_a_fine_tune_as_a_model(self):
        verdict = decide(*pair({"kind": "Model"}, {"kind": "Fine-tune"}))

        assert verdict.substitutes is True
        assert topic(verdict, "jobs") == []


class TestLineage:
    def test_it_says_b_is_a_fine_tune_of_a(self):
        verdict = decide(*pair(b={"base_slug": "alpha", "kind": "Fine-tune"}))

        assert only(verdict, "lineage") == "Beta is a fine-tune of Alpha."

    def test_it_says_a_is_a_fine_tune_of_b(self):
        verdict = decide(*pair({"base_slug": "beta", "kind": "Fine-tune"}))

        assert only(verdict, "lineage") == "Alpha is a fine-tune of Beta."

    def test_it_says_b_was_trained_on_a(self):
        verdict = decide(*pair({"kind": "Dataset"}, {"trained_on_slugs": ["other", "alpha"]}))

        assert only(verdict, "lineage") == "Beta was trained on Alpha."
        assert only(verdict, "jobs").startswith("They do different jobs")

    def test_it_says_a_was_trained_on_b(self):
        verdict = decide(*pair({"trained_on_slugs": ["beta"]}, {"kind": "Dataset"}))

        assert only(verdict, "lineage") == "Alpha was trained on Beta."

    def test_it_links_both_names_in_the_lineage(self):
        verdict = decide(*pair(b={"base_slug": "alpha"}))
        [sentence] = [s for s in verdict.sentences if s.topic == "lineage"]

        assert [p.url for p in sentence.parts if p.url] == ["/assets/beta/", "/assets/alpha/"]

    def test_it_says_nothing_of_unrelated_assets(self):
        verdict = decide(*pair({"base_slug": "gamma"}, {"trained_on_slugs": ["delta"]}))

        assert topic(verdict, "lineage") == []


class TestRetired:
    def test_it_says_which_sources_list_a_side_as_deprecated(self):
        verdict = decide(*pair(b={"deprecated_by": ["crfm-helm 0.5.16", "genai-prices 0.2.3"]}))

        assert only(verdict, "retired") == (
            "Beta is listed as deprecated by crfm-helm 0.5.16 and genai-prices 0.2.3.")

    def test_it_links_the_successor_and_says_so_in_the_summary(self):
        verdict = decide(*pair({"successor": ("Beta", "/assets/beta/")}))
        [sentence] = [s for s in verdict.sentences if s.topic == "retired"]

        assert sentence.text == "Alpha is superseded by Beta."
        assert [p.url for p in sentence.parts if p.url] == ["/assets/alpha/", "/assets/beta/"]
        assert "Alpha is superseded by Beta." in verdict.summary

    def test_it_says_nothing_of_sides_in_use(self):
        assert topic(decide(*pair()), "retired") == []


class TestProvisional:
    def test_it_says_both_ranks_are_provisional(self):
        verdict = decide(
            *pair({"provisional": True, "coverage": 0.3}, {"provisional": True, "coverage": 0.2})
        )

        assert only(verdict, "provisional") == (
            "Both ranks are provisional: less than half of the evidence weight is known for"
            " either (30% for Alpha, 20% for Beta)."
        )

    def test_it_says_which_one_rank_is_provisional(self):
        verdict = decide(*pair(b={"provisional": True, "coverage": 0.4}))

        assert only(verdict, "provisional") == (
            "The rank of Beta is provisional: only 40% of its evidence weight is known."
        )

    def test_a_rank_with_no_evidence_is_called_the_starting_point_and_not_compared(self):
        verdict = decide(*pair(
            {"rank": 53.0}, {"provisional": True, "coverage": 0.0, "rank": 50.0}
        ))

        assert only(verdict, "rank") == (
            "Only Alpha has evidence behind its UnfragileRank (53, 100% of its evidence weight"
            " known); Beta has none yet, and its 50 is the neutral starting point, so the two"
            " ranks do not compare."
        )
        assert (verdict.leader, verdict.ranked) == (None, False)
        assert topic(verdict, "provisional") == []  # the rank sentence said it
        assert verdict.summary.startswith("Only Alpha has evidence")
        verdict = decide(*pair({"provisional": True, "coverage": 0.0, "rank": 50.0},
                               {"provisional": True, "coverage": 0.0, "rank": 50.0}))
        assert only(verdict, "rank") == (
            "UnfragileRank cannot tell Alpha and Beta apart yet: neither has evidence on any"
            " dimension, so both ranks are the neutral starting point, not measurements."
        )
        # Which says all there is of the dimensions: no sentence on leads or unknowns.
        assert topic(verdict, "leads") == [] and topic(verdict, "unknown") == []
        # Some evidence on one side, provisional.
        verdict = decide(*pair({"provisional": True, "coverage": 0.2, "rank": 44.0},
                               {"provisional": True, "coverage": 0.0, "rank": 50.0}))
        assert only(verdict, "rank").startswith(
            "Only Alpha has evidence behind its UnfragileRank (44, 20% of its evidence weight"
            " known, provisional); Beta has none yet")
        assert verdict.leader is None and topic(verdict, "provisional") == []

    def test_it_never_rounds_a_provisional_coverage_up_to_half(self):
        verdict = decide(*pair({"provisional": True, "coverage": 0.499}))

        assert "only 49% of its evidence weight" in only(verdict, "provisional")

    def test_it_says_nothing_when_neither_is_provisional(self):
        assert topic(decide(*pair()), "provisional") == []


class TestSummary:
    def test_it_fits_a_meta_description(self):
        a = make_side(
            "segformer-b4-finetuned-ade-512-512",
            kind="Fine-tune",
            rank=42.0,
            sub_scores=scores(ecosystem=70.0, match_graph=None),
        )
        b = make_side(
            "The Stack v2",
            kind="Dataset",
            tasks=["Code generation"],
            rank=58.0,
            sub_scores=scores(adoption=61.0, quality=70.0, match_graph=None),
        )

        verdict = decide(a, b)

        assert verdict.summary == (
            "The Stack v2 ranks above segformer-b4-finetuned-ade-512-512 on UnfragileRank by"
            " 16 points, 58 vs 42. They do different jobs and are not substitutes."
        )
        assert len(verdict.summary) <= 160

    def test_it_adds_provisional_and_lineage_when_they_fit(self):
        verdict = decide(
            *pair(
                {"provisional": True, "coverage": 0.3},
                {"provisional": True, "coverage": 0.3, "base_slug": "alpha"},
            )
        )

        assert verdict.summary == (
            "It is a tie: Alpha and Beta both have an UnfragileRank of 50."
            " Beta is a fine-tune of Alpha. Both ranks are provisional."
        )

    def test_it_leaves_out_what_does_not_fit(self):
        a = make_side("A" * 60, rank=70.0, kind="Dataset")
        b = make_side("B" * 40, rank=20.0)

        verdict = decide(a, b)

        assert verdict.summary == only(verdict, "rank")
        assert len(verdict.summary) <= 160

    def test_it_cuts_very_long_names_at_a_word(self):
        a = make_side("word " * 60, rank=70.0)
        b = make_side("other", rank=20.0)

        summary = decide(a, b).summary

        assert len(summary) <= 160
        assert summary.endswith("word…")


side_names = st.sampled_from(["Alpha", "Beta", "Gamma model", "the Delta set"])
sub_score = st.one_of(st.none(), st.floats(min_value=0, max_value=100))
sides = st.builds(
    make_side,
    name=side_names,
    kind=st.sampled_from(["Model", "Fine-tune", "Dataset", "API"]),
    tasks=st.lists(st.sampled_from(["Segmentation", "Code generation", "OCR"]), max_size=2),
    rank=st.floats(min_value=0, max_value=100),
    provisional=st.booleans(),
    coverage=st.floats(min_value=0, max_value=1),
    sub_scores=st.fixed_dictionaries(
        {
            "adoption": sub_score,
            "quality": sub_score,
            "ecosystem": sub_score,
            "match_graph": sub_score,
        }
    ),
    base_slug=st.sampled_from([None, "alpha", "beta"]),
    trained_on_slugs=st.lists(st.sampled_from(["alpha", "beta", "gamma-model"]), max_size=2),
    alternative=st.sampled_from([None, ("Other", "/assets/other/")]),
    price=st.one_of(st.none(), st.tuples(
        st.sampled_from([0.075, 1.25, 2.0]), st.sampled_from([None, 0.3, 6.0, 10.0]),
        st.sampled_from(["USD per 1M tokens", "EUR per 1M tokens"]),
    )),
)


def words(verdict: Verdict) -> Counter[str]:
    return Counter(re.findall(r"[\w%-]+", " ".join(s.text for s in verdict.sentences).casefold()))


USD = "USD per 1M tokens"


class TestPrice:
    def test_the_lower_list_price_is_named_first_with_both_figures(self):
        verdict = decide(*pair({"price": (2.0, 6.0, USD)}, {"price": (0.075, 0.3, USD)}))

        assert verdict.cheaper == "b"
        assert only(verdict, "price") == (
            "Beta lists the lower price: 0.075 vs 2 USD per 1M tokens of input, 0.3 vs 6 of"
            " output."
        )

    def test_cheaper_to_send_but_dearer_to_receive_gives_each_its_side(self):
        verdict = decide(*pair({"price": (1.25, 10.0, USD)}, {"price": (2.0, 6.0, USD)}))

        assert verdict.cheaper == "a"
        assert only(verdict, "price") == (
            "Alpha costs less for input (1.25 vs 2 USD per 1M tokens), Beta for output"
            " (6 vs 10 per 1M tokens)."
        )

    def test_equal_prices_are_a_tie_and_an_output_price_on_one_side_only_is_left_aside(self):
        same = decide(*pair({"price": (1.25, 5.0, USD)}, {"price": (1.25, 5.0, USD)}))
        assert same.cheaper == "tie"
        assert only(same, "price") == (
            "Both list the same price: 1.25 USD per 1M tokens of input and 5 of output."
        )
        one_output = decide(*pair({"price": (1.25, None, USD)}, {"price": (2.0, 1.0, USD)}))
        assert only(one_output, "price") == (
            "Alpha lists the lower price: 1.25 vs 2 USD per 1M tokens of input."
        )

    def test_with_no_evidence_on_either_side_the_price_leads(self):
        unmeasured = {"provisional": True, "coverage": 0.0, "rank": 50.0}
        verdict = decide(*pair({**unmeasured, "price": (2.0, 6.0, USD)},
                               {**unmeasured, "price": (0.075, 0.3, USD)}))

        assert [s.topic for s in verdict.sentences][:2] == ["price", "rank"]
        assert verdict.summary.startswith("Beta lists the lower price: 0.075 vs 2")
        # Some evidence: the rank leads, the price follows the leads.
        measured = decide(*pair({"price": (2.0, 6.0, USD)}, {"price": (0.075, 0.3, USD)}))
        topics = [s.topic for s in measured.sentences]
        assert topics[0] == "rank" and topics.index("price") == topics.index("leads") + 1

    @pytest.mark.parametrize("b_price", [None, (1.0, 2.0, "EUR per 1M tokens")])
    def test_nothing_is_said_without_two_prices_in_one_unit(self, b_price):
        verdict = decide(*pair({"price": (2.0, 6.0, USD)}, {"price": b_price}))

        assert verdict.cheaper is None and topic(verdict, "price") == []


class TestSymmetry:
    def test_it_mirrors_a_known_pair(self):
        a, b = pair(
            {"rank": 70.0, "sub_scores": scores(quality=80.0), "kind": "Dataset"},
            {"rank": 40.0, "sub_scores": scores(ecosystem=None), "provisional": True},
        )

        forward, backward = decide(a, b), decide(b, a)

        assert (forward.leader, backward.leader) == ("a", "b")
        assert forward.sentences[0].text == backward.sentences[0].text
        assert words(forward) == words(backward)

    @given(sides, sides)
    def test_it_gives_the_mirrored_verdict_when_swapped(self, a, b):
        b = dataclasses.replace(b, name=b.name + " two", slug=b.slug + "-two")

        forward, backward = decide(a, b), decide(b, a)

        mirrored = {"a": "b", "b": "a", None: None}
        assert backward.leader == mirrored[forward.leader]
        assert backward.margin == forward.margin
        assert (backward.leads_a, backward.leads_b) == (forward.leads_b, forward.leads_a)
        assert backward.substitutes == forward.substitutes
        assert backward.cheaper == {"a": "b", "b": "a"}.get(forward.cheaper, forward.cheaper)
        assert sorted(s.topic for s in backward.sentences) == sorted(
            s.topic for s in forward.sentences
        )
        assert words(backward) == words(forward)

    @given(sides, sides)
    def test_it_always_writes_whole_sentences_and_a_short_summary(self, a, b):
        verdict = decide(a, b)

        # The rank opens it, or the price when neither side has evidence.
        topics = [s.topic for s in verdict.sentences]
        assert topics[0] == "rank" or topics[:2] == ["price", "rank"]
        assert all(s.text.endswith(".") for s in verdict.sentences)
        assert all(part.text for s in verdict.sentences for part in s.parts)
        assert 0 < len(verdict.summary) <= 160
