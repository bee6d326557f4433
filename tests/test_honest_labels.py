"""Honest labels (issue 14, part 2-3): titles that follow the scenario, small amounts that
never read as nothing, assumptions beside every table and on the phasing chart's face.

Expected values are written by hand from the definitions, not by calling the code twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundmodel.cli import main
from fundmodel.engine.money import format_gbp
from fundmodel.errors import FundmodelError
from fundmodel.parameters import shipped
from fundmodel.parameters.assumptions import assumptions_frame, assumptions_used
from fundmodel.report import investment_charts
from fundmodel.report.charts import NEED_MATCH_BAND, share_within_band
from fundmodel.scenarios.base import load_scenario_text
from fundmodel.scenarios.family_help.asks import care_review_ask, family_help_ask
from fundmodel.scenarios.overspend import lga_assumed_overspend

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- small amounts
@pytest.mark.parametrize(("amount", "expected"), [
    (30_000.0, "£30.0k"),        # would be £0.0m
    (-20_000.0, "-£20.0k"),
    (49.0, "£49.00"),            # under £1k: pounds and pence
    (60_000.0, "£0.1m"),         # shows as non-zero at £m: stays in £m
    (0.0, "£0.0m"),              # a true zero stays a zero
    (2_523_000_000.0, "£2,523.0m"),
])
def test_small_amounts_never_read_as_zero(amount: float, expected: str) -> None:
    assert format_gbp(amount) == expected


def test_small_amounts_at_bn_scale_drop_to_a_readable_scale() -> None:
    assert format_gbp(4_000_000, "bn", 2) == "£4.0m"


# ---------------------------------------------------------------- titles follow the scenario
def test_title_and_assumptions_follow_the_rate_after_updated() -> None:
    s = lga_assumed_overspend()
    assert s.title.endswith("ASSUMED at 14.2% overspend")
    assert "outturn / (1 + 14.2%)" in s.assumes
    rerun = s.updated(data={**s.data.model_dump(), "assumed_overspend_pct": 9.5})
    assert rerun.title.endswith("ASSUMED at 9.5% overspend")
    assert "14.2" not in rerun.title and "outturn / (1 + 9.5%)" in rerun.assumes


def test_result_label_and_summary_use_the_filled_title() -> None:
    s = lga_assumed_overspend(periods=("2024-25",))
    rerun = s.updated(data={**s.data.model_dump(), "assumed_overspend_pct": 9.5})
    text = rerun.run().summary()
    assert text.splitlines()[0].startswith(
        "Overspends: s251_cyps_total outturn, budgets ASSUMED at 9.5% overspend")
    assert "14.2" not in text and "{" not in text


def test_a_placeholder_naming_no_field_is_refused_with_its_name() -> None:
    text = ("kind: allocation\nheader: {title: 'Pot of {totl}', assumes: a}\n"
            "formula: children_act\ntotal: 1000\n")
    with pytest.raises(FundmodelError, match=r"\{totl\}.*names no field"):
        load_scenario_text(text)


def test_a_placeholder_fills_a_pot_in_pounds() -> None:
    s = load_scenario_text("kind: allocation\nheader: {title: 'Sharing {total}', assumes: a}\n"
                           "formula: children_act\ntotal: 270000000\n")
    assert s.title == "Sharing £270.0m"


def test_one_period_growth_is_said_not_measurable_never_nan() -> None:
    s = lga_assumed_overspend(periods=("2024-25",),
                              funding_growth=shipped("overspend")["lga_budget_growth_2025_26"])
    text = s.run().summary()
    assert "nan" not in text.lower()
    assert "not measurable from one period" in text


# ---------------------------------------------------------------- within-band count
def test_share_within_band_counts_by_hand() -> None:
    ratios = pd.DataFrame({"ratio": [1.0, 1.049, 0.951, 1.051, 0.9, 2.0]})
    # |r - 1| <= 0.05: 1.0, 1.049, 0.951 (3 of 6); 1.051, 0.9, 2.0 are outside
    assert share_within_band(ratios) == pytest.approx(50.0)
    assert share_within_band(ratios, band=0.1) == pytest.approx(100 * 5 / 6)


def test_the_band_is_a_labelled_choice_with_a_range() -> None:
    assert NEED_MATCH_BAND.assumption and NEED_MATCH_BAND.value == 0.05
    assert (NEED_MATCH_BAND.low, NEED_MATCH_BAND.high) == (0.02, 0.1)
    assert NEED_MATCH_BAND.display() == "5%"


# ---------------------------------------------------------------- phasing chart
def test_phasing_assumptions_name_assumed_years_and_even_phasing() -> None:
    care = care_review_ask().run().phasing_assumptions()
    assert care == ["year labels 2022-23 to 2025-26 are assumed (the source gives no "
                    "dates)"]
    even = family_help_ask().run().phasing_assumptions()
    assert even[1] == "the headline spread evenly over 5 years (assumed phasing)"


def test_published_years_carry_no_phasing_assumption() -> None:
    s = load_scenario_text(
        "kind: investment\nheader: {title: Dated ask, assumes: published years}\n"
        "headline: {value: 10, unit: GBP_MILLIONS, label: ask, source: {title: t, "
        "publisher: p, year: 2024}, reviewed: 2026-12-01}\n"
        "profile: [{year: 2024-25, amount: 4000000}, {year: 2025-26, amount: 6000000}]\n"
        "distribution: {method: formula, formula: children_act}\n")
    assert s.run().phasing_assumptions() == []  # type: ignore[attr-defined]


def test_phasing_chart_states_its_assumptions_on_its_face() -> None:
    results = [care_review_ask().run(), family_help_ask().run()]
    data = investment_charts.phasing_data(results)
    subtitle = investment_charts.phasing_subtitle(data)
    flat = " ".join(subtitle.split())
    assert subtitle.splitlines()[1].startswith("ASSUMED for Care Review ask (£2.6bn): year "
                                               "labels 2022-23 to 2025-26 are assumed")
    family = flat[flat.index("ASSUMED for Family Help"):]
    assert "spread evenly over 5 years" in family
    assert all(len(line) <= 120 for line in subtitle.splitlines())
    fig = investment_charts.plot_phasing(data, sources=["test"])
    texts = [t.get_text() for t in fig.texts] + [fig.get_suptitle()]
    assert any("ASSUMED for Family Help" in t for t in texts)
    assert "(year labels assumed, even phasing assumed)" in fig.get_suptitle()


# ---------------------------------------------------------------- assumptions sidecar
def test_assumptions_frame_lists_only_assumed_records_and_statements() -> None:
    s = lga_assumed_overspend(periods=("2024-25",),
                              funding_growth=shipped("overspend")["lga_budget_growth_2025_26"])
    fields = [f for f, _ in assumptions_used(s)]
    # the LGA rate is applied as an assumption; the LGA's budget growth is a published figure
    assert fields == ["data.assumed_overspend_pct"]
    frame = assumptions_frame(s, statements=[("header.assumes", s.assumes)])
    assert frame["field"].tolist() == ["header.assumes", "data.assumed_overspend_pct"]
    assert frame.loc[1, "value"] == 14.2 and frame.loc[1, "unit"] == "PERCENT"
    assert frame.loc[1, "reference"] == "overspend.yaml#lga_average_overspend"


def test_every_result_folder_carries_an_assumptions_csv(tmp_path: Path) -> None:
    assert main(["run", str(ROOT / "examples/overspend_lga.yaml"), "--out", str(tmp_path)]) == 0
    frame = pd.read_csv(tmp_path / "assumptions.csv")
    assert frame["field"].iloc[0] == "header.assumes"
    assert "outturn / (1 + 14.2%)" in frame["note"].iloc[0]
    assert {"data.assumed_overspend_pct", "funding_growth",
            "projection.outturn_growth"} <= set(frame["field"])
    assert "assumptions.csv" in (tmp_path / "manifest.yaml").read_text()


# ---------------------------------------------------------------- result pages and citations
def test_citations_name_the_deprivation_denominator_mismatch() -> None:
    from fundmodel import allocate, load_authorities
    from fundmodel.presets import children_act_formula

    sources = allocate(children_act_formula(), load_authorities(), 1000).sources()
    assert any("under 16" in s and "aged 0-17" in s for s in sources)


def test_allocation_page_shows_damping_per_child_sources_and_assumptions() -> None:
    from fundmodel import allocate, load_authorities
    from fundmodel.presets import children_act_formula

    la = load_authorities()
    flat = allocate(children_act_formula(), la, 270e6)
    damped = allocate(children_act_formula().updated(damping={"floor": -0.05}), la, 270e6,
                      baseline=flat.amounts())
    page = damped._repr_html_()
    assert "<strong>Damping</strong>: floor -5.0% against a baseline" in page
    assert "<th>£ per child</th>" in page and "<th>change vs baseline</th>" in page
    assert page.count("ASSUMED: Children Act formula weight") == 4
    birmingham = flat.to_frame().set_index("code").loc["E08000025"]
    per_child = birmingham["amount"] / la.column("children_0_17")[list(la.codes).index("E08000025")]
    assert f"£{per_child:,.2f}" in flat._repr_html_()
    assert "<strong>Damping</strong>" not in flat._repr_html_()
