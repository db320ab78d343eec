from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from catalog.models import Asset, Capability

# A pair is always stored in canonical order: asset_a has the smaller slug. The versus URL uses
# the same order, so one row answers both "A vs B" and "B vs A".


class PairNote(models.Model):
    asset_a = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    asset_b = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(help_text="Shown above the verdict as an editor's note. Plain text.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # The versus page looks up the note of one pair.
            models.UniqueConstraint(fields=["asset_a", "asset_b"], name="pairnote_pair_unique"),
            models.CheckConstraint(condition=~Q(asset_a=F("asset_b")), name="pairnote_two_assets"),
        ]

    def __str__(self) -> str:
        return f"Note on {self.asset_a} vs {self.asset_b}"


class PairView(models.Model):
    asset_a = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    asset_b = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-count"]
        constraints = [
            # One counter per pair per day, incremented in place.
            models.UniqueConstraint(fields=["asset_a", "asset_b", "day"], name="pairview_unique"),
        ]
        indexes = [
            # "Most-viewed comparisons" sums recent days.
            models.Index(fields=["day"], name="pairview_day"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_a_id} vs {self.asset_b_id} on {self.day}: {self.count}"


class SearchEvent(models.Model):
    query = models.CharField(max_length=500, help_text="Normalised query text")
    filters = models.JSONField(default=dict, blank=True)
    # Canonical text of `filters`, for the once-per-session-per-day rule.
    filters_key = models.CharField(max_length=255, blank=True, default="")
    session_hash = models.CharField(max_length=64)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A session repeating a search on the same day is counted once.
            models.UniqueConstraint(
                fields=["session_hash", "query", "filters_key", "day"],
                name="searchevent_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.query


class Match(models.Model):
    event = models.ForeignKey(SearchEvent, on_delete=models.CASCADE, related_name="matches")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="matches")
    capability = models.ForeignKey(Capability, null=True, blank=True, on_delete=models.SET_NULL)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["event", "position"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(fields=["event", "asset"], name="match_event_asset"),
        ]
        indexes = [
            # Times Matched per asset.
            models.Index(fields=["asset"], name="match_asset"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} #{self.position}: {self.asset_id}"


class CoMatch(models.Model):
    asset_a = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    asset_b = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveIntegerField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-weight"]
        verbose_name_plural = "co-matches"
        constraints = [
            models.UniqueConstraint(fields=["asset_a", "asset_b"], name="comatch_pair_unique"),
            models.CheckConstraint(condition=~Q(asset_a=F("asset_b")), name="comatch_two_assets"),
        ]
        indexes = [
            # Alternatives of one asset, strongest first (it can be on either side).
            models.Index(fields=["asset_a", "-weight"], name="comatch_a_weight"),
            models.Index(fields=["asset_b", "-weight"], name="comatch_b_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_a_id} ~ {self.asset_b_id} ({self.weight})"
