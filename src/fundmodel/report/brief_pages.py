"""The briefing pack's scenario pages: cost of duties, investment phasing, real overspends,
RCC pooling, weight uncertainty and the preventive share, each writing its chart and lines."""

from __future__ import annotations

import numpy as np

from fundmodel.analysis.absolute import cost_duties, spend_per_case_vs_england
from fundmodel.analysis.cost_of_duties import cost_of_duties
from fundmodel.analysis.cost_of_duties.chart_data import (
    duty_breakdown_data,
    gap_per_child_data,
    overspend_scatter_data,
)
from fundmodel.analysis.cost_of_duties.plausibility import overspend_check
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    SensitivityResult,
    SensitivitySpec,
    interval_chart_data,
    run_sensitivity,
)
from fundmodel.data.authorities import Authorities
from fundmodel.data.provenance import cite_columns
from fundmodel.engine.money import format_gbp
from fundmodel.engine.result import Allocation
from fundmodel.presets import (
    PREVENTION_GRANT_2025_26,
    care_review_ask,
    children_england_double_ask,
    family_help_ask,
)
from fundmodel.report import (
    charts,
    duties_charts,
    investment_charts,
    spending_charts,
    transition_charts,
)
from fundmodel.report.brief_pack import (
    DUTIES_DRAWS,
    DUTIES_SEED,
    SENSITIVITY_CONCENTRATION,
    SENSITIVITY_VARIANTS,
    _Pack,
)
from fundmodel.scenarios.base import load_scenario_text
from fundmodel.scenarios.overspend import published_comparison, real_overspend
from fundmodel.scenarios.rcc import RCCScenario
from fundmodel.scenarios.spending import JOIN_YEAR, analyse_spending, nao_comparison


def _cost_of_duties(pack: _Pack, la: Authorities) -> None:
    result = cost_of_duties(la, n_draws=DUTIES_DRAWS, seed=DUTIES_SEED)
    nat = result.national()
    pack.table("cost_of_duties.csv", result.to_frame().sort_values(
        ["gap_per_child", "code"], ascending=[False, True]))
    pack.table("cost_of_duties_by_duty.csv", result.costs_frame())
    standards = ("standards: cost_of_duties.yaml (CMA 2021 placement prices, PSSRU 2017 "
                 "in-house fostering, Community Care 2018 salaries, Ofsted 2023, DfE; "
                 "assumptions labelled, each with a range), uprated by the GDP deflator")
    sources = [*cite_columns(["cin_count_2025", "cla_count_2025", "csww_agency_rate_fte_2025",
                              "ro3_safeguarding_net_2024_25",
                              "ro3_family_support_net_2024_25"]),
               "RO3 2024-25 residential and fostering lines (series.csv); placement mix 2019",
               standards, f"left out (caseload or spend missing): {', '.join(nat['excluded'])}"]
    per_child = gap_per_child_data(result)
    share_short = float((per_child > 0).mean() * 100)
    interval = (nat["gap_low"], nat["gap_high"])
    pack.chart(
        "05_duties_gap_map", charts.hex_map_data(per_child),
        lambda d: charts.plot_hex_map(
            d, units="gap (cost at the stated standards - 2024-25 spend) per child aged 0-17, £",
            sources=sources, diverging=True, label=4,
            title=f"At the stated (partly assumed) standards, {share_short:.0f}% of councils "
                  "spend less than their duties cost"),
        rests_on=[result.standards])
    pack.chart("05b_duties_breakdown", duty_breakdown_data(result),
               lambda d: duties_charts.plot_duty_breakdown(d, sources=sources,
                                                           interval=interval),
               rests_on=[result.standards])
    check = overspend_check(result, seed=DUTIES_SEED)
    scatter_sources = [*sources[:-1], "real overspend: RO3 2023-24 outturn (series.csv) - RA "
                       "2023-24 budget (budgets.csv)"]
    pack.chart("05c_duties_vs_overspend", overspend_scatter_data(check),
               lambda d: duties_charts.plot_overspend_scatter(
                   d, rho=check.rho, interval=(check.low, check.high), sources=scatter_sources),
               rests_on=[result.standards])
    straddles = "straddles zero" if nat["gap_low"] < 0 < nat["gap_high"] else "excludes zero"
    pack.lines += [
        f"- Absolute mode, costed from standards (caseload x unit costs built from sourced "
        f"figures and labelled assumptions, never from the spend compared): the duties cost "
        f"{format_gbp(nat['cost'])} a year against {format_gbp(nat['spend'])} of 2024-25 spend "
        f"on the matching lines ({nat['councils']} councils), a gap of "
        f"{format_gbp(nat['gap'])} ({nat['gap_pct']:.1f}% of cost); 5th-95th percentile over "
        f"the standards' ranges {format_gbp(nat['gap_low'])} to {format_gbp(nat['gap_high'])} "
        f"(the interval {straddles}). It follows from assumed standards (caseload, on-costs, "
        "agency premium, overheads, placement price ratios): see `cost_of_duties.csv` and "
        "docs/scenarios/cost_of_duties.md.",
        f"- Plausibility: {check.summary()}",
        f"- {_spend_per_case_line(la)}",
    ]


def _spend_per_case_line(la: Authorities) -> str:
    formula = spend_per_case_vs_england(la)
    needed = (*formula.funding_columns, *(d.column for d in formula.duties))
    complete = np.all([~np.isnan(la.column(c)) for c in needed], axis=0)
    text = cost_duties(formula, la.take(np.flatnonzero(complete))).summary()
    return " ".join(line.strip() for line in text.splitlines())


def _phasing(pack: _Pack) -> None:
    results = [care_review_ask().run(), family_help_ask().run(),
               children_england_double_ask().run()]
    sources = sorted({r.scenario.header.source.cite() for r in results
                      if r.scenario.header.source is not None})
    pack.chart("06_investment_phasing", investment_charts.phasing_data(results),
               lambda d: investment_charts.plot_phasing(d, sources=sources),
               rests_on=[*(r.scenario for r in results),
                         *(f"{r.label}: {a}" for r in results for a in r.phasing_assumptions())])
    care = results[0]
    pack.lines.append(
        f"- The Care Review's published year profile sums to {format_gbp(care.total)}, "
        f"{format_gbp(care.difference)} short of its {format_gbp(care.headline, 'bn')} headline "
        "(reported, not rescaled).")


def _overspend(pack: _Pack) -> None:
    result = real_overspend().run()
    nat = result.national_frame().iloc[0]
    claims = published_comparison().set_index("record")
    lga = claims.loc["lga_average_overspend"]
    pack.lines.append(
        f"- Real overspends ({nat['period']}, budget_source=data: RA net budget line 330 against "
        f"RO3 net outturn): {int(nat['overspending'])} of {int(nat['councils'])} councils "
        f"overspent, by {format_gbp(float(nat['overspend']))} in total, "
        f"{float(nat['overspend_pct']):.1f}% of their budgets (the LGA reports "
        f"{float(str(lga['value'])):g}% a year on average over 2022-23 to 2024-25); "
        f"{result.authorities.n - int(nat['councils'])} councils lack a budget or an outturn "
        "and are left out (named in `published_comparison()`).")


def _pooling(pack: _Pack) -> None:
    scenario = RCCScenario.model_validate({
        "header": {"title": "About 20 RCCs pooling real 2023-24 looked-after budgets",
                   "assumes": "fundmodel's 20-group membership (an assumption); budgets and "
                              "spend are the RA and RO3 2023-24 looked-after figures (data); "
                              "no scale savings (assumed)"},
        "membership": "rcc20"})
    result = scenario.run()
    national = result.national()
    rf = result.rcc_frame()
    left_out = ", ".join(result.excluded["name"])
    sources = [result.budget_origin, *result.notes[:3],
               "RCC membership: fundmodel assumption (no list is published)",
               f"left out (no budget or outturn, or negative): {left_out}"]
    short = national["spending_power_shortfall"]
    pct = 100 * short / national["member_spend"]
    pack.chart("07_rcc_pooling", charts.pooling_data(result),
               lambda d: charts.plot_pooling(
                   d, sources=sources,
                   assumption="Budgets and spend: RA and RO3 2023-24 (data). ASSUMED: the "
                              "20-group membership; no price reduction from scale.",
                   title=f"Real 2023-24 budgets would leave about 20 RCCs (membership "
                         f"assumed) {format_gbp(short)} ({pct:.1f}%) short"),
               rests_on=[scenario, "the 20-group RCC membership (assumed)",
                         "no price reduction from pooling (assumed)"])
    pack.lines.append(
        f"- Pooling real 2023-24 looked-after budgets (RA line 313) into about 20 RCCs "
        f"(membership assumed): budgets of {format_gbp(national['pooled_budget'], 'bn', 2)} "
        f"against RO3 outturn of {format_gbp(national['member_spend'], 'bn', 2)}, a shortfall "
        f"of {format_gbp(short)} ({pct:.1f}%); RCCs range from "
        f"{format_gbp(float(rf['shortfall'].min()))} to {format_gbp(float(rf['shortfall'].max()))}"
        f" ({float(rf['shortfall_pct_of_spend'].min()):.1f}% to "
        f"{float(rf['shortfall_pct_of_spend'].max()):.1f}% of spend), which scale savings would "
        f"have to close (assumed 0: not evidenced); {len(result.excluded)} councils left out.")


def _sensitivity(pack: _Pack, la: Authorities, result: Allocation) -> SensitivityResult:
    spec = SensitivitySpec(
        formula=result.formula, total=PREVENTION_GRANT_2025_26, years=("2025-26",),
        weights=DirichletWeights(concentration=SENSITIVITY_CONCENTRATION),
        n_variants=SENSITIVITY_VARIANTS, seed=2025)
    sensitivity = run_sensitivity(spec, la)
    data = interval_chart_data(sensitivity)
    sources = [*result.sources(),
               f"weights drawn from a Dirichlet distribution centred on the preset "
               f"(concentration {SENSITIVITY_CONCENTRATION:g}, seed {spec.seed}): an assumption"]
    pack.chart("08_weight_uncertainty", data,
               lambda d: charts.plot_intervals(d, sources=sources),
               rests_on=[spec, f"weights drawn from a Dirichlet distribution around the "
                         f"preset (concentration {SENSITIVITY_CONCENTRATION:g}, seed "
                         f"{spec.seed}): the spread is an assumption"])
    spread = (data["high"] - data["low"]) / data["central"]
    widest = data.iloc[int(np.argmax(spread.to_numpy()))]
    pack.lines.append(
        f"- Varying the assumed weights ({SENSITIVITY_VARIANTS:,} draws around the preset), "
        f"the widest 5th-95th percentile range relative to the central amount is "
        f"{widest['name']}'s: {format_gbp(widest['low'] * 1e6, 'auto')} to "
        f"{format_gbp(widest['high'] * 1e6, 'auto')} (central "
        f"{format_gbp(widest['central'] * 1e6, 'auto')}).")
    return sensitivity


def _prevention(pack: _Pack) -> None:
    analysis = analyse_spending("prevention", dataset="s251_history")
    sources = [*spending_charts.spending_sources(analysis),
               f"to {JOIN_YEAR[:4]}: DfE section 251 outturn Table A1 per-year files "
               "(history.csv, lines grouped by history_lines.csv)"]
    pack.chart("09_preventive_share_change", spending_charts.change_map_data(analysis),
               lambda d: spending_charts.plot_change_map(d, sources=sources),
               rests_on=[analysis.deflator, f"which s251 lines count as preventive is "
                         f"fundmodel's taxonomy {analysis.taxonomy.name!r} (a classification "
                         "choice; the NAO's own is compared in the summary)"])
    aggregates = analysis.aggregates()
    england = aggregates[aggregates["area"] == "England"].set_index("period")["focus_share"]
    england = england.dropna()
    change = analysis.share_change()
    fell = int((change["change_pp"] < 0).sum())
    known = int(change["change_pp"].notna().sum())
    first, last = england.index[0], england.index[-1]
    nao = nao_comparison(analysis).set_index("period")
    pub = {p: float(str(nao.loc[p, "published_pct"])) for p in ("2010-11", "2017-18")}
    ours = {p: float(str(nao.loc[p, "computed_pct"])) for p in ("2010-11", "2017-18")}
    pack.lines.append(
        f"- The preventive share of children's services spending (family support, Sure Start, "
        f"young people's services; s251 gross) fell in England from "
        f"{100 * england.iloc[0]:.1f}% ({first}) to {100 * england.iloc[-1]:.1f}% ({last}), "
        f"and fell in {fell} of the {known} councils with both years. The NAO's "
        f"{pub['2010-11']:g}% (2010-11) and {pub['2017-18']:g}% (2017-18) compare with "
        f"{ours['2010-11']:.1f}% and {ours['2017-18']:.1f}% "
        "here: the NAO's line set is not published (differences: `nao_comparison()`).")


TRANSITION = """
kind: transition
header:
  title: Equal per child to the Children Act formula over three years, 95% cash floor
  assumes: >-
    pot held at the 2025-26 Prevention Grant in cash each year (later years assumed);
    Children Act preset weights (assumptions); phasing in thirds and a 95% cash floor chosen
    to illustrate the Fair Funding Review 2.0 pattern
baseline:
  formula:
    name: Equal per child aged 0-17
    indicators: [{name: children, column: children_0_17, weight: 1.0}]
target: children_act
years: [2026-27, 2027-28, 2028-29]
pot: children_act#prevention_grant_2025_26
phasing: [1/3, 2/3, 1]
floor: -0.05
"""
"""The brief's transition page: the same scenario as ``examples/transition_children_act.yaml``."""


def _transition(pack: _Pack) -> None:
    scenario = load_scenario_text(TRANSITION, "brief transition page")
    result = scenario.run()
    data = transition_charts.transition_paths_data(result)  # type: ignore[arg-type]
    sources = [*result.sources(),  # type: ignore[attr-defined]
               "ASSUMED: pot held in cash, thirds, a 95% cash floor (illustrative choices)"]
    pack.chart("10_transition_paths", data, lambda d: transition_charts.plot_transition_paths(
        d, sources=sources, title="Phasing the Children Act formula in over three years "
        "(thirds, 95% cash floor: assumed choices)"), rests_on=[scenario])
    first = result.summary().splitlines()
    pack.lines.append("- Transition (assumed thirds and a 95% cash floor, £270m a year): "
                      + "; ".join(line.strip() for line in first[1:4]))
