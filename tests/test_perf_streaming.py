"""Streaming sensitivity runs: chunked draws, bounded reservoir, percentile sketches with
error bounds that hold, rank counts linear in the areas, the ceiling path's work arrays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel import Damping
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    DrawStream,
    LogNormal,
    Normal,
    SensitivitySpec,
    Triangular,
    Uniform,
    WindowSketch,
    draw_inputs,
    percentile_index,
    run_sensitivity,
)
from fundmodel.analysis.uncertainty.ranks import _Accumulator
from fundmodel.engine.damping import apply_damping, damp_with_ceiling
from fundmodel.engine.scratch import Scratch
from fundmodel.testing import formula_for, synthetic_authorities

X = [[100.0, 50.0], [200.0, 30.0], [700.0, 20.0], [400.0, 40.0], [250.0, 45.0]]
BASE = [260.0, 215.0, 385.0, 335.0, 305.0]


def _spec(**update: object) -> SensitivitySpec:
    base = SensitivitySpec(
        formula=formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.05)),
        total=1500, years=("a", "b", "c"), weights=DirichletWeights(concentration=10),
        growth=Normal(mean=0.02, sd=0.01), baseline_path="with_pot", n_variants=600, seed=7,
    )
    return base.model_copy(update=update)


@given(st.lists(st.integers(1, 40), min_size=1, max_size=6), st.booleans())
@settings(max_examples=25, deadline=None)
def test_draw_stream_gives_the_same_draws_however_it_is_split(sizes: list[int],
                                                              by_year: bool) -> None:
    spec = SensitivitySpec(
        formula=formula_for([0.3, 0.7]), total=100, years=("a", "b", "c"),
        weights=DirichletWeights(concentration=5), growth=Triangular(low=0, mode=0.01, high=0.1),
        growth_by_year=by_year, n_variants=sum(sizes), seed=3)
    stream = DrawStream(spec)
    parts = [stream.next(k) for k in sizes]
    whole = draw_inputs(spec)
    assert np.array_equal(np.concatenate([p.weights for p in parts]), whole.weights)
    assert np.array_equal(np.concatenate([p.pot_pence for p in parts]), whole.pot_pence)


def test_unit_cost_stream_names_the_variant_counted_from_the_start() -> None:
    from fundmodel import FormulaError, Indicator, NeedsFormula

    formula = NeedsFormula(name="pu", basis="per_unit",
                           indicators=[Indicator(name="a", column="x0", weight=2.0)])
    spec = SensitivitySpec(formula=formula, total=10, n_variants=5000,
                           unit_costs={"a": Normal(mean=3.0, sd=1.0)})
    whole = np.random.default_rng(np.random.SeedSequence(0, spawn_key=(
        __import__("zlib").crc32(b"unit cost: a"),))).normal(3.0, 1.0, 5000)
    first_bad = int(np.flatnonzero(whole < 0)[0])
    stream = DrawStream(spec)
    with pytest.raises(FormulaError, match=rf"in variant {first_bad};"):
        for _ in range(0, 5000, 100):
            stream.next(100)


def test_sketch_percentile_is_within_its_error_bound_by_hand() -> None:
    # window 0..7 in 4 bins of width 2: values 0..9, one each, and a 20 above the window
    sketch = WindowSketch(lo=np.array([0]), shift=np.array([1]), bins=4,
                          vmin=np.array([0]), vmax=np.array([0]))
    values = np.array([[v] for v in [*range(10), 20]])
    sketch.add(values)
    assert sketch.counts.tolist() == [[0, 2, 2, 2, 2, 3]]
    est, err = sketch.percentiles((5, 50, 95), 11)
    # exact: positions 0, 5, 10 of the sorted values -> 0, 5, 20
    assert est[:, 0].tolist() == [0, 4, 14]  # bin [0,1] -> 0; bin [4,5] -> 4; [8, 20] -> 14
    assert err[:, 0].tolist() == [1, 1, 6]
    assert all(abs(e - x) <= b for e, x, b in zip(est[:, 0], [0, 5, 20], err[:, 0],
                                                  strict=True))


@given(st.integers(0, 2**32 - 1), st.integers(1, 80), st.sampled_from([1, 7, 50, 400]))
@settings(max_examples=40, deadline=None)
def test_sketch_bounds_hold_against_a_plain_sort(seed: int, pilot: int, spread: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, spread, (500, 3)) * rng.integers(1, 5, 3) + rng.integers(0, 99, 3)
    sketch = WindowSketch.from_pilot(values[:pilot], (5, 50, 95), bins=16)
    for part in np.array_split(values, 7):
        sketch.add(part)
    est, err = sketch.percentiles((5, 50, 95), 500)
    ordered = np.sort(values, axis=0)
    for i, p in enumerate((5, 50, 95)):
        exact = ordered[percentile_index(p, 500)]
        assert (np.abs(est[i] - exact) <= err[i]).all(), (p, est[i], exact, err[i])


def test_streaming_run_matches_the_exact_run_within_the_reported_bounds() -> None:
    la = synthetic_authorities(X, baseline=BASE)
    exact = run_sensitivity(_spec(), la)
    streamed = run_sensitivity(_spec(keep_variants=40), la)
    assert exact.exact and not streamed.exact
    assert streamed.amount_pence.shape[0] == 40
    assert np.array_equal(streamed.amount_pence, exact.amount_pence[:40])
    a, b = exact.to_frame(), streamed.to_frame()
    for col in ("p5", "p50", "p95"):
        assert (np.abs(a[col] - b[col]) <= b["amount_error"] + 1e-9).all(), col
    for col in ("rank_p5", "rank_p50", "rank_p95", "mean", "sd", "p_gain", "central"):
        np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy())
    assert "APPROXIMATE percentiles of amount" in streamed.summary()
    assert "amount_error" not in a


def test_streaming_ranks_above_256_areas_stay_within_their_bounds() -> None:
    rng = np.random.default_rng(4)
    n = 300
    la = synthetic_authorities(rng.uniform(1, 2, (n, 2)))
    spec = SensitivitySpec(formula=formula_for([0.5, 0.5]), total=1e6, years=("a", "b"),
                           weights=DirichletWeights(concentration=20), n_variants=400)
    exact = run_sensitivity(spec, la)
    streamed = run_sensitivity(spec.model_copy(update={"keep_variants": 60}), la)
    assert exact.rank_hist is None and streamed.rank_sketch is not None
    a, b = exact.to_frame(), streamed.to_frame()
    # exact ranks by hand: pandas-style min ranks of every variant, then the position
    ranks = np.array([[np.sum(row > x) + 1 for x in row] for row in exact.amount_pence[:, 1]])
    ordered = np.sort(ranks, axis=0)
    last = a[a["year"] == "b"]
    for col, p in (("rank_p5", 5), ("rank_p50", 50), ("rank_p95", 95)):
        np.testing.assert_array_equal(last[col].to_numpy(), ordered[percentile_index(p, 400)])
        assert (np.abs(a[col] - b[col]) <= b["rank_error"]).all(), col


def test_accumulator_memory_is_linear_in_the_areas() -> None:
    # no (areas x areas) array anywhere once the areas pass the exact-rank limit
    n, years = 20_000, 2
    acc = _Accumulator(years, n, np.zeros((years, n), np.int64), None, keep=2, n_total=10,
                       percents=(5, 50, 95))
    pence = np.random.default_rng(0).integers(0, 10**6, (3, years, n))
    acc.add(0, pence, None, None)
    acc.add(3, pence, None, None)
    arrays = [v for v in vars(acc).values() if isinstance(v, np.ndarray)]
    for sketch in (acc.amount_sketch, acc.rank_sketch):
        assert sketch is not None
        arrays += [sketch.counts]
    # the largest is a sketch: about 100 bins per cell here; n x n would be 200x larger
    assert max(a.size for a in arrays) <= 110 * years * n


def test_exact_rank_counts_with_ties_match_pandas_min_ranks() -> None:
    # whole pence 0..4 over 7 areas: most rows have ties, which share the best rank
    import pandas as pd

    n, years, variants = 7, 2, 60
    pence = np.random.default_rng(5).integers(0, 5, (variants, years, n))
    acc = _Accumulator(years, n, np.zeros((years, n), np.int64), None, keep=variants,
                       n_total=variants, percents=(5, 50, 95))
    acc.add(0, pence[:25], None, None)
    acc.add(25, pence[25:], None, None)
    expected = np.zeros((years, n, n), np.int64)
    for v in range(variants):
        for y in range(years):
            ranks = pd.Series(pence[v, y]).rank(ascending=False, method="min").astype(int)
            for i, r in enumerate(ranks):
                expected[y, i, r - 1] += 1
    assert acc.rank_hist is not None
    assert np.array_equal(acc.rank_hist.counts[:, 1:-1].reshape(years, n, n), expected)


def test_default_reservoir_is_bounded_in_bytes() -> None:
    big = _spec(n_variants=10_000_000)
    assert big.kept_variants(5) == 1_000
    assert big.kept_variants(33_800) == 64 * 2**20 // (8 * 3 * 33_800)
    assert _spec(n_variants=600).kept_variants(5) == 600  # fits: every variant, exact


@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.sampled_from([None, -0.1, -0.02]),
       st.floats(0.0, 0.5))
@settings(max_examples=60, deadline=None)
def test_ceiling_with_scratch_equals_apply_damping(seed: int, rows: int, floor: float | None,
                                                   ceiling: float) -> None:
    rng = np.random.default_rng(seed)
    n = 12
    base = rng.uniform(50, 150, n)
    shares = rng.dirichlet(np.ones(n) * 3, rows)
    raw = shares * base.sum()
    try:
        expected, lam0 = apply_damping(raw, base, floor, ceiling)
    except Exception as exc:  # infeasible: the scratch path must say the same
        with pytest.raises(type(exc)):
            damp_with_ceiling(raw, base, floor, ceiling, Scratch())
        return
    scratch = Scratch()
    damp_with_ceiling(raw[::-1].copy(), base, floor, ceiling, scratch)  # dirty the buffers
    got, lam = damp_with_ceiling(raw, base, floor, ceiling, scratch)
    assert np.array_equal(got, expected) and np.array_equal(lam, lam0)
    # by hand: totals kept, every amount between its floor and ceiling
    np.testing.assert_allclose(got.sum(axis=1), raw.sum(axis=1), rtol=1e-9)
    assert (got <= base * (1 + ceiling) + 1e-6).all()
    if floor is not None:
        assert (got >= np.minimum(raw, base * (1 + floor)) - 1e-6).all()


def test_ceiling_run_pence_equal_each_variant_run_with_a_fresh_scratch() -> None:
    la = synthetic_authorities(X, baseline=BASE)
    spec = _spec(formula=formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.1,
                                                          ceiling=0.3)),
                 weights=DirichletWeights(concentration=60), growth=Uniform(low=0, high=0.05),
                 n_variants=50, chunk_size=4)
    one = run_sensitivity(spec, la)
    other = run_sensitivity(spec.model_copy(update={"chunk_size": 150}), la)
    assert np.array_equal(one.amount_pence, other.amount_pence)
    assert (one.amount_pence.sum(axis=-1) == one.draws.pot_pence).all()


def test_lognormal_costs_stream_through_a_long_per_unit_run() -> None:
    from fundmodel import Indicator, NeedsFormula

    formula = NeedsFormula(name="pu", basis="per_unit",
                           indicators=[Indicator(name="a", column="x0", weight=2.0),
                                       Indicator(name="b", column="x1", weight=10.0)])
    spec = SensitivitySpec(formula=formula, total=1500, n_variants=3000, keep_variants=100,
                           unit_costs={"b": LogNormal(median=10, sigma=0.3)})
    res = run_sensitivity(spec, synthetic_authorities(X))
    assert res.amount_pence.shape == (100, 1, 5) and res.draws.weights.shape == (100, 2)
    assert np.array_equal(res.draws.weights, draw_inputs(spec, 100).weights)


def test_bench_quick_smoke(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    bench = root / "bench" / "bench_engine.py"
    out = subprocess.run([sys.executable, str(bench), "--quick", "--tiny"], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path, check=True)
    text = out.stdout
    assert "run_sensitivity, floor (the full pipeline)" in text
    assert text.count("PASS") + text.count("FAIL") == 6
    assert "peak RSS MiB" in text
