"""Kill tests for the windfall tax: the national sums and the council split worked by hand.

Case A (the run below): revenue £1,000, 60% from children's homes (margin 30%) and 40%
fostering (margin 20%) over a normal 10%: excess profit 600 x 0.2 + 400 x 0.1 = £160; a 50%
rate on 2 years raises £160. A 10% exit loses 60 / (2 x 52) home and 40 / (1 x 52) foster
placements a year; re-provided at £3 (home, price £2) and £1.50 (foster, price £1) a week
they cost 30 + 20 = £50 a year, £100 over 2 years: net +£60; break-even exit 160 / 1,000.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest

from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.errors import DataError
from fundmodel.parameters import shipped
from fundmodel.scenarios.debate.common import gbp
from fundmodel.scenarios.debate.windfall_tax import (
    WindfallTaxResult,
    WindfallTaxScenario,
    national_sums,
)
from fundmodel.testing import synthetic_authorities

HEADER = {"title": "WT", "assumes": "a"}
EQUAL = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}
CASE_A = dict(revenue=1000.0, share_homes=0.6, margin_homes=0.3, margin_ifa=0.2,
              normal_margin=0.1, tax_rate=0.5, base_years=2.0, exit_share=0.1, price_home=2.0,
              price_ifa=1.0, reprovision_home=3.0, reprovision_foster=1.5,
              displacement_years=2.0)
KEYS = ["excess_profit", "tax_raised", "placements_at_risk_homes", "placements_at_risk_foster",
        "placements_at_risk", "extra_cost_home", "extra_cost_foster", "extra_cost_per_year",
        "extra_cost_total", "net_fiscal_effect", "breakeven_exit_share"]


def _councils() -> Authorities:
    frame = synthetic_authorities([[1.0], [1.0], [2.0], [0.0]]).to_frame()
    frame["ro3_lac_residential_net_2024_25"] = [100.0, 300.0, 0.0, np.nan]
    frame["ro3_lac_fostering_net_2024_25"] = [0.0, 200.0, 200.0, 50.0]
    return authorities_from_frame(frame)


def _run(**over: float) -> WindfallTaxResult:
    kw = {**CASE_A, **over}
    s = WindfallTaxScenario(header=HEADER, formula=EQUAL, missing="exclude", draws=20, **kw)
    return s.run(_councils())


def test_national_sums_three_cases_by_hand() -> None:
    # A as above; B: homes margin under normal (no excess), no exit, a 1-year base;
    # C: a zero rate (so no exit) and re-provision no dearer: never breaks even
    cases = {k: np.array([CASE_A[k]] * 3) for k in CASE_A}
    cases["margin_homes"][1] = 0.05
    cases["exit_share"][1] = 0.0
    cases["base_years"][1] = 1.0
    cases["tax_rate"][2] = 0.0
    cases["reprovision_home"][2] = 1.0
    cases["reprovision_foster"][2] = 1.0
    cases["displacement_years"][2] = 3.0
    out = national_sums(cases)
    assert list(out) == [*KEYS, "displacement_years"]
    want = {
        "excess_profit": [160.0, 40.0, 160.0],
        "tax_raised": [160.0, 20.0, 0.0],
        "placements_at_risk_homes": [60 / 104, 0.0, 0.0],
        "placements_at_risk_foster": [40 / 52, 0.0, 0.0],
        "placements_at_risk": [60 / 104 + 40 / 52, 0.0, 0.0],
        "extra_cost_home": [30.0, 0.0, 0.0],
        "extra_cost_foster": [20.0, 0.0, 0.0],
        "extra_cost_per_year": [50.0, 0.0, 0.0],
        "extra_cost_total": [100.0, 0.0, 0.0],
        "net_fiscal_effect": [60.0, 20.0, 0.0],
        # B: no exit, so per unit of exit 600 x (3/2 - 1) + 400 x (1.5/1 - 1) = 500 a year,
        # over 2 years
        "breakeven_exit_share": [0.16, 20 / 1000, math.inf],
        "displacement_years": [2.0, 2.0, 3.0],
    }
    for k, v in want.items():
        assert out[k].tolist() == pytest.approx(v), k


def test_no_warnings_when_nothing_exits_or_re_provision_costs_the_same() -> None:
    # D: no exit and re-provision at the same price: nothing to set against the tax
    case = {k: np.array([v]) for k, v in CASE_A.items()}
    case["exit_share"] = np.array([0.0])
    case["reprovision_home"] = np.array([2.0])
    case["reprovision_foster"] = np.array([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = national_sums(case)
    assert out["breakeven_exit_share"].tolist() == [math.inf]
    assert out["net_fiscal_effect"].tolist() == [160.0]


def test_council_frame_by_hand() -> None:
    # tax £160 by x0 (1, 1, 2, 0): 40, 40, 80, 0; homes cost £30 by residential spend
    # (100, 300, 0; council 3 has none and is left out): 7.5, 22.5, 0; fostering £20 by
    # (0, 200, 200): 0, 10, 10; net over 2 years 40 - 15, 40 - 65, 80 - 20
    r = _run()
    f = r.to_frame()
    assert list(f.columns) == [
        "code", "name", "region", "tax_funding", "extra_cost_per_year", "net_fiscal_effect",
        "net_low", "net_high", "residential_share", "fostering_share", "included", "note",
        "inputs_are_assumptions"]
    assert f["code"].tolist() == [f"E06{900000 + i:06d}" for i in range(4)]
    assert f["name"].tolist() == [f"Council {i}" for i in range(4)]
    assert f["region"].tolist() == r.authorities.regions.tolist()
    assert f["tax_funding"].tolist() == [40.0, 40.0, 80.0, 0.0]
    assert f["extra_cost_per_year"].tolist()[:3] == [7.5, 32.5, 10.0]
    assert f["net_fiscal_effect"].tolist()[:3] == [25.0, -25.0, 60.0]
    assert f["net_low"].tolist()[:3] == pytest.approx([25.0, -25.0, 60.0])
    assert f["net_high"].tolist()[:3] == pytest.approx([25.0, -25.0, 60.0])
    for col in ("extra_cost_per_year", "net_fiscal_effect", "net_low", "net_high"):
        assert math.isnan(f[col].iloc[3]), col
    assert f["residential_share"].tolist() == [0.25, 0.75, 0.0, 0.0]
    assert f["fostering_share"].tolist() == [0.0, 0.5, 0.5, 0.0]
    assert f["included"].tolist() == [True, True, True, False]
    assert f["note"].tolist() == ["", "", "", "ro3_lac_residential_net_2024_25 missing"]
    assert f["inputs_are_assumptions"].all()
    assert r.net_pence().tolist()[:3] == [2500, -2500, 6000]
    amounts = r.council_amounts()
    assert amounts.name == "WT"
    assert amounts.index.tolist() == ["E06900000", "E06900001", "E06900002"]
    assert amounts.tolist() == [25.0, -25.0, 60.0]
    assert repr(r) == "WindfallTaxResult('WT', tax=160)"


def test_net_pence_rounds_the_cost_over_the_years() -> None:
    r = _run(displacement_years=1.5)
    # cost a year 750, 3,250, 1,000 pence; x 1.5 = 1,125, 4,875, 1,500 pence
    assert r.net_pence().tolist()[:3] == [4000 - 1125, 4000 - 4875, 8000 - 1500]


def test_missing_spend_is_an_error_by_default() -> None:
    s = WindfallTaxScenario(header=HEADER, formula=EQUAL, draws=5, **CASE_A)
    with pytest.raises(DataError, match=r"windfall tax, 2024-25 placement spend: values missing "
                       r"for 1 council\(s\): E06900003 Council 3 "
                       r"\(ro3_lac_residential_net_2024_25 missing\)"):
        s.run(_councils())


def test_national_table_central_and_constant_draws() -> None:
    n = _run().national()
    assert list(n.columns) == ["central", "low", "median", "high"]
    assert n.index.tolist() == KEYS  # displacement_years is an input, not a measure
    assert n.loc["tax_raised"].tolist() == pytest.approx([160.0] * 4)
    assert n.loc["net_fiscal_effect"].tolist() == pytest.approx([60.0] * 4)
    assert n.loc["breakeven_exit_share"].tolist() == pytest.approx([0.16] * 4)
    assert n.loc["extra_cost_total"].tolist() == pytest.approx([100.0] * 4)


def test_national_interval_ignores_infinite_break_even_draws() -> None:
    r = _run()
    draws = {k: np.full(5, v[0]) for k, v in r.draws.items()}
    draws["breakeven_exit_share"] = np.array([0.1, np.inf, 0.3, np.inf, 0.2])
    n = dataclasses.replace(r, draws=draws).national()
    # the finite draws 0.1, 0.2, 0.3: 5th percentile 0.11, median 0.2, 95th 0.29
    assert n.loc["breakeven_exit_share"].tolist() == pytest.approx([0.16, 0.11, 0.2, 0.29])
    draws["breakeven_exit_share"] = np.full(5, np.inf)
    n = dataclasses.replace(r, draws=draws).national()
    row = n.loc["breakeven_exit_share"].tolist()
    assert row[0] == 0.16 and all(math.isnan(v) for v in row[1:])


def test_summary_lines_with_user_inputs() -> None:
    lines = _run().summary().splitlines()
    assert lines[0] == ("WT: ASSUMED inputs throughout (revenue, normal margin, rate, exit: "
                        "windfall_tax.yaml, assumption: true)")
    assert lines[1].startswith("  taxed revenue £1.0k (")
    assert "0% of the £5.7bn England market (windfall_tax.yaml#cma_market_size_england)" in (
        lines[1])
    assert "margins 30.0% homes, 20.0% fostering (CMA: " in lines[1]
    assert "over a normal 10% (" in lines[1]
    assert lines[2] == ("  tax raised (one-off, rate 50% on 2 year(s)): £160.00 (90% interval "
                        "£160.00 to £160.00)")
    assert lines[3].startswith("  placements at risk (exit 10%, ")
    assert lines[3].endswith("): 1 (90% interval 1 to 1)")
    assert lines[4].startswith("  extra placement cost a year: £50.00 (90% interval £50.00 to "
                               "£50.00) (re-provision at £3/week, ")
    assert lines[5] == ("  net fiscal effect over 2 year(s): £60.00 (90% interval £60.00 to "
                        "£60.00)")
    assert lines[6] == ("  break-even exit share (tax = extra cost): 16.0% (90% interval 16.0% "
                        "to 16.0%)")
    critic = shipped("windfall_tax")["exit_share"].source.cite()
    assert lines[7] == ("  critics: Children England warns of 'Southern Cross'-style collapses "
                        f"({critic})")
    assert lines[8] == ("  per council: tax funds 3 councils' share by x0; extra costs by RO3 "
                        "2024-25 residential and fostering spend")
    assert lines[9].startswith("  sources: ")
    sources = lines[9].removeprefix("  sources: ").split("; ")
    assert sources.count(critic) == 1  # cited once though two records name it
    assert any("RO3" in s for s in sources)


def test_summary_with_the_shipped_records() -> None:
    rec = shipped("windfall_tax")
    s = WindfallTaxScenario(header=HEADER, formula=EQUAL, missing="exclude", draws=200)
    r = s.run(_councils())
    text = r.summary()
    revenue = rec["largest_providers_revenue"].in_pounds()
    share = revenue / rec["cma_market_size_england"].in_pounds()
    assert (f"taxed revenue £{revenue / 1e6:.1f}m (windfall_tax.yaml#largest_providers_revenue),"
            f" {100 * share:.0f}% of the £5.7bn England market") in text
    m_h, m_f = rec["cma_margin_childrens_homes"].value, rec["cma_margin_ifa"].value
    assert (f"margins {100 * m_h:.1f}% homes, {100 * m_f:.1f}% fostering (CMA: "
            "windfall_tax.yaml#cma_margin_childrens_homes, windfall_tax.yaml#cma_margin_ifa) "
            f"over a normal {100 * rec['normal_margin'].value:.0f}% "
            "(windfall_tax.yaml#normal_margin)") in text
    assert f"(exit {100 * rec['exit_share'].value:.0f}%, windfall_tax.yaml#exit_share)" in text
    assert "windfall_tax.yaml#reprovision_weekly_price_home)" in text
    for p in s.parameters():
        assert p.cite() in text
    # money inputs in £m are drawn in pounds too: each interval holds its central value
    n = r.national()
    for k in ("excess_profit", "tax_raised", "extra_cost_per_year", "placements_at_risk"):
        central, low, mid, high = n.loc[k].tolist()
        assert low <= central <= high and low <= mid <= high, k
        assert high < 20 * central, k
    assert n.loc["tax_raised", "low"] > 1e6
    be = n.loc["breakeven_exit_share"].tolist()
    assert (f"  break-even exit share (tax = extra cost): {100 * be[0]:.1f}% (90% interval "
            f"{100 * be[1]:.1f}% to {100 * be[3]:.1f}%)") in text.splitlines()
    tax = n.loc["tax_raised"].tolist()
    assert tax[1] < tax[2] < tax[3]  # the draws spread
    assert f"{gbp(tax[0])} (90% interval {gbp(tax[1])} to {gbp(tax[3])})" in text


def test_html_rows() -> None:
    page = _run()._repr_html_()
    assert "<strong>WT</strong>" in page
    for label, value in [("excess profit", "£160.00"), ("tax raised", "£160.00"),
                         ("placements at risk homes", "0.577"),
                         ("placements at risk foster", "0.769"), ("placements at risk", "1.35"),
                         ("extra cost per year", "£50.00"), ("net fiscal effect", "£60.00"),
                         ("breakeven exit share", "0.16"), ("displacement years", "2")]:
        assert f"<td>{label}</td><td style='text-align:right'>{value}</td>" in page, label
    assert "<li>  net fiscal effect over 2 year(s): £60.00" in page
    assert "ASSUMED inputs throughout" not in page  # the title line is not repeated


def test_inputs_and_parameters() -> None:
    s = WindfallTaxScenario(header=HEADER)
    names = ["revenue", "share_homes", "margin_homes", "margin_ifa", "normal_margin",
             "tax_rate", "base_years", "exit_share", "price_home", "price_ifa",
             "reprovision_home", "reprovision_foster", "displacement_years"]
    assert list(s.inputs()) == names
    assert s.parameters() == [getattr(s, k) for k in names]


def test_summary_percentages_round_as_shown() -> None:
    r = _run(margin_homes=0.95, margin_ifa=0.9, normal_margin=0.6, tax_rate=0.9,
             exit_share=0.9)
    lines = r.summary().splitlines()
    assert "margins 95.0% homes, 90.0% fostering (CMA: " in lines[1]
    assert "over a normal 60% (" in lines[1]
    assert lines[2].startswith("  tax raised (one-off, rate 90% on 2 year(s)): ")
    assert lines[3].startswith("  placements at risk (exit 90%, ")


def test_a_zero_money_input_runs() -> None:
    r = _run(revenue=0.0)
    assert r.central["tax_raised"] == 0.0 and r.central["extra_cost_total"] == 0.0
    assert r.funds_pence.tolist() == [0, 0, 0, 0]
