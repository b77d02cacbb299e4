"""Answer options in a fresh order for every attempt, so neither position nor habit gives an answer away.

Pure: no Flask, no database. The caller makes the random generator with :func:`make_rng`: from the system's
entropy in production, or from ``SHUFFLE_SEED`` (plus the attempt's identity) when a seed is configured, so tests
and the ``content check --assessment`` simulation are reproducible.
"""
from __future__ import annotations

import random
from collections.abc import Collection, Sequence


def make_rng(seed: str | int | None, *parts) -> random.Random:
    """A generator for one draw: seeded from ``seed`` and ``parts`` when a seed is given, else unpredictable."""
    if seed is None:
        return random.Random()  # noqa: S311 - an order of options, not a secret
    return random.Random(':'.join(str(p) for p in (seed, *parts)))  # noqa: S311


def shuffle_ids(ids: Sequence[str], pinned: Collection[str], rng: random.Random) -> list[str]:
    """``ids`` in a random order, except that each pinned id keeps its place (an author's "all of the above")."""
    free = [i for i in ids if i not in pinned]
    rng.shuffle(free)
    moved = iter(free)
    return [i if i in pinned else next(moved) for i in ids]


def apply_order(items: Sequence, order: Sequence[str] | None, key=lambda item: item.id) -> list:
    """``items`` in the stored ``order`` of their ids. Items the order does not know (added since) follow in
    their authored order; ids the order names that no longer exist are left out. No order: authored order."""
    if not order:
        return list(items)
    by_id = {key(item): item for item in items}
    shown = [by_id[i] for i in order if i in by_id]
    seen = {key(item) for item in shown}
    return shown + [item for item in items if key(item) not in seen]
