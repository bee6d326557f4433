"""Regional Care Co-operative pooling: membership checks, hand-worked accounts, conservation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundmodel import authorities_from_frame, load_authorities
from fundmodel.data.authorities import Authorities
from fundmodel.errors import DataError, ScenarioError
from fundmodel.errors import InvalidInputError as ValidationError
from fundmodel.scenarios import load_scenario, load_scenario_text
from fundmodel.scenarios.rcc import (
    OVERSPEND_ALTERNATIVES,
    RCC_PARAMETERS,
    STANDALONE,
    Membership,
    RCCResult,
    RCCScenario,
    hhi,
    round_in_groups,
)
from fundmodel.scenarios.rcc.builtin import (
    GREATER_MANCHESTER,
    RCC20_GROUPS,
    SOUTH_EAST,
    membership_preset,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HEADER = {"title": "test pool", "assumes": "test"}
CODES = ["E06900001", "E06900002", "E06900003", "E06900004"]


def councils(spend: list[float | None], extra: dict[str, list[float]] | None = None
             ) -> Authorities:
    """Hand-made councils E06900001.. with the given placement spend (None = missing)."""
    n = len(spend)
    frame = pd.DataFrame({
        "code": [f"E06{900001 + i:06d}" for i in range(n)],
        "name": [f"Council {i + 1}" for i in range(n)],
        "region": "North East", "council_type": "unitary",
        "s251_lac_2024_25": [np.nan if s is None else s for s in spend],
    })
    for col, values in (extra or {}).items():
        frame[col] = values
    return authorities_from_frame(frame, "hand-made councils", geography="custom")


def run(la: Authorities, **kwargs: object) -> RCCResult:
    """The assumed-budget model (budget_source: assumed, chosen explicitly: the default is
    the RA data), on hand-made councils."""
    return RCCScenario.model_validate({"header": HEADER, "budget_source": "assumed",
                                       **kwargs}).run(la)


# ---- membership ------------------------------------------------------------------------

def test_membership_rejects_unknown_codes_naming_them() -> None:
    la = councils([1.0, 1.0])
    m = Membership(members={"E06900001": "A", "E06900002": "A", "E06900099": "A"})
    with pytest.raises(ScenarioError, match=r"unknown council code\(s\) \['E06900099'\]"):
        m.resolve(la)


def test_membership_names_councils_left_out() -> None:
    la = councils([1.0, 1.0, 1.0])
    m = Membership(members={"E06900001": "A"})
    with pytest.raises(ScenarioError, match=r"leaves out 2 council.*E06900002 Council 2; "
                                            r"E06900003 Council 3"):
        m.resolve(la)
    assert Membership(members={"E06900001": "A"}, others="standalone").resolve(la).tolist() == [
        0, -1, -1]


def test_membership_names_a_code_given_twice() -> None:
    with pytest.raises(ValidationError, match=r"given twice: E06900002 \(A, B\)"):
        Membership.model_validate({"rccs": {"A": ["E06900001", "E06900002"],
                                            "B": ["E06900002"]}})


def test_membership_rejects_bad_codes_and_blank_names() -> None:
    with pytest.raises(ValidationError, match="not English upper-tier ONS codes"):
        Membership(members={"E07000001": "A"})
    with pytest.raises(ValidationError, match="empty RCC name"):
        Membership(members={"E06900001": " "})


def test_duplicate_code_in_yaml_mapping_is_refused_with_its_line() -> None:
    text = ("kind: rcc\nheader: {title: t, assumes: a}\nmembership:\n  members:\n"
            "    E06900001: North\n    E06900001: South\n")
    with pytest.raises(ScenarioError, match="line 6: duplicate key 'E06900001'"):
        load_scenario_text(text)


def test_region_membership_has_nine_rccs_covering_all_councils() -> None:
    la = load_authorities()
    m = membership_preset("regions", la)
    group = m.resolve(la)
    assert len(m.rcc_names()) == 9
    assert (group >= 0).all()
    assert np.bincount(group).tolist() == [
        int((la.regions == r).sum()) for r in m.rcc_names()
    ]


def test_rcc20_lists_every_council_exactly_once_and_stays_within_regions() -> None:
    la = load_authorities()
    codes = [c for group in RCC20_GROUPS.values() for c in group]
    assert len(codes) == len(set(codes)) == la.n == 153
    assert set(codes) == set(la.codes.tolist())
    region = dict(zip(la.codes.tolist(), la.regions.tolist(), strict=True))
    for name, group in RCC20_GROUPS.items():
        assert len({region[c] for c in group}) == 1, name  # no RCC straddles two regions
    m = membership_preset("rcc20", la)
    assert m.assumption and "ASSUMPTION" in m.note
    assert (m.resolve(la) >= 0).all()


def test_pathfinders_match_the_data() -> None:
    la = load_authorities()
    names = dict(zip(la.codes.tolist(), la.names.tolist(), strict=True))
    assert [names[c] for c in GREATER_MANCHESTER] == [
        "Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport",
        "Tameside", "Trafford", "Wigan"]
    assert sorted(SOUTH_EAST) == sorted(la.codes[la.regions == "South East"].tolist())
    assert len(SOUTH_EAST) == 19
    group = membership_preset("pathfinders", la).resolve(la)
    assert (group >= 0).sum() == 29 and (group < 0).sum() == 124


# ---- hand-worked accounts --------------------------------------------------------------

def test_pool_by_hand_shortfall_topups_and_standalone() -> None:
    # spend 114,200 / 228,400 / 57,100; r = 14.2% -> budgets 100,000 / 200,000 / 50,000
    la = councils([114_200.0, 228_400.0, 57_100.0])
    res = run(la, membership={"members": {CODES[0]: "North", CODES[1]: "North",
                                          CODES[2]: STANDALONE}})
    f = res.to_frame()
    assert f["contribution"].tolist() == [100_000.0, 200_000.0, 0.0]
    assert f["budget"].tolist() == [100_000.0, 200_000.0, 50_000.0]
    assert f["pool_pays"].tolist() == [114_200.0, 228_400.0, 0.0]
    assert f["settlement"].tolist() == [14_200.0, 28_400.0, 0.0]  # shortfall shared by spend
    assert f["net_cost"].tolist() == [114_200.0, 228_400.0, 57_100.0]
    assert f["cross_subsidy"].tolist() == [0.0, 0.0, 0.0]
    n = res.national()
    assert n["pooled_budget"] == 300_000.0 and n["member_spend"] == 342_600.0
    assert n["spending_power_shortfall"] == 42_600.0
    assert n["standalone_spend"] == 57_100.0
    assert res.break_even_savings() == pytest.approx(0.142 / 1.142)


def test_savings_turn_the_shortfall_into_refunds() -> None:
    # spend 100 and 300 (pounds); r = 25% -> budgets 80, 240 (320); s = 25% -> pool pays 75, 225
    la = councils([100.0, 300.0])
    res = run(la, membership={"rccs": {"P": CODES[:2]}}, overspend_rate=0.25, scale_savings=0.25)
    f = res.to_frame()
    assert f["pool_pays"].tolist() == [75.0, 225.0]
    assert f["settlement"].tolist() == [-5.0, -15.0]  # surplus 20 refunded by spend
    assert f["net_cost"].tolist() == [75.0, 225.0]
    assert res.rcc_frame()["shortfall"].tolist() == [-20.0]
    assert res.break_even_savings() == pytest.approx(0.2)


def test_sharing_by_a_column_creates_cross_subsidies() -> None:
    # spend 100 and 300, r = 25%: budgets 80 and 240, shortfall 80 shared 1:1 by children
    la = councils([100.0, 300.0], extra={"cla_count_2025": [5.0, 5.0]})
    res = run(la, membership={"rccs": {"P": CODES[:2]}}, overspend_rate=0.25,
              share_shortfall_by="cla_count_2025")
    f = res.to_frame()
    assert f["settlement"].tolist() == [40.0, 40.0]
    assert f["net_cost"].tolist() == [120.0, 280.0]
    assert f["cross_subsidy"].tolist() == [-20.0, 20.0]  # council 1 pays for council 2's care
    res.check_conservation()


def test_budget_column_gives_rcc_specific_break_even() -> None:
    la = councils([100.0, 200.0, 100.0, 100.0], extra={"budget": [50.0, 200.0, 100.0, 100.0]})
    res = run(la, membership={"rccs": {"A": CODES[:2], "B": CODES[2:]}}, budget_column="budget")
    rf = res.rcc_frame()
    assert rf["shortfall"].tolist() == [50.0, 0.0]
    assert rf["break_even_savings"].tolist() == pytest.approx([50 / 300, 0.0])
    assert res.break_even_savings() == pytest.approx(50 / 500)


def test_savings_sweep_is_linear_and_crosses_zero_at_break_even() -> None:
    la = councils([100.0, 300.0])
    res = run(la, membership={"rccs": {"P": CODES[:2]}}, overspend_rate=0.25)
    sweep = res.savings_sweep(np.array([0.0, 0.1, 0.2, 0.3]))
    pooled = sweep[sweep["rcc"] == "P"]
    # budget 320, spend 400: shortfall 400 (1 - s) - 320
    assert pooled["shortfall"].to_numpy() == pytest.approx([80.0, 40.0, 0.0, -40.0])
    assert pooled["breaks_even"].tolist() == [False, False, True, True]


def test_pence_rounding_adds_up_within_each_rcc() -> None:
    # three equal members share £1.00 of budget: 34p, 33p, 33p, the odd penny to the lowest code
    out = round_in_groups(np.array([100 / 3] * 3 + [5.5]), np.array([0, 0, 0, 1]), 2,
                          np.array([0, 1, 2, 3]))
    assert out.tolist() == [34, 33, 33, 6]


def test_hhi_and_buyer_counts_by_hand() -> None:
    assert hhi(np.array([30.0, 70.0])) == pytest.approx(10_000 * (0.09 + 0.49))
    la = councils([100.0, 100.0, 200.0, 600.0])
    res = run(la, membership={"members": {CODES[0]: "A", CODES[1]: "A"}, "others": STANDALONE})
    conc = res.concentration()
    assert conc["buyers"].tolist() == [4, 3]
    # before: .1 .1 .2 .6 -> 100+100+400+3600; after: .2 .2 .6 -> 400+400+3600
    assert conc["hhi"].tolist() == pytest.approx([4200.0, 4400.0])
    assert res.buyers()["buyer"].tolist() == ["A", "Council 3", "Council 4"]


# ---- missing spend -------------------------------------------------------------------

def test_missing_spend_is_an_error_naming_the_councils() -> None:
    la = councils([100.0, None, 300.0])
    with pytest.raises(DataError, match=r"missing for 1 council.*E06900002 Council 2"):
        run(la, membership={"rccs": {"P": CODES[:3]}})


def test_missing_spend_exclude_reports_and_leaves_out() -> None:
    la = councils([114.2, None, 228.4])
    res = run(la, membership={"rccs": {"P": CODES[:3]}}, missing_spend="exclude")
    assert res.excluded["code"].tolist() == ["E06900002"]
    assert res.to_frame()["status"].tolist() == ["pooled", "excluded (no spend figure)",
                                                 "pooled"]
    assert res.national()["member_spend"] == pytest.approx(342.6)
    assert res.council_amounts().index.tolist() == ["E06900001", "E06900003"]
    assert "excluded (no spend figure): Council 2" in res.summary()


def test_user_supplied_spend_fills_a_gap_and_is_recorded() -> None:
    la = councils([100.0, None])
    res = run(la, membership={"rccs": {"P": CODES[:2]}}, spend_values={"E06900002": 250.0})
    f = res.to_frame()
    assert f["spend"].tolist() == [100.0, 250.0]
    assert f["spend_source"].tolist() == ["data", "user-supplied"]
    assert res.scenario.spend_values["E06900002"].assumption
    with pytest.raises(ScenarioError, match="unknown council code"):
        run(la, membership={"rccs": {"P": CODES[:2]}}, spend_values={"E06900009": 1.0})


def test_assumed_budgets_refuse_missing_spend_then_exclude_wandsworth_and_middlesbrough() -> None:
    with pytest.raises(DataError, match=r"Middlesbrough.*Wandsworth"):
        RCCScenario(header=HEADER, budget_source="assumed").run()
    res = RCCScenario(header=HEADER, budget_source="assumed", missing_spend="exclude").run()
    assert sorted(res.excluded["name"]) == ["Middlesbrough", "Wandsworth"]
    n = res.national()
    # DATA_MAP cross-check: £8,955m over 151 councils, in line with gov.uk's "about £9bn"
    assert n["member_spend"] / 1e6 == pytest.approx(8955.4, abs=0.1)
    assert n["spending_power_shortfall"] == pytest.approx(n["member_spend"] * 0.142 / 1.142,
                                                          abs=1.0)
    assert len(res.rcc_names) == 20
    res.check_conservation()


# ---- scenario files and parameters -----------------------------------------------------

def test_example_yaml_loads_and_runs() -> None:
    scenario = load_scenario(EXAMPLES / "rcc_default.yaml")
    assert isinstance(scenario, RCCScenario)
    res = scenario.run()
    assert len(res.rcc_names) == 20
    res.check_conservation()


def test_scenario_validation_names_the_field() -> None:
    with pytest.raises(ScenarioError, match=r"membership.*unknown membership 'rcc21'"):
        load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nmembership: rcc21\n")
    with pytest.raises(ScenarioError, match="scale_savings"):
        load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nscale_savings: 1.5\n")
    with pytest.raises(ScenarioError, match="overspend_rate"):
        load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nbudget_source: assumed\n"
                           "overspend_rate: -1\n")


def test_parameters_are_sourced_and_default_is_lga_14_2() -> None:
    # one record of the LGA's 14.2% (overspend.yaml), flagged an assumption where applied
    lga = OVERSPEND_ALTERNATIVES[0]
    assert (lga.value, lga.unit.name, lga.assumption) == (14.2, "PERCENT", True)
    assert RCCScenario(header=HEADER, budget_source="assumed").overspend == pytest.approx(0.142)
    assert [p.value for p in OVERSPEND_ALTERNATIVES[1:]] == [0.16, 0.14, 0.091]
    for p in RCC_PARAMETERS:
        assert p.source.publisher and p.label and p.note
    savings = RCCScenario(header=HEADER).scale_savings
    assert savings.value == 0.0 and savings.assumption and "not evidenced" in savings.note


def test_repr_html_escapes_names() -> None:
    la = councils([100.0, 100.0])
    res = run(la, membership={"rccs": {"<b>North</b>": CODES[:2]}})
    page = res._repr_html_()
    assert "&lt;b&gt;North&lt;/b&gt;" in page and "<b>North" not in page


# ---- conservation, property-tested ---------------------------------------------------

@st.composite
def pooling_cases(draw: st.DrawFn) -> tuple[Authorities, dict[str, object]]:
    n = draw(st.integers(1, 30))
    spend = draw(st.lists(st.one_of(st.just(0.0), st.integers(0, 10**10).map(lambda p: p / 100)),
                          min_size=n, max_size=n))
    weights = draw(st.lists(st.integers(0, 1000).map(float), min_size=n, max_size=n))
    groups = draw(st.lists(st.sampled_from(["A", "B", "C", STANDALONE]), min_size=n, max_size=n))
    la = councils(spend, extra={"w": weights})
    rule = draw(st.sampled_from(["spend", "contribution", "w"]))
    kwargs: dict[str, object] = {
        "membership": {"members": dict(zip(la.codes.tolist(), groups, strict=True))},
        "overspend_rate": draw(st.floats(-0.5, 2.0)),
        "scale_savings": draw(st.floats(-0.5, 1.0)),
        "share_shortfall_by": rule,
    }
    return la, kwargs


@given(pooling_cases())
def test_pool_conserves_money_to_the_penny(case: tuple[Authorities, dict[str, object]]) -> None:
    la, kwargs = case
    try:
        res = run(la, **kwargs)
    except ScenarioError as exc:  # only legitimate when the sharing weights are all zero
        assert "zero for all its members" in str(exc)
        return
    res.check_conservation()
    m = res.pooled
    top = np.clip(res.settlement_pence, 0, None)
    refund = np.clip(-res.settlement_pence, 0, None)
    # money in (contributions + top-ups) = money paid out (placements + refunds), in pence
    assert int(res.contribution_pence.sum() + top.sum()) == int(res.pays_pence.sum()
                                                                  + refund.sum())
    assert int(res.net_cost_pence[m].sum()) == int(res.pays_pence[m].sum())
    assert res.cross_subsidy_pence[~m].tolist() == [0] * int((~m).sum())
    # every rounded figure is within a penny of its exact value
    exact_budget = res.spend_pence / (1 + res.scenario.overspend)
    assert np.all(np.abs(res.budget_pence - exact_budget) < 1 + 1e-6)
    exact_pays = np.where(m, res.spend_pence * (1 - res.scenario.savings), 0)
    assert np.all(np.abs(res.pays_pence - exact_pays) < 1 + 1e-6)


# ---- real designated budgets (budget_source: data, the default) -------------------------

def _raw_lac(period: str = "2023-24") -> pd.DataFrame:
    """RA line 313 budget and RO3 looked-after outturn per council, read with plain pandas."""
    import fundmodel.data

    folder = Path(fundmodel.data.__file__).parent
    kw = {"dtype": {"code": str, "flag": str}, "keep_default_na": False,
          "na_values": {"value": [""]}}
    b = pd.read_csv(folder / "budgets.csv", **kw)  # type: ignore[arg-type]
    s = pd.read_csv(folder / "series.csv", **kw)  # type: ignore[arg-type]
    b = b[(b["measure"] == "ra_budget_lac_net") & (b["period"] == period)
          & (b["flag"] != "predecessor")].set_index("code")["value"]
    s = s[(s["measure"] == "ro3_lac_net") & (s["period"] == period)
          & (s["flag"] != "predecessor")].set_index("code")["value"]
    return pd.DataFrame({"budget": b, "outturn": s})


def test_real_budgets_by_hand_for_a_three_council_pool() -> None:
    raw = _raw_lac()
    tees = ["E06000001", "E06000002", "E06000003"]  # Hartlepool, Middlesbrough, Redcar
    res = RCCScenario.model_validate({
        "header": HEADER, "membership": {"rccs": {"Tees": tees}, "others": "standalone"}}).run()
    row = res.rcc_frame().iloc[0]
    assert row["pooled_budget"] == pytest.approx(raw.loc[tees, "budget"].sum(), abs=0.01)
    assert row["member_spend"] == pytest.approx(raw.loc[tees, "outturn"].sum(), abs=0.01)
    assert row["shortfall"] == pytest.approx(
        raw.loc[tees, "outturn"].sum() - raw.loc[tees, "budget"].sum(), abs=0.01)
    f = res.to_frame().set_index("code")
    assert (f.loc[tees, "budget_source"] == "data").all()
    assert "budget_source=data" in res.summary() and "ASSUMED" not in res.summary()
    res.check_conservation()


def test_real_budgets_exclude_and_name_councils_lacking_a_figure() -> None:
    raw = _raw_lac()
    lacking = set(raw.index[raw.isna().any(axis=1)])
    negative = set(raw.index[(raw < 0).any(axis=1)])
    res = RCCScenario(header=HEADER).run()
    assert set(res.excluded["code"]) == lacking | negative
    assert negative == {"E09000028"}  # Southwark: RO3 looked-after net outturn below zero
    reasons = res.excluded.set_index("code")["reason"]
    assert reasons["E06000039"] == "no budget (not_submitted)"  # Slough
    assert "negative" in reasons["E09000028"]
    assert "Slough (no budget (not_submitted))" in res.summary()
    assert "uses a flagged value: Sandwell" in res.summary()


def test_real_budgets_give_each_rcc_its_own_shortfall() -> None:
    raw = _raw_lac().dropna()
    raw = raw[(raw >= 0).all(axis=1)]
    res = RCCScenario(header=HEADER).run()
    rf = res.rcc_frame()
    group = res.to_frame().set_index("code")["rcc"]
    manual = raw.assign(rcc=group.reindex(raw.index)).groupby("rcc").sum()
    for r in rf.itertuples():
        assert r.pooled_budget == pytest.approx(manual.loc[r.rcc, "budget"], abs=0.01)
        assert r.member_spend == pytest.approx(manual.loc[r.rcc, "outturn"], abs=0.01)
    pct = rf["shortfall_pct_of_spend"]
    assert pct.max() - pct.min() > 10.0  # not 12.4% everywhere: budgets are data
    n = res.national()
    assert n["spending_power_shortfall"] == pytest.approx(
        raw["outturn"].sum() - raw["budget"].sum(), abs=0.01)


def test_assumed_budgets_remain_an_option_labelled_as_such() -> None:
    res = RCCScenario(header=HEADER, budget_source="assumed", missing_spend="exclude").run()
    assert "BUDGETS ASSUMED" in res.summary()
    assert set(res.to_frame()["budget_source"]) == {"assumed"}
    assert res.budget_is_assumed
    with pytest.raises(ValidationError, match="apply only with budget_source: assumed"):
        RCCScenario(header=HEADER, overspend_rate=0.2)
    with pytest.raises(DataError, match="no lac budgets for 2024-25"):
        RCCScenario(header=HEADER, period="2024-25").run()


def test_assumed_example_yaml_runs() -> None:
    res = load_scenario(EXAMPLES / "rcc_assumed.yaml").run()
    assert res.budget_is_assumed and "BUDGETS ASSUMED" in res.summary()
