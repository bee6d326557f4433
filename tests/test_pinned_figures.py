"""Headline figures the brief, README and docs state, each recomputed here by a plain second
implementation from the embedded CSV files (pandas only, no fundmodel arithmetic), so a
change to the code that moves a published number fails a test by name.

The five mutations an audit found surviving the suite are each caught here:

* dropping ``times: children_0_17`` from the preset's deprivation indicator
  -> ``test_children_act_preset_matches_a_plain_implementation`` (Birmingham £8.15m);
* flipping the sign in the winners-and-losers data -> ``test_winners_losers_data_hand_case``
  and ``test_brief_gain_and_lose_counts`` (70 gain, 83 lose);
* flipping the absolute-mode gap -> ``test_spend_per_case_gap_is_cost_minus_spend``;
* changing how England unit costs mask missing values -> ``test_england_unit_cost_masks_pairs``;
* moving ``s251_safeguarding`` to ``other`` -> ``test_prevention_taxonomy_classification`` and
  ``test_england_preventive_share_matches_the_raw_rows`` (25.2% in 2016-17, 18.4% in 2024-25).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fundmodel
from fundmodel.analysis.absolute import Duty, DutyCostFormula, cost_duties, england_unit_cost
from fundmodel.analysis.compare import compare
from fundmodel.presets import PREVENTION_GRANT_2025_26, children_act_formula
from fundmodel.report.charts import winners_losers_data
from fundmodel.scenarios.spending import analyse_spending, load_taxonomy
from fundmodel.testing import synthetic_authorities

DATA = Path(fundmodel.__file__).parent / "data"
POT = 270_000_000.0
BIRMINGHAM, OLDHAM, CITY_OF_LONDON, HERTFORDSHIRE = (
    "E08000025", "E08000004", "E09000001", "E10000015")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(DATA / "authorities.csv").set_index("code")


@pytest.fixture(scope="module")
def plain_preset(table: pd.DataFrame) -> pd.Series:
    """The Children Act preset written out by hand: each factor's share of the England total,
    weighted (1/6 population, 1/6 projected population, 1/3 disability, 1/3 deprivation; the
    disability and deprivation factors are rates (%) applied to children aged 0-17)."""
    factors = [
        (1 / 6, table["children_0_17"]),
        (1 / 6, table["children_0_17_2029_trend"]),
        (1 / 3, table["ehcp_pct"] / 100 * table["children_0_17"]),
        (1 / 3, table["child_poverty_pct"] / 100 * table["children_0_17"]),
    ]
    share = sum(w * x / x.sum() for w, x in factors)
    return POT * share


@pytest.fixture(scope="module")
def preset_result() -> fundmodel.Allocation:
    return fundmodel.allocate(children_act_formula(), fundmodel.load_authorities(),
                              PREVENTION_GRANT_2025_26)


def test_children_act_preset_matches_a_plain_implementation(
        plain_preset: pd.Series, preset_result: fundmodel.Allocation) -> None:
    amounts = preset_result.council_amounts()
    assert set(amounts.index) == set(plain_preset.index)
    assert np.allclose(amounts.reindex(plain_preset.index), plain_preset, atol=0.01, rtol=0)
    assert round(plain_preset[BIRMINGHAM] / 1e6, 2) == 8.15  # the brief's "Birmingham £8.15m"
    assert amounts.sum() == pytest.approx(POT, abs=0.001)


def test_brief_per_child_range(table: pd.DataFrame, plain_preset: pd.Series) -> None:
    per_child = plain_preset / table["children_0_17"]
    assert per_child.idxmax() == OLDHAM and round(per_child.max(), 2) == 31.31
    assert per_child.idxmin() == CITY_OF_LONDON and round(per_child.min(), 2) == 11.15
    assert round(per_child.median(), 2) == 21.63


def test_brief_gain_and_lose_counts(table: pd.DataFrame, plain_preset: pd.Series,
                                    preset_result: fundmodel.Allocation) -> None:
    flat = POT * table["children_0_17"] / table["children_0_17"].sum()
    change = plain_preset - flat
    assert int((change > 1).sum()) == 70 and int((change < -1).sum()) == 83
    assert change.idxmax() == BIRMINGHAM and round(change.max() / 1e6, 2) == 1.66
    assert change.idxmin() == HERTFORDSHIRE and round(change.min() / 1e6, 2) == -1.32
    # the package's chart data says the same
    flat_result = fundmodel.allocate(
        fundmodel.NeedsFormula(name="flat", indicators=[
            fundmodel.Indicator(name="children", column="children_0_17", weight=1.0)]),
        fundmodel.load_authorities(), PREVENTION_GRANT_2025_26)
    data = winners_losers_data(preset_result.council_amounts(), flat_result.council_amounts(),
                               pd.Series(table["name"]))
    assert (data["status"] == "gain").sum() == 70 and (data["status"] == "loss").sum() == 83


def test_winners_losers_data_hand_case() -> None:
    new = pd.Series({"A": 110.0, "B": 90.0, "C": 100.5})
    base = pd.Series({"B": 100.0, "A": 100.0, "C": 100.0})
    names = pd.Series({"A": "Ay", "B": "Bee", "C": "Cee"})
    data = winners_losers_data(new, base, names)
    assert data["code"].tolist() == ["A", "C", "B"]
    assert data["change"].tolist() == [10.0, 0.5, -10.0]
    assert data["change_pct"].tolist() == [10.0, 0.5, -10.0]
    assert data["status"].tolist() == ["gain", "no change", "loss"]
    assert data["name"].tolist() == ["Ay", "Cee", "Bee"]


def test_gini_of_per_child_amounts_matches_a_plain_double_sum(
        table: pd.DataFrame, plain_preset: pd.Series, preset_result: fundmodel.Allocation) -> None:
    x = (plain_preset / table["children_0_17"]).to_numpy()
    n = x.size
    expected = sum(abs(a - b) for a in x for b in x) / (2 * n * n * x.mean())
    frame = compare(preset_result, preset_result, labels=["a", "preset"]).distribution()
    got = float(frame.set_index("result").loc["preset", "gini_per_child"])
    assert got == pytest.approx(expected, abs=1e-7)  # the package works on whole pence


def test_england_unit_cost_masks_pairs() -> None:
    # council 2 has no spend, council 3 no caseload: only councils 0 and 1 count
    la = synthetic_authorities([[100.0, 10.0], [300.0, 20.0], [np.nan, 50.0], [70.0, np.nan]])
    cost = england_unit_cost(la, "x0", "x1", "test")
    assert cost.value == pytest.approx(400.0 / 30.0)
    assert "2 councils with both values" in cost.note


def test_spend_per_case_gap_is_cost_minus_spend() -> None:
    la = synthetic_authorities([[10.0, 500.0], [20.0, 1500.0]])
    formula = DutyCostFormula(name="t", duties=[Duty(name="d", column="x0", unit_cost=60.0)],
                              funding_columns=("x1",))
    frame = cost_duties(formula, la).to_frame().set_index("code")
    # cost = caseload x 60: 600 and 1200; spend 500 and 1500
    assert frame["cost"].tolist() == [600.0, 1200.0]
    gap_column = "gap" if "gap" in frame else "shortfall"
    assert frame[gap_column].tolist() == [100.0, -300.0]


def test_prevention_taxonomy_classification() -> None:
    taxonomy = load_taxonomy("prevention")
    by_line = {m.line: m.category for m in taxonomy.lines}
    assert {line for line, c in by_line.items() if c == "preventive" and line.startswith("s251")} \
        == {"s251_family_support", "s251_sure_start", "s251_young_people"}
    assert {line for line, c in by_line.items()
            if c == "late_intervention" and line.startswith("s251")} \
        == {"s251_lac", "s251_safeguarding", "s251_youth_justice"}


def test_england_preventive_share_matches_the_raw_rows() -> None:
    series = pd.read_csv(DATA / "series.csv", dtype={"period": str})
    pre = ["s251_family_support", "s251_sure_start", "s251_young_people"]
    every = [*pre, "s251_lac", "s251_safeguarding", "s251_youth_justice",
             "s251_other_children_family"]
    expected = {}
    for period in ("2016-17", "2024-25"):
        rows = series[(series["period"] == period) & series["measure"].isin(every)
                      & (series["flag"].fillna("") != "recoded_same_area")]
        wide = rows.pivot(index="code", columns="measure", values="value").dropna()
        expected[period] = 100 * wide[pre].to_numpy().sum() / wide.to_numpy().sum()
    assert round(expected["2016-17"], 1) == 25.2 and round(expected["2024-25"], 1) == 18.4
    england = analyse_spending(load_taxonomy("prevention")).aggregates().query(
        "area == 'England'").set_index("period")
    for period, share in expected.items():
        assert 100 * float(england.loc[period, "focus_share"]) == pytest.approx(share, abs=1e-6)
