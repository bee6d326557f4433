"""Sensitivity runs: batch equals one-by-one, seeds reproduce, percentiles by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundmodel import Damping, FormulaError, Indicator, NeedsFormula, allocate, load_authorities
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    Fixed,
    LogNormal,
    Normal,
    SensitivityResult,
    SensitivitySpec,
    Triangular,
    Uniform,
    draw_inputs,
    interval_chart_data,
    percentile_index,
    ranks_descending,
    run_sensitivity,
)
from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.engine.money import largest_remainder
from fundmodel.errors import InfeasibleDampingError
from fundmodel.errors import InvalidInputError as ValidationError
from fundmodel.presets import children_act_formula
from fundmodel.testing import formula_for, synthetic_authorities

X = [[100.0, 50.0], [200.0, 30.0], [700.0, 20.0], [400.0, 40.0], [250.0, 45.0]]
BASE = [260.0, 215.0, 385.0, 335.0, 305.0]  # sums to the 1,500 pot


def _with_baseline(la: Authorities, pot: float) -> Authorities:
    """Real data plus a baseline column: the pot shared by child population."""
    frame = la.to_frame()
    kids = la.column("children_0_17")
    frame["baseline"] = np.round(pot * kids / kids.sum(), 2)
    return authorities_from_frame(frame, "embedded + baseline")


def _one_by_one(res: SensitivityResult, v: int, y: int) -> np.ndarray:
    """Variant v, year y run alone through the public allocate()."""
    spec = res.spec
    names = [i.name for i in spec.formula.indicators]
    formula = spec.formula.with_weights(dict(zip(names, res.draws.weights[v].tolist(),
                                                 strict=True)))
    baseline = None
    if spec.formula.damping is not None:
        base = res.authorities.column(spec.formula.damping.baseline)
        baseline = base * res.draws.growth_factor[v, y] if spec.baseline_path == "with_pot" \
            else base
    single = allocate(formula, res.authorities, res.draws.pot_pence[v, y] / 100.0,
                      baseline=baseline)
    return single.amount_pence[0]


@pytest.mark.parametrize(
    ("damping", "path", "by_year"),
    [
        (None, "fixed", False),
        (Damping(baseline="baseline", floor=-0.05), "with_pot", False),
        (Damping(baseline="baseline", floor=-0.10, ceiling=0.10), "with_pot", True),
        (Damping(baseline="baseline", floor=-0.02), "fixed", True),
    ],
)
def test_batch_equals_each_variant_run_alone(
    damping: Damping | None, path: str, by_year: bool
) -> None:
    la = synthetic_authorities(X, baseline=BASE)
    spec = SensitivitySpec(
        formula=formula_for([0.5, 0.5], damping), total=1500, years=("a", "b", "c"),
        weights=DirichletWeights(concentration=30), growth=Uniform(low=0.0, high=0.05),
        growth_by_year=by_year, baseline_path=path, n_variants=40, chunk_size=7,
    )
    res = run_sensitivity(spec, la)
    for v in range(spec.n_variants):
        for y in range(3):
            assert np.array_equal(res.amount_pence[v, y], _one_by_one(res, v, y)), (v, y)
    assert (res.amount_pence.sum(axis=-1) == res.draws.pot_pence).all()


def test_batch_equals_one_by_one_on_the_embedded_data_with_a_floor_and_ceiling() -> None:
    la = _with_baseline(load_authorities(), 270e6)
    formula = children_act_formula().model_copy(
        update={"damping": Damping(baseline="baseline", floor=-0.05, ceiling=0.15)})
    spec = SensitivitySpec(
        formula=formula, total=270e6, years=("2025-26", "2026-27", "2027-28"),
        weights=DirichletWeights(concentration=50), growth=Normal(mean=0.03, sd=0.02),
        baseline_path="with_pot", n_variants=12, seed=3,
    )
    res = run_sensitivity(spec, la)
    for v in range(12):
        for y in range(3):
            assert np.array_equal(res.amount_pence[v, y], _one_by_one(res, v, y))
    assert res.gain_scale is not None and res.gain_scale.shape == (12, 3)


def test_per_unit_formula_with_uncertain_unit_costs_equals_one_by_one() -> None:
    formula = NeedsFormula(
        name="per unit", basis="per_unit",
        indicators=[Indicator(name="a", column="x0", weight=2.0),
                    Indicator(name="b", column="x1", weight=10.0)],
    )
    spec = SensitivitySpec(
        formula=formula, total=1500, unit_costs={"b": LogNormal(median=10, sigma=0.3)},
        n_variants=30,
    )
    res = run_sensitivity(spec, synthetic_authorities(X))
    assert (res.draws.weights[:, 0] == 2.0).all()  # not named: keeps its weight
    assert res.draws.weights[:, 1].std() > 0
    for v in range(30):
        assert np.array_equal(res.amount_pence[v, 0], _one_by_one(res, v, 0))


def _spec(**update: object) -> SensitivitySpec:
    base = SensitivitySpec(
        formula=formula_for([0.5, 0.5]), total=1500, years=("a", "b"),
        weights=DirichletWeights(concentration=10), growth=Normal(mean=0.02, sd=0.01),
        n_variants=200, seed=7,
    )
    return base.model_copy(update=update)


def test_results_reproduce_from_the_seed_and_not_from_the_chunking() -> None:
    la = synthetic_authorities(X)
    first = run_sensitivity(_spec(), la)
    again = run_sensitivity(_spec(chunk_size=3), la)
    other = run_sensitivity(_spec(seed=8), la)
    assert np.array_equal(first.amount_pence, again.amount_pence)
    assert np.array_equal(first.rank_hist, again.rank_hist)
    pd.testing.assert_frame_equal(first.intervals(), again.intervals())
    assert not np.array_equal(first.amount_pence, other.amount_pence)


def test_each_input_has_its_own_stream() -> None:
    # changing the growth distribution leaves the weight draws unchanged, and an input's
    # own seed fixes its draws whatever the spec's seed
    a = draw_inputs(_spec())
    b = draw_inputs(_spec(growth=Triangular(low=0.0, mode=0.01, high=0.1)))
    assert np.array_equal(a.weights, b.weights)
    assert not np.array_equal(a.pot_pence, b.pot_pence)
    own = DirichletWeights(concentration=10, seed=99)
    c = draw_inputs(_spec(weights=own, seed=1))
    d = draw_inputs(_spec(weights=own, seed=2))
    assert np.array_equal(c.weights, d.weights)


def test_pots_grow_by_the_drawn_rates_rounded_to_the_penny() -> None:
    spec = _spec(years=("a", "b", "c"), growth=Uniform(low=0.1, high=0.2), growth_by_year=True,
                 n_variants=5)
    draws = draw_inputs(spec)
    rates = draws.pot_pence[:, 1:] / draws.pot_pence[:, :-1] - 1
    assert (draws.pot_pence[:, 0] == 150_000).all()
    assert ((rates > 0.1 - 1e-5) & (rates < 0.2 + 1e-5)).all()
    assert not np.allclose(rates[:, 0], rates[:, 1])  # a fresh rate each year
    expected = np.rint(150_000 * draws.growth_factor)
    assert np.array_equal(draws.pot_pence, expected)


def test_percentile_index_by_hand() -> None:
    # the smallest draw with at least p% of draws at or below it
    assert [percentile_index(p, 20) for p in (5, 50, 95)] == [0, 9, 18]
    assert [percentile_index(p, 100) for p in (5, 50, 95)] == [4, 49, 94]
    assert [percentile_index(p, 3) for p in (5, 50, 95)] == [0, 1, 2]
    assert percentile_index(50, 1) == 0


def test_intervals_and_probabilities_on_a_hand_checkable_case() -> None:
    # council 0 has all of indicator a, council 1 all of b: council 0's share IS weight a
    la = synthetic_authorities([[1.0, 0.0], [0.0, 1.0]])
    spec = SensitivitySpec(formula=formula_for([0.5, 0.5]), total=100,
                           weights=DirichletWeights(concentration=4), n_variants=20, seed=11)
    res = run_sensitivity(spec, la)
    a = res.draws.weights[:, 0]
    pence0 = np.sort(res.amount_pence[:, 0, 0])
    # floor(a * 10000) or one more: rounding moves at most a penny
    assert (np.abs(res.amount_pence[:, 0, 0] - a * 10_000) <= 1).all()
    table = res.intervals().set_index("code")
    row = table.loc["E06900000"]
    assert row["central"] == 50.0
    assert (row["p5"], row["p50"], row["p95"]) == (pence0[0] / 100, pence0[9] / 100,
                                                   pence0[18] / 100)
    above = int((res.amount_pence[:, 0, 0] > 5000).sum())
    assert row["p_above_central"] == above / 20
    # rank 1 whenever council 0 gets more than half
    ranks = np.where(res.amount_pence[:, 0, 0] >= 5000, 1, 2)
    assert row["rank_p50"] == np.sort(ranks)[9]
    assert row["rank_p95"] == np.sort(ranks)[18]
    mean = res.amount_pence[:, 0, 0].mean() / 100
    assert row["mean"] == pytest.approx(mean, rel=1e-12)
    assert row["sd"] == pytest.approx(res.amount_pence[:, 0, 0].std(ddof=1) / 100, rel=1e-9)


def test_probability_of_gain_against_the_baseline() -> None:
    la = synthetic_authorities(X, baseline=BASE)
    spec = SensitivitySpec(
        formula=formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.05)),
        total=1500, weights=DirichletWeights(concentration=20), n_variants=300, seed=2)
    res = run_sensitivity(spec, la)
    table = res.intervals()
    expected = (res.amount_pence[:, 0, :] > np.array(BASE) * 100).mean(axis=0)
    np.testing.assert_array_equal(table["p_gain"].to_numpy(), expected)
    np.testing.assert_array_equal(table["baseline"].to_numpy(), BASE)


def test_intervals_contain_the_central_result_on_the_embedded_data() -> None:
    la = load_authorities()
    spec = SensitivitySpec(formula=children_act_formula(), total=270e6,
                           weights=DirichletWeights(concentration=100), n_variants=2000)
    res = run_sensitivity(spec, la)
    table = res.intervals()
    amounts = res.amount_pence[:, 0, :] / 100
    assert ((amounts.min(axis=0) <= table["central"]) &
            (table["central"] <= amounts.max(axis=0))).all()
    inside = (table["p5"] <= table["central"]) & (table["central"] <= table["p95"])
    assert inside.mean() >= 0.9
    assert (table["rank_p5"] <= table["rank_p50"]).all()
    assert (table["rank_p50"] <= table["rank_p95"]).all()
    # the central run is the preset run
    preset = allocate(children_act_formula(), la, 270e6)
    assert np.array_equal(res.central_pence[0], preset.amount_pence[0])


def test_rank_counts_and_probabilities_use_every_variant_when_few_are_kept() -> None:
    la = synthetic_authorities(X)
    full = run_sensitivity(_spec(), la)
    part = run_sensitivity(_spec(keep_variants=50), la)
    assert part.amount_pence.shape[0] == 50
    assert np.array_equal(part.amount_pence, full.amount_pence[:50])
    a, b = full.intervals(), part.intervals()
    for col in ("rank_p5", "rank_p50", "rank_p95", "p_above_central", "mean", "sd"):
        np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy())
    assert "first 50 variants" in part.summary()


def test_drivers_one_at_a_time() -> None:
    la = synthetic_authorities(X)
    res = run_sensitivity(_spec(n_variants=400), la)
    drivers = res.drivers().set_index("input")
    assert list(drivers.index) == ["all inputs together", "weights", "growth"]
    assert drivers.loc["all inputs together", "variance_share"] == 1.0
    # growth scales the pot, it cannot move shares (no damping): zero share variance
    assert drivers.loc["growth", "share_variance_share"] == pytest.approx(0.0, abs=1e-6)
    assert drivers.loc["weights", "share_variance_share"] == pytest.approx(1.0, abs=1e-3)
    # weights alone only: the OAT run equals the full run
    alone = run_sensitivity(_spec(growth=None, n_variants=400), la)
    assert alone.drivers().set_index("input").loc["weights", "variance_share"] == 1.0
    by_council = res.drivers(by_council=True)
    assert len(by_council) == 3 * la.n


def test_only_holds_other_inputs_at_their_centre() -> None:
    spec = _spec(weights=DirichletWeights(concentration=10, centre={"x0": 0.8, "x1": 0.2}))
    only = spec.only("growth")
    assert only.weights is None
    assert only.formula.weight_vector().tolist() == [0.8, 0.2]
    assert isinstance(spec.only("weights").growth, Fixed)


def test_interval_chart_data_is_what_is_drawn() -> None:
    res = run_sensitivity(_spec(), synthetic_authorities(X))
    data = interval_chart_data(res, year="a")
    table = res.intervals("a")
    assert list(data.columns) == ["rank", "code", "name", "central", "low", "median", "high"]
    assert data["rank"].tolist() == [1, 2, 3, 4, 5]
    assert data["central"].is_monotonic_decreasing
    top = table.loc[table["central"].idxmax()]
    assert data.iloc[0]["code"] == top["code"]
    assert data.iloc[0]["low"] == top["p5"] / 1e6
    assert data.attrs["year"] == "a"


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"unit_costs": {"x0": Normal(mean=1.0, sd=1.0)}}, "per_unit formula"),
        ({"interval": (50, 95)}, "interval"),
        ({"years": ("a", "a")}, "distinct"),
    ],
)
def test_bad_specs_are_refused(update: dict[str, object], message: str) -> None:
    data = {**_spec().model_dump(), **update}
    with pytest.raises(ValidationError, match=message):
        SensitivitySpec.model_validate(data)


def test_weights_for_a_per_unit_formula_are_refused() -> None:
    formula = NeedsFormula(name="pu", basis="per_unit",
                           indicators=[Indicator(name="a", column="x0", weight=2.0)])
    with pytest.raises(ValidationError, match="shares-basis"):
        SensitivitySpec(formula=formula, total=10, weights=DirichletWeights(concentration=5))


def test_unusable_draws_name_the_variant() -> None:
    formula = NeedsFormula(name="pu", basis="per_unit",
                           indicators=[Indicator(name="a", column="x0", weight=2.0)])
    spec = SensitivitySpec(formula=formula, total=10, n_variants=500,
                           unit_costs={"a": Normal(mean=1.0, sd=1.0)})
    with pytest.raises(FormulaError, match=r"unit cost for 'a' drew -[\d.]+ in variant \d+"):
        draw_inputs(spec)
    with pytest.raises(FormulaError, match=r"growth rate drew .* in variant \d+ \(year 2\)"):
        draw_inputs(_spec(growth=Uniform(low=-1.5, high=-1.2)))


def test_infeasible_damping_names_the_variant_and_year() -> None:
    la = synthetic_authorities(X, baseline=BASE)
    spec = SensitivitySpec(
        formula=formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.01)),
        total=1500, years=("2025-26", "2026-27"), growth=Fixed(value=-0.3), n_variants=3)
    with pytest.raises(InfeasibleDampingError, match=r"\(central run, year 2026-27\)"):
        run_sensitivity(spec, la)
    # a shrinking pot in some variants only: the first such variant is named
    spec = spec.model_copy(
        update={"growth": Triangular(low=-0.3, mode=0.0, high=0.01), "n_variants": 50})
    with pytest.raises(InfeasibleDampingError, match=r"\(variant \d+, year 2026-27\)"):
        run_sensitivity(spec, la)


def test_summary_and_html_escape_names() -> None:
    formula = formula_for([0.5, 0.5]).model_copy(update={"name": "<b>mine</b>"})
    res = run_sensitivity(_spec(formula=formula, n_variants=50), synthetic_authorities(X))
    page = res._repr_html_()
    assert "<b>mine</b>" not in page and "&lt;b&gt;mine&lt;/b&gt;" in page
    assert "50 variants x 2 year(s) x 5 authorities" in res.summary()
    assert len(res.to_frame()) == 10


@given(st.lists(st.lists(st.integers(0, 6), min_size=4, max_size=4), min_size=1, max_size=5),
       st.sampled_from([1, 10**16]))
def test_ranks_match_pandas(rows: list[list[int]], scale: int) -> None:
    a = np.array(rows, dtype=np.int64) * scale  # 10**16 takes the unpacked path
    expected = np.array([pd.Series(r).rank(ascending=False, method="min").to_numpy()
                         for r in a]).astype(np.int64)
    assert np.array_equal(ranks_descending(a), expected)


def _reference_rounding(pence: np.ndarray, totals: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """The original implementation: a full lexsort of every row."""
    floors = np.floor(pence)
    rem = pence - floors
    owed = totals - floors.sum(axis=-1).astype(np.int64)
    order = np.lexsort((np.broadcast_to(tie, pence.shape), -rem), axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(pence.shape[-1]), axis=-1)
    return floors.astype(np.int64) + (ranks < owed[..., None])


@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1), st.booleans())
def test_fast_rounding_equals_a_full_sort(n: int, rows: int, seed: int, coarse: bool) -> None:
    rng = np.random.default_rng(seed)
    pence = rng.integers(0, 12, (rows, n)) / 4.0 if coarse else rng.random((rows, n)) * 1e3
    totals = (np.floor(pence).sum(axis=1) + rng.integers(0, n + 1, rows)).astype(np.int64)
    tie = rng.permutation(n)
    assert np.array_equal(largest_remainder(pence, totals, tie),
                          _reference_rounding(pence, totals, tie))
