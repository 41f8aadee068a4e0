"""The one percentile rule of the benchmarks, so that every p50/p95/p99 they print means the same.

Method: linear interpolation between the two nearest ranks, the "inclusive" method of
``statistics.quantiles`` (also numpy's default and a spreadsheet's PERCENTILE.INC). The
p-th percentile of n sorted values is at position (n - 1) * p / 100, counted from 0, and a
position between two values takes the proportional share of the gap. So p50 is exactly
the median (``statistics.median``), p0 the least and p100 the greatest value; with few
samples a high percentile lies between the largest values rather than jumping to one of
them.

Import it from a benchmark script after the repository root is on ``sys.path``:
``from benchmarks._stats import percentile``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["percentile"]


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q``-th percentile (``q`` in percent, 0 to 100) of ``values``; see the module's method."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within [0, 100], not {q}")
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
