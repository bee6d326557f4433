"""RCC pooling (fundmodel.scenarios.rcc): the pooled accounts, tables, summary and HTML of
made-up councils worked by hand, the built-in memberships, and real budgets from a budget
file against the publisher's RO3 looked-after outturn.

Five councils (pounds): spend 100k, 200k, 50k, missing, 80k; column budgets 90k, 150k, 40k,
10k, 100k; North = {1, 2, 4}, South = {5}, council 3 standalone, council 4 excluded; price
reduction 5%. North pays 95k + 190k = 285k against 240k pooled: short 45k, topped up 15k and
30k by spend (1:2); South pays 76k against 100k: refund 24k.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fundmodel import authorities_from_frame
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.errors import DataError, FormulaError, ScenarioError
from fundmodel.scenarios.rcc import (
    Membership,
    RCCResult,
    RCCScenario,
    hhi,
    real_budgets,
    round_in_groups,
)
from fundmodel.scenarios.rcc.builtin import (
    CARE_REVIEW_RCC,
    GREATER_MANCHESTER,
    PATHFINDERS_2024,
    RCC20_GROUPS,
    RCC20_NOTE,
    SOUTH_EAST,
    membership_preset,
)
from fundmodel.scenarios.rcc.scenario import _demo_result

CODES = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]
NAMES = ["Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees",
         "Darlington"]


def _five(**columns: list[float]) -> Authorities:
    data = {"s251_lac_2024_25": [100_000.0, 200_000.0, 50_000.0, np.nan, 80_000.0],
            "lac_budget": [90_000.0, 150_000.0, 40_000.0, 10_000.0, 100_000.0], **columns}
    return authorities_from_frame(pd.DataFrame({
        "code": CODES, "name": NAMES, "region": "North East", "council_type": "unitary",
        **data}), require_all=False)


TWO_POOLS = {"name": "Two pools", "others": "standalone",
             "rccs": {"North": ["E06000001", "E06000002", "E06000004"], "South": ["E06000005"]}}


def _column_scenario(**changes: object) -> RCCScenario:
    fields: dict[str, object] = {
        "header": {"title": "Five councils", "assumes": "column budgets"},
        "budget_source": "assumed", "membership": TWO_POOLS, "budget_column": "lac_budget",
        "scale_savings": 0.05, "missing_spend": "exclude", **changes}
    return RCCScenario.model_validate(fields)


def _five_result() -> RCCResult:
    return _column_scenario().run(_five())


def test_to_frame_by_hand() -> None:
    frame = _five_result().to_frame()
    assert list(frame.columns) == [
        "code", "name", "region", "council_type", "rcc", "status", "spend_source", "spend",
        "budget", "contribution", "pool_pays", "settlement", "net_cost", "cross_subsidy",
        "budget_source"]
    assert frame["code"].tolist() == CODES and frame["name"].tolist() == NAMES
    assert frame["region"].tolist() == ["North East"] * 5
    assert frame["council_type"].tolist() == ["unitary"] * 5
    assert frame["rcc"].tolist() == ["North", "North", "standalone", "North", "South"]
    assert frame["status"].tolist() == ["pooled", "pooled", "standalone",
                                        "excluded (no spend figure)", "pooled"]
    assert frame["spend_source"].tolist() == ["data", "data", "data", "missing", "data"]
    assert frame["spend"].tolist() == [100_000.0, 200_000.0, 50_000.0, 0.0, 80_000.0]
    assert frame["budget"].tolist() == [90_000.0, 150_000.0, 40_000.0, 0.0, 100_000.0]
    assert frame["contribution"].tolist() == [90_000.0, 150_000.0, 0.0, 0.0, 100_000.0]
    assert frame["pool_pays"].tolist() == [95_000.0, 190_000.0, 0.0, 0.0, 76_000.0]
    assert frame["settlement"].tolist() == [15_000.0, 30_000.0, 0.0, 0.0, -24_000.0]
    assert frame["net_cost"].tolist() == [105_000.0, 180_000.0, 50_000.0, 0.0, 76_000.0]
    assert frame["cross_subsidy"].tolist() == [-10_000.0, 10_000.0, 0.0, 0.0, 0.0]
    assert frame["budget_source"].tolist() == ["column"] * 5


def test_rcc_frame_and_national_by_hand() -> None:
    res = _five_result()
    rf = res.rcc_frame()
    assert list(rf.columns) == ["rcc", "members", "pooled_budget", "member_spend", "pool_cost",
                                "shortfall", "shortfall_pct_of_spend", "break_even_savings",
                                "spend_share_pct"]
    assert rf["rcc"].tolist() == ["North", "South"]
    assert rf["members"].tolist() == [2, 1]
    assert rf["pooled_budget"].tolist() == [240_000.0, 100_000.0]
    assert rf["member_spend"].tolist() == [300_000.0, 80_000.0]
    assert rf["pool_cost"].tolist() == [285_000.0, 76_000.0]
    assert rf["shortfall"].tolist() == [45_000.0, -24_000.0]
    np.testing.assert_allclose(rf["shortfall_pct_of_spend"], [20.0, -25.0])
    np.testing.assert_allclose(rf["break_even_savings"], [0.2, -0.25])
    np.testing.assert_allclose(rf["spend_share_pct"], [100 * 300 / 430, 100 * 80 / 430])
    assert res.national() == {
        "pooled_budget": 340_000.0, "member_spend": 380_000.0, "pool_cost": 361_000.0,
        "spending_power_shortfall": 40_000.0, "shortfall_after_savings": 21_000.0,
        "top_ups": 45_000.0, "refunds": 24_000.0, "standalone_spend": 50_000.0,
        "standalone_budget": 40_000.0, "all_spend": 430_000.0}
    assert res.break_even_savings() == pytest.approx(1 - 340 / 380)
    assert res.pooled.tolist() == [True, True, False, False, True]
    assert res.net_cost_pence.tolist() == [10_500_000, 18_000_000, 5_000_000, 0, 7_600_000]
    assert res.cross_subsidy_pence.tolist() == [-1_000_000, 1_000_000, 0, 0, 0]
    assert not res.budget_is_assumed
    assert res.budget_label == "budgets from column 'lac_budget'"
    assert res.label == "Five councils"
    res.check_conservation()


def test_sweep_buyers_concentration_by_hand() -> None:
    res = _five_result()
    sweep = res.savings_sweep([0.0, 0.2])
    assert list(sweep.columns) == ["rate", "rcc", "pooled_budget", "pool_cost", "shortfall",
                                   "breaks_even"]
    assert sweep["rate"].tolist() == [0.0, 0.0, 0.0, 0.2, 0.2, 0.2]
    assert sweep["rcc"].tolist() == ["North", "South", "All RCCs"] * 2
    assert sweep["pooled_budget"].tolist() == [240_000.0, 100_000.0, 340_000.0] * 2
    np.testing.assert_allclose(sweep["pool_cost"],
                               [300_000, 80_000, 380_000, 240_000, 64_000, 304_000])
    np.testing.assert_allclose(sweep["shortfall"],
                               [60_000, -20_000, 40_000, 0, -36_000, -36_000], atol=1e-6)
    assert sweep["breaks_even"].tolist() == [False, True, False, True, True, True]
    buyers = res.buyers()
    assert list(buyers.columns) == ["buyer", "kind", "spend", "share_pct"]
    assert buyers["buyer"].tolist() == ["North", "South", "Redcar and Cleveland"]
    assert buyers["kind"].tolist() == ["RCC", "RCC", "standalone"]
    assert buyers["spend"].tolist() == [300_000.0, 80_000.0, 50_000.0]
    np.testing.assert_allclose(buyers["share_pct"], [3000 / 43, 800 / 43, 500 / 43])
    conc = res.concentration()
    assert list(conc.columns) == ["when", "buyers", "largest_share_pct", "hhi"]
    assert conc["when"].tolist() == ["before (each council)", "after pooling"]
    assert conc["buyers"].tolist() == [4, 3]
    np.testing.assert_allclose(conc["largest_share_pct"], [2000 / 43, 3000 / 43])
    before = 10_000 * (10**2 + 20**2 + 5**2 + 8**2) / 43**2
    after = 10_000 * (30**2 + 8**2 + 5**2) / 43**2
    np.testing.assert_allclose(conc["hhi"], [before, after])


def test_council_amounts_every_kind() -> None:
    res = _five_result()
    kept = ["E06000001", "E06000002", "E06000003", "E06000005"]
    expected = {"net_cost": [105_000, 180_000, 50_000, 76_000],
                "cross_subsidy": [-10_000, 10_000, 0, 0],
                "contribution": [90_000, 150_000, 0, 100_000],
                "pool_pays": [95_000, 190_000, 0, 76_000],
                "settlement": [15_000, 30_000, 0, -24_000],
                "spend": [100_000, 200_000, 50_000, 80_000],
                "budget": [90_000, 150_000, 40_000, 100_000]}
    for what, values in expected.items():
        s = res.council_amounts(what)
        assert s.index.tolist() == kept and s.tolist() == values, what
        assert s.name == "Five councils"
    assert res.council_amounts().tolist() == expected["net_cost"]
    with pytest.raises(ScenarioError, match=re.escape("unknown amount 'total'")):
        res.council_amounts("total")


def test_summary_and_html_by_hand() -> None:
    res = _five_result()
    lines = res.summary().splitlines()
    assert lines == [
        "Five councils: Two pools",
        "  2 RCC(s) pooling 3 councils; 1 standalone",
        "  excluded (no spend figure): Stockton-on-Tees",
        "  designated budgets: budgets from column 'lac_budget'",
        "  pooled budgets £340.0k vs members' actual looked-after children's spend £380.0k: "
        "spending-power shortfall £40.0k (10.5% of spend)",
        "  price reduction from scale assumed 5.0%: pool cost £361.0k, shortfall after "
        "savings £21.0k",
        "  break-even price reduction 10.5% for all RCCs (RCCs range -25.0% to 20.0%)",
        "  balances shared by spend: top-ups £45.0k, refunds £24.0k; largest cross-subsidy "
        "£10.0k",
        "  buyers 4 -> 3; HHI 3,186 -> 5,349 (0-10,000); largest buyer's share 46.5% -> 69.8%",
    ]
    page = res._repr_html_()
    assert page.startswith("<div><p>Five councils: Two pools<br>  2 RCC(s) pooling 3")
    assert "budgets from column &#x27;lac_budget&#x27;<br>" in page
    assert ("<table><thead><tr><th>RCC</th><th>members</th><th>pooled budget</th>"
            "<th>member spend</th><th>shortfall</th></tr></thead><tbody>") in page
    right = "<td style='text-align:right'>"
    assert (f"<tr><td>North</td>{right}2</td>{right}£0.2m</td>{right}£0.3m</td>"
            f"{right}£45.0k</td></tr>") in page
    assert f"{right}£45.0k</td></tr><tr><td>South</td>" in page
    assert (f"<tr><td>South</td>{right}1</td>{right}£0.1m</td>{right}£0.1m</td>"
            f"{right}-£24.0k</td></tr>") in page
    assert page.endswith(f"</tbody></table><small>fundmodel {res.version}; use .to_frame() "
                         "per council, .rcc_frame() per RCC</small></div>")
    assert repr(res) == "RCCResult('Five councils', rccs=2, pooled=3, authorities=5)"
    excluded = res.excluded
    assert list(excluded.columns) == ["code", "name", "reason"]
    assert excluded.to_dict("records") == [
        {"code": "E06000004", "name": "Stockton-on-Tees", "reason": "empty in file"}]


def test_assumed_budgets_shared_by_contribution() -> None:
    # spend 114,200 / 228,400 / 57,100 at 14.2%: budgets 100,000 / 200,000 / 50,000 exactly
    la = _five(s251_lac_2024_25=[114_200.0, 228_400.0, 57_100.0, 10.0, 20.0])
    sc = RCCScenario.model_validate({
        "header": {"title": "Assumed", "assumes": "14.2%"}, "budget_source": "assumed",
        "share_shortfall_by": "contribution", "scale_savings": 0.1,
        "membership": {"rccs": {"Pool": CODES[:2]}, "others": "standalone"}})
    res = sc.run(la)
    assert res.budget_is_assumed
    assert res.budget_pence.tolist()[:3] == [10_000_000, 20_000_000, 5_000_000]
    # pays 0.9 x spend = 102,780 + 205,560 = 308,340 against 300,000: short 8,340 shared 1:2
    assert res.pays_pence.tolist()[:2] == [10_278_000, 20_556_000]
    assert res.settlement_pence.tolist() == [278_000, 556_000, 0, 0, 0]
    assert res.to_frame()["budget_source"].tolist() == ["assumed"] * 5
    label = ("BUDGETS ASSUMED = spend / (1 + 14.2%) (" + sc.overspend_rate.label
             + ", applied to looked-after children's spend: an assumption)")
    assert res.budget_label == label
    lines = res.summary().splitlines()
    assert lines[0] == "Assumed (BUDGETS ASSUMED): custom membership"
    assert lines[1] == "  1 RCC(s) pooling 2 councils; 3 standalone"
    assert lines[2] == f"  designated budgets: {label} [{sc.overspend_rate.source.cite()}]"
    assert "balances shared by contribution: top-ups £8.3k, refunds £0.00" in lines[6]
    res.check_conservation()


def test_share_by_column_and_its_errors() -> None:
    la = _five(cla=[1.0, 3.0, 5.0, 7.0, 2.0])
    res = _column_scenario(share_shortfall_by="cla").run(la)
    # North short 45,000 shared 1:3 by children looked after: 11,250 and 33,750
    assert res.settlement_pence.tolist() == [1_125_000, 3_375_000, 0, 0, -2_400_000]
    res.check_conservation()
    gappy = _five(cla=[1.0, np.nan, 5.0, 7.0, 2.0])
    with pytest.raises(DataError, match=re.escape(
            "share_shortfall_by column 'cla' is missing for pooled council(s): "
            "E06000002 Middlesbrough")):
        _column_scenario(share_shortfall_by="cla").run(gappy)
    with pytest.raises(ScenarioError, match=re.escape(
            "share_shortfall_by: 'nope' is not 'spend', 'contribution' or a numeric column "
            "of DataFrame")):
        _column_scenario(share_shortfall_by="nope").run(la)
    zero = _five(cla=[0.0, 0.0, 5.0, 7.0, 2.0])
    with pytest.raises(ScenarioError, match=re.escape(
            "RCC 'North' has a balance of -£45,000.0 to share by 'cla', but that is zero for "
            "all its members")):
        _column_scenario(share_shortfall_by="cla").run(zero)


def test_spend_errors_and_user_values() -> None:
    la = _five()
    sc = _column_scenario(missing_spend="error")
    with pytest.raises(DataError, match=re.escape(
            "looked-after spend 's251_lac_2024_25' is missing for 1 council(s): "
            "E06000004 Stockton-on-Tees (empty in file). Supply values (spend_values: "
            "{code: pounds}) or set missing_spend: exclude to leave them out and report them")):
        sc.run(la)
    filled = _column_scenario(missing_spend="error",
                              spend_values={"E06000004": 30_000, "E06000003": 60_000}).run(la)
    frame = filled.to_frame()
    assert frame["spend_source"].tolist() == ["data", "data", "user-supplied", "user-supplied",
                                              "data"]
    assert frame["spend"].tolist() == [100_000.0, 200_000.0, 60_000.0, 30_000.0, 80_000.0]
    assert frame["status"].tolist() == ["pooled", "pooled", "standalone", "pooled", "pooled"]
    with pytest.raises(ScenarioError, match=re.escape(
            "spend_values: unknown council code(s) ['E06000009']")):
        _column_scenario(spend_values={"E06000009": 1.0}).run(la)
    negative = _five(s251_lac_2024_25=[100.0, -5.0, 1.0, 1.0, 1.0])
    with pytest.raises(DataError, match=re.escape(
            "looked-after spend 's251_lac_2024_25' for E06000002 Middlesbrough is negative "
            "(-5.0); pooling needs spend of zero or more")):
        _column_scenario().run(negative)
    no_budget = _five(lac_budget=[1.0, np.nan, 3.0, 4.0, 5.0])
    with pytest.raises(DataError, match=re.escape(
            "budget_column 'lac_budget' is missing for council(s): E06000002 Middlesbrough")):
        _column_scenario().run(no_budget)


def test_check_conservation_catches_a_leak() -> None:
    res = _five_result()
    leaky = dataclasses.replace(res, settlement_pence=res.settlement_pence + np.array(
        [1, 0, 0, 0, 0]))
    with pytest.raises(AssertionError, match=re.escape("RCC 'North': in 28500001.0p, out "
                                                       "28500000.0p")):
        leaky.check_conservation()
    stray = dataclasses.replace(res, pays_pence=res.pays_pence + np.array([0, 0, 7, 0, 0]))
    with pytest.raises(AssertionError):
        stray.check_conservation()


def test_demo_result() -> None:
    res = _demo_result()
    assert res.authorities.codes.tolist() == ["E06000001", "E06000002"]
    assert res.authorities.names.tolist() == ["Hartlepool", "Middlesbrough"]
    assert res.authorities.regions.tolist() == ["North East"] * 2
    assert res.spend_pence.tolist() == [4_000_000, 6_000_000]
    assert res.rcc_names == ("Demo",) and res.label == "Demo pool"
    assert res.scenario.assumes == "14.2% overspend" and res.budget_is_assumed
    # budgets 100,000 / 1.142 = 87,565.67 split 40:60 by largest remainder
    assert int(res.budget_pence.sum()) == 8_756_567
    assert res.budget_pence.tolist() == [3_502_627, 5_253_940]
    last = res.savings_sweep([0.2]).to_dict("records")[-1]
    assert last["rcc"] == "All RCCs" and last["shortfall"] == pytest.approx(-7_565.67)


def test_hhi() -> None:
    assert hhi(np.array([50.0, 50.0])) == 5000.0
    assert hhi(np.array([1.0, 3.0])) == pytest.approx(10_000 * (0.0625 + 0.5625))
    assert hhi(np.array([7.0])) == 10_000.0
    with pytest.raises(ScenarioError, match=r"^HHI needs positive total spend$"):
        hhi(np.array([0.0, 0.0]))


YORKS = "Yorkshire and The Humber"


def test_membership_presets() -> None:
    la = load_authorities().select(["E06000001", "E06000014", "E08000003"])
    regions = membership_preset("regions", la)
    assert regions.name == "The 9 English regions"
    assert regions.members == {"E06000001": "North East", "E06000014": YORKS,
                               "E08000003": "North West"}
    assert regions.note == "One RCC per English region, as recorded in the authority data."
    assert regions.others == "error" and regions.source is None and not regions.assumption
    embedded = membership_preset("regions")
    assert len(embedded.members) == 153 and len(embedded.rcc_names()) == 9
    rcc20 = membership_preset("rcc20")
    assert rcc20.name == "About 20 RCCs (fundmodel assumption: 20 sub-regional groups)"
    assert rcc20.source == CARE_REVIEW_RCC and rcc20.note == RCC20_NOTE and rcc20.assumption
    assert rcc20.members["E06000001"] == "North East: Tees Valley"
    assert rcc20.members["E10000032"] == "South East (Home and Future)"
    assert len(rcc20.members) == 153 and rcc20.rcc_names() == tuple(RCC20_GROUPS)
    path = membership_preset("pathfinders")
    assert path.name == "The two RCC pathfinders (Greater Manchester, South East)"
    assert path.members == {**{c: "Greater Manchester" for c in GREATER_MANCHESTER},
                            **{c: "South East (Home and Future)" for c in SOUTH_EAST}}
    assert path.others == "standalone" and path.source == PATHFINDERS_2024
    assert path.note == ("All councils outside the two pathfinders commission their own "
                         "placements.")
    assert not path.assumption
    alone = membership_preset("standalone")
    assert alone.name == "No pooling (every council its own commissioning body)"
    assert alone.members == {} and alone.others == "standalone"
    assert alone.note == "Today's arrangement: 150+ separate buyers."
    assert alone.source is None and not alone.assumption
    with pytest.raises(ScenarioError, match=re.escape(
            "unknown membership 'rcc21'; built-in: regions, rcc20, pathfinders, standalone "
            "(or give a mapping of council code to RCC name)")):
        membership_preset("rcc21")
    named = RCCScenario.model_validate({"header": {"title": "t", "assumes": "a"},
                                        "membership": "pathfinders"})
    assert named.resolved_membership(la) == path
    own = Membership(rccs={"X": CODES})
    assert RCCScenario(header={"title": "t", "assumes": "a"},  # type: ignore[arg-type]
                       membership=own).resolved_membership(la) is own


def test_membership_resolve() -> None:
    la = _five()
    m = Membership(name="M", members={"E06000005": "B", "E06000001": "A", "E06000002": "B",
                                      "E06000003": "standalone", "E06000004": "A"})
    assert m.rcc_names() == ("B", "A")
    assert m.resolve(la).tolist() == [1, 0, -1, 1, 0]
    with pytest.raises(ScenarioError, match=re.escape(
            "membership 'M' leaves out 2 council(s): E06000003 Redcar and Cleveland; "
            "E06000004 Stockton-on-Tees. Assign each to an RCC (or 'standalone'), or set "
            "others: standalone")):
        Membership(name="M", members={c: "A" for c in CODES[::4] + CODES[1:2]}).resolve(la)
    with pytest.raises(ScenarioError, match=re.escape(
            "membership 'M': unknown council code(s) ['E06000099'] (not in DataFrame)")):
        Membership(name="M", members={"E06000099": "A"}, others="standalone").resolve(la)


BUDGET_FILE = ("code,period,line,budget\nE06000001,2023-24,313,20000000\n"
               "E06000002,2023-24,lac,45000000\nE09000028,2023-24,lac,1000000\n"
               "E08000006,2023-24,lac,30000000\n")
REAL = ["E06000001", "E06000002", "E06000039", "E09000028", "E08000006"]
# MHCLG RO3 2023-24 net current expenditure on children looked after (ro3_lac_net), pounds
RO3_LAC = {"E06000001": 25_050_000.0, "E06000002": 40_063_000.0, "E08000006": 23_582_000.0}
SOUTHWARK = ("RO3 looked-after outturn is negative (-£208,000.0, net of income): a pool "
             "cannot take a negative amount")


def test_real_budgets_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(BUDGET_FILE)
    la = load_authorities().select(REAL)
    real = real_budgets("2023-24", str(path), la)
    np.testing.assert_array_equal(real.spend, [25_050_000, 40_063_000, np.nan, np.nan,
                                               23_582_000])
    np.testing.assert_array_equal(real.budget, [20_000_000, 45_000_000, np.nan, np.nan,
                                                30_000_000])
    assert real.reasons == ("", "", "no budget (not in the budget data)", SOUTHWARK, "")
    assert real.origin == (f"budget file {path} 2023-24 line 313 vs RO3 ro3_lac_net 2023-24")
    assert len(real.notes) == 1
    assert real.notes[0].startswith("uses a flagged value: Salford (E08000006) s251_lac 2023-24")
    embedded = real_budgets("2023-24", None, la)
    assert embedded.origin == ("MHCLG Revenue Account budgets 2023-24 line 313 vs RO3 "
                               "ro3_lac_net 2023-24")
    assert embedded.reasons[2] == "no budget (not_submitted)"
    for origin in (str(path), "the embedded RA budgets"):
        with pytest.raises(DataError, match=re.escape(
                f"no lac budgets for 2022-23 in {origin}: RA budgets are embedded for 2021-22, "
                "2023-24 and 2025-26, RO3 outturn for 2022-23 to 2024-25; choose period "
                "2023-24 or budget_source: assumed")):
            real_budgets("2022-23", None if origin.startswith("the") else str(path), la)


def test_real_pool_by_second_implementation(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(BUDGET_FILE)
    la = load_authorities().select(REAL)
    sc = RCCScenario.model_validate({"header": {"title": "Real", "assumes": "membership"},
                                     "budgets": str(path),
                                     "membership": {"members": {c: "All" for c in REAL}}})
    res = sc.run(la)
    frame = res.to_frame()
    spend = np.array([RO3_LAC["E06000001"], RO3_LAC["E06000002"], RO3_LAC["E08000006"]])
    budget = np.array([20e6, 45e6, 30e6])
    refund = (budget.sum() - spend.sum()) * spend / spend.sum()  # surplus back by spend
    got = frame.set_index("code").loc[["E06000001", "E06000002", "E08000006"]]
    np.testing.assert_allclose(got["net_cost"], budget - refund, atol=0.01)
    np.testing.assert_allclose(got["cross_subsidy"], spend - budget + refund, atol=0.01)
    assert frame["status"].tolist() == ["pooled", "pooled", "excluded (no budget or no outturn)",
                                        "excluded (no budget or no outturn)", "pooled"]
    assert frame["spend_source"].tolist() == ["data", "data", "missing", "missing", "data"]
    assert frame["budget_source"].tolist() == ["data"] * 5
    assert res.excluded["reason"].tolist() == ["no budget (not in the budget data)", SOUTHWARK]
    lines = res.summary().splitlines()
    assert lines[0] == "Real (budget_source=data): custom membership"
    assert lines[2] == ("  excluded (no budget or no outturn): Slough (no budget (not in the "
                        f"budget data)); Southwark ({SOUTHWARK})")
    assert lines[3] == ("  designated budgets: real budgets (budget_source=data: "
                        f"{res.budget_origin})")
    assert lines[-2] == ("  RCCs range from -£6.3m to -£6.3m (negative = surplus); 0 of 1 short")
    assert lines[-1].startswith("  note: uses a flagged value: Salford (E08000006)")
    res.check_conservation()


def test_round_in_groups_by_hand() -> None:
    pence = np.array([50.5, 49.5, 10.4, 10.4, 3.0, 0.7])
    group = np.array([0, 0, 1, 1, -1, 1])
    tiebreak = np.array([5, 4, 3, 2, 1, 0])
    # group 0: 100 = 50 + 49 + 1, the tie going to the lower tiebreak (council 1); group 1:
    # 21.5 rounds to 22 = 10 + 10 + 0 + 2, to the largest remainder (0.7) then the tie (.4)
    out = round_in_groups(pence, group, 2, tiebreak)
    assert out.tolist() == [50, 50, 10, 11, 0, 1] and out.dtype == np.int64
    fixed = round_in_groups(pence, group, 2, tiebreak, totals=np.array([101, 21]))
    assert fixed.tolist() == [51, 50, 10, 10, 0, 1]
    assert round_in_groups(np.array([1.2, 2.6]), np.array([-1, -1]), 0,
                           np.arange(2)).tolist() == [0, 0]
    with pytest.raises(ScenarioError, match=re.escape(
            "internal rounding error: group totals differ from their parts")):
        round_in_groups(pence, group, 2, tiebreak, totals=np.array([97, 21]))
    with pytest.raises(ScenarioError, match="internal rounding error"):
        round_in_groups(pence, group, 2, tiebreak, totals=np.array([100, 30]))


def test_result_arrays_are_whole_pence() -> None:
    res = _five_result()
    for name in ("spend_pence", "budget_pence", "contribution_pence", "pays_pence",
                 "settlement_pence"):
        assert getattr(res, name).dtype == np.int64, name
    assert res.group.tolist() == [0, 0, -1, 0, 1]
    assert res.included.tolist() == [True, True, True, False, True]
    assert res.membership.name == "Two pools" and res.rcc_names == ("North", "South")
    assert res.spend_origin == ("data", "data", "data", "missing", "data")
    assert res.exclusion_reasons == () and res.budget_origin == "" and res.notes == ()


def test_budget_column_too_large() -> None:
    huge = _five(lac_budget=[1.0, 2e16, 3.0, 4.0, 5.0])
    with pytest.raises(FormulaError, match=re.escape(
            "placement budget for E06000002 Middlesbrough is £20,000,000,000,000,000.00")):
        _column_scenario().run(huge)


def test_fractional_weights_and_balanced_pools() -> None:
    # weights below one in total still share: North's 45,000 split 0.25 : 0.5
    la = _five(cla=[0.25, 0.5, 5.0, 7.0, 0.1])
    res = _column_scenario(share_shortfall_by="cla").run(la)
    assert res.settlement_pence.tolist() == [1_500_000, 3_000_000, 0, 0, -2_400_000]
    # no overspend and no saving: every pool balances, so zero weights need no sharing
    zero = _five(cla=[0.0, 0.0, 5.0, 7.0, 0.0])
    sc = RCCScenario.model_validate({
        "header": {"title": "Balanced", "assumes": "none"}, "budget_source": "assumed",
        "overspend_rate": 0.0, "share_shortfall_by": "cla", "missing_spend": "exclude",
        "membership": TWO_POOLS})
    balanced = sc.run(zero)
    assert balanced.settlement_pence.tolist() == [0] * 5
    assert balanced.budget_pence.tolist() == balanced.spend_pence.tolist()
    assert balanced.national()["spending_power_shortfall"] == 0.0


def test_real_budget_negative(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("code,period,line,budget\nE06000001,2023-24,313,-5000\n"
                    "E06000002,2023-24,313,10\n")
    real = real_budgets("2023-24", str(path), load_authorities().select(REAL[:2]))
    assert real.reasons == ("RA looked-after budget is negative (-£5,000.0, net of income): a "
                            "pool cannot take a negative amount", "")
    np.testing.assert_array_equal(real.spend, [np.nan, RO3_LAC["E06000002"]])
    np.testing.assert_array_equal(real.budget, [np.nan, 10.0])
