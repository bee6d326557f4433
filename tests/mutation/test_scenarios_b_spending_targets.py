"""Kill tests for spending targets, the spending result, the cube helpers, the RO3
substitution rule and the GDP deflator, on the hand-built analysis of
``test_scenarios_b_spending_analysis`` and small made-up arrays.

Target 30% non-statutory in 2024-25 (focus 25, 20, 10 of totals 125, 80, 100): moving
0.3 x total - focus = 12.50, 4.00, 20.00 within budgets, or adding that / 0.7 = 17.86,
5.71, 28.57 of new money (£36.50 and £52.14 in all). The ask: £60 over two years by equal
shares, £10 a council a year: it covers only Beta's add.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fundmodel.errors import FormulaError, ScenarioError
from fundmodel.scenarios.family_help.model import InvestmentScenario
from fundmodel.scenarios.family_help.result import InvestmentResult
from fundmodel.scenarios.spending.cube import (
    _ABSENT,
    _aggregate_entities,
    _Cube,
    _gap_reasons,
    _notes,
    _pence,
    _take,
)
from fundmodel.scenarios.spending.scenario import SpendingResult, SpendingScenario
from fundmodel.scenarios.spending.substitute import apply_substitutions, substitution_table
from fundmodel.scenarios.spending.targets import _target_parameter
from fundmodel.scenarios.spending.taxonomy import Taxonomy, load_taxonomy
from fundmodel.testing import synthetic_authorities

sys.path.insert(0, str(Path(__file__).parent))
from test_scenarios_b_spending_analysis import CODES, hand_analysis

NAN = math.nan
ABSENT = _ABSENT
X0 = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}


def _ask() -> InvestmentResult:
    s = InvestmentScenario(header={"title": "Ask", "assumes": "a"}, headline=60,
                           phasing="headline_even", first_year="2024-25", even_years=2,
                           distribution={"method": "formula", "formula": X0})
    return s.run(synthetic_authorities([[1.0], [1.0], [1.0]]))


def _close(values: list[float], want: list[float]) -> None:
    assert len(values) == len(want), (values, want)
    for v, w in zip(values, want, strict=True):
        assert (math.isnan(v) and math.isnan(w)) or v == pytest.approx(w), (values, want)


def test_target_check_frame_by_hand() -> None:
    tc = hand_analysis().target_check(30, asks=(_ask(),))
    assert tc.period == "2024-25"
    assert tc.move_pence.tolist() == [1250, 400, 2000]
    assert tc.add_pence.tolist() == [1786, 571, 2857]
    assert tc.move_total == 36.5 and tc.add_total == 52.14
    assert tc.below.tolist() == [True, True, True]
    f = tc.to_frame()
    assert list(f.columns) == ["code", "name", "region", "focus_spend", "total", "share_pct",
                               "target_pct", "move_needed", "add_needed", "ask_per_year",
                               "ask_covers_add"]
    assert f.attrs == {"period": "2024-25", "focus": "non_statutory", "ask": "Ask"}
    assert f["code"].tolist() == CODES.tolist()
    assert f["focus_spend"].tolist() == [25.0, 20.0, 10.0]
    assert f["total"].tolist() == [125.0, 80.0, 100.0]
    assert f["share_pct"].tolist() == [20.0, 25.0, 10.0]
    assert f["target_pct"].tolist() == [30.0] * 3
    assert f["move_needed"].tolist() == [12.5, 4.0, 20.0]
    assert f["add_needed"].tolist() == [17.86, 5.71, 28.57]
    assert f["ask_per_year"].tolist() == [10.0, 10.0, 10.0]
    assert f["ask_covers_add"].tolist() == [False, True, False]
    assert tc.ask_per_year() == [("Ask", 60.0, 30.0)]


def test_target_check_summary_by_hand() -> None:
    tc = hand_analysis().target_check(30, asks=(_ask(),))
    lines = tc.summary().splitlines()
    assert lines[0] == ("Target 30% non_statutory share (user (2026), value supplied by the "
                        "user (formula or scenario file)), 2024-25: 3 of 3 councils below")
    assert lines[1] == ("  move within budgets £36.50; or add £52.14 a year of new "
                        "non_statutory money")
    assert lines[2] == ("  vs Ask: £60.00 headline, £30.00 a year on average; the add is "
                        "1.74x a year of it")
    assert lines[3] == "  the Ask average year covers the add in 1 of 3 councils below target"
    assert len(lines) == 4


def test_target_check_with_a_gap_and_no_asks() -> None:
    # 2022-23: Gamma has no figures; Alpha (20%) and Beta (50%) against 25%
    tc = hand_analysis().target_check(25, "2022-23", asks=())
    assert tc.has_data.tolist() == [True, True, False]
    assert tc.below.tolist() == [True, False, False]
    f = tc.to_frame()
    assert "ask_per_year" not in f.columns and f.attrs["ask"] == ""
    _close(f["move_needed"].tolist(), [5.0, 0.0, NAN])
    _close(f["add_needed"].tolist(), [6.67, 0.0, NAN])  # 5 / 0.75, to the penny
    assert tc.move_total == 5.0
    assert tc.summary().splitlines() == [
        "Target 25% non_statutory share (user (2026), value supplied by the user (formula or "
        "scenario file)), 2022-23: 1 of 2 councils below",
        "  move within budgets £5.00; or add £6.67 a year of new non_statutory money"]
    zero = hand_analysis().target_check(0, asks=())
    assert zero.add_total == 0.0 and not zero.below.any()


def test_target_parameter_checks() -> None:
    assert _target_parameter(5).value == 5.0
    with pytest.raises(FormulaError, match="target share must be at least 0 and below 1"):
        _target_parameter(100)
    with pytest.raises(FormulaError, match="target share must be at least 0 and below 1"):
        hand_analysis().target_check(-1, asks=())


def _result(**over: object) -> SpendingResult:
    a = hand_analysis()
    kw: dict[str, object] = dict(header={"title": "Hand", "assumes": "a"}, targets=(30,),
                                 deflator=None, dataset="ro3", taxonomy="statutory")
    kw.update(over)
    s = SpendingScenario(**kw)  # type: ignore[arg-type]
    checks = tuple(a.target_check(t, s.end, asks=(_ask(),)) for t in s.targets)
    return SpendingResult(scenario=s, analysis=a, change=a.share_change(s.start, s.end),
                          targets=checks, elasticities=a.elasticities("cla", None, s.start,
                                                                      s.end))


def test_spending_result_frame_by_hand() -> None:
    r = _result()
    f = r.to_frame()
    assert list(f.columns) == ["code", "name", "region", "share_start", "share_end",
                               "change_pp", "rank", "direction", "gap", "total_growth_pct",
                               "move_to_30pct", "add_to_30pct", "demand_growth_pct",
                               "elasticity", "elasticity_stable"]
    assert f["code"].tolist() == ["E06900001", "E06900000", "E06900002"]  # by rank
    _close(f["total_growth_pct"].tolist(), [-20, 25, NAN])
    _close(f["move_to_30pct"].tolist(), [4.0, 12.5, 20.0])
    _close(f["add_to_30pct"].tolist(), [5.71, 17.86, 28.57])
    _close(f["demand_growth_pct"].tolist(), [-20, 10, 0])
    _close(f["elasticity"].tolist(), [1.0, math.log(1.25) / math.log(1.1), NAN])
    assert f["elasticity_stable"].tolist() == [True, True, False]
    a = r.council_amounts()
    assert a.name == "add to reach 30%"
    assert a.to_dict() == {"E06900000": 17.86, "E06900001": 5.71, "E06900002": 28.57}
    assert repr(r) == "SpendingResult('Hand', councils=3)"


def test_spending_result_window_follows_the_scenario() -> None:
    r = _result(start="2023-24")
    f = r.to_frame().set_index("code")
    assert r.change.attrs["start"] == "2023-24"
    _close(f["total_growth_pct"].tolist(), [100 * (80 / 120 - 1), 0, 25])
    assert f.loc["E06900000", "direction"] == "rose"


def test_spending_result_summary_and_html() -> None:
    r = _result()
    text = r.summary()
    lines = text.splitlines()
    assert lines[0] == "Hand"
    assert lines[1].startswith("Statutory vs non-statutory (Case for Change) (ro3, "
                               "2022-23..2024-25): non_statutory share 35.0% -> 18.0%")
    assert "Target 30% non_statutory share" in text
    assert lines[-1] == ("  spend/demand (cla) ratio, median over 2 stable councils: 1.67 "
                         "(descriptive, not causal)")
    page = r._repr_html_()
    assert page.startswith("<div><strong>Hand</strong><p>Hand</p><ul>")
    assert "<li>spend/demand (cla) ratio, median over 2 stable councils: 1.67" in page
    none = _result(targets=())
    with pytest.raises(ScenarioError, match=r"^the scenario has no targets, so no council "
                       r"amounts$"):
        none.council_amounts()
    assert list(none.to_frame().columns)[10:] == ["demand_growth_pct", "elasticity",
                                                   "elasticity_stable"]


def test_scenario_fields() -> None:
    s = SpendingScenario(header={"title": "t", "assumes": "a"}, taxonomy="statutory")
    t = s.resolved_taxonomy()
    assert isinstance(t, Taxonomy) and t.name == "statutory"
    inline = load_taxonomy("prevention")
    assert SpendingScenario(header={"title": "t", "assumes": "a"},
                            taxonomy=inline).resolved_taxonomy() is inline
    with pytest.raises(ValueError, match="not a financial year label"):
        SpendingScenario(header={"title": "t", "assumes": "a"}, start="2016-2017")
    with pytest.raises(ValueError, match="the window runs backwards or is empty: start "
                       "2020-21 is not before end 2020-21"):
        SpendingScenario(header={"title": "t", "assumes": "a"}, start="2020-21",
                         end="2020-21")
    with pytest.raises(ValueError, match="must be a percentage in"):
        SpendingScenario(header={"title": "t", "assumes": "a"}, targets=(100,))


def test_gap_reasons_by_hand() -> None:
    values = np.array([[[1.0, NAN]], [[NAN, NAN]]])  # 2 lines, 1 council, 2 years
    flags = np.array([[["", "suppressed"]], [["", "authority did not exist"]]], dtype=object)
    out = _gap_reasons(("a", "b"), values, flags)
    assert out.tolist() == [["b: empty in source",
                             "a: suppressed; b: authority did not exist"]]
    full = _gap_reasons(("a",), np.ones((1, 1, 2)), np.full((1, 1, 2), "", dtype=object))
    assert full.tolist() == [["", ""]]


def test_cube_notes_by_hand() -> None:
    empty = pd.DataFrame(columns=["code", "period", "lines_sum", "published_total"])
    ro3 = _notes("ro3", empty)
    assert ro3 == (
        "RO3 lines are NET current expenditure (after income); s251 lines are gross",
        "per child: mid-year population at the start of the financial year (mid-2016 for "
        "2016-17)",
        "RO3 national rows sum the councils' returns; MHCLG's England row also holds its "
        "estimates for councils that did not submit (data_report.md)")
    recon = pd.DataFrame({"code": ["E06000001"], "period": ["2020-21"],
                          "lines_sum": [1500.0], "published_total": [1600.0]})
    s251 = _notes("s251_history", recon)
    assert s251[0] == ("s251 lines are GROSS expenditure, RO3 lines NET of income: shares "
                       "differ between them")
    assert len(s251) == 3
    assert s251[2] == ("E06000001 2020-21: the mapped lines sum to £1,500.0, the published "
                       "total is £1,600.0 (as published; fundmodel uses the lines)")


def test_aggregate_entities_and_pence() -> None:
    keep = _aggregate_entities(("A", "B", "OLD", "GONE"), np.array(["A", "B"]),
                               {"OLD": ("A", "B"), "GONE": ("A", "C")})
    assert keep.dtype == bool and keep.tolist() == [True, True, True, False]
    assert _pence(np.array([1.234, NAN, 2.0])).tolist() == [123, 0, 200]
    with pytest.raises(FormulaError, match=r"^spend is £"):
        _pence(np.array([1e300]))


def test_take_rows_and_flags_by_code() -> None:
    cube = _Cube(measures=("m",), codes=("A", "B"), periods=("p1", "p2"),
                 values=np.array([[[1.0, 2.0], [3.0, NAN]]]),
                 flags=np.array([[["fa1", "fa2"], ["fb1", "fb2"]]], dtype=object))
    values, flags = _take(cube, np.array(["B", "Z", "A"]))
    _close(values[0].ravel().tolist(), [3.0, NAN, NAN, NAN, 1.0, 2.0])
    assert flags[0].tolist() == [["fb1", "fb2"], [ABSENT, ABSENT], ["fa1", "fa2"]]


def test_substitution_table_for_the_documented_council() -> None:
    t = substitution_table(["E08000012", "E06000001"], ("2023-24", "2024-25"))
    assert list(t.columns) == ["code", "period", "line", "s251", "ro3", "reason"]
    assert t[["code", "period", "line"]].to_dict("records") == [
        {"code": "E08000012", "period": "2024-25", "line": "s251_lac"}]
    assert t["reason"].tolist() == [
        "flagged year_on_year and source_agreement:ro3_lac_net; RO3 (net) used instead of "
        "s251 (gross) under substitute_ro3"]
    assert round(float(t["s251"].iloc[0]) / 1e6, 1) == 50.6
    none = substitution_table(["E06000001"], ("2024-25",))
    assert none.empty and list(none.columns) == ["code", "period", "line", "s251", "ro3",
                                                 "reason"]


def test_substitution_skips_a_council_year_without_ro3(monkeypatch: pytest.MonkeyPatch) -> None:
    import fundmodel.data.series as series

    real = series.load_series()
    drop = (real["code"] == "E08000012") & (real["measure"] == "ro3_lac_net")
    monkeypatch.setattr(series, "load_series", lambda: real[~drop])
    t = substitution_table(["E08000012"], ("2024-25",))
    assert t.empty and list(t.columns)[-1] == "reason"


def test_apply_substitutions_by_hand() -> None:
    values = np.arange(12, dtype=float).reshape(2, 2, 3)  # lines x codes x periods
    table = pd.DataFrame([{"code": "B", "period": "p2", "line": "s251_lac", "s251": 0.0,
                           "ro3": 99.0, "reason": "r"},
                          {"code": "Z", "period": "p2", "line": "s251_lac", "s251": 0.0,
                           "ro3": 7.0, "reason": "r"}])
    out = apply_substitutions(values, ("x", "s251_lac"), ["A", "B"], ("p1", "p2", "p3"),
                              table)
    want = values.copy()
    want[1, 1, 1] = 99.0
    assert out.tolist() == want.tolist()
    assert values[1, 1, 1] == 10.0  # a copy: the input is untouched
    same = apply_substitutions(values, ("x", "y"), ["A", "B"], ("p1", "p2", "p3"), table)
    assert same.tolist() == values.tolist() and same is not values


def test_prevention_preset() -> None:
    from fundmodel.scenarios.spending.lines import (
        NAO_PREVENTIVE_SHARE_2010_11,
        PROMISE_PREVENTIVE_SHARE,
    )
    from fundmodel.scenarios.spending.scenario import prevention_scenario

    s = prevention_scenario()
    assert s.header.title == "Prevention vs late intervention, 2016-17 to 2024-25"
    assert s.header.source == NAO_PREVENTIVE_SHARE_2010_11.source
    assert s.header.assumes == (
        "the shipped 'prevention' line mapping (some lines fundmodel's reading); section 251 "
        "gross outturn in cash; targets applied to the s251 total although Scotland's 5% is "
        "of all community health and social care spend; Family Help's £2bn spread evenly over "
        "five years and distributed by the Children Act formula")
    assert s.targets == (PROMISE_PREVENTIVE_SHARE, NAO_PREVENTIVE_SHARE_2010_11)
    assert (s.taxonomy, s.dataset, s.deflator, s.demand, s.ask) == (
        "prevention", "s251", "gdp", "cla", "family_help")
