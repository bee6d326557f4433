"""Transitions (fundmodel.scenarios.transition, transition_result) and allocation scenarios,
worked by hand on three made-up councils.

Baseline 100, 200, 700 (pounds); pot 1,000 a year. Towards a target of 300, 300, 400 with
phasing 0.5 then 1 and no floor: 200, 250, 550, then the target. Towards the 50/50 formula
(need shares .275, .275, .45) with a -5% floor: council 2 is held at 665 then 631.75 and the
gains of councils 0 and 1 are scaled to fit (35 of 125, then 33.25 of 215).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from fundmodel import allocate
from fundmodel.data.authorities import Authorities
from fundmodel.engine.formula import Damping
from fundmodel.engine.transition import TransitionPlan
from fundmodel.errors import DataError, ScenarioError
from fundmodel.scenarios.allocation import AllocationScenario
from fundmodel.scenarios.transition import TransitionScenario, transition
from fundmodel.scenarios.transition_result import TransitionResult
from fundmodel.testing import formula_for, synthetic_authorities

YEARS = ["2026-27", "2027-28"]


def _la() -> Authorities:
    return synthetic_authorities([[1.0, 3.0], [1.0, 3.0], [2.0, 4.0]],
                                 baseline=[100.0, 200.0, 700.0])


def _plain() -> TransitionResult:
    la = _la()
    base = pd.Series([100.0, 200.0, 700.0], index=la.codes, name="now")
    target = pd.Series([3.0, 3.0, 4.0], index=la.codes, name="need")
    plan = TransitionPlan(years=YEARS, pots=[1000, 1000], phasing=[0.5, 1.0])
    return transition(target, base, plan, la)


def _floored(**plan: object) -> TransitionResult:
    fields: dict[str, object] = {"years": YEARS, "pots": [1000, 1000], "phasing": [0.5, 1.0],
                                 "floor": -0.05, **plan}
    return transition(formula_for([0.5, 0.5]), "baseline", TransitionPlan.model_validate(fields),
                      _la())


def test_to_frame_by_hand() -> None:
    frame = _plain().to_frame()
    assert list(frame.columns) == [
        "code", "name", "region", "year", "amount", "baseline", "previous", "change",
        "change_pct", "target", "distance_to_target", "distance_pct", "floor_bound",
        "ceiling_bound", "years_to_converge"]
    assert frame["code"].tolist() == ["E06900000", "E06900001", "E06900002"] * 2
    assert frame["name"].tolist() == ["Council 0", "Council 1", "Council 2"] * 2
    assert frame["region"].tolist() == ["North East", "North West",
                                        "Yorkshire and The Humber"] * 2
    assert frame["year"].tolist() == ["2026-27"] * 3 + ["2027-28"] * 3
    assert frame["amount"].tolist() == [200.0, 250.0, 550.0, 300.0, 300.0, 400.0]
    assert frame["baseline"].tolist() == [100.0, 200.0, 700.0] * 2
    assert frame["previous"].tolist() == [100.0, 200.0, 700.0, 200.0, 250.0, 550.0]
    assert frame["change"].tolist() == [100.0, 50.0, -150.0, 100.0, 50.0, -150.0]
    np.testing.assert_allclose(frame["change_pct"], [100.0, 25.0, -150 / 7, 50.0, 20.0,
                                                     -1500 / 55])
    assert frame["target"].tolist() == [300.0, 300.0, 400.0] * 2
    assert frame["distance_to_target"].tolist() == [-100.0, -50.0, 150.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(frame["distance_pct"], [-100 / 3, -50 / 3, 37.5, 0, 0, 0],
                               atol=1e-12)
    assert frame["floor_bound"].tolist() == [False] * 6
    assert frame["ceiling_bound"].tolist() == [False] * 6
    assert "need_share" not in frame


def test_floored_frame_by_hand() -> None:
    res = _floored()
    frame = res.to_frame()
    assert list(frame.columns)[4:7] == ["amount", "need_share", "baseline"]
    np.testing.assert_allclose(frame["need_share"], [0.275, 0.275, 0.45] * 2)
    assert frame["amount"].tolist() == [124.5, 210.5, 665.0, 147.78, 220.47, 631.75]
    assert frame["target"].tolist() == [275.0, 275.0, 450.0] * 2
    assert frame["floor_bound"].tolist() == [False, False, True] * 2
    np.testing.assert_allclose(frame["change_pct"], [24.5, 5.25, -5.0, 100 * 23.28 / 124.5,
                                                     100 * 9.97 / 210.5, -5.0])
    zero = transition(pd.Series([1.0, 1.0, 2.0], index=_la().codes),
                      pd.Series([0.0, 500.0, 500.0], index=_la().codes),
                      TransitionPlan(years=["2026-27"], pots=[1000], phasing=[1.0]), _la())
    zf = zero.to_frame()
    assert np.isnan(zf["change_pct"].iloc[0]) and zf["change_pct"].iloc[1] == -50.0
    alloc = res.allocations_frame()
    assert list(alloc.columns) == ["code", "name", "year", "amount", "baseline", "target",
                                   "need_share", "floor_bound", "ceiling_bound"]
    assert alloc["amount"].tolist() == [124.5, 210.5, 665.0, 147.78, 220.47, 631.75]
    assert alloc["target"].tolist() == [275.0, 275.0, 450.0] * 2
    assert alloc["baseline"].tolist() == [100.0, 200.0, 700.0] * 2
    assert list(_plain().allocations_frame().columns) == [
        "code", "name", "year", "amount", "baseline", "target", "floor_bound", "ceiling_bound"]


def test_amounts_tolerance_summary_html() -> None:
    res = _floored()
    last = res.council_amounts()
    assert last.index.tolist() == ["E06900000", "E06900001", "E06900002"]
    assert last.tolist() == [147.78, 220.47, 631.75]
    assert last.name == "column baseline to synthetic formula (2027-28)"
    first = res.council_amounts("2026-27")
    assert first.tolist() == [124.5, 210.5, 665.0]
    assert first.name == "column baseline to synthetic formula (2026-27)"
    assert res.label == res.title == "column baseline to synthetic formula"
    assert res.within_tolerance().tolist() == [[False] * 3, [False] * 3]
    assert _plain().within_tolerance().tolist() == [[False] * 3, [True] * 3]
    lines = res.summary().splitlines()
    assert lines[:4] == [
        "column baseline to synthetic formula: 2026-27 to 2027-28, from column baseline to "
        "synthetic formula",
        "  phasing 0.5, 1; floor -5.0%; ceiling none (cash terms)",
        "  2026-27: pot £1.0k; 1 councils at the floor, 0 at a ceiling; gains scaled by 0.2800",
        "  2027-28: pot £1.0k; 1 councils at the floor, 0 at a ceiling; gains scaled by 0.1547"]
    assert re.fullmatch(
        r"  WARNING: the floors make the target unreachable in 2 year\(s\): after 2 year\(s\) "
        r"only 0 of 3 councils are within 0\.5% of target; Council \d would need \d+ years "
        r"\(continuing at the last year's pot and floors\)", lines[4])
    name, need = res.slowest()
    assert lines[4].count(f"{name} would need {need:.0f} years") == 1
    plain = _plain()
    assert plain.summary().splitlines() == [
        "now to need: 2026-27 to 2027-28, from now to need",
        "  phasing 0.5, 1; floor none; ceiling none (cash terms)",
        "  2026-27: pot £1.0k; 0 councils at the floor, 0 at a ceiling; gains scaled by 1.0000",
        "  2027-28: pot £1.0k; 0 councils at the floor, 0 at a ceiling; gains scaled by 1.0000",
        "  after 2 year(s) all 3 councils are within 0.5% of target"]
    assert plain._repr_html_() == (
        f"<div><strong>now to need</strong> (fundmodel {plain.version})<ul>"
        "<li>phasing 0.5, 1; floor none; ceiling none (cash terms)</li>"
        "<li>2026-27: pot £1.0k; 0 councils at the floor, 0 at a ceiling; gains scaled by "
        "1.0000</li><li>2027-28: pot £1.0k; 0 councils at the floor, 0 at a ceiling; gains "
        "scaled by 1.0000</li><li>after 2 year(s) all 3 councils are within 0.5% of target"
        "</li></ul><small>use .to_frame() for every council and year</small></div>")
    assert repr(plain) == "TransitionResult('now to need', years=['2026-27', '2027-28'], " \
                          "authorities=3)"
    yearly = _floored(floor=[-0.05, None], ceiling=2.0)
    assert yearly.summary().splitlines()[1] == (
        "  phasing 0.5, 1; floor -5.0%, none; ceiling +200.0% (cash terms)")


def test_sources() -> None:
    res = _floored()
    formula_sources = allocate(formula_for([0.5, 0.5]), _la(), 1000).sources()
    assert res.sources() == formula_sources and formula_sources
    assert _plain().sources() == []
    deflator = {"name": "test index", "base_year": "2025-26",
                "points": [{"year": "2025-26", "index": 100}, {"year": "2026-27", "index": 102},
                           {"year": "2027-28", "index": 104}]}
    real = _floored(floor=-0.1, terms="real", deflator=deflator)
    assert real.sources() == [*formula_sources, "deflator: test index"]
    both = transition(formula_for([0.5, 0.5]), allocate(formula_for([1.0, 0.0]), _la(), 1000),
                      TransitionPlan(years=["2026-27"], pots=[1000], phasing=[1.0]), _la())
    assert both.sources() == list(dict.fromkeys(
        [*formula_sources, *allocate(formula_for([1.0, 0.0]), _la(), 1000).sources()]))


def test_allocation_target_and_baseline() -> None:
    la = _la()
    target = allocate(formula_for([0.5, 0.5]), la, 2000)
    base = allocate(formula_for([1.0, 0.0]), la, 1000)
    plan = TransitionPlan(years=["2026-27"], pots=[1000], phasing=[1.0])
    res = transition(target, base, plan, la)
    assert res.target_pence.tolist() == [[27_500, 27_500, 45_000]]
    np.testing.assert_allclose(res.need_share, [0.275, 0.275, 0.45])
    assert res.baseline.tolist() == [250.0, 250.0, 500.0]
    assert res.title == f"{base.label} to {target.label}"
    assert res.target_run is target and res.baseline_run is base
    assert res.baseline_label == base.label and res.target_label == target.label
    other = synthetic_authorities([[1.0, 3.0], [2.0, 4.0]])
    with pytest.raises(DataError, match=re.escape(
            "the target allocation was made for other councils (or another order) than these "
            "authorities; allocate it on the same data")):
        transition(allocate(formula_for([0.5, 0.5]), other, 10), "baseline", plan, la)
    with pytest.raises(DataError, match=re.escape(
            "the baseline allocation was made for other councils")):
        transition(target, allocate(formula_for([0.5, 0.5]), other, 10), plan, la)
    named = transition(target, base, plan, la, title="My title")
    assert named.title == "My title"


def test_bad_targets_and_baselines() -> None:
    la = _la()
    plan = TransitionPlan(years=["2026-27"], pots=[1000], phasing=[1.0])
    damped = formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.05))
    with pytest.raises(ScenarioError, match=re.escape(
            "the target formula has damping; in a transition the floors and ceilings of the "
            "plan do the damping: drop it")):
        transition(damped, "baseline", plan, la)
    with pytest.raises(ScenarioError, match=re.escape(
            "the target must be a formula, an Allocation or a pandas Series indexed by ONS "
            "code, got int")):
        transition(5, "baseline", plan, la)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=re.escape(
            "the baseline must be a column name, an Allocation or a pandas Series indexed by "
            "ONS code, got float")):
        transition(formula_for([0.5, 0.5]), 1.5, plan, la)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=re.escape(
            "the transition target is zero for every council")):
        transition(pd.Series(0.0, index=la.codes), "baseline", plan, la)
    short = pd.Series([1.0, 2.0], index=la.codes[:2])
    with pytest.raises(DataError, match=re.escape(
            "transition target: the Series must be indexed by the councils' ONS codes, each "
            "once; missing ['E06900002'], extra []")):
        transition(short, "baseline", plan, la)
    many = synthetic_authorities([[1.0]] * 12)
    with pytest.raises(DataError, match=re.escape(
            "transition baseline: the Series must be indexed by the councils' ONS codes, each "
            "once; missing ['E06900000', 'E06900001', 'E06900002', 'E06900003', 'E06900004', "
            "'E06900005', 'E06900006', 'E06900007']..., extra ['E06999999']")):
        transition(pd.Series(1.0, index=many.codes), pd.Series([1.0], index=["E06999999"]),
                   plan, many)
    nine = [f"E0699999{i}" for i in range(9)]
    with pytest.raises(DataError, match=re.escape(
            f"missing [], extra {nine[:8]}...")):
        transition(pd.Series(1.0, index=[*la.codes, *nine]), "baseline", plan, la)
    eight = nine[:8]
    with pytest.raises(DataError, match=re.escape(f"missing [], extra {eight}") + "$"):
        transition(pd.Series(1.0, index=[*la.codes, *eight]), "baseline", plan, la)
    twice = pd.Series([1.0, 1.0, 1.0, 1.0], index=[*la.codes, la.codes[0]])
    with pytest.raises(DataError, match=re.escape(
            "transition target: the Series must be indexed by the councils' ONS codes, each "
            "once; missing [], extra []")):
        transition(twice, "baseline", plan, la)
    negative = pd.Series([1.0, -2.0, 1.0], index=la.codes)
    with pytest.raises(DataError, match=re.escape(
            "transition baseline: E06900001 Council 1 has -2.0; amounts must be finite and not "
            "negative")):
        transition(formula_for([0.5, 0.5]), negative, plan, la)
    nan = pd.Series([1.0, 2.0, np.nan], index=la.codes)
    with pytest.raises(DataError, match=re.escape("E06900002 Council 2 has nan")):
        transition(nan, "baseline", plan, la)


SCENARIO = {
    "header": {"title": "Phase in", "assumes": "preset weights"},
    "target": {"name": "Half and half", "indicators": [
        {"name": "a", "column": "x0", "weight": 0.5}, {"name": "b", "column": "x1",
                                                       "weight": 0.5}]},
    "years": YEARS, "phasing": [0.5, 1.0],
}


def test_transition_scenario_plan_and_run() -> None:
    la = _la()
    sc = TransitionScenario.model_validate({**SCENARIO, "baseline": {"column": "baseline"},
                                            "pot": 1000, "floor": -0.05})
    plan = sc.plan()
    assert plan.years == tuple(YEARS) and [p.in_pounds() for p in plan.pots] == [1000, 1000]
    assert plan.phasing == (0.5, 1.0) and plan.floor == -0.05 and plan.tolerance == 0.005
    res = sc.run(la)
    assert res.title == "Phase in" and res.baseline_label == "column baseline"
    assert res.target_label == "Half and half"
    assert res.amount_pence.tolist() == [[12_450, 21_050, 66_500], [14_778, 22_047, 63_175]]
    pots = TransitionScenario.model_validate({**SCENARIO, "baseline": {"column": "baseline"},
                                              "pots": [1000, 2000], "tolerance": 0.01})
    assert [p.in_pounds() for p in pots.plan().pots] == [1000, 2000]
    assert pots.plan().tolerance == 0.01
    assert pots.run(la).amount_pence.sum(axis=1).tolist() == [100_000, 200_000]
    with pytest.raises(Exception, match=re.escape(
            "give one pot for every year (pot) or one per year (pots)")):
        TransitionScenario.model_validate({**SCENARIO, "baseline": {"column": "baseline"}})
    # a formula baseline is allocated at the first year's pot, or its own total
    by_formula = {"formula": {"name": "Equal x0", "indicators": [
        {"name": "a", "column": "x0", "weight": 1.0}]}}
    own = TransitionScenario.model_validate({**SCENARIO, "baseline": by_formula,
                                             "pots": [1000, 1000]}).run(la)
    assert own.baseline.tolist() == [250.0, 250.0, 500.0]
    assert own.baseline_label == "Equal x0"
    total = TransitionScenario.model_validate({**SCENARIO, "pot": 1000,
                                               "baseline": {**by_formula, "total": 400}}).run(la)
    assert total.baseline.tolist() == [100.0, 100.0, 200.0]


def test_allocation_scenario() -> None:
    la = _la()
    base = {"header": {"title": "Grant", "assumes": "weights"}, "total": 1000,
            "formula": {"name": "Half and half", "indicators": [
                {"name": "a", "column": "x0", "weight": 0.5},
                {"name": "b", "column": "x1", "weight": 0.5}]}}
    plain = AllocationScenario.model_validate(base).run(la)
    assert plain.amount_pence[0].tolist() == [27_500, 27_500, 45_000]
    dated = AllocationScenario.model_validate({**base, "year": "2026-27"}).run(la)
    assert dated.year == "2026-27"
    assert dated.amount_pence[0].tolist() == [27_500, 27_500, 45_000]
    assert plain.year != "2026-27"
    capped = AllocationScenario.model_validate({
        **base, "transforms": {"b": {"cap": 3.0}}})
    names = [i.name for i in capped.full_formula().indicators]
    assert names == ["a", "b"] and capped.full_formula().indicators[1].transform is not None
    assert capped.full_formula().indicators[0].transform is None
    # x1 capped at 3: shares of b become 1/3 each, so 0.5 x (.25, .25, .5) + 0.5 x (1/3 ...)
    np.testing.assert_allclose(capped.run(la).amount_pence[0],
                               [12_500 + 16_667, 12_500 + 16_667, 25_000 + 16_666], atol=1)
    with pytest.raises(Exception, match=re.escape(
            "transforms name unknown indicator(s) ['c']; the formula has ['a', 'b']")):
        AllocationScenario.model_validate({**base, "transforms": {"c": {"cap": 3.0}}})


def test_years_to_converge_and_ceilings_by_hand() -> None:
    # council 2 falls 5% a year from 631.75 and is within 0.5% of 450 after
    # ceil(log(452.25 / 631.75) / log(0.95)) = 7 more years: 9 in all, and the gainers with it
    assert _floored().to_frame()["years_to_converge"].tolist() == [9.0] * 6
    assert _floored().slowest() == ("Council 0", 9.0)
    assert _plain().to_frame()["years_to_converge"].tolist() == [2.0] * 6
    la = _la()
    base = pd.Series([100.0, 200.0, 700.0], index=la.codes, name="now")
    target = pd.Series([3.0, 3.0, 4.0], index=la.codes, name="need")
    # halfway aims 200, 250, 550; council 0 held at +80% (180), its 20 going to council 1
    capped = transition(target, base, TransitionPlan(years=["2026-27"], pots=[1000],
                                                     phasing=[0.5], ceiling=0.8), la)
    frame = capped.to_frame()
    assert frame["amount"].tolist() == [180.0, 270.0, 550.0]
    assert frame["ceiling_bound"].tolist() == [True, False, False]
    assert frame["years_to_converge"].tolist() == [2.0] * 3
    lines = capped.summary().splitlines()
    assert lines[1] == "  phasing 0.5; floor none; ceiling +80.0% (cash terms)"
    assert lines[2] == ("  2026-27: pot £1.0k; 0 councils at the floor, 1 at a ceiling; gains "
                        "scaled by 1.4000")
    assert lines[3] == (
        "  WARNING: the floors make the target unreachable in 1 year(s): after 1 year(s) only 0 "
        "of 3 councils are within 0.5% of target; Council 0 would need 2 years (continuing at "
        "the last year's pot and floors)")
    # at +50% and halfway phasing council 0 never reaches its target
    never = transition(target, base, TransitionPlan(years=["2026-27"], pots=[1000],
                                                    phasing=[0.5], ceiling=0.5), la)
    assert never.to_frame()["amount"].tolist() == [150.0, 300.0, 550.0]
    assert never.summary().splitlines()[-1].endswith(
        "only 1 of 3 councils are within 0.5% of target; Council 0 would never get there at "
        "these floors (continuing at the last year's pot and floors)")
    assert never.slowest() == ("Council 0", float("inf"))


def test_tolerance_shown_in_whole_percent() -> None:
    la = _la()
    base = pd.Series([100.0, 200.0, 700.0], index=la.codes, name="now")
    target = pd.Series([3.0, 3.0, 4.0], index=la.codes, name="need")
    res = transition(target, base, TransitionPlan(years=["2026-27"], pots=[1000],
                                                  phasing=[1.0], tolerance=0.01), la)
    assert res.summary().splitlines()[-1] == (
        "  after 1 year(s) all 3 councils are within 1% of target")
    # 1% of target plus a penny counts as there
    assert res.within_tolerance().tolist() == [[True] * 3]
