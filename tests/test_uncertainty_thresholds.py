"""Threshold questions on a sensitivity run: P(amount > x) and P(gain), exact when every
variant is kept and bounded (containing the exact answer) when counted in the streaming
histogram. The expected answers are plain counts over every variant's amounts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel import Damping
from fundmodel.analysis.uncertainty import DirichletWeights, SensitivitySpec, run_sensitivity
from fundmodel.analysis.uncertainty.sketch import WindowSketch
from fundmodel.analysis.uncertainty.thresholds import above_counts
from fundmodel.errors import FundmodelError
from fundmodel.testing import formula_for, synthetic_authorities

X = [[100.0, 50.0], [200.0, 30.0], [700.0, 20.0], [50.0, 400.0]]
BASE = [300.0, 300.0, 600.0, 300.0]


def spec(**changes: object) -> SensitivitySpec:
    base = SensitivitySpec(
        formula=formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.05)),
        total=1500, years=("2025-26", "2026-27"), weights=DirichletWeights(concentration=5),
        n_variants=400, seed=7)
    return base.updated(**changes)


def plain_share_above(amounts_pence: np.ndarray, threshold_pounds: float) -> float:
    hits = sum(1 for v in amounts_pence if int(v) > round(threshold_pounds * 100))
    return hits / len(amounts_pence)


@pytest.fixture(scope="module")
def full():  # type: ignore[no-untyped-def]
    return run_sensitivity(spec(), synthetic_authorities(X, baseline=BASE))


@pytest.fixture(scope="module")
def part():  # type: ignore[no-untyped-def]
    return run_sensitivity(spec(keep_variants=40), synthetic_authorities(X, baseline=BASE))


@pytest.mark.parametrize("threshold", [0.0, 250.0, 285.0, 300.0, 412.37, 1500.0])
def test_exact_when_every_variant_is_kept(full, threshold: float) -> None:  # type: ignore[no-untyped-def]
    assert full.amount_pence.shape[0] == 400
    for i, code in enumerate(full.authorities.codes):
        chance = full.probability_above(threshold, code, "2025-26")
        assert chance.exact and chance.low == chance.p == chance.high
        assert chance.p == plain_share_above(full.amount_pence[:, 0, i], threshold)


def test_the_last_year_by_default_and_names_work(full) -> None:  # type: ignore[no-untyped-def]
    name = full.authorities.names[2]
    chance = full.probability_above(400.0, name.upper())
    assert chance.p == plain_share_above(full.amount_pence[:, 1, 2], 400.0)
    assert "2026-27" in str(chance) and "exact" in str(chance)


@pytest.mark.parametrize("threshold", [250.0, 300.0, 333.33, 420.0])
def test_the_histogram_answer_is_a_range_holding_the_exact_one(full, part,  # type: ignore[no-untyped-def]
                                                                threshold: float) -> None:
    assert part.amount_pence.shape[0] == 40 and part.amount_sketch is not None
    table = part.threshold_table(threshold, "2025-26")
    for i in range(4):
        truth = plain_share_above(full.amount_pence[:, 0, i], threshold)
        row = table.iloc[i]
        assert not row["exact"]
        assert row["p_low"] <= truth <= row["p_high"]
        assert row["p_low"] <= row["p_above"] <= row["p_high"]


def test_probability_of_gaining_is_a_plain_count_against_the_baseline(full) -> None:  # type: ignore[no-untyped-def]
    for i, code in enumerate(full.authorities.codes):
        chance = full.probability_of_gaining(code, 0)
        expected = sum(1 for v in full.amount_pence[:, 0, i] if v > BASE[i] * 100) / 400
        assert chance.exact and chance.p == expected


def test_probability_of_gaining_needs_a_baseline() -> None:
    run = run_sensitivity(SensitivitySpec(formula=formula_for([0.5, 0.5]), total=100,
                                          weights=DirichletWeights(concentration=5),
                                          n_variants=10), synthetic_authorities(X))
    with pytest.raises(FundmodelError, match="no baseline to gain against"):
        run.probability_of_gaining(run.authorities.codes[0])


def test_an_unknown_council_is_named_with_near_matches(full) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FundmodelError, match=r"council 'Nowhere'.*4 areas"):
        full.probability_above(1.0, "Nowhere")


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(0, 5_000), min_size=20, max_size=300),
       threshold=st.integers(-10, 5_100), bins=st.integers(2, 64))
def test_sketch_bounds_hold_for_any_stream(values: list[int], threshold: int,
                                           bins: int) -> None:
    arr = np.array(values, dtype=np.int64)[:, None]
    sketch = WindowSketch.from_pilot(arr[:10], (5, 95), bins)
    sketch.add(arr)
    sure, maybe = above_counts(sketch, slice(0, 1), threshold)
    truth = sum(1 for v in values if v > threshold)
    assert int(sure[0]) <= truth <= int(sure[0] + maybe[0])
