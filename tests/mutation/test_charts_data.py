"""The chart ``*_data`` builders on small hand-made inputs: stand-in result objects carrying
only the tables the builders read, so every expected row is worked out by hand here."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from fundmodel.errors import FundmodelError
from fundmodel.parameters import shipped
from fundmodel.report.charts import (
    hex_map_data,
    need_vs_funding_data,
    pooling_data,
    ranked_bars_data,
    share_within_band,
    winners_losers_data,
)
from fundmodel.report.debate_charts import (
    care_bank_data,
    invest_to_save_data,
    payment_by_results_data,
    windfall_tax_data,
)
from fundmodel.report.investment_charts import phasing_data, phasing_subtitle
from fundmodel.report.spending_charts import change_map_data, slope_data
from fundmodel.report.transition_charts import needs_vs_resources_data, transition_paths_data

NAN = float("nan")
pytestmark = pytest.mark.filterwarnings("error")  # no stray RuntimeWarnings for users
ROOT = Path(__file__).resolve().parents[2]


def rows(frame: pd.DataFrame) -> list[list[object]]:
    """Rows as plain lists, NaN as None (NaN != NaN)."""
    return [[None if isinstance(v, float) and math.isnan(v) else v for v in r]
            for r in frame.astype(object).to_numpy().tolist()]


# ranked bars -----------------------------------------------------------------------------

def test_ranked_bars_sorts_by_value_then_code_and_scales() -> None:
    frame = pd.DataFrame({"code": ["E3", "E1", "E2", "E4"], "name": ["C", "A", "B", "D"],
                          "amount": [2e6, 3e6, 3e6, 1e6]}).set_index("code")
    data = ranked_bars_data(frame, top=3)
    assert list(data.columns) == ["rank", "code", "name", "value"]
    assert rows(data) == [[1, "E1", "A", 3.0], [2, "E2", "B", 3.0], [3, "E3", "C", 2.0]]
    every = ranked_bars_data(frame.reset_index(), value="amount", top=None, scale=1e3)
    assert every["value"].tolist() == [3000.0, 3000.0, 2000.0, 1000.0]
    assert every["rank"].tolist() == [1, 2, 3, 4]
    assert ranked_bars_data(frame)["code"].tolist() == ["E1", "E2", "E3", "E4"]


def test_ranked_bars_refuses_tables_it_cannot_rank() -> None:
    frame = pd.DataFrame({"code": ["E1", "E1"], "name": ["A", "A"], "amount": [1.0, 2.0]})
    with pytest.raises(FundmodelError) as caught:
        ranked_bars_data(frame, value="per_child")
    assert str(caught.value) == "no column 'per_child' to rank; columns: ['code', 'name', 'amount']"
    with pytest.raises(FundmodelError) as caught:
        ranked_bars_data(frame)
    assert str(caught.value) == (
        "ranked_bars_data ranks councils: it needs one row per council with 'code' and "
        "'name' (as Allocation.to_frame()); council codes repeat (a table of several results? "
        "select one); for one council under several results use fundmodel.report.council")
    with pytest.raises(FundmodelError) as caught:
        ranked_bars_data(frame.drop(columns="name"))
    assert str(caught.value) == (
        "ranked_bars_data ranks councils: it needs one row per council with 'code' and "
        "'name' (as Allocation.to_frame()); this frame has no ['name']; for one council under "
        "several results use fundmodel.report.council")
    with pytest.raises(FundmodelError, match=r"this frame has no \['code', 'name'\]"):
        ranked_bars_data(pd.DataFrame({"amount": [1.0]}))


# winners and losers ----------------------------------------------------------------------

def test_winners_and_losers_by_hand() -> None:
    codes = ["E1", "E2", "E3", "E4", "E0", "E5"]
    new = pd.Series([150.0, 10.0, 50.5, 100.0, 20.0, 201.0], index=codes)
    baseline = pd.Series({"E5": 200.0, "E0": 10.0, "E4": 200.0, "E3": 50.0, "E2": 0.0,
                          "E1": 100.0})  # another order: matched by code
    names = pd.Series({c: f"name {c}" for c in reversed(codes)})
    data = winners_losers_data(new, baseline, names)
    assert list(data.columns) == ["code", "name", "baseline", "new", "change", "change_pct",
                                  "status"]
    assert rows(data) == [
        ["E1", "name E1", 100.0, 150.0, 50.0, 50.0, "gain"],
        ["E0", "name E0", 10.0, 20.0, 10.0, 100.0, "gain"],
        ["E2", "name E2", 0.0, 10.0, 10.0, None, "gain"],
        ["E5", "name E5", 200.0, 201.0, 1.0, 0.5, "no change"],
        ["E3", "name E3", 50.0, 50.5, 0.5, 1.0, "no change"],
        ["E4", "name E4", 200.0, 100.0, -100.0, -50.0, "loss"],
    ]
    strict = winners_losers_data(new, baseline, names, tolerance=0.25)
    assert strict.set_index("code").loc[["E5", "E3"], "status"].tolist() == ["gain", "gain"]
    lenient = winners_losers_data(new, baseline, names, tolerance=100.0)
    assert lenient["status"].tolist() == ["no change"] * 6


def test_winners_and_losers_at_minus_the_tolerance_is_no_change() -> None:
    new = pd.Series({"E1": 99.0, "E2": 98.5})
    data = winners_losers_data(new, pd.Series({"E1": 100.0, "E2": 100.0}),
                               pd.Series({"E1": "a", "E2": "b"}))
    assert data["status"].tolist() == ["no change", "loss"]


def test_winners_and_losers_need_the_same_councils() -> None:
    with pytest.raises(FundmodelError) as caught:
        winners_losers_data(pd.Series({"E1": 1.0}), pd.Series({"E2": 1.0}),
                            pd.Series({"E1": "a"}))
    assert str(caught.value) == "new and baseline amounts cover different councils"


# hex map, need vs funding ----------------------------------------------------------------

def test_hex_map_joins_values_to_the_layout() -> None:
    layout = pd.read_csv(ROOT / "src/fundmodel/data/hex_layout.csv", dtype={"code": str})
    data = hex_map_data(pd.Series({"E06000002": 2.5, "E06000001": -1.0}))
    assert list(data.columns) == ["code", "name", "x", "y", "value"]
    assert data["code"].tolist() == layout["code"].tolist()
    assert data["name"].tolist() == layout["name"].tolist()
    assert data["x"].tolist() == layout["x"].tolist() and data["y"].tolist() == layout["y"].tolist()
    assert data["value"].iloc[:2].tolist() == [-1.0, 2.5]
    assert data["value"].iloc[2:].isna().all()
    assert data["value"].dtype == np.float64


def test_hex_map_refuses_unknown_codes() -> None:
    values = pd.Series(1.0, index=["X7", "E06000001", "X1", "X2", "X3", "X4", "X5"])
    with pytest.raises(FundmodelError) as caught:
        hex_map_data(values)
    assert str(caught.value) == "codes not in the hex layout: ['X1', 'X2', 'X3', 'X4', 'X5']"


def test_share_within_band() -> None:
    ratios = pd.DataFrame({"ratio": [1.25, 0.75, 1.5, 1.0]})
    assert share_within_band(ratios, 0.25) == 75.0
    assert share_within_band(ratios, 0.5) == 100.0
    assert shipped("brief")["need_match_band"].value == 0.05
    assert share_within_band(pd.DataFrame({"ratio": [1.0, 1.04, 0.9, 1.2, 0.96]})) == 60.0


def test_need_vs_funding_shares_over_councils_with_funding() -> None:
    need = pd.Series({"E3": 4.0, "E1": 1.0, "E2": 3.0})
    funding = pd.Series({"E1": 10.0, "E2": NAN, "E3": 30.0})
    names = pd.Series({"E1": "A", "E2": "B", "E3": "C"})
    data = need_vs_funding_data(need, funding, names)
    assert list(data.columns) == ["code", "name", "need_share_pct", "funding_share_pct", "ratio"]
    assert rows(data) == [["E1", "A", 20.0, 25.0, 1.25], ["E3", "C", 80.0, 75.0, 0.9375]]


# RCC pooling -----------------------------------------------------------------------------

def _rcc_result(budget_source: str) -> SimpleNamespace:
    frame = pd.DataFrame({"rcc": ["North", "South"], "members": [3, 2],
                          "pooled_budget": [5e6, 9e6], "member_spend": [4e6, 1.2e7],
                          "shortfall": [-1e6, 3e6], "break_even_savings": [0.0, 0.25]})
    scenario = SimpleNamespace(period="2023-24", budget_source=budget_source,
                               spend_column="lac_spend_2024_25")
    return SimpleNamespace(rcc_frame=lambda: frame, scenario=scenario)


def test_pooling_data_by_hand() -> None:
    data = pooling_data(_rcc_result("data"))  # type: ignore[arg-type]
    assert list(data.columns) == ["rcc", "members", "pooled_budget_m", "member_spend_m",
                                  "shortfall_m", "break_even_savings_pct"]
    assert rows(data) == [["South", 2, 9.0, 12.0, 3.0, 25.0], ["North", 3, 5.0, 4.0, -1.0, 0.0]]
    assert data.index.tolist() == [0, 1]
    assert data.attrs["period"] == "2023-24"
    assert pooling_data(_rcc_result("column")).attrs["period"] == "2024-25"  # type: ignore[arg-type]


# debate charts ---------------------------------------------------------------------------

def test_care_bank_data_largest_gains_and_losses_of_included_councils() -> None:
    frame = pd.DataFrame({"code": ["E1", "E2", "E3", "E4", "E5"],
                          "name": ["A", "B", "C", "D", "E"],
                          "included": [True, True, True, True, False],
                          "net_gain": [2e6, -3e6, 5e6, 2e6, 9e6]})
    result = SimpleNamespace(to_frame=lambda: frame)
    one = care_bank_data(result, show=1)  # type: ignore[arg-type]
    assert list(one.columns) == ["code", "name", "value"]
    assert rows(one) == [["E3", "C", 5.0], ["E2", "B", -3.0]]
    assert one.index.tolist() == [0, 1]
    every = care_bank_data(result, show=3)  # type: ignore[arg-type]
    assert every["code"].tolist() == ["E3", "E1", "E4", "E2"]
    assert len(care_bank_data(result)) == 4  # type: ignore[arg-type]
    many = pd.DataFrame({"code": [f"E{i:02d}" for i in range(25)], "name": "x",
                         "included": True, "net_gain": np.arange(25.0)})
    ranked = care_bank_data(SimpleNamespace(to_frame=lambda: many))  # type: ignore[arg-type]
    assert ranked["code"].tolist() == [f"E{i:02d}" for i in range(24, 14, -1)] + [
        f"E{i:02d}" for i in range(9, -1, -1)]


def test_payment_by_results_data_by_hand() -> None:
    frame = pd.DataFrame({"code": ["E1", "E2"], "name": ["A", "B"],
                          "expected_loss": [25.0, 0.0], "unconditional": [200.0, 0.0],
                          "chance": [0.5, 0.9]})
    authorities = SimpleNamespace(column=lambda c: np.array([30.0, 10.0]) if
                                  c == "child_poverty_pct" else None)
    result = SimpleNamespace(to_frame=lambda: frame, authorities=authorities)
    data = payment_by_results_data(result)  # type: ignore[arg-type]
    assert list(data.columns) == ["code", "name", "child_poverty_pct", "expected_loss_pct",
                                  "chance"]
    assert rows(data) == [["E1", "A", 30.0, 12.5, 0.5], ["E2", "B", 10.0, None, 0.9]]


def test_windfall_tax_data_by_hand() -> None:
    national = pd.DataFrame({"central": [3e6, 5e6, -2e6, 99.0], "low": [1e6, 4e6, -6e6, 0.0],
                             "high": [4e6, 8e6, 1e6, 0.0]},
                            index=["extra_cost_total", "tax_raised", "net_fiscal_effect",
                                   "other"])
    result = SimpleNamespace(national=lambda: national,
                             scenario=SimpleNamespace(exit_share=SimpleNamespace(value=0.1)))
    data = windfall_tax_data(result)  # type: ignore[arg-type]
    assert list(data.columns) == ["measure", "central", "low", "high"]
    assert rows(data) == [["tax raised", 5.0, 4.0, 8.0], ["extra placement cost", 3.0, 1.0, 4.0],
                          ["net fiscal effect", -2.0, -6.0, 1.0]]
    assert data.attrs["exit_share"] == 0.1


def test_invest_to_save_data_by_hand() -> None:
    # 21 draws x 2 years x 2 councils; draw d saves d pounds a council a year
    draws = np.arange(21, dtype=float)[:, None, None] * np.ones((21, 2, 2)) * 1e6
    central = np.array([[1e6, 2e6], [3e6, 4e6]])
    spend = np.array([[100_000_000, 200_000_000], [0, 100_000_000]])  # pence
    result = SimpleNamespace(drawn_flows=lambda: (None, draws),
                             central=lambda: (None, central), spend_pence=spend,
                             years=("2026-27", "2027-28"))
    data = invest_to_save_data(result)  # type: ignore[arg-type]
    assert list(data.columns) == ["year", "cumulative_spend", "cumulative_savings",
                                  "savings_low", "savings_high"]
    assert data["year"].tolist() == ["2026-27", "2027-28"]
    assert data["cumulative_spend"].tolist() == [3.0, 4.0]
    np.testing.assert_allclose(data["cumulative_savings"], [3.0, 10.0])
    # cumulative savings of draw d: 2d then 4d (£m); the 5th and 95th percentiles of
    # d = 0..20 are 1 and 19
    np.testing.assert_allclose(data["savings_low"], [2.0, 4.0])
    np.testing.assert_allclose(data["savings_high"], [38.0, 76.0])


# investment phasing ----------------------------------------------------------------------

def _ask(label: str, assumptions: list[str]) -> SimpleNamespace:
    frame = pd.DataFrame({"year": ["2026-27", "2027-28"], "amount": [1e6, 3e6]})
    return SimpleNamespace(phasing_frame=lambda: frame, phasing_assumptions=lambda: assumptions,
                           label=label, headline=5e6, difference=1e6)


def test_phasing_data_by_hand() -> None:
    data = phasing_data([_ask("Ask A", ["even phasing", "years assumed"]),  # type: ignore[list-item]
                         _ask("Ask B", [])])
    assert list(data.columns) == ["ask", "year", "amount_m", "headline_m",
                                  "profile_minus_headline_m", "assumptions"]
    assert rows(data) == [
        ["Ask A", "2026-27", 1.0, 5.0, -1.0, "even phasing; years assumed"],
        ["Ask A", "2027-28", 3.0, 5.0, -1.0, "even phasing; years assumed"],
        ["Ask B", "2026-27", 1.0, 5.0, -1.0, ""],
        ["Ask B", "2027-28", 3.0, 5.0, -1.0, ""],
    ]
    assert phasing_subtitle(data) == ("£m cash by financial year\n"
                                      "ASSUMED for Ask A: even phasing; years assumed")


# spending ----------------------------------------------------------------------------------

def _analysis() -> SimpleNamespace:
    change = pd.DataFrame({"code": ["E06000001", "E06000002", "E06000003"],
                           "name": ["Hartlepool", "Middlesbrough", "Redcar"],
                           "rank": [2.0, NAN, 1.0], "share_start": [10.0, NAN, 20.0],
                           "share_end": [12.0, 5.0, 15.0], "change_pp": [2.0, NAN, -5.0]})
    change.attrs.update(start="2019-20", end="2023-24")
    aggregates = pd.DataFrame({"area": ["England", "North East", "England", "North East",
                                        "England"],
                               "period": ["2021-22", "2019-20", "2019-20", "2023-24",
                                          "2023-24"],
                               "focus_share": [0.3, 0.5, 0.25, 0.5, 0.125]})
    asked: list[tuple[object, object]] = []

    def share_change(start: object, end: object) -> pd.DataFrame:
        asked.append((start, end))
        return change

    return SimpleNamespace(share_change=share_change, asked=asked,
                           aggregates=lambda: aggregates, focus="children_looked_after")


def test_slope_data_by_hand() -> None:
    analysis = _analysis()
    data = slope_data(analysis, "2019-20", "2023-24")  # type: ignore[arg-type]
    assert analysis.asked == [("2019-20", "2023-24")]
    assert data.index.tolist() == [0, 1, 2]
    assert list(data.columns) == ["code", "name", "role", "start_pct", "end_pct", "change_pp"]
    assert rows(data) == [
        ["E06000001", "Hartlepool", "council", 10.0, 12.0, 2.0],
        ["E06000003", "Redcar", "council", 20.0, 15.0, -5.0],
        ["E92000001", "England", "england", 25.0, 12.5, -12.5],
    ]
    assert data.attrs == {"start": "2019-20", "end": "2023-24", "focus": "children_looked_after",
                          "left_out": ["Middlesbrough"]}


def test_change_map_data_by_hand() -> None:
    analysis = _analysis()
    data = change_map_data(analysis, None, "2023-24")  # type: ignore[arg-type]
    assert analysis.asked == [(None, "2023-24")]
    assert data["value"].iloc[:3].tolist()[0] == 2.0
    assert math.isnan(data["value"].iloc[1]) and data["value"].iloc[2] == -5.0
    assert data["value"].iloc[3:].isna().all()
    assert data.attrs == {"start": "2019-20", "end": "2023-24", "focus": "children_looked_after"}


# transition charts -------------------------------------------------------------------------

def test_transition_paths_by_hand() -> None:
    frame = pd.DataFrame({
        "code": ["E2", "E2", "E1", "E1"], "name": ["B", "B", "A", "A"],
        "year": ["2026-27", "2027-28", "2026-27", "2027-28"],
        "amount": [10.0, 20.0, 75.0, 87.5], "baseline": [0.0, 0.0, 100.0, 100.0],
        "target": [30.0, 30.0, 125.0, 125.0], "floor_bound": [False, False, True, False]})
    plan = SimpleNamespace(years=("2026-27", "2027-28"), base_year="2025-26")
    data = transition_paths_data(SimpleNamespace(to_frame=lambda: frame, plan=plan))  # type: ignore[arg-type]
    assert list(data.columns) == ["code", "name", "year", "step", "change_pct", "floor_bound",
                                  "ever_at_floor", "target_pct"]
    assert data.index.tolist() == list(range(6))
    got = rows(data)
    assert got[:3] == [["E1", "A", "2025-26", 0, 0.0, False, True, 25.0],
                       ["E1", "A", "2026-27", 1, -25.0, True, True, 25.0],
                       ["E1", "A", "2027-28", 2, -12.5, False, True, 25.0]]
    assert got[3:] == [["E2", "B", "2025-26", 0, 0.0, False, False, None],
                       ["E2", "B", "2026-27", 1, None, False, False, None],
                       ["E2", "B", "2027-28", 2, None, False, False, None]]


def test_needs_vs_resources_by_hand() -> None:
    frame = pd.DataFrame({"code": ["E1", "E2"], "name": ["A", "B"], "need_share": [0.25, 0.75],
                          "resources": [100.0, 2000.0], "amount": [400.0, 0.0],
                          "cut_to_zero": [False, True]})
    asked: list[int] = []

    def to_frame(variant: int) -> pd.DataFrame:
        asked.append(variant)
        return frame

    result = SimpleNamespace(resources=np.ones(2), equalisation_x=np.array([1000.0, 2000.0]),
                             to_frame=to_frame)
    data = needs_vs_resources_data(result, variant=1)  # type: ignore[arg-type]
    assert asked == [1]
    assert list(data.columns) == ["code", "name", "gross_need", "resources", "amount",
                                  "cut_to_zero"]
    assert rows(data) == [["E1", "A", 500.0, 100.0, 400.0, False],
                          ["E2", "B", 1500.0, 2000.0, 0.0, True]]
    assert needs_vs_resources_data(result)["gross_need"].tolist() == [250.0, 750.0]  # type: ignore[arg-type]
    for missing in ({"resources": None}, {"equalisation_x": None}):
        broken = SimpleNamespace(**{**vars(result), **missing})
        with pytest.raises(FundmodelError) as caught:
            needs_vs_resources_data(broken)  # type: ignore[arg-type]
        assert str(caught.value) == "this allocation has no resources adjustment to chart"


def test_share_over_time_by_hand() -> None:
    from fundmodel.report.spending_charts import share_over_time_data

    # Hartlepool, two of its DfE neighbours (Redcar rank 1, Middlesbrough rank 5; neighbours
    # read from neighbours.csv) and Stockton (not a neighbour); three years
    nan = np.nan
    codes = np.array(["E06000001", "E06000002", "E06000003", "E06000004"])
    focus_values = np.array([[25.0, 50.0, 75.0], [5.0, 8.0, nan], [3.0, nan, nan],
                             [1.0, 1.0, 1.0]])
    total = np.array([[100.0, 100.0, 100.0], [10.0, 20.0, nan], [30.0, nan, nan],
                      [4.0, 4.0, 4.0]])
    aggregates = pd.DataFrame({  # rows in no particular order, England last
        "area": ["North East", "England", "North East", "England", "North East", "England"],
        "period": ["p3", "p2", "p1", "p1", "p2", "p3"],
        "focus_share": [0.125, 0.375, 0.5, 0.125, 0.25, 0.5],
        "councils_complete": [10, 149, 12, 150, 11, 148]})
    analysis = SimpleNamespace(
        codes=codes, names=np.array(["Hartlepool", "Middlesbrough", "Redcar", "Stockton"]),
        regions=np.array(["North East"] * 4), periods=("p1", "p2", "p3"),
        categories=["other", "focus"], focus="focus",
        category_shares=np.stack([1 - focus_values / total, focus_values / total]),
        category_values=np.stack([total - focus_values, focus_values]), total=total,
        aggregates=lambda: aggregates, taxonomy=SimpleNamespace(title="A taxonomy"))
    data = share_over_time_data(analysis, "E06000001")  # type: ignore[arg-type]
    assert list(data.columns) == ["series", "role", "period", "share_pct", "councils"]
    assert rows(data) == [
        ["Hartlepool", "council", "p1", 25.0, 1], ["Hartlepool", "council", "p2", 50.0, 1],
        ["Hartlepool", "council", "p3", 75.0, 1],
        ["North East (all councils)", "region", "p1", 50.0, 12],
        ["North East (all councils)", "region", "p2", 25.0, 11],
        ["North East (all councils)", "region", "p3", 12.5, 10],
        ["England", "england", "p1", 12.5, 150], ["England", "england", "p2", 37.5, 149],
        ["England", "england", "p3", 50.0, 148],
        # pooled: (3 + 5) / (30 + 10) = 20%; then Middlesbrough alone 8 / 20; then nobody
        ["2 statistical neighbours (pooled)", "neighbours", "p1", 20.0, 2],
        ["2 statistical neighbours (pooled)", "neighbours", "p2", 40.0, 1],
        ["2 statistical neighbours (pooled)", "neighbours", "p3", None, 0],
        ["Redcar", "neighbour", "p1", 10.0, 1], ["Redcar", "neighbour", "p2", None, 0],
        ["Redcar", "neighbour", "p3", None, 0],
        ["Middlesbrough", "neighbour", "p1", 50.0, 1],
        ["Middlesbrough", "neighbour", "p2", 40.0, 1],
        ["Middlesbrough", "neighbour", "p3", None, 0],
    ]
    assert data.attrs == {"code": "E06000001", "focus": "focus", "taxonomy": "A taxonomy"}
    with pytest.raises(FundmodelError) as caught:
        share_over_time_data(analysis, "E09999999")  # type: ignore[arg-type]
    assert str(caught.value) == "council 'E09999999' is not in the analysis"
    alone = SimpleNamespace(**{**vars(analysis), "codes": codes[:1], "names": analysis.names[:1],
                               "category_shares": analysis.category_shares[:, :1],
                               "category_values": analysis.category_values[:, :1],
                               "total": total[:1]})
    data = share_over_time_data(alone, "E06000001")  # type: ignore[arg-type]
    assert rows(data)[-3:] == [["0 statistical neighbours (pooled)", "neighbours", p, None, 0]
                               for p in ("p1", "p2", "p3")]
