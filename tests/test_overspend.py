"""Council overspends (kind: overspend) and the funding gap: hand-worked, published, properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fundmodel import DataError, FormulaError, ScenarioError, load_authorities
from fundmodel.analysis.absolute import Duty, DutyCostFormula
from fundmodel.engine.formula import as_parameter
from fundmodel.parameters.records import Unit
from fundmodel.presets.investment import family_help_ask
from fundmodel.scenarios import load_scenario, load_scenario_text
from fundmodel.scenarios.base import ScenarioHeader
from fundmodel.scenarios.family_help import InvestmentScenario, ProfileYear, SpendDistribution
from fundmodel.scenarios.overspend import (
    ENGLAND_CODE,
    NAO_2017_18_OVERSPEND,
    NAO_2017_18_SHARE_OVERSPENT,
    CsvBudgets,
    OverspendScenario,
    Projection,
    councils_overspending,
    funding_gap,
    gross_overspend,
    lga_assumed_overspend,
    national_overspend,
    overspend,
    overspend_pct,
    persistence,
    share_overspending,
)
from fundmodel.testing import synthetic_authorities

ROOT = Path(__file__).resolve().parents[1]
HEADER = ScenarioHeader(title="test overspends", assumes="test data")
HEAD = "code,period,budget,outturn\n"


def write_csv(path: Path, rows: list[tuple[str, str, float, float]]) -> Path:
    frame = pd.DataFrame(rows, columns=["code", "period", "budget", "outturn"])
    frame.to_csv(path, index=False)
    return path


def csv_scenario(path: Path, **kw: object) -> OverspendScenario:
    return OverspendScenario(header=HEADER, data=CsvBudgets(path=str(path)), **kw)  # type: ignore[arg-type]


# ------------------------------------------- a check of counting on inputs built to match the NAO
# fundmodel holds no 2017-18 budgets: these tests do not reproduce the NAO's figures from data.
# They build 152 councils' inputs that match the NAO's totals and check that the counting
# functions (share overspending, net and gross overspend) count them as the NAO reports.


def nao_inputs() -> tuple[np.ndarray, np.ndarray]:
    """Inputs BUILT to match the NAO's 2017-18 totals (not data): 152 councils, 138
    overspending by £872m in total, the rest exactly on budget; outturn totals £8.8bn."""
    n, over = 152, 138
    budget_total = 8_800_000_000 - 872_000_000
    budget = np.full(n, budget_total // n, dtype=np.float64)
    budget[0] += budget_total - budget.sum()
    extra = np.zeros(n)
    extra[:over] = 872_000_000 // over
    extra[0] += 872_000_000 - extra.sum()
    return budget, budget + extra


def test_counting_check_on_inputs_built_to_match_nao_2017_18() -> None:
    budget, outturn = nao_inputs()
    expected_share = 138 / 152  # 0.9079, which the NAO rounds to 91%
    assert round(100 * expected_share) == NAO_2017_18_SHARE_OVERSPENT.value == 91
    assert share_overspending(budget, outturn)[0] == pytest.approx(expected_share, abs=1e-15)
    assert councils_overspending(budget, outturn).tolist() == [138]
    assert national_overspend(budget, outturn)[0] == NAO_2017_18_OVERSPEND.in_pounds() == 872e6
    assert gross_overspend(budget, outturn)[0] == 872e6
    assert outturn.sum() == 8.8e9


def test_counting_check_nao_2017_18_inputs_through_a_csv_scenario(tmp_path: Path) -> None:
    budget, outturn = nao_inputs()
    la = synthetic_authorities([[1.0]] * 152)
    rows = [(c, "2017-18", b, o) for c, b, o in zip(la.codes, budget, outturn, strict=True)]
    res = csv_scenario(write_csv(tmp_path / "nao.csv", rows)).run(la)
    nat = res.national_frame().iloc[0]
    assert (nat["councils"], nat["overspending"]) == (152, 138)
    assert round(100 * nat["share_overspending"]) == 91
    assert nat["overspend"] == 872e6
    assert nat["overspend_pct"] == pytest.approx(100 * 872 / 7928)
    assert not res.budget_is_assumed and not res.to_frame()["budget_is_assumed"].any()


def test_underspends_offset_in_the_net_but_not_the_gross_overspend() -> None:
    budget = np.array([100.0, 100.0, 100.0])
    outturn = np.array([150.0, 80.0, 100.0])
    assert national_overspend(budget, outturn).tolist() == [30.0]
    assert gross_overspend(budget, outturn).tolist() == [50.0]
    assert councils_overspending(budget, outturn).tolist() == [1]  # on budget is not over


# --------------------------------------------------------------------------- CSV input


@pytest.fixture
def two(tmp_path: Path):  # type: ignore[no-untyped-def]
    la = synthetic_authorities([[1.0], [2.0]])
    a, b = la.codes.tolist()
    return la, a, b, tmp_path


def test_csv_by_hand_with_persistence_growth_and_projection(two) -> None:  # type: ignore[no-untyped-def]
    la, a, b, tmp = two
    rows = [(a, "2021-22", 100, 110), (a, "2022-23", 100, 121), (a, "2023-24", 100, 133.1),
            (b, "2021-22", 200, 190), (b, "2022-23", 200, 210), (b, "2023-24", 200, 220)]
    proj = Projection(years=2, outturn_growth=0.10, budget_growth=0.0)
    res = csv_scenario(write_csv(tmp / "b.csv", rows), funding_growth=0.03,
                       projection=proj).run(la)
    frame = res.to_frame()
    assert frame["overspend"].round(6).tolist() == [10, 21, 33.1, -10, 10, 20]
    assert frame["overspend_pct"].round(6).tolist() == [10, 21, 33.1, -5, 5, 10]
    pers = res.persistence_frame()
    assert pers["current_run"].tolist() == [3, 2] and pers["longest_run"].tolist() == [3, 2]
    growth = res.growth_frame().set_index("code")
    assert growth.loc[a, "outturn_growth"] == pytest.approx(0.10)  # 110 -> 133.1 in 2 years
    assert growth.loc[a, "growth_gap_pp"] == pytest.approx(7.0)
    assert growth.loc[ENGLAND_CODE, "outturn_growth"] == pytest.approx((353.1 / 300) ** 0.5 - 1)
    projected = res.projection_frame()
    assert projected["period"].tolist() == ["2024-25", "2025-26"]
    np.testing.assert_allclose(projected["outturn"], [353.1 * 1.1, 353.1 * 1.21])
    np.testing.assert_allclose(projected["budget"], [300.0, 300.0])
    assert res.council_amounts().round(6).tolist() == [33.1, 20.0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,period,budget\n", "expected exactly code,period,budget,outturn"),
        ("code,period,budget,outturn\nE06000999,2023-24,1,1\n",
         "row 2, column code: value 'E06000999' is not one of"),
        (HEAD + "E10000006,2023-24,1,1\n", "Cumbria was replaced in 2023 by E06000063"),
        ("code,period,budget,outturn\n{a},2023/24,1,1\n", "row 2, column period: value '2023/24'"),
        ("code,period,budget,outturn\n{a},2023-24,\"1,000\",1\n",
         "row 2, column budget: value '1,000' is not a number \\(thousands"),
        (HEAD + "{a},2023-24,0,1\n", "column budget: value '0' must be positive"),
        (HEAD + "{a},2023-24,1,-5\n", "column outturn: value '-5' must be non"),
        (HEAD + "{a},2023-24,1,nan\n", "column outturn: value 'nan' must be a"),
        ("code,period,budget,outturn\n{a},2023-24,1,1\n{a},2023-24,2,2\n",
         "row 3: E06900000 2023-24 duplicates row 2"),
        ("code,period,budget,outturn\n{a},2021-22,1,1\n{a},2023-24,1,1\n",
         "year 2022-23 is missing between 2021-22 and 2023-24"),
    ],
)
def test_csv_errors_name_file_row_column_value(two, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    la, a, _, tmp = two
    path = tmp / "bad.csv"
    path.write_text(content.format(a=a))
    with pytest.raises(DataError, match=message) as info:
        csv_scenario(path).run(la)
    assert "bad.csv" in str(info.value)


def test_missing_council_year_is_an_error_unless_excluded(two) -> None:  # type: ignore[no-untyped-def]
    la, a, b, tmp = two
    rows = [(a, "2022-23", 100, 120), (a, "2023-24", 100, 120), (b, "2023-24", 100, 90)]
    path = write_csv(tmp / "gap.csv", rows)
    with pytest.raises(DataError, match=f"{b} 2022-23.*missing: exclude"):
        csv_scenario(path).run(la)
    res = csv_scenario(path, missing="exclude").run(la)
    nat = res.national_frame()
    assert nat["councils"].tolist() == [1, 2] and nat["overspending"].tolist() == [1, 1]
    assert res.excluded == ((b, "2022-23"),)
    assert not res.to_frame()["included"].all()


# --------------------------------------------------------------------------- embedded


@pytest.fixture(scope="module")
def lga():  # type: ignore[no-untyped-def]
    return lga_assumed_overspend(funding_growth=as_parameter(0.03, "funding growth",
                                                              Unit.RATIO)).run()


def test_embedded_budgets_are_labelled_assumed(lga) -> None:  # type: ignore[no-untyped-def]
    from fundmodel.data.series import series_table

    frame = lga.to_frame()
    assert frame["budget_is_assumed"].all()
    assert "BUDGETS ASSUMED" in lga.summary() and "not data" in lga.summary()
    assert lga.national_frame()["budget_is_assumed"].all()
    outturn = series_table("s251_cyps_total")["2024-25"]
    got = frame[frame["period"] == "2024-25"].set_index("code")
    np.testing.assert_allclose(got["budget"], outturn / 1.142)
    included = got[got["included"]]
    np.testing.assert_allclose(included["overspend_pct"], 14.2)
    assert lga.national_frame()["overspend"].iloc[-1] == pytest.approx(
        np.nansum(outturn) * (1 - 1 / 1.142))
    assert "an assumption, not budget data" in lga.scenario.header.assumes


def test_embedded_missing_outturn_is_named(lga) -> None:  # type: ignore[no-untyped-def]
    from fundmodel.data.series import series_table

    table = series_table("s251_cyps_total")[["2022-23", "2023-24", "2024-25"]]
    expected = {(c, p) for c in table.index for p in table.columns if np.isnan(table.loc[c, p])}
    assert set(lga.excluded) == expected
    assert len(expected) > 0
    with pytest.raises(DataError, match="missing: exclude"):
        lga.scenario.model_copy(update={"missing": "error"}).run()


def test_example_yaml_loads_and_runs() -> None:
    s = load_scenario(ROOT / "examples" / "overspend_lga.yaml")
    assert isinstance(s, OverspendScenario)
    res = s.run()
    assert res.budget_is_assumed
    assert len(res.projection_frame()) == s.projection.years  # type: ignore[union-attr]
    assert load_scenario_text(s.to_yaml()) == s


def test_projection_is_required_for_projection_frame(lga) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError, match="no projection"):
        lga.projection_frame()


# --------------------------------------------------------------------------- funding gap


def test_funding_gap_with_an_investment_by_hand() -> None:
    la = synthetic_authorities([[10.0], [30.0]], baseline=[900.0, 1000.0])
    f = DutyCostFormula(name="£50 a child", funding_columns=("baseline",),
                        duties=[Duty(name="all", column="children_0_17", unit_cost=50)])
    inv = InvestmentScenario(
        header=HEADER, headline=400.0,
        profile=(ProfileYear(year="2025-26", amount=100.0),
                 ProfileYear(year="2026-27", amount=300.0)),
        distribution=SpendDistribution(column="x0")).run(la)
    gap = funding_gap(la, costs=f, investment=inv).set_index("code")
    # cost 500 / 1500; spend 900 / 1000; average investment a year 50 / 150
    assert gap["gap"].tolist() == [-400.0, 500.0, 100.0]
    assert gap["investment"].tolist() == [50.0, 150.0, 200.0]
    assert gap["gap_after_investment"].tolist() == [-450.0, 350.0, -100.0]
    by_year = funding_gap(la, costs=f, investment=inv, investment_year="2026-27")
    assert by_year["investment"].tolist() == [75.0, 225.0, 300.0]
    with pytest.raises(ScenarioError, match="2030-31"):
        funding_gap(la, costs=f, investment=inv, investment_year="2030-31")


def test_funding_gap_on_embedded_data_names_missing_councils() -> None:
    la = load_authorities()
    with pytest.raises(FormulaError, match="Wandsworth"):
        funding_gap(la)
    gap = funding_gap(la, missing="exclude", investment=family_help_ask().run(la))
    councils, england = gap.iloc[:-1], gap.iloc[-1]
    assert england["code"] == ENGLAND_CODE
    kept = councils[councils["note"] == ""]
    assert len(councils) == 153 and kept["duties_cost"].notna().all()
    assert councils.loc[councils["name"] == "Wandsworth", "duties_cost"].isna().all()
    assert england["duties_cost"] == pytest.approx(kept["duties_cost"].sum(), abs=0.01)
    assert england["spend"] == pytest.approx(kept["spend"].sum(), abs=0.01)
    # £2bn over five years is £400m a year; excluded councils' shares are left out of England
    assert councils["investment"].sum() == pytest.approx(400e6, abs=0.01)
    assert england["investment"] == pytest.approx(kept["investment"].sum(), abs=0.01)


# --------------------------------------------------------------------------- properties

money = st.floats(1.0, 1e9, allow_nan=False, allow_infinity=False)


@st.composite
def panels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n, t = draw(st.integers(1, 30)), draw(st.integers(1, 8))
    budget = draw(hnp.arrays(np.float64, (n, t), elements=money))
    outturn = draw(hnp.arrays(np.float64, (n, t), elements=st.one_of(money, st.just(0.0))))
    same = draw(hnp.arrays(np.bool_, (n, t)))
    return budget, np.where(same, budget, outturn)  # some councils exactly on budget


@given(panels())
def test_overspend_pct_and_counts_are_consistent(panel: tuple[np.ndarray, np.ndarray]) -> None:
    budget, outturn = panel
    pct = overspend_pct(budget, outturn)
    np.testing.assert_allclose(pct * budget / 100, overspend(budget, outturn),
                               rtol=1e-9, atol=1e-6)
    assert np.array_equal(pct > 0, outturn > budget)
    counts = councils_overspending(budget, outturn)
    assert np.all((counts >= 0) & (counts <= budget.shape[0]))
    np.testing.assert_allclose(share_overspending(budget, outturn), counts / budget.shape[0])
    gross, net = gross_overspend(budget, outturn), national_overspend(budget, outturn)
    assert np.all(gross >= net - 1e-6 * np.abs(outturn).sum(axis=0) - 1e-6)
    assert np.all(gross >= 0)


@given(hnp.arrays(np.bool_, st.tuples(st.integers(1, 40), st.integers(1, 12))))
def test_persistence_bounds_and_reference(flags: np.ndarray) -> None:
    current, longest = persistence(flags)
    n_years = flags.shape[1]
    assert np.all((current >= 0) & (current <= longest) & (longest <= n_years))
    assert np.all(longest <= flags.sum(axis=1))
    for i, row in enumerate(flags.tolist()):  # reference: the plain definition, row by row
        runs = "".join("1" if f else "0" for f in row).split("0")
        assert longest[i] == max(len(r) for r in runs)
        assert current[i] == len(runs[-1])
