"""Kill tests for the investment (Family Help) scenarios: four made-up councils by hand.

A £1,000 headline with a two-year profile (£300 in 2025-26, £600 in 2026-27: £100 short),
distributed in proportion to spend 1, 3, (missing: excluded), 4: 2025-26 gives 37.50,
112.50, 0, 150; 2026-27 gives 75, 225, 0, 300. Half is ring-fenced. An illustrative 2% index
(2025-26 = 100) turns 2026-27's £600 into 600 / 1.02 = £588.24 in 2025-26 prices, the
councils' 73.53, 220.59, 294.12 (largest remainders). Children 10, 30, 5, 0; children in
need 5, 15, 2, 9; 2024-25 outturn 100, 300, 50, 450.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.errors import FormulaError
from fundmodel.scenarios.family_help.asks import (
    care_review_ask,
    children_england_double_ask,
    family_help_ask,
    illustrative_deflator,
    select_committee_ask,
)
from fundmodel.scenarios.family_help.model import (
    FormulaDistribution,
    InvestmentScenario,
    SpendDistribution,
)
from fundmodel.scenarios.family_help.result import InvestmentResult
from fundmodel.testing import synthetic_authorities

NAN = math.nan
X0 = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}
CODES = [f"E06{900000 + i:06d}" for i in range(4)]


def _councils(drop: tuple[str, ...] = ()) -> Authorities:
    frame = synthetic_authorities([[1.0], [1.0], [2.0], [1.0]]).to_frame()
    frame["spend"] = [1.0, 3.0, np.nan, 4.0]
    frame["children_0_17"] = [10.0, 30.0, 5.0, 0.0]
    frame["cin_count_2025"] = [5.0, 15.0, 2.0, 9.0]
    frame["s251_cyps_total_2024_25"] = [100.0, 300.0, 50.0, 450.0]
    return authorities_from_frame(frame.drop(columns=list(drop)))


def _small(**over: object) -> InvestmentScenario:
    kw: dict[str, object] = dict(
        header={"title": "Small ask", "assumes": "a"}, headline=1000,
        profile=[{"year": "2025-26", "amount": 300}, {"year": "2026-27", "amount": 600}],
        ring_fenced_share=0.5,
        distribution={"method": "spend", "column": "spend", "missing": "exclude"},
        deflator=illustrative_deflator("2025-26", 2))
    kw.update(over)
    return InvestmentScenario(**kw)


def _run(drop: tuple[str, ...] = (), **over: object) -> InvestmentResult:
    return _small(**over).run(_councils(drop))


def _close(values: list[float], want: list[float]) -> None:
    assert len(values) == len(want), (values, want)
    for v, w in zip(values, want, strict=True):
        assert (math.isnan(v) and math.isnan(w)) or v == pytest.approx(w), (values, want)


def test_long_frame_by_hand() -> None:
    r = _run()
    f = r.to_frame()
    assert list(f.columns) == ["code", "name", "region", "council_type", "year", "amount",
                               "ring_fenced", "amount_real", "per_child", "per_child_in_need",
                               "pct_of_csc_outturn"]
    assert f["code"].tolist() == CODES * 2
    assert f["name"].tolist() == [f"Council {i}" for i in range(4)] * 2
    assert f["region"].tolist() == r.authorities.regions.tolist() * 2
    assert f["council_type"].tolist() == ["unitary"] * 8
    assert f["year"].tolist() == ["2025-26"] * 4 + ["2026-27"] * 4
    assert f["amount"].tolist() == [37.5, 112.5, 0.0, 150.0, 75.0, 225.0, 0.0, 300.0]
    assert f["ring_fenced"].tolist() == [18.75, 56.25, 0.0, 75.0, 37.5, 112.5, 0.0, 150.0]
    assert f["amount_real"].tolist() == [37.5, 112.5, 0.0, 150.0, 73.53, 220.59, 0.0, 294.12]
    _close(f["per_child"].tolist(), [3.75, 3.75, 0.0, NAN, 7.5, 7.5, 0.0, NAN])
    _close(f["per_child_in_need"].tolist(), [7.5, 7.5, 0.0, 150 / 9, 15.0, 15.0, 0.0, 300 / 9])
    _close(f["pct_of_csc_outturn"].tolist(),
           [37.5, 37.5, 0.0, 100 / 3, 75.0, 75.0, 0.0, 200 / 3])


def test_wide_frame_by_hand() -> None:
    f = _run().council_frame()
    assert list(f.columns) == ["code", "name", "region", "council_type", "2025-26", "2026-27",
                               "total", "ring_fenced_total", "total_real", "per_child",
                               "per_child_in_need", "avg_year_pct_of_csc_outturn"]
    assert f["code"].tolist() == CODES
    assert f["council_type"].tolist() == ["unitary"] * 4
    assert f["2025-26"].tolist() == [37.5, 112.5, 0.0, 150.0]
    assert f["2026-27"].tolist() == [75.0, 225.0, 0.0, 300.0]
    assert f["total"].tolist() == [112.5, 337.5, 0.0, 450.0]
    assert f["ring_fenced_total"].tolist() == [56.25, 168.75, 0.0, 225.0]
    assert f["total_real"].tolist() == pytest.approx([111.03, 333.09, 0.0, 444.12])
    _close(f["per_child"].tolist(), [11.25, 11.25, 0.0, NAN])
    _close(f["per_child_in_need"].tolist(), [22.5, 22.5, 0.0, 50.0])
    # the average year (total / 2) against the outturn
    _close(f["avg_year_pct_of_csc_outturn"].tolist(), [56.25, 56.25, 0.0, 50.0])


def test_absent_ratio_columns_are_nan_with_a_note() -> None:
    r = _run(drop=("cin_count_2025", "s251_cyps_total_2024_25"))
    f = r.council_frame()
    assert f["per_child_in_need"].isna().all()
    assert f["avg_year_pct_of_csc_outturn"].isna().all()
    assert r.to_frame()["pct_of_csc_outturn"].isna().all()
    assert ("per child in need: column 'cin_count_2025' is absent, so the ratio is NaN "
            "throughout.") in r.notes
    assert ("% of 2024-25 children's services outturn: column 's251_cyps_total_2024_25' is "
            "absent, so the ratio is NaN throughout.") in r.notes
    assert not any(n.startswith("per child aged 0-17: column") for n in r.notes)


def test_totals_phasing_and_amounts() -> None:
    r = _run()
    assert r.headline == 1000.0 and r.total == 900.0
    assert r.difference == 100.0 and r.profile_difference == 100.0
    assert r.years == ("2025-26", "2026-27")
    assert r.year_pence.tolist() == [30000, 60000]
    assert r.excluded == ("E06900002",)
    assert r.real_year_pence is not None and r.real_year_pence.tolist() == [30000, 58824]
    a = r.council_amounts()
    assert a.name == "Small ask" and a.index.tolist() == CODES
    assert a.tolist() == [112.5, 337.5, 0.0, 450.0]
    p = r.phasing_frame()
    assert list(p.columns) == ["year", "profile", "amount", "amount_real_2025-26"]
    assert p["year"].tolist() == ["2025-26", "2026-27"]
    assert p["profile"].tolist() == [300.0, 600.0]
    assert p["amount"].tolist() == [300.0, 600.0]
    assert p["amount_real_2025-26"].tolist() == [300.0, 588.24]
    assert r.phasing_assumptions() == []
    assert repr(r) == "InvestmentResult('Small ask', total=£900.00, years=2, authorities=4)"
    assert r.sources() == r.scenario.parameters()


def test_notes_by_hand() -> None:
    notes = _run().notes
    assert notes[0] == ("The year profile sums to £900.00, the headline is £1.0k: difference "
                        "£100.00 (headline minus profile). Phasing used: the profile; nothing "
                        "rescaled.")
    assert notes[1] == ("1 council(s) have no value in spend and receive nothing (opt-in rule "
                        "missing: exclude): E06900002 Council 2")
    assert notes[2] == ("per child aged 0-17 is NaN (an output ratio only; amounts unaffected) "
                        "for E06900003 Council 3: children_0_17 missing or zero.")
    assert notes[3] == ("Real terms: 2025-26..2026-27 cash amounts in 2025-26 prices using "
                        "illustrative 2.0% a year index (assumption) (ILLUSTRATIVE ASSUMPTION, "
                        "not a published deflator).")
    assert notes[4] == ("Assumptions (no published figure): amount; headline; illustrative "
                        "price index 2025-26; illustrative price index 2026-27; ring fenced "
                        "share; whole pot in proportion to spend.")
    assert len(notes) == 5


def test_a_profile_over_the_headline_spread_evenly() -> None:
    # headline £800 spread over the profile's two years; the profile sums to £900
    r = _run(headline=800, phasing="headline_even", ring_fenced_share=None, deflator=None)
    assert r.year_pence.tolist() == [40000, 40000]
    assert r.notes[0] == ("The year profile sums to £900.00, the headline is £800.00: "
                          "difference -£100.00 (headline minus profile). Phasing used: the "
                          "headline, spread evenly; nothing rescaled.")
    assert r.difference == 0.0 and r.profile_difference == -100.0
    assert "ring_fenced" not in r.to_frame().columns
    assert "amount_real" not in r.to_frame().columns
    assert list(r.council_frame().columns)[6:] == ["total", "per_child", "per_child_in_need",
                                                    "avg_year_pct_of_csc_outturn"]
    assert r.phasing_assumptions() == [
        "the headline spread evenly over 2 years (assumed phasing)"]


def test_even_phasing_without_profile_and_assumed_years() -> None:
    s = InvestmentScenario(header={"title": "Even", "assumes": "a"}, headline=1000,
                           phasing="headline_even", first_year="2025-26", even_years=3,
                           distribution={"method": "formula", "formula": X0},
                           years_assumed=True)
    r = s.run(_councils())
    assert r.year_pence.tolist() == [33334, 33333, 33333]  # the odd penny to the first year
    assert r.profile_pence is None and r.profile_difference is None
    assert list(r.phasing_frame().columns) == ["year", "amount"]
    assert r.phasing_assumptions() == [
        "year labels 2025-26 to 2027-28 are assumed (the source gives no dates)",
        "the headline spread evenly over 3 years (assumed phasing)"]
    one = InvestmentScenario(header={"title": "One", "assumes": "a"}, headline=10,
                             profile=[{"year": "2024-25", "amount": 10}],
                             distribution={"method": "formula", "formula": X0},
                             years_assumed=True).run(_councils())
    assert one.phasing_assumptions() == [
        "year label 2024-25 is assumed (the source gives no date)"]
    assert not any(n.startswith("The year profile") for n in one.notes)  # no difference
    # x0 = 1, 1, 2, 1 of £10: £2, £2, £4, £2
    assert one.council_amounts().tolist() == [2.0, 2.0, 4.0, 2.0]
    assert one.notes[-1] == "Assumptions (no published figure): amount; headline; weight."


def test_summary_and_html_by_hand() -> None:
    r = _run()
    lines = r.summary().splitlines()
    assert lines[0] == ("Small ask: headline £1.0k (user (2026), value supplied by the user "
                        "(formula or scenario file))")
    assert lines[1] == ("  phasing: profile; 2 years 2025-26..2026-27; distributed £900.00; "
                        "difference to headline £100.00")
    assert lines[2] == "  by year: 2025-26 £300.00, 2026-27 £600.00"
    assert lines[3] == ("  distribution: in proportion to spend (councils without a value "
                        "excluded)")
    assert lines[4] == "  ring-fenced share 0.5000: £450.00"
    assert lines[5] == "  largest total: Council 3 £450.00; smallest: Council 2 £0.0k"
    assert lines[6] == "  total per child aged 0-17: median £11.25, range £0.00 to £11.25"
    assert lines[7:] == [f"  note: {n}" for n in r.notes]
    page = r._repr_html_()
    assert page.startswith("<div><strong>Small ask</strong>: headline £1.0k, distributed "
                           "£900.00 (difference £100.00) across 4 authorities; fundmodel ")
    assert ("<thead><tr><th>year</th><th>amount</th></tr></thead><tbody><tr><td>2025-26</td>"
            "<td style='text-align:right'>£300.00</td></tr><tr><td>2026-27</td>"
            "<td style='text-align:right'>£600.00</td></tr></tbody>") in page
    assert "<li>1 council(s) have no value in spend" in page
    assert page.endswith("<small>use .to_frame() (per council per year) or .council_frame()"
                         "</small></div>")


def test_summary_without_ring_fence_or_children() -> None:
    r = _run(drop=("children_0_17",), ring_fenced_share=None)
    text = r.summary()
    assert "ring-fenced" not in text
    assert "total per child aged 0-17" not in text
    assert ("per child aged 0-17: column 'children_0_17' is absent, so the ratio is NaN "
            "throughout.") in r.notes


def test_spend_distribution_errors_and_describe() -> None:
    strict = _small(distribution={"method": "spend", "column": "spend"})
    with pytest.raises(FormulaError, match=r"distribution in proportion to 'spend': the column "
                       r"is missing for 1 council\(s\): E06900002 Council 2\. Supply values, "
                       r"or opt in to 'missing: exclude'"):
        strict.run(_councils())
    frame = _councils().to_frame()
    frame["spend"] = np.nan
    with pytest.raises(FormulaError, match=r"column 'spend' is missing for every council"):
        _small().run(authorities_from_frame(frame))
    assert SpendDistribution(column="s").describe() == "in proportion to s"
    assert SpendDistribution(column="s", missing="exclude").describe() == (
        "in proportion to s (councils without a value excluded)")
    f = SpendDistribution(column="s").formula()
    assert f.name == "in proportion to s"
    assert [i.column for i in f.indicators] == ["s"]
    w = f.indicators[0].weight
    assert w.value == 1.0 and w.assumption and w.label == "whole pot in proportion to s"
    assert w.reviewed.isoformat() == "2026-12-01"
    assert w.note == "Single indicator: each council's share is its share of current spend."
    assert FormulaDistribution(formula=X0).describe() == "by formula: x0"


def test_presets_titles_years_and_amounts() -> None:
    m = 100_000_000  # pence in £1m
    cr = care_review_ask()
    assert cr.header.title == "Care Review ask (£2.6bn)"
    assert cr.years_assumed and cr.phasing == "profile" and cr.even_years is None
    assert cr.ring_fenced_share is None
    assert (cr.year_pence() // m).tolist() == [46, 987, 1257, 233]
    assert cr.header.assumes.startswith(
        "phasing profile: the published profile (£2,523m over four years; Government "
        "Business, 24 May 2022) against the £2.6bn headline, difference reported; headline "
        "recorded as over four years (Alma Economics 2023) and over five years (CYP Now, Feb "
        "2023): sources disagree, Alma Economics record used; year 1 is labelled 2022-23, the "
        "financial year of the final report (assumption: sources give years 1 to 4 only); ")
    assert cr.header.assumes.endswith(
        "distributed by the Children Act formula with fundmodel's assumed weights")
    five = care_review_ask("headline_even", "five_years")
    assert five.even_years == 5 and five.years()[-1] == "2026-27"
    assert (five.year_pence() // m).tolist() == [520] * 5
    assert five.header.assumes.startswith(
        "phasing headline_even: £2.6bn spread evenly over 5 years (Children & Young People "
        "Now); ")
    assert "Children & Young People Now record used" in five.header.assumes
    four = care_review_ask("headline_even")
    assert (four.year_pence() // m).tolist() == [650] * 4
    ring = care_review_ask(ring_fence_family_help=True)
    assert ring.ring_fenced_share is not None
    assert ring.ring_fenced_share.value == pytest.approx(2000 / 2600)
    spend = SpendDistribution(column="s251_family_support_2024_25")
    assert care_review_ask(distribution=spend).header.assumes.endswith(
        "distributed in proportion to s251_family_support_2024_25")

    fh = family_help_ask()
    assert fh.header.title == "Family Help (£2bn over five years)"
    assert fh.years_assumed and fh.phasing == "headline_even" and fh.first_year == "2022-23"
    assert (fh.year_pence() // m).tolist() == [400] * 5
    assert fh.header.assumes == (
        "no published year profile, so £2bn spread evenly over five years from 2022-23 "
        "(assumption); distributed by the Children Act formula with fundmodel's assumed "
        "weights")

    ce = children_england_double_ask()
    assert ce.header.title == "Children England: double the Care Review ask (£5.2bn)"
    assert ce.years_assumed and (ce.year_pence() // m).tolist() == [1040] * 5
    assert ce.header.assumes.startswith(
        "a minimum ('at least double'); spread evenly over five years; year 1 is labelled "
        "2022-23")
    cp = children_england_double_ask("profile")
    assert (cp.year_pence() // m).tolist() == [92, 1974, 2514, 466]
    assert cp.even_years is None
    assert cp.header.assumes.startswith(
        "a minimum ('at least double'); the Care Review profile doubled, difference to "
        "£5.2bn reported; ")

    sc = select_committee_ask()
    assert sc.header.title == "Select Committee: funding gap by 2025 (£3.1bn a year)"
    assert sc.years_assumed and sc.years() == ["2024-25"]
    assert (sc.year_pence() // m).tolist() == [3100]
    assert sc.header.assumes == (
        "uses House of Commons Housing, Communities and Local Government Committee (£3,100m); "
        "the other record, Children England, gives £3,400m; an annual gap shown as one year, "
        "2024-25 (assumption: 'by 2025'); distributed by the Children Act formula with "
        "fundmodel's assumed weights")
    ce_gap = select_committee_ask("children_england")
    assert ce_gap.header.title == "Select Committee: funding gap by 2025 (£3.4bn a year)"
    assert (ce_gap.year_pence() // m).tolist() == [3400]
    assert ce_gap.header.assumes.startswith("uses Children England (£3,400m); the other "
                                            "record, House of Commons")


def test_illustrative_deflator_labels() -> None:
    d = illustrative_deflator("2024-25", 3)
    assert d.name == "illustrative 2.0% a year index (assumption)"
    assert d.base_year == "2024-25"
    assert [p.year for p in d.points] == ["2024-25", "2025-26", "2026-27"]
    assert [p.index.label for p in d.points] == [
        "illustrative price index 2024-25", "illustrative price index 2025-26",
        "illustrative price index 2026-27"]
    assert d.points[1].index.note == "ILLUSTRATIVE: 2024-25 = 100 rising 2.0% a year."
    assert illustrative_deflator("2024-25", 2, base_year="2025-26").base_year == "2025-26"


def test_validation_messages() -> None:
    base = dict(header={"title": "t", "assumes": "a"}, headline=10,
                distribution={"method": "formula", "formula": X0})
    with pytest.raises(ValueError, match="phasing 'profile' needs a profile"):
        InvestmentScenario(**base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="even_years and first_year apply only to phasing "
                       "'headline_even'"):
        InvestmentScenario(**base, profile=[{"year": "2024-25", "amount": 10}],  # type: ignore[arg-type]
                           even_years=2)
    with pytest.raises(ValueError, match="even_years and first_year apply only"):
        InvestmentScenario(**base, profile=[{"year": "2024-25", "amount": 10}],  # type: ignore[arg-type]
                           first_year="2024-25")
    with pytest.raises(ValueError, match="phasing 'headline_even' without a profile needs "
                       "first_year and even_years"):
        InvestmentScenario(**base, phasing="headline_even", first_year="2024-25")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="phasing 'headline_even' without a profile needs"):
        InvestmentScenario(**base, phasing="headline_even", even_years=2)  # type: ignore[arg-type]


def test_years_pence_and_parameters() -> None:
    s = _small(phasing="headline_even", even_years=3, first_year="2030-31")
    assert s.years() == ["2030-31", "2031-32", "2032-33"]
    assert s.year_pence().tolist() == [33334, 33333, 33333]
    # the profile's first year and length by default
    d = _small(phasing="headline_even", headline=1000.02)
    assert d.years() == ["2025-26", "2026-27"]
    assert d.year_pence().tolist() == [50001, 50001]
    odd = _small(phasing="headline_even", headline=1000.03, even_years=4)
    assert odd.year_pence().tolist() == [25001, 25001, 25001, 25000]
    assert odd.year_pence().dtype == np.int64
    assert _small().year_pence().tolist() == [30000, 60000]
    params = _small().parameters()
    labels = [p.label for p in params]
    assert labels == ["headline", "amount", "amount", "ring fenced share",
                      "illustrative price index 2025-26", "illustrative price index 2026-27",
                      "whole pot in proportion to spend"]
    assert [p.value for p in params[:4]] == [1000.0, 300.0, 600.0, 0.5]
    f = InvestmentScenario(header={"title": "t", "assumes": "a"}, headline=10,
                           profile=[{"year": "2024-25", "amount": 10}],
                           distribution={"method": "formula", "formula": X0}).parameters()
    assert [p.value for p in f] == [10.0, 10.0, 1.0]


def test_formula_distribution_through_the_engine() -> None:
    from fundmodel.engine.allocate import allocate
    from fundmodel.engine.formula import NeedsFormula

    s = _small(distribution={"method": "formula", "formula": X0}, ring_fenced_share=None,
               deflator=None)
    r = s.run(_councils())
    # x0 = 1, 1, 2, 1: £300 -> 60, 60, 120, 60; £600 -> 120, 120, 240, 120
    assert r.amount_pence.tolist() == [[6000, 6000, 12000, 6000], [12000, 12000, 24000, 12000]]
    assert r.excluded == ()
    assert len(r.allocations) == 2
    direct = allocate(NeedsFormula.model_validate(X0), _councils(), 300.0)
    assert r.allocations[0].amount_pence.tolist() == direct.amount_pence.tolist()
    assert r.ring_fenced_pence is None and r.real_pence is None and r.real_year_pence is None
    assert not any(n.startswith("1 council(s) have no value") for n in r.notes)


def test_ring_fence_rounds_rows_to_half_even_totals() -> None:
    # a third of 37.50, 112.50, 0, 150 (= £100): 12.50, 37.50, 0, 50 in 2025-26
    r = _run(ring_fenced_share=1 / 3)
    assert r.ring_fenced_pence is not None
    assert r.ring_fenced_pence.sum(axis=1).tolist() == [10000, 20000]
    assert r.ring_fenced_pence[0].tolist() == [1250, 3750, 0, 5000]
    assert r.ring_fenced_pence[1].tolist() == [2500, 7500, 0, 10000]


def test_a_published_deflator_is_not_called_an_assumption() -> None:
    from fundmodel.scenarios.spending.history import gdp_deflator

    r = _run(deflator=gdp_deflator())
    note = [n for n in r.notes if n.startswith("Real terms:")]
    assert note == ["Real terms: 2025-26..2026-27 cash amounts in 2024-25 prices using HM "
                    "Treasury GDP deflator, March 2026 (2024-25 prices)."]


def test_every_preset_takes_the_distribution_given() -> None:
    spend = SpendDistribution(column="s251_family_support_2024_25")
    for make in (care_review_ask, family_help_ask, children_england_double_ask,
                 select_committee_ask):
        ask = make(distribution=spend)  # type: ignore[operator]
        assert ask.distribution == spend, make
        assert ask.header.assumes.endswith(
            "distributed in proportion to s251_family_support_2024_25"), make
        default = make()  # type: ignore[operator]
        assert isinstance(default.distribution, FormulaDistribution)
        assert default.distribution.formula.name.startswith("Children Act")
