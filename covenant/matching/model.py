"""Logistic scoring model: default weights and re-fitting from labelled pairs."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .features import FEATURES, NAME_FEATURES, PERSON_FEATURES

__all__ = ["DEFAULT_NAME_WEIGHTS", "DEFAULT_PERSON_WEIGHTS", "DEFAULT_WEIGHTS", "PERSON_PRIOR", "LogisticModel"]

# Fitted by benchmarks/matching/fit_defaults.py on labelled pairs generated
# from the development half of the real facility lists (never the half the
# accuracy benchmark is scored on). Re-run that script after changing features.
DEFAULT_WEIGHTS: dict[str, float] = {
    "bias": -15.606,
    "name_ratio": 0.631,
    "name_token_sort": 4.343,
    "name_token_set": 2.542,
    "name_compact": 1.504,
    "name_weighted": 2.929,
    "name_number_conflict": -4.677,
    "name_qualifier_one_side": -2.291,
    "name_distinct_conflict": -5.374,
    "address_weighted": 5.799,
    "address_token_set": 2.291,
    "address_missing": 6.299,
    "number_match": 2.244,
    "number_conflict": -5.297,
    "name_x_address": 1.171,
    "country_differs": -3.000,
    "identifier_match": 16.000,
    "identifier_conflict": -6.000,
    "geo_near": 1.703,
    "geo_far": -1.613,
}
DEFAULT_NAME_WEIGHTS: dict[str, float] = {
    "bias": -8.024,
    "name_ratio": -1.436,
    "name_token_sort": 8.721,
    "name_token_set": -0.527,
    "name_compact": 0.947,
    "name_weighted": 3.625,
    "name_number_conflict": -6.299,
    "name_qualifier_one_side": -2.463,
    "name_distinct_conflict": -11.783,
    "country_differs": -3.000,
    "identifier_match": 14.000,
    "identifier_conflict": -6.000,
}

#: Hand-set starting point of the person model (benchmarks/matching/fit_people.py
#: pulls the fit toward it): names and addresses agreeing part by part.
PERSON_PRIOR: dict[str, float] = {
    "bias": -14.0,
    "name_token_sort": 3.0,
    "name_weighted": 3.0,
    "name_parts": 4.0,
    "name_parts_min": 2.0,
    "name_parts_best": 2.0,
    "name_part_missing": 1.0,
    "address_weighted": 3.0,
    "address_token_set": 2.0,
    "address_parts": 3.0,
    "address_missing": 4.0,
    "number_share": 2.0,
    "number_conflict": -1.0,
    "name_x_address": 1.0,
    "country_differs": -3.0,
    "identifier_match": 6.0,
    "identifier_conflict": -2.0,
    "geo_near": 1.7,
    "geo_far": -1.6,
}
#: Person model (``Matcher(kind="people")``), fitted by benchmarks/matching/fit_people.py
#: on FEBRL dataset 3 (103,178 candidate pairs, 4,726 true; the people benchmark scores
#: FEBRL 4). Features no pair exercises (country, coordinates) keep their priors. FEBRL
#: has one person per address, so the score trusts an agreeing address: the decision
#: rule ``matcher.person_confirmed`` keeps a row whose name shares nothing out of
#: automatic matches.
DEFAULT_PERSON_WEIGHTS: dict[str, float] = {
    "bias": -19.679,
    "name_token_sort": 2.710,
    "name_weighted": 2.959,
    "name_parts": 2.682,
    "name_parts_min": 0.810,
    "name_parts_best": 0.554,
    "name_part_missing": 0.446,
    "address_weighted": 7.785,
    "address_token_set": 5.802,
    "address_parts": 5.472,
    "address_missing": 4.000,
    "number_share": 3.207,
    "number_conflict": -1.746,
    "name_x_address": 2.662,
    "country_differs": -3.000,
    "identifier_match": 6.070,
    "identifier_conflict": -2.518,
    "geo_near": 1.700,
    "geo_far": -1.600,
}


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass
class LogisticModel:
    """``P(match) = sigmoid(bias + sum(weight[f] * x[f]))`` over named features."""

    features: tuple[str, ...] = FEATURES
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    @classmethod
    def default(cls, *, name_only: bool = False, people: bool = False) -> LogisticModel:
        if people:
            return cls(PERSON_FEATURES, dict(DEFAULT_PERSON_WEIGHTS))
        if name_only:
            return cls(NAME_FEATURES, dict(DEFAULT_NAME_WEIGHTS))
        return cls(FEATURES, dict(DEFAULT_WEIGHTS))

    def score(self, x: Mapping[str, float]) -> float:
        """Probability that the pair described by ``x`` is a match."""
        w = self.weights
        z = w.get("bias", 0.0)
        for name in self.features:
            z += w.get(name, 0.0) * x.get(name, 0.0)
        return _sigmoid(z)

    def fit(
        self,
        xs: Sequence[Mapping[str, float]],
        ys: Sequence[int],
        *,
        l2: float = 1.0,
        prior: Mapping[str, float] | None = None,
        sample_weights: Sequence[float] | None = None,
        iterations: int = 50,
    ) -> LogisticModel:
        """Fit by Newton's method with an L2 pull toward ``prior`` weights.

        Pulling toward the current (default) weights instead of toward zero means
        a handful of reviewer decisions nudge the model rather than replace it;
        with many decisions the data wins. Returns a new model.
        """
        import numpy as np

        if len(xs) != len(ys):
            raise ValueError("xs and ys differ in length")
        names = ("bias", *self.features)
        prior_map = prior if prior is not None else self.weights
        w0 = np.array([prior_map.get(n, 0.0) for n in names], dtype=float)
        if not xs:
            return LogisticModel(self.features, {n: float(v) for n, v in zip(names, w0, strict=True)})
        x = np.array([[1.0] + [float(row.get(n, 0.0)) for n in self.features] for row in xs], dtype=float)
        y = np.asarray(ys, dtype=float)
        sw = np.ones(len(ys), dtype=float) if sample_weights is None else np.asarray(sample_weights, dtype=float)
        reg = np.full(len(names), float(l2))
        reg[0] = l2 * 0.01  # the intercept moves freely

        def loss(v: Any) -> float:
            z = x @ v
            # log(1 + exp(z)) - y*z, computed without overflow
            ll = np.logaddexp(0.0, z) - y * z
            return float(np.sum(sw * ll) + 0.5 * np.sum(reg * (v - w0) ** 2))

        w = w0.copy()
        current = loss(w)
        for _ in range(iterations):
            z = np.clip(x @ w, -35.0, 35.0)
            p = 1.0 / (1.0 + np.exp(-z))
            grad = x.T @ (sw * (p - y)) + reg * (w - w0)
            h = (x * (sw * p * (1.0 - p))[:, None]).T @ x + np.diag(reg)
            step = np.linalg.solve(h, grad)
            # Damped Newton: halve the step until the loss goes down, since a
            # full step can overshoot on nearly separable data.
            t = 1.0
            while t > 1e-6:
                candidate = w - t * step
                value = loss(candidate)
                if value <= current:
                    break
                t *= 0.5
            else:
                break
            w, current = candidate, value
            if float(np.max(np.abs(t * step))) < 1e-7:
                break
        return LogisticModel(self.features, {n: float(v) for n, v in zip(names, w, strict=True)})
