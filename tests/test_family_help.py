"""Investment asks (kind: investment): phasing, distribution, ratios, presets, properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundmodel import FormulaError, ScenarioError, allocate, load_authorities
from fundmodel.presets import children_act_formula
from fundmodel.presets.investment import (
    CARE_REVIEW_HEADLINE_FIVE_YEARS,
    CARE_REVIEW_HEADLINE_FOUR_YEARS,
    CHILDREN_ENGLAND_GAP,
    INVESTMENT_PARAMETERS,
    SELECT_COMMITTEE_GAP_2025,
    care_review_ask,
    children_england_double_ask,
    family_help_ask,
    illustrative_deflator,
    select_committee_ask,
)
from fundmodel.scenarios import load_scenario, load_scenario_text
from fundmodel.scenarios.base import ScenarioHeader
from fundmodel.scenarios.family_help import (
    Deflator,
    InvestmentScenario,
    ProfileYear,
    SpendDistribution,
    year_label,
)
from fundmodel.testing import synthetic_authorities

ROOT = Path(__file__).resolve().parents[1]
HEADER = ScenarioHeader(title="test ask", assumes="test")
SPEND_X0 = SpendDistribution(column="x0")


@pytest.fixture(scope="module")
def la():  # type: ignore[no-untyped-def]
    return load_authorities()


def ask(profile: list[float], headline: float, **kw: object) -> InvestmentScenario:
    years = [ProfileYear(year=year_label(2025 + k), amount=a) for k, a in enumerate(profile)]
    return InvestmentScenario(header=HEADER, headline=headline, profile=tuple(years),
                              distribution=kw.pop("distribution", SPEND_X0), **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- phasing


def test_care_review_profile_reports_the_77m_difference_exactly(la) -> None:  # type: ignore[no-untyped-def]
    res = care_review_ask().run(la)
    # £46m + £987m + £1,257m + £233m = £2,523m; headline £2,600m
    assert res.year_pence.tolist() == [4_600_000_000, 98_700_000_000, 125_700_000_000,
                                       23_300_000_000]
    assert res.total == 2_523_000_000.0
    assert res.difference == 77_000_000.0
    assert res.headline == 2_600_000_000.0
    assert res.amount_pence.sum(axis=1).tolist() == res.year_pence.tolist()
    assert "£77.0m" in res.summary()
    assert any("nothing rescaled" in n for n in res.notes)


def test_headline_even_spreads_the_headline_and_still_reports_the_profile_gap(la) -> None:  # type: ignore[no-untyped-def]
    four = care_review_ask("headline_even").run(la)
    assert four.years == ("2022-23", "2023-24", "2024-25", "2025-26")
    assert four.year_pence.tolist() == [65_000_000_000] * 4  # £650m a year
    assert four.difference == 0.0
    assert four.profile_difference == 77_000_000.0
    five = care_review_ask("headline_even", "five_years").run(la)
    assert five.year_pence.tolist() == [52_000_000_000] * 5  # £520m a year
    assert five.years[-1] == "2026-27"


def test_even_split_gives_odd_pennies_to_the_earliest_years() -> None:
    s = InvestmentScenario(header=HEADER, headline=1.0, phasing="headline_even",
                           first_year="2025-26", even_years=3, distribution=SPEND_X0)
    assert s.year_pence().tolist() == [34, 33, 33]


def test_missing_year_in_profile_is_an_error_naming_it() -> None:
    text = """
kind: investment
header: {title: gap, assumes: none}
headline: 100
profile: [{year: 2022-23, amount: 50}, {year: 2024-25, amount: 50}]
distribution: {method: spend, column: x0}
"""
    with pytest.raises(ScenarioError, match="2023-24 is missing between 2022-23 and 2024-25"):
        load_scenario_text(text)


def test_bad_year_label_and_profile_phasing_without_profile_are_errors() -> None:
    with pytest.raises(ValueError, match="2025-27"):
        ProfileYear(year="2025-27", amount=1)
    with pytest.raises(ValueError, match="needs a profile"):
        InvestmentScenario(header=HEADER, headline=1, distribution=SPEND_X0)


# --------------------------------------------------------------------------- distribution


def test_spend_distribution_by_hand() -> None:
    # x0 = 1, 3, 4 -> shares 1/8, 3/8, 4/8 of £800 and £80
    res = ask([800.0, 80.0], 1000.0).run(synthetic_authorities([[1.0], [3.0], [4.0]]))
    assert res.amount_pence.tolist() == [[10000, 30000, 40000], [1000, 3000, 4000]]
    assert res.council_amounts().tolist() == [110.0, 330.0, 440.0]


def test_formula_distribution_is_the_engine(la) -> None:  # type: ignore[no-untyped-def]
    res = care_review_ask().run(la)
    direct = allocate(children_act_formula(), la, 987_000_000)
    assert np.array_equal(res.amount_pence[1], direct.amount_pence[0])


def test_missing_spend_column_is_an_error_or_opt_in_exclusion(la) -> None:  # type: ignore[no-untyped-def]
    spend = SpendDistribution(column="s251_family_support_2024_25")
    with pytest.raises(FormulaError, match=r"Middlesbrough.*Wandsworth"):
        family_help_ask(spend).run(la)
    res = family_help_ask(spend.model_copy(update={"missing": "exclude"})).run(la)
    excluded = [int(np.flatnonzero(la.codes == c)[0]) for c in res.excluded]
    assert sorted(la.names[excluded].tolist()) == ["Middlesbrough", "Wandsworth"]
    assert res.amount_pence[:, excluded].sum() == 0
    assert res.amount_pence.sum() == 200_000_000_000
    # shares are shares of family support spend over the other 151 councils
    fs = la.column("s251_family_support_2024_25")
    i = int(np.nanargmax(fs))
    assert res.amount_pence[0, i] / 100 == pytest.approx(400e6 * fs[i] / np.nansum(fs), abs=0.01)
    assert any("Wandsworth" in n for n in res.notes)


def test_ring_fence_and_real_terms_round_to_exact_year_totals() -> None:
    deflator = Deflator(name="by hand", base_year="2025-26",
                        points=[{"year": "2025-26", "index": 100},  # type: ignore[list-item]
                                {"year": "2026-27", "index": 110}])
    res = ask([300.0, 1100.0], 1400.0, ring_fenced_share=0.5, deflator=deflator).run(
        synthetic_authorities([[1.0], [2.0]]))
    assert res.ring_fenced_pence is not None and res.real_pence is not None
    assert res.ring_fenced_pence.sum(axis=1).tolist() == [15000, 55000]
    # £1,100 splits 36,667p / 73,333p; / 1.1 = 33,333.6p / 66,666.4p -> 33,334p / 66,666p
    assert res.amount_pence[1].tolist() == [36667, 73333]
    assert res.real_pence.tolist() == [[10000, 20000], [33334, 66666]]
    assert res.real_year_pence is not None
    assert res.real_year_pence.tolist() == [30000, 100000]


def test_deflator_without_a_year_is_an_error_naming_it() -> None:
    d = illustrative_deflator("2025-26", 1)
    with pytest.raises(ScenarioError, match="no value for 2026-27"):
        ask([1.0, 1.0], 2.0, deflator=d).run(synthetic_authorities([[1.0]]))


def test_illustrative_deflator_is_labelled_an_assumption() -> None:
    d = illustrative_deflator("2022-23", 4)
    res = care_review_ask().model_copy(update={"deflator": d}).run()
    assert all(p.index.assumption for p in d.points)
    assert any("ILLUSTRATIVE ASSUMPTION" in n for n in res.notes)
    # £233m in 2025-26 at 2022-23 prices: 233 / 1.02**3
    assert res.real_year_pence is not None
    assert res.real_year_pence[3] == round(23_300_000_000 / 1.02**3)


# --------------------------------------------------------------------------- outputs


def test_output_ratios_and_missing_outturn_note(la) -> None:  # type: ignore[no-untyped-def]
    res = family_help_ask().run(la)
    frame = res.to_frame()
    assert len(frame) == 5 * 153
    assert list(frame.columns[:6]) == ["code", "name", "region", "council_type", "year", "amount"]
    first = frame[frame["year"] == "2022-23"].set_index("code")
    kids = la.column("children_0_17")
    np.testing.assert_allclose(first["per_child"].to_numpy(), first["amount"].to_numpy() / kids)
    cin = la.column("cin_count_2025")
    np.testing.assert_allclose(first["per_child_in_need"].to_numpy(),
                               first["amount"].to_numpy() / cin)
    outturn = la.column("s251_cyps_total_2024_25")
    nan_codes = set(first.index[first["pct_of_csc_outturn"].isna()])
    assert nan_codes == set(la.codes[np.isnan(outturn)])
    assert {"Middlesbrough", "Wandsworth"} <= set(la.names[np.isnan(outturn)])
    assert any("output ratio only" in n and "Wandsworth" in n for n in res.notes)
    wide = res.council_frame()
    assert wide["total"].sum() == pytest.approx(2e9, abs=0.001)
    assert np.array_equal(wide["total"].to_numpy(), res.council_amounts().to_numpy())
    html = res._repr_html_()
    assert "<script" not in html and "Family Help" in html


def test_html_escapes_the_title() -> None:
    s = ask([1.0], 1.0).model_copy(update={"header": ScenarioHeader(title="<b>x</b>",
                                                                    assumes="a")})
    assert "&lt;b&gt;x&lt;/b&gt;" in s.run(synthetic_authorities([[1.0]]))._repr_html_()


# --------------------------------------------------------------------------- presets


def test_presets_record_both_disagreeing_sources() -> None:
    assert CARE_REVIEW_HEADLINE_FIVE_YEARS.value == CARE_REVIEW_HEADLINE_FOUR_YEARS.value == 2600
    assert "five" in CARE_REVIEW_HEADLINE_FIVE_YEARS.source.quote  # type: ignore[operator]
    assert "four" in CARE_REVIEW_HEADLINE_FOUR_YEARS.source.quote  # type: ignore[operator]
    committee = select_committee_ask()
    assert committee.headline == SELECT_COMMITTEE_GAP_2025
    assert committee.headline.source.url is not None
    assert "publications.parliament.uk" in committee.headline.source.url
    assert committee.headline.source.section == "para 150"
    assert select_committee_ask("children_england").headline == CHILDREN_ENGLAND_GAP
    assert "3,400m" in committee.header.assumes and "3,100m" in committee.header.assumes
    double = children_england_double_ask()
    assert double.headline.in_pounds() == 2 * CARE_REVIEW_HEADLINE_FOUR_YEARS.in_pounds()
    assert children_england_double_ask("profile").run().difference == 154_000_000.0
    fh = family_help_ask()
    assert fh.headline.in_pounds() == 2e9 and len(fh.years()) == 5


def test_every_investment_parameter_has_source_unit_label() -> None:
    for p in INVESTMENT_PARAMETERS:
        assert p.label and p.unit and p.source.publisher and p.note, p.label
    for s in (care_review_ask(), family_help_ask(), children_england_double_ask(),
              select_committee_ask(), care_review_ask(ring_fence_family_help=True)):
        assert s.header.assumes and s.header.source is not None
        assert all(p.source.title for p in s.parameters())


def test_ring_fenced_family_help_share_of_the_care_review(la) -> None:  # type: ignore[no-untyped-def]
    res = care_review_ask(ring_fence_family_help=True).run(la)
    assert res.ring_fenced_pence is not None
    expected = np.rint(res.year_pence * (2000 / 2600)).astype(np.int64)
    assert res.ring_fenced_pence.sum(axis=1).tolist() == expected.tolist()
    assert np.all(res.ring_fenced_pence <= res.amount_pence)


def test_example_yaml_runs_and_round_trips() -> None:
    s = load_scenario(ROOT / "examples" / "family_help_care_review.yaml")
    assert isinstance(s, InvestmentScenario)
    res = s.run()
    assert res.difference == 77_000_000.0
    assert load_scenario_text(s.to_yaml()) == s


# --------------------------------------------------------------------------- properties

pence_amounts = st.lists(st.integers(0, 10**12), min_size=1, max_size=6)
councils = st.lists(st.integers(0, 10**6), min_size=1, max_size=25).filter(lambda v: sum(v) > 0)


@given(pence_amounts, st.integers(0, 10**12), councils)
def test_years_sum_exactly_and_difference_is_exact(
    profile: list[int], headline: int, weights: list[int]
) -> None:
    s = ask([p / 100 for p in profile], headline / 100)
    res = s.run(synthetic_authorities([[float(w)] for w in weights]))
    assert res.amount_pence.sum(axis=1).tolist() == profile
    assert int(res.amount_pence.sum()) == sum(profile)
    assert res.headline_pence - int(res.year_pence.sum()) == headline - sum(profile)
    assert res.difference == (headline - sum(profile)) / 100
    assert np.all(res.amount_pence >= 0)


@given(st.integers(0, 10**12), st.integers(1, 10), councils)
def test_headline_even_sums_to_headline(headline: int, n: int, weights: list[int]) -> None:
    s = InvestmentScenario(header=HEADER, headline=headline / 100, phasing="headline_even",
                           first_year="2030-31", even_years=n, distribution=SPEND_X0)
    res = s.run(synthetic_authorities([[float(w)] for w in weights]))
    assert int(res.amount_pence.sum()) == headline and res.difference == 0
    assert int(res.year_pence.max() - res.year_pence.min()) <= 1
    assert np.all(res.amount_pence >= 0)


@given(pence_amounts, councils, st.integers(2, 50))
def test_scaling_the_ask_scales_amounts(profile: list[int], weights: list[int], k: int) -> None:
    la = synthetic_authorities([[float(w)] for w in weights])
    base = ask([p / 100 for p in profile], 0.0).run(la)
    scaled = ask([k * p / 100 for p in profile], 0.0).run(la)
    # each amount is within a penny of its exact share, so k x amount is within k + 1
    assert np.all(np.abs(scaled.amount_pence - k * base.amount_pence) <= k + 1)


@given(pence_amounts, councils, st.integers(0, 1000), st.lists(st.integers(50, 200), min_size=6,
                                                               max_size=6))
def test_ring_fence_and_real_terms_sum_exactly_to_rounded_year_totals(
    profile: list[int], weights: list[int], share_permille: int, index: list[int]
) -> None:
    n = len(profile)
    deflator = Deflator(name="random", base_year="2025-26", points=[  # type: ignore[arg-type]
        {"year": year_label(2025 + k), "index": float(v)} for k, v in enumerate(index[:n])])
    s = ask([p / 100 for p in profile], 0.0, ring_fenced_share=share_permille / 1000,
            deflator=deflator)
    res = s.run(synthetic_authorities([[float(w)] for w in weights]))
    assert res.ring_fenced_pence is not None and res.real_pence is not None
    share = share_permille / 1000
    assert res.ring_fenced_pence.sum(axis=1).tolist() == [round(p * share) for p in profile]
    factors = [index[0] / v for v in index[:n]]
    assert res.real_pence.sum(axis=1).tolist() == [round(p * f) for p, f in zip(profile, factors,
                                                                                 strict=True)]
    assert np.all(res.ring_fenced_pence >= 0) and np.all(res.real_pence >= 0)
    assert np.all(res.ring_fenced_pence <= res.amount_pence)
