"""Time content loading at start-up (validation + parsing of every shipped course and scenario)."""
from __future__ import annotations

import statistics
import time

from bench.common import ROOT
from training.content.registry import load_content


def measure(runs: int = 5) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        registry = load_content(ROOT)
        times.append(time.perf_counter() - start)
    return {'median_s': statistics.median(times), 'summary': registry.summary()}


if __name__ == '__main__':
    print(measure())
