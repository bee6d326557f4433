"""Cost of duties from standards: proportionality, not circular, hand-worked councils,
reproducible interval, every standard sourced and documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import fundmodel
from fundmodel.analysis.cost_of_duties import (
    STANDARD_NAMES,
    build_inputs,
    cost_of_duties,
    default_standards,
)
from fundmodel.analysis.cost_of_duties.interval import as_values
from fundmodel.analysis.cost_of_duties.unit_costs import duty_costs
from fundmodel.data.series import series_table
from fundmodel.data.tables import load_deflator, load_placements, load_workforce

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "src/fundmodel/parameters/cost_of_duties.yaml"
RAW = yaml.safe_load(YAML.read_text())["records"]
LA = fundmodel.load_authorities()


@pytest.fixture(scope="module")
def central() -> fundmodel.analysis.cost_of_duties.DutiesResult:  # type: ignore[name-defined]
    return cost_of_duties(LA, n_draws=200, seed=11)


def _value(name: str) -> float:
    return float(RAW[name]["value"])


def _deflate(year: str) -> float:
    d = load_deflator().set_index("fiscal_year")["gdp_deflator"]
    return float(d["2024-25"] / d[year])


def _staff_per_case_holder() -> float:
    """Plain second implementation: England 2025 in-post FTE over case-holding FTE, each
    joint return counted once."""
    w = load_workforce()
    w = w[w["period"] == "2025"]
    totals = {"csww_inpost_fte": 0.0, "csww_case_holders_fte": 0.0}
    seen = set()
    for _, row in w.iterrows():
        if row["measure"] not in totals or row["code"] == "E92000001" or pd.isna(row["value"]):
            continue
        if "joint_return" in row["flag"]:
            key = (row["measure"], row["value"])
            if key in seen:
                continue
            seen.add(key)
        totals[row["measure"]] += row["value"]
    return totals["csww_inpost_fte"] / totals["csww_case_holders_fte"]


# ------------------------------------------------------------------ hand-worked councils
# Hartlepool, Kent, Liverpool
@pytest.mark.parametrize("code", ["E06000001", "E10000016", "E08000012"])
def test_hand_worked_costs_from_raw_inputs(central, code: str) -> None:
    i = list(LA.codes).index(code)
    cin, cla = LA.column("cin_count_2025")[i], LA.column("cla_count_2025")[i]
    agency = LA.column("csww_agency_rate_fte_2025")[i] / 100
    salary = _value("social_worker_salary") * _deflate("2017-18")
    fte_cost = (salary * (1 + _value("salary_on_costs")) * (1 + agency * _value("agency_premium"))
                * (1 + _value("management_overheads")))
    social_work = cin / _value("cases_per_social_worker") * _staff_per_case_holder() * fte_cost

    p = load_placements()
    p = p[(p["code"] == code) & (p["period"] == "2019")].set_index("measure")["value"]
    foster = p["cla_placement_foster_pct"] / 100
    residential = (p["cla_placement_secure_homes_hostels_pct"]
                   + np.nan_to_num(p["cla_placement_residential_schools_pct"])
                   + np.nan_to_num(p["cla_placement_other_residential_pct"])) / 100
    ifa = _value("ifa_share_of_fostering")
    weekly = (foster * ((1 - ifa) * _value("inhouse_fostering_weekly_cost") * _deflate("2016-17")
                        + ifa * _value("ifa_weekly_price") * _deflate("2020-21"))
              + residential * _value("childrens_home_weekly_price") * _deflate("2020-21")
              * _value("residential_price_ratio"))
    looked_after = cla * weekly * 52

    family = (_value("family_help_children") * cin / LA.column("cin_count_2025").sum()
              * _value("family_support_cost_per_family") * _deflate("2011-12") / 3
              / _value("children_per_family_helped"))
    leavers = (cla * _value("care_leavers_17_to_21") / series_table("cla_count")["2021"].sum()
               * _value("staying_close_take_up") * _value("staying_close_cost_per_young_person"))

    got = central.cost_by_duty()
    assert got["social_work"][i] == pytest.approx(social_work, rel=1e-12)
    assert got["looked_after"][i] == pytest.approx(looked_after, rel=1e-12)
    assert got["family_help"][i] == pytest.approx(family, rel=1e-12)
    assert got["care_leavers"][i] == pytest.approx(leavers, rel=1e-12)
    spend = (LA.column("ro3_safeguarding_net_2024_25")[i]
             + LA.column("ro3_family_support_net_2024_25")[i]
             + series_table("ro3_lac_residential_net").loc[code, "2024-25"]
             + series_table("ro3_lac_fostering_net").loc[code, "2024-25"])
    cost = social_work + looked_after + family + leavers
    row = central.gap_frame().set_index("code").loc[code]
    assert row["spend"] == pytest.approx(spend)
    assert row["gap"] == pytest.approx(cost - spend, rel=1e-9)
    assert row["gap_pct"] == pytest.approx(100 * (cost - spend) / cost, rel=1e-9)


# ------------------------------------------------------------------ proportionality
def test_cases_per_worker_scales_social_work_in_exact_proportion(central) -> None:
    at_12 = cost_of_duties(LA, default_standards().updated({"cases_per_social_worker": 12}),
                           n_draws=20, seed=11)
    before, after = central.cost_by_duty(), at_12.cost_by_duty()
    np.testing.assert_allclose(after["social_work"], before["social_work"] * 15 / 12, rtol=1e-12)
    for duty in ("looked_after", "family_help", "care_leavers"):
        np.testing.assert_array_equal(after[duty], before[duty])


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=5, max_value=40), st.floats(min_value=0.5, max_value=3))
def test_social_work_times_standard_is_constant_and_prices_scale(cases: float, c: float) -> None:
    d = _INPUTS
    v = as_values(default_standards().central()[None, :])
    base = duty_costs(v, d)
    changed = dict(v)
    changed["cases_per_social_worker"] = np.array([[cases]])
    for name in ("childrens_home_weekly_price", "ifa_weekly_price",
                 "inhouse_fostering_weekly_cost"):
        changed[name] = v[name] * c
    new = duty_costs(changed, d)
    np.testing.assert_allclose(new["social_work"] * cases, base["social_work"] * 15, rtol=1e-10)
    np.testing.assert_allclose(new["looked_after"], base["looked_after"] * c, rtol=1e-10)


_INPUTS = build_inputs(LA)


# ------------------------------------------------------------------ not circular
def test_national_gap_is_not_zero_by_construction(central) -> None:
    nat = central.national()
    assert abs(nat["gap"]) > 1e6
    # doubling what councils spend must leave the costs untouched: a costing whose unit
    # costs were derived from the same spend (as spend_per_case_vs_england) would double too
    frame = LA.to_frame().copy()
    for col in ("ro3_safeguarding_net_2024_25", "ro3_family_support_net_2024_25",
                "s251_safeguarding_2024_25", "s251_lac_2024_25", "s251_family_support_2024_25"):
        frame[col] = frame[col] * 2
    doubled = cost_of_duties(fundmodel.authorities_from_frame(frame), n_draws=20, seed=11)
    np.testing.assert_array_equal(doubled.cost(), central.cost())
    assert doubled.national()["spend"] > nat["spend"] + 4e9


def test_old_mode_is_renamed_and_says_it_is_not_a_costing() -> None:
    from fundmodel.presets import children_act_costs, spend_per_case_vs_england

    assert children_act_costs is spend_per_case_vs_england
    f = spend_per_case_vs_england(LA)
    assert f.benchmark and "England average" in f.name
    complete = [c for c in LA.codes if c not in ("E06000002", "E06000053", "E09000001",
                                                 "E09000032")]
    text = fundmodel.cost_duties(f, LA.select(complete)).summary()
    assert "not a costing" in text and "by construction" in text


# ------------------------------------------------------------------ interval
def test_interval_is_reproducible_from_the_seed() -> None:
    a = cost_of_duties(LA, n_draws=300, seed=5)
    b = cost_of_duties(LA, n_draws=300, seed=5)
    c = cost_of_duties(LA, n_draws=300, seed=6)
    np.testing.assert_array_equal(a.national_draws, b.national_draws)
    assert not np.array_equal(a.national_draws, c.national_draws)
    nat = a.national()
    assert nat["gap_low"] < nat["gap"] < nat["gap_high"]


def test_drivers_move_one_input_at_a_time(central) -> None:
    drivers = central.drivers()
    row = drivers.set_index("input").loc["cases_per_social_worker"]
    sw = central.national()["cost_by_duty"]["social_work"]
    # at 12 cases the social work cost is 15/12 of the central; nothing else changes
    assert row["gap_at_low"] - central.national()["gap"] == pytest.approx(sw * (15 / 12 - 1))
    assert drivers["swing"].is_monotonic_decreasing


# ------------------------------------------------------------------ sources and docs
@pytest.mark.parametrize("name", STANDARD_NAMES)
def test_every_standard_is_a_sourced_record_with_a_range(name: str) -> None:
    p = default_standards()[name]
    assert p.ref == f"cost_of_duties.yaml#{name}"
    assert p.low is not None and p.high is not None and p.low <= p.value <= p.high
    assert p.assumption or p.source.publisher != "fundmodel", name
    if p.assumption:
        assert "ASSUMPTION" in p.note or p.source.publisher == "fundmodel" or p.note, name


def test_every_standard_is_on_the_docs_parameter_page() -> None:
    from fundmodel.report.docs_tables import parameters_markdown

    page = parameters_markdown()
    for name in STANDARD_NAMES:
        assert f"`cost_of_duties.yaml#{name}`" in page


def test_flagged_data_is_named(central) -> None:
    frame = central.to_frame().set_index("code")
    assert "s251_lac" in frame.loc["E08000012", "flags"]  # Liverpool's 2024-25 anomaly
    assert "Liverpool" in central.summary()


# ------------------------------------------------------------------ scenario and CLI
def test_cli_run_writes_costs_gap_and_sources(tmp_path: Path) -> None:
    from fundmodel.cli import main

    assert main(["run", str(ROOT / "examples/cost_of_duties.yaml"), "--out", str(tmp_path)]) == 0
    costs = pd.read_csv(tmp_path / "costs.csv")
    gap = pd.read_csv(tmp_path / "gap.csv")
    assert list(costs.columns[:6]) == ["code", "name", "duty", "caseload", "unit_cost", "cost"]
    assert list(gap.columns[:8]) == ["code", "name", "cost", "spend", "gap", "gap_pct",
                                     "gap_low", "gap_high"]
    assert len(costs) == 4 * 153
    np.testing.assert_allclose(gap["gap"], gap["cost"] - gap["spend"])
    manifest = yaml.safe_load((tmp_path / "manifest.yaml").read_text())
    assert set(STANDARD_NAMES) <= set(manifest["parameters"])
    assert "Competition and Markets Authority" in manifest["parameters"][
        "childrens_home_weekly_price"]["source"]
