from __future__ import annotations

import pytest

from catalog.claims import Bench, Peer, Priced, claim_texts, ordinal, price_texts, refresh_claims
from catalog.models import Asset, Capability
from tests.factories import make_asset, make_capability, make_evidence, make_task


def peer(i: int, size=None, rank=None, released=None, trained=()) -> Peer:
    return Peer(i, f"peer-{i}", size, released, rank, frozenset(trained))


class TestClaimTexts:
    def test_it_says_when_an_asset_is_alone(self):
        me = peer(1, size=10)
        claims = claim_texts(me, [me], "Image segmentation", "fine-tune", "parameters")
        assert claims.unique == "The only image segmentation fine-tune in this catalog."
        assert claims.vs == "No other image segmentation fine-tunes here to compare with."

    def test_a_lone_asset_names_its_training_data_and_result(self):
        me = peer(1, trained={100})
        bench = Bench(7, "ADE20K mIoU", 50.3, "%", "claimed", "arXiv:2105.15203", [50.3])
        claims = claim_texts(me, [me], "Image segmentation", "fine-tune", "parameters", bench,
                             {100: "ADE20K"})
        assert claims.unique == (
            "The only image segmentation fine-tune in this catalog, trained on ADE20K; "
            "ADE20K mIoU 50.3% (claimed in arXiv:2105.15203)."
        )
        assert claims.evidence_id == 7

    def test_it_places_a_benchmark_result_among_its_peers(self):
        me = peer(1)
        bench = Bench(7, "ADE20K mIoU", 50.3, "%", "claimed", "arXiv:2105.15203",
                      [50.3, 51.0, 45.0, 49.9, 52.5])
        claims = claim_texts(me, [me, peer(2)], "Image segmentation", "model", "parameters",
                             bench)
        assert claims.unique == (
            "3rd of 5 models with an ADE20K mIoU result (50.3%, claimed in arXiv:2105.15203)."
        )
        assert claims.evidence_id == 7

    def test_it_names_training_data_no_peer_used(self):
        me = peer(1, trained={100})
        claims = claim_texts(me, [me, peer(2, trained={101})], "Image segmentation",
                             "fine-tune", "parameters", None, {100: "ADE20K", 101: "COCO"})
        assert claims.unique == (
            "The only one of the 2 image segmentation fine-tunes here trained on ADE20K."
        )

    def test_it_compares_size_with_the_median_peer(self):
        me = peer(1, size=50)
        peers = [me, peer(2, size=100), peer(3, size=100), peer(4, size=200)]
        claims = claim_texts(me, peers, "Embeddings", "model", "parameters")
        assert claims.unique == (
            "50 parameters: the smallest of the 4 embedding models with a known size, "
            "about half the size of the median peer."
        )

    def test_it_places_the_rank_and_names_who_is_ahead(self):
        me = peer(1, rank=60)
        peers = [me, peer(2, rank=70), peer(3, rank=50)]
        claims = claim_texts(me, peers, "Embeddings", "model", "parameters")
        assert claims.vs == (
            "Ranks 2nd of the 3 embedding models by UnfragileRank; ahead of it: peer-2."
        )

    def test_it_says_when_only_some_peers_are_ranked_on_evidence(self):
        me = peer(1, rank=60)
        bare = Peer(9, "peer-9", None, None, 50, frozenset(), measured=False)
        claims = claim_texts(me, [me, peer(2, rank=70), bare], "Embeddings", "api", "x")
        assert claims.vs == ("Ranks 2nd by UnfragileRank of the 2 embedding APIs ranked on "
                             "evidence; ahead of it: peer-2.")
        first = claim_texts(peer(2, rank=70), [me, peer(2, rank=70)], "Embeddings", "api", "x")
        assert first.vs == "Ranks 1st of the 2 embedding APIs by UnfragileRank."

    def test_a_size_close_to_the_median_is_about_it(self):
        me = peer(1, size=110)
        claims = claim_texts(me, [me, peer(2, size=100), peer(3, size=100)], "Embeddings",
                             "model", "parameters")
        assert "about the size of the median peer" in claims.unique

    def test_it_says_how_many_share_its_rank(self):
        me = peer(1, rank=60)
        peers = [me, peer(2, rank=70), peer(3, rank=60), peer(4, rank=60), peer(5, rank=40)]
        claims = claim_texts(me, peers, "Embeddings", "model", "parameters")
        assert claims.vs == (
            "Ranks 2nd of the 5 embedding models by UnfragileRank, level with 2 others;"
            " ahead of it: peer-2."
        )

    def test_large_counts_are_grouped_in_thousands(self):
        me = peer(0, rank=10)
        peers = [me, *(peer(i, rank=20 + i) for i in range(1, 1201))]
        claims = claim_texts(me, peers, "Embeddings", "model", "parameters")
        assert claims.vs.startswith("Ranks 1,201st of the 1,201 embedding models")
        assert ordinal(1112) == "1,112th" and ordinal(21) == "21st"

    def test_a_tie_at_the_top_or_all_along_says_so(self):
        me = peer(1, rank=60)
        top = claim_texts(me, [me, peer(2, rank=60), peer(3, rank=40)], "Embeddings", "model",
                          "parameters")
        assert top.vs == "Ranks 1st of the 3 embedding models by UnfragileRank, level with 1" \
            " other at the top."
        alike = claim_texts(me, [me, peer(2, rank=60), peer(3, rank=60)], "Embeddings",
                            "model", "parameters")
        assert alike.vs == "All 3 embedding models rank alike by UnfragileRank (60)."
        both = claim_texts(me, [me, peer(2, rank=60)], "Embeddings", "model", "parameters")
        assert both.vs == "Both embedding models rank alike by UnfragileRank (60)."

    def test_a_rank_without_evidence_places_nothing(self):
        # peer-4's 50 and mine rest on no evidence: neither is placed, nor counted.
        me = Peer(1, "peer-1", None, None, 50.0, measured=False)
        peers = [me, peer(2, rank=70), peer(3, rank=45),
                 Peer(4, "peer-4", None, None, 50.0, measured=False)]
        claims = claim_texts(me, peers, "Embeddings", "model", "parameters")
        assert claims.vs == (
            "No evidence on any dimension of its UnfragileRank yet, so it is not placed among the 2"
            " embedding models that have some."
        )
        # A release date still places it.
        dated = Peer(1, "peer-1", None, "2024-01-01", 50.0, measured=False)
        other = peer(2, rank=70, released="2025-01-01")
        assert claim_texts(dated, [dated, other], "Embeddings", "model", "parameters").vs == (
            "Released 2024-01-01: 2nd newest of the 2 dated embedding models."
        )
        # Measured peers are not said to be behind or level with the unmeasured ones.
        third = peer(3, rank=45)
        assert claim_texts(third, peers, "Embeddings", "model", "parameters").vs == (
            "Ranks 2nd by UnfragileRank of the 2 embedding models ranked on evidence; ahead of"
            " it: peer-2."
        )

    def test_it_falls_back_to_dates_and_then_says_there_is_nothing(self):
        me = peer(1, released="2024-01-01")
        dated = claim_texts(me, [me, peer(2, released="2025-01-01")], "Embeddings", "model",
                            "parameters")
        assert dated.vs == "Released 2024-01-01: 2nd newest of the 2 dated embedding models."
        bare = claim_texts(peer(1), [peer(1), peer(2)], "Embeddings", "model", "parameters")
        assert "no ranked or dated peers" in bare.vs
        assert bare.unique.startswith("Nothing sets it apart")

    def test_a_release_shared_with_others_says_so(self):
        me = peer(1, released="2023-11-06")
        peers = [me, peer(2, released="2023-11-06"), peer(3, released="2023-11-06"),
                 peer(4, released="2023-01-01")]
        assert claim_texts(me, peers, "Text-to-image generation", "api", "parameters").vs == (
            "Released 2023-11-06: the newest of the 4 dated text-to-image generation APIs, "
            "with 2 others released the same day."
        )
        assert claim_texts(me, peers[:2], "Embeddings", "api", "parameters").vs == (
            "Released 2023-11-06: the newest of the 2 dated embedding APIs, with one other "
            "released the same day."
        )

    def test_an_undated_asset_among_dated_peers_is_not_said_to_have_none(self):
        me = peer(1)
        claims = claim_texts(me, [me, peer(2, released="2024-01-01"),
                                  peer(3, released="2024-02-01")],
                             "Text generation", "api", "parameters")
        assert claims.vs == ("One of 3 text generation APIs here; with no release date known, "
                             "it is not placed among the 2 that have one.")

    def test_one_other_peer_is_one_not_a_plural(self):
        me = peer(1)
        claims = claim_texts(me, [me, peer(2)], "Audio classification", "library", "x")
        assert claims.unique == ("Nothing sets it apart from the one other audio "
                                 "classification library on the facts held here.")
        claims = claim_texts(me, [me, peer(2), peer(3)], "Sparse embeddings", "model", "x")
        assert claims.unique == ("Nothing sets it apart from the other 2 sparse embedding "
                                 "models on the facts held here.")

    @pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
                                             (11, "11th"), (12, "12th"), (21, "21st")])
    def test_ordinal(self, n, text):
        assert ordinal(n) == text


@pytest.mark.django_db
class TestRefreshClaims:
    def test_it_writes_claims_once_and_keeps_curated_overrides(self, django_assert_max_num_queries):
        seg = make_task("image-segmentation", name="Image segmentation")
        assets = [make_asset(f"seg-{i}", kind=Asset.Kind.FINE_TUNE, tasks=[seg],
                             n_parameters=10 * (i + 1)) for i in range(3)]
        caps = [make_capability(a, task=seg, title="Image segmentation") for a in assets]
        make_evidence(assets[0], name="ade20k_miou", label="ADE20K mIoU", value=50.3, unit="%")
        caps[1].unique_override = "A curator's line."
        caps[1].save()
        before = Asset.objects.get(pk=assets[0].pk).version
        assert refresh_claims() == 3
        first = Capability.objects.get(pk=caps[0].pk)
        assert "ADE20K mIoU" in first.unique_claim and first.evidence_id
        second = Capability.objects.get(pk=caps[1].pk)
        assert second.unique_text == "A curator's line."
        assert "the 3 image segmentation fine-tunes" in second.unique_claim
        assert Asset.objects.get(pk=assets[0].pk).version == before + 1
        # A second pass changes nothing and writes nothing: five reads for the task
        # capabilities, one finding no price capability.
        with django_assert_max_num_queries(6):
            assert refresh_claims() == 0

    def test_it_places_an_api_by_its_prices_among_those_of_its_largest_task(
        self, django_assert_max_num_queries
    ):
        chat = make_task("text-generation", name="Text generation")
        vision = make_task("image-text-to-text", name="Image and text to text")
        prices = {"cheap": (0.075, 0.3), "mid": (1.25, 5.0), "dear": (15.0, None),
                  "same": (1.25, 10.0)}
        apis = {}
        for slug, (given, made) in prices.items():
            api = make_asset(slug, kind=Asset.Kind.API, tasks=[chat])
            make_evidence(api, dimension="pricing", name="price_input_per_mtok", value=given,
                          unit="USD per 1M tokens")
            if made is not None:
                make_evidence(api, dimension="pricing", name="price_output_per_mtok",
                              value=made, unit="USD per 1M tokens")
            apis[slug] = make_capability(api, key="api-pricing", title="API pricing")
        # Two tasks: compared within the larger group (text generation, 4 APIs).
        Asset.objects.get(slug="mid").tasks.add(vision)
        lone = make_asset("lone", kind=Asset.Kind.API)  # no task, no price listed
        make_capability(lone, key="api-pricing", title="API pricing")

        with django_assert_max_num_queries(9):
            assert refresh_claims() == 4
        mid = Capability.objects.get(pk=apis["mid"].pk)
        assert mid.unique_claim == (
            "Input at 1.25 USD per 1M tokens: 2nd lowest (level with 1 other) of the 4 text"
            " generation APIs with a listed input price; the median is 1.25 USD per 1M tokens."
        )
        assert mid.vs_alternatives == (
            "Output at 5 USD per 1M tokens: 2nd lowest of the 3 text generation APIs with a"
            " listed output price; the median is 5 USD per 1M tokens."
        )
        assert mid.evidence.name == "price_input_per_mtok"
        cheap = Capability.objects.get(pk=apis["cheap"].pk)
        assert cheap.unique_claim.startswith("Input at 0.075 USD per 1M tokens: the lowest of")
        dear = Capability.objects.get(pk=apis["dear"].pk)
        assert dear.vs_alternatives == "No output price is listed for it."
        assert not Capability.objects.get(asset=lone).unique_claim
        # A group whose prices are all for input (embeddings) says so of output.
        claims = price_texts(Priced(1, "embed", {"price_input_per_mtok": (1, 0.02, "USD")}),
                             [Priced(1, "embed", {"price_input_per_mtok": (1, 0.02, "USD")}),
                              Priced(2, "other", {"price_input_per_mtok": (2, 0.1, "USD")})],
                             "embedding APIs")
        assert claims.vs == "None of the embedding APIs here lists an output price."
        assert refresh_claims() == 0


@pytest.mark.django_db
class TestRecomputeWritesClaims:
    def test_it_fills_the_computed_lines(self):
        from catalog.recompute import recompute_scores

        seg = make_task("image-segmentation", name="Image segmentation")
        a = make_asset("only-one", kind=Asset.Kind.FINE_TUNE, tasks=[seg])
        cap = make_capability(a, task=seg)
        result = recompute_scores(reason="test")
        assert result["claims"] == 1
        cap.refresh_from_db()
        assert cap.unique_claim == "The only image segmentation fine-tune in this catalog."
