"""compare(): hand-worked differences, winners and losers, Gini; properties; real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundmodel import allocate, authorities_from_frame, load_authorities
from fundmodel.analysis.compare import CompareError, compare, deprivation_quintile, gini
from fundmodel.data.authorities import Authorities
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.errors import DataError
from fundmodel.presets import children_act_formula
from fundmodel.scenarios.rcc import RCCScenario


class Fixed:
    """A minimal result: fixed amounts per council (anything with council_amounts works)."""

    def __init__(self, label: str, amounts: dict[str, float]) -> None:
        self.label = label
        self._amounts = amounts

    def council_amounts(self) -> pd.Series:
        return pd.Series(self._amounts, dtype=float)


CODES = ["E06900001", "E06900002", "E06900003", "E06900004"]


FOUR = authorities_from_frame(pd.DataFrame({
    "code": CODES, "name": ["A", "B", "C", "D"],
    "region": ["North East", "North East", "London", "London"],
    "council_type": "unitary",
    "children_0_17": [100.0, 200.0, 100.0, 400.0],
    "child_poverty_pct": [10.0, 40.0, 20.0, 30.0],
}), "four councils", geography="custom")


def four_councils() -> Authorities:
    return FOUR


def test_differences_percent_and_per_child_by_hand() -> None:
    base = Fixed("now", dict(zip(CODES, [1000.0, 2000.0, 500.0, 4000.0], strict=True)))
    new = Fixed("reform", dict(zip(CODES, [1500.0, 1999.5, 500.0, 3000.0], strict=True)))
    cmp = compare(base, new, authorities=four_councils())
    f = cmp.to_frame().query("result == 'reform'").set_index("code")
    assert f["change"].tolist() == [500.0, -0.5, 0.0, -1000.0]
    assert f["change_pct"].tolist() == pytest.approx([50.0, -0.025, 0.0, -25.0])
    assert f["change_per_child"].tolist() == pytest.approx([5.0, -0.0025, 0.0, -2.5])
    assert f["amount_per_child"].tolist() == pytest.approx([15.0, 9.9975, 5.0, 7.5])
    # tolerance £1: B's 50p loss is no change
    assert f["outcome"].tolist() == ["gain", "no change", "no change", "loss"]
    wl = cmp.winners_losers().set_index("result").loc["reform"]
    assert (wl["gains"], wl["losses"], wl["no_change"]) == (1, 1, 2)
    assert wl["largest_gain_council"] == "A" and wl["largest_loss_council"] == "D"
    assert wl["total_change"] == pytest.approx(-500.5)
    # a tolerance of 0 counts the 50p loss
    strict = compare(base, new, authorities=four_councils(), tolerance=0.0)
    assert strict.winners_losers()["losses"].tolist() == [0, 2]


def test_groups_use_baseline_characteristics() -> None:
    base = Fixed("now", dict(zip(CODES, [1000.0, 2000.0, 500.0, 4000.0], strict=True)))
    new = Fixed("reform", dict(zip(CODES, [1500.0, 2000.0, 600.0, 3000.0], strict=True)))
    cmp = compare(base, new, authorities=four_councils())
    region = cmp.by_region().query("result == 'reform'").set_index("region")
    assert region.loc["North East", "change"] == 500.0
    assert region.loc["London", "change"] == -900.0
    assert region.loc["London", "change_per_child"] == pytest.approx(-900 / 500)
    assert region.loc["London", "gains"] == 1 and region.loc["London", "losses"] == 1
    # poverty 10, 40, 20, 30: ranks 0 3 1 2; quintile = (rank + 1/2) * 5 // 4 -> Q1 Q5 Q2 Q4
    dep = cmp.by_deprivation().query("result == 'reform'")
    assert dep["deprivation_quintile"].tolist() == ["Q1 least deprived", "Q2", "Q4",
                                                    "Q5 most deprived"]
    assert dep["change"].tolist() == [500.0, 100.0, -1000.0, 0.0]


def test_gini_by_hand() -> None:
    assert gini([5.0, 5.0, 5.0]) == 0.0
    assert gini([0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.75)   # (n - 1) / n
    assert gini([1.0, 2.0, 3.0]) == pytest.approx(8 / 36)      # sum|xi-xj| = 8, 2 n^2 mean = 36
    assert gini([1.0, 3.0]) == pytest.approx(0.25)
    assert gini([2.0, 6.0], weights=[1.0, 3.0]) == pytest.approx(gini([2.0, 6.0, 6.0, 6.0]))
    with pytest.raises(CompareError, match="non-negative"):
        gini([-1.0, 2.0])
    with pytest.raises(CompareError, match="positive"):
        gini([0.0, 0.0])


def test_distribution_reports_gini_of_per_child_amounts() -> None:
    # per child: 10, 10, 10, 10 (equal) vs 20, 5, 10, 10
    base = Fixed("equal", dict(zip(CODES, [1000.0, 2000.0, 1000.0, 4000.0], strict=True)))
    new = Fixed("uneven", dict(zip(CODES, [2000.0, 1000.0, 1000.0, 4000.0], strict=True)))
    dist = compare(base, new, authorities=four_councils()).distribution()
    assert dist["gini_per_child"].tolist() == pytest.approx([0.0, gini([20.0, 5.0, 10.0, 10.0])])
    assert dist["gini_per_child_weighted"].iloc[1] == pytest.approx(
        gini([20.0, 5.0, 10.0, 10.0], [100.0, 200.0, 100.0, 400.0]))


def test_deprivation_quintiles_break_ties_by_code() -> None:
    q = deprivation_quintile(np.array([1.0] * 5), ["e", "d", "c", "b", "a"])
    assert q.tolist() == ["Q5 most deprived", "Q4", "Q3", "Q2", "Q1 least deprived"]


def test_mismatched_councils_are_named() -> None:
    a = Fixed("a", {CODES[0]: 1.0, CODES[1]: 2.0})
    b = Fixed("b", {CODES[0]: 1.0, CODES[2]: 2.0})
    with pytest.raises(CompareError, match=r"'b' has extra \['E06900003'\] and lacks "
                                           r"\['E06900002'\]"):
        compare(a, b, authorities=four_councils())


def test_input_errors_are_clear() -> None:
    a = Fixed("a", {CODES[0]: 1.0})
    with pytest.raises(CompareError, match="two or more"):
        compare(a)
    with pytest.raises(CompareError, match="unique"):
        compare(a, a)
    with pytest.raises(CompareError, match="no result labelled 'z'"):
        compare(a, a, labels=["x", "y"], baseline="z")
    with pytest.raises(CompareError, match="not finite"):
        compare(a, Fixed("n", {CODES[0]: float("nan")}), authorities=four_councils())


def test_ranked_gives_top_and_bottom() -> None:
    base = Fixed("now", dict(zip(CODES, [1000.0, 2000.0, 500.0, 4000.0], strict=True)))
    new = Fixed("reform", dict(zip(CODES, [1500.0, 2100.0, 400.0, 3000.0], strict=True)))
    ranked = compare(base, new, authorities=four_councils()).ranked(n=2)
    assert ranked["name"].tolist() == ["A", "B", "C", "D"]
    assert ranked["end"].tolist() == ["top", "top", "bottom", "bottom"]


amounts = st.lists(st.integers(0, 10**9).map(lambda p: p / 100), min_size=4, max_size=4)


@given(amounts)
def test_comparing_a_result_with_itself_changes_nothing(values: list[float]) -> None:
    r = Fixed("r", dict(zip(CODES, values, strict=True)))
    cmp = compare(r, r, labels=["x", "y"], authorities=four_councils())
    assert np.all(cmp.change == 0)
    wl = cmp.winners_losers()
    assert wl["gains"].tolist() == [0, 0] and wl["losses"].tolist() == [0, 0]


@given(amounts, amounts)
def test_swapping_the_baseline_flips_signs(first: list[float], second: list[float]) -> None:
    a = Fixed("a", dict(zip(CODES, first, strict=True)))
    b = Fixed("b", dict(zip(CODES, second, strict=True)))
    ab = compare(a, b, authorities=four_councils())
    ba = compare(a, b, baseline="b", authorities=four_councils())
    np.testing.assert_array_equal(ab.change[1], -ba.change[0])
    wl_ab, wl_ba = ab.winners_losers(), ba.winners_losers()
    assert wl_ab["gains"][1] == wl_ba["losses"][0]
    assert wl_ab["losses"][1] == wl_ba["gains"][0]


@given(st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e6)), min_size=1, max_size=30)
       .filter(lambda x: sum(x) > 0),
       st.floats(0.01, 100.0))
def test_gini_is_scale_invariant_and_bounded(values: list[float], factor: float) -> None:
    g = gini(values)
    assert 0.0 <= g <= 1.0 - 1.0 / len(values) + 1e-12
    assert gini([v * factor for v in values]) == pytest.approx(g, abs=1e-9)


def test_real_data_children_act_vs_population_vs_family_support() -> None:
    la = load_authorities()
    la = la.select([c for c, v in zip(la.codes.tolist(), la.column(
        "s251_family_support_2024_25"), strict=True) if not np.isnan(v)])
    pot = 270_000_000
    spend = allocate(NeedsFormula(name="family support spend", indicators=[
        Indicator(name="fs", column="s251_family_support_2024_25", weight=1.0)]), la, pot)
    population = allocate(NeedsFormula(name="population", indicators=[
        Indicator(name="p", column="children_0_17", weight=1.0)]), la, pot)
    act = allocate(children_act_formula(), la, pot)
    cmp = compare(spend, act, population, need_column="cin_count_2025")
    wl = cmp.winners_losers()
    assert (wl["gains"] + wl["losses"] + wl["no_change"]).tolist() == [151] * 3
    assert wl["total_change"].abs().max() < 0.01  # same pot: changes net to zero
    dist = cmp.distribution()
    assert dist["gini_per_child"].iloc[2] < 1e-5   # population only: equal £ per child
    assert dist["corr_with_own_need_share"].iloc[1] == pytest.approx(1.0)  # no damping


def test_rcc_results_compare_with_standalone() -> None:
    kw = {"header": {"title": "x", "assumes": "y"}, "budget_source": "assumed",
          "missing_spend": "exclude",
          "share_shortfall_by": "cla_count_2025"}
    now = RCCScenario.model_validate({**kw, "membership": "standalone",
                                      "header": {"title": "now", "assumes": "y"}}).run()
    with pytest.raises(DataError, match="cla_count_2025"):  # City of London, Isles of Scilly
        RCCScenario.model_validate({**kw, "membership": "rcc20"}).run()
    rcc = RCCScenario.model_validate({**kw, "membership": "pathfinders"}).run()
    cmp = compare(now, rcc)
    f = cmp.to_frame().query("result == 'x'")
    pooled = f["code"].isin(rcc.to_frame().query("status == 'pooled'")["code"])
    assert (f.loc[~pooled, "change"] == 0).all()
    # with no savings the pool pays each member's spend, so the change in a member's net
    # cost is minus its cross-subsidy, and changes net to zero
    cross = rcc.council_amounts("cross_subsidy")
    np.testing.assert_allclose(f.loc[pooled, "change"].to_numpy(),
                               -cross.loc[f.loc[pooled, "code"]].to_numpy(), atol=0.005)
    assert abs(f["change"].sum()) < 0.01
    assert np.abs(cross).max() > 1_000  # sharing by children looked after moves real money
