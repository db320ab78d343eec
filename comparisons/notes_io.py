"""Pair notes in catalog exports: written under the first asset's record, restored on load."""

from __future__ import annotations

from comparisons.models import PairNote


def export_notes(sender, extensions: dict[str, dict], **kwargs) -> None:
    notes = PairNote.objects.select_related("asset_a", "asset_b").order_by(
        "asset_a__uid", "asset_b__uid"
    )
    for note in notes:
        entry = {"with": note.asset_b.uid, "note": note.note}
        extensions.setdefault(note.asset_a.uid, {}).setdefault("pair_notes", []).append(entry)


def restore_notes(sender, pair_notes: list[tuple[str, str, str]], ids: dict[str, int],
                  **kwargs) -> None:
    if not pair_notes:
        return
    from catalog.models import Asset

    slugs = dict(Asset.objects.filter(id__in=[ids[u] for n in pair_notes for u in n[:2]])
                 .values_list("id", "slug"))
    rows = {}
    for uid_a, uid_b, text in pair_notes:
        a, b = ids[uid_a], ids[uid_b]
        if a == b:
            continue
        if slugs[a] > slugs[b]:
            a, b = b, a
        rows[(a, b)] = PairNote(asset_a_id=a, asset_b_id=b, note=text)
    PairNote.objects.bulk_create(
        rows.values(), update_conflicts=True, unique_fields=["asset_a", "asset_b"],
        update_fields=["note"],
    )
