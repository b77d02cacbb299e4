"""The same person twice in one sheet: one person, with the day marks of both rows. The rules are those used
against the persons on record (``training.workshops.matching``): the same email in any case, or the same name in
any word order and case in the same country (a row without a country matches on the name alone)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from training.workshops.matching import match_key_of
from training.workshops.sheets.rows import SheetRow

#: Fields compared when two rows are folded into one person
COMPARED = ('full_name', 'sex', 'organisation', 'organisation_type', 'country', 'email', 'role', 'days_attended',
            'pre_test_score', 'post_test_score')


@dataclass
class SheetMerge:
    """Row ``other`` of the sheet is the same person as row ``row`` and was folded into it."""
    row: int
    other: int
    #: (field, value kept, other value) where both rows say something different
    differences: list[tuple[str, object, object]] = field(default_factory=list)


def _same_name(a: SheetRow, b: SheetRow) -> bool:
    return match_key_of(a.name_key) == match_key_of(b.name_key)


def _fold(kept: SheetRow, other: SheetRow) -> tuple[SheetRow, list[tuple[str, object, object]]]:
    changes: dict = {}
    differences = []
    for name in COMPARED:
        mine, theirs = getattr(kept, name), getattr(other, name)
        if name not in other.given:
            continue
        if name not in kept.given:
            changes[name] = theirs
        elif mine != theirs and not (name == 'full_name' and _same_name(kept, other)):
            differences.append((name, mine, theirs))
    days = tuple(sorted(set(kept.days) | set(other.days), key=lambda d: (type(d).__name__, d)))
    merged = replace(kept, **changes, days=days, consent=kept.consent or other.consent,
                     given=kept.given | other.given, rows=kept.rows + other.rows)
    return merged, differences


def fold_duplicates(rows: list[SheetRow]) -> tuple[list[SheetRow], list[SheetMerge]]:
    """Rows with each person once (at the first row where they appear), and the merges done."""
    kept: list[SheetRow] = []
    merges: list[SheetMerge] = []
    by_email: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for row in rows:
        key = match_key_of(row.name_key)
        target = by_email.get(row.email) if row.email else None
        if target is None:
            for i in by_name.get(key, ()):
                other = kept[i]
                if other.country and row.country and other.country != row.country:
                    continue
                if other.email and row.email and other.email != row.email:
                    continue
                target = i
                break
        if target is None:
            kept.append(row)
            target = len(kept) - 1
        else:
            kept[target], differences = _fold(kept[target], row)
            merges.append(SheetMerge(kept[target].row, row.row, differences))
        person = kept[target]
        if person.email:
            by_email.setdefault(person.email, target)
        for name in {key, match_key_of(person.name_key)}:
            found = by_name.setdefault(name, [])
            if target not in found:
                found.append(target)
    return kept, merges
