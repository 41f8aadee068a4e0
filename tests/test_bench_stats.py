"""The benchmarks' percentile rule (benchmarks/_stats.py)."""

from __future__ import annotations

import random
import statistics

import pytest

from benchmarks._stats import percentile


@pytest.mark.parametrize("n", [2, 3, 4, 5, 20, 101])
def test_percentile_is_the_inclusive_method_and_p50_the_median(n: int) -> None:
    values = [random.Random(n).uniform(0, 100) for _ in range(n)]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    for q in range(1, 100):
        assert percentile(values, q) == pytest.approx(cuts[q - 1])
    assert percentile(values, 50) == pytest.approx(statistics.median(values))
    assert (percentile(values, 0), percentile(values, 100)) == (min(values), max(values))


def test_percentile_interpolates_between_ranks() -> None:
    # Unsorted input; position (5 - 1) * 0.95 = 3.8 lies between 40 and 50.
    assert percentile([50, 10, 40, 20, 30], 95) == pytest.approx(48.0)
    assert percentile([7.0], 99) == 7.0


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], -1), ([1.0], 100.5)])
def test_percentile_rejects_what_has_no_answer(values: list[float], q: float) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile(values, q)
