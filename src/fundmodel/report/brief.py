"""The default briefing pack: costed, sourced charts and tables from the embedded data.

``write_brief(folder)`` writes, for each chart, a PNG, an SVG and the CSV of exactly what
is drawn, plus the full allocation table, the cost-of-duties table and ``summary.md`` with
the headline numbers, the assumptions and the sources. Every file is written atomically.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> names = {p.name for p in write_brief(out, progress=False)}
>>> {"allocations.csv", "summary.md", "01_largest_allocations.png"} <= names
True
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel._version import __version__
from fundmodel.analysis.absolute import cost_duties
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    SensitivitySpec,
    interval_chart_data,
    run_sensitivity,
)
from fundmodel.core.files import staged_folder, write_csv_atomic, write_text_atomic
from fundmodel.core.yamlio import dump_yaml
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.data.provenance import cite_columns
from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.engine.money import format_gbp
from fundmodel.engine.result import Allocation
from fundmodel.presets import (
    PREVENTION_GRANT_2025_26,
    care_review_ask,
    children_act_costs,
    children_act_formula,
    children_england_double_ask,
    family_help_ask,
)
from fundmodel.report import charts, spending_charts
from fundmodel.scenarios.rcc import RCCScenario
from fundmodel.scenarios.spending import analyse_spending

STEPS = 9
SENSITIVITY_VARIANTS = 5_000
SENSITIVITY_CONCENTRATION = 50.0


class _Pack:
    """Collects the files written and the summary lines; prints progress to stderr."""

    def __init__(self, out: Path, progress: bool) -> None:
        self.out = out
        self.progress = progress
        self.files: list[Path] = []
        self.lines: list[str] = []
        self.step = 0

    def announce(self, message: str) -> None:
        self.step += 1
        if self.progress:
            print(f"[{self.step}/{STEPS}] {message}", file=sys.stderr, flush=True)

    def table(self, name: str, frame: pd.DataFrame) -> None:
        path = self.out / name
        write_csv_atomic(path, frame)
        self.files.append(path)

    def chart(self, stem: str, data: pd.DataFrame, draw: Callable[[pd.DataFrame], Figure]) -> None:
        self.table(f"{stem}.csv", data)
        self.files.extend(charts.save_chart(draw(data), self.out / stem))


def population_only_formula() -> NeedsFormula:
    """The comparison baseline: the pot shared per child aged 0-17 (no needs weighting)."""
    return NeedsFormula(
        name="Equal amount per child aged 0-17",
        indicators=(Indicator(name="population", column="children_0_17", weight=1.0),),
    )


def write_brief(out: Path, *, progress: bool = True) -> list[Path]:
    """Write the default briefing pack into ``out``; return the files written.

    The pack is written as a unit: into a hidden sibling folder, ``manifest.yaml`` (the
    sha256 of every file) last, then renamed into place, so a killed run never leaves a
    partial pack that looks complete."""
    target = Path(out)
    with staged_folder(target) as stage:
        files = _write_pack(stage, progress)
        manifest = {"fundmodel_version": __version__, "pack": "fundmodel brief",
                    "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                              for p in files}}
        write_text_atomic(stage / "manifest.yaml", dump_yaml(manifest))
    return [target / p.name for p in [*files, stage / "manifest.yaml"]]


def _write_pack(out: Path, progress: bool) -> list[Path]:
    pack = _Pack(out, progress)
    la = load_authorities()
    pot = PREVENTION_GRANT_2025_26
    pack.announce(f"Children Act formula: allocating {format_gbp(pot.in_pounds())}")
    result = allocate(children_act_formula(), la, pot)
    frame = result.to_frame().sort_values(["amount", "code"], ascending=[False, True])
    pack.table("allocations.csv", frame)
    _allocation_charts(pack, la, result, frame)

    pack.announce("comparing with an equal amount per child")
    _winners_losers(pack, la, result)
    pack.announce("need share against current family support spend")
    _need_vs_spend(pack, la, result)
    pack.announce("costing the duties bottom-up")
    _cost_of_duties(pack, la)
    pack.announce("phasing the investment asks")
    _phasing(pack)
    pack.announce("pooling placement budgets in about 20 RCCs")
    _pooling(pack)
    pack.announce(f"testing the assumed weights ({SENSITIVITY_VARIANTS:,} variants)")
    _sensitivity(pack, la, result)
    pack.announce("the balance of spending: preventive share since 2016-17")
    _prevention(pack)
    pack.announce("writing summary.md")
    summary = _summary(pack, result)
    write_text_atomic(out / "summary.md", summary)
    pack.files.append(out / "summary.md")
    return pack.files


def _allocation_charts(pack: _Pack, la: Authorities, result: Allocation,
                       frame: pd.DataFrame) -> None:
    sources = result.sources()
    pot = format_gbp(result.total)
    top = frame.iloc[0]
    pack.chart(
        "01_largest_allocations",
        charts.ranked_bars_data(frame, "amount", top=25),
        lambda d: charts.plot_ranked_bars(
            d, units=f"£m of a {pot} pot; the 25 largest of {la.n} councils", sources=sources,
            title=f"{top['name']} would receive most from a {pot} Children Act formula pot: "
                  f"{format_gbp(top['amount'], 'm', 2)}"),
    )
    per_child = frame.set_index("code")["per_child"]
    values = frame["per_child"].to_numpy()
    hi, lo = frame.iloc[int(values.argmax())], frame.iloc[int(values.argmin())]
    pack.chart(
        "02_per_child_map",
        charts.hex_map_data(per_child),
        lambda d: charts.plot_hex_map(
            d, units="£ per child aged 0-17", sources=sources,
            title=f"Per child, allocations range from £{lo['per_child']:.2f} "
                  f"({lo['name']}) to £{hi['per_child']:.2f} ({hi['name']})", label=5),
    )
    pc = frame["per_child"]
    pack.lines += [
        f"- **{pot}** ({PREVENTION_GRANT_2025_26.label}) shared by the Children Act funding "
        f"formula preset: largest **{top['name']} {format_gbp(top['amount'], 'm', 2)}**; "
        f"per child aged 0-17 from £{pc.min():.2f} ({lo['name']}) to £{pc.max():.2f} "
        f"({hi['name']}), median £{pc.median():.2f}. Full table: `allocations.csv`.",
    ]


def _winners_losers(pack: _Pack, la: Authorities, result: Allocation) -> None:
    flat = allocate(population_only_formula(), la, result.total)
    data = charts.winners_losers_data(result.council_amounts(), flat.council_amounts(),
                                      pd.Series(la.names, index=la.codes))
    sources = [*result.sources(), "baseline: the same pot per child aged 0-17 (ONS mid-2024)"]
    pack.chart("03_winners_losers",
               data,
               lambda d: charts.plot_winners_losers(
                   d, sources=sources,
                   title=f"Against an equal amount per child, {int((d.status == 'gain').sum())} "
                         f"councils gain and {int((d.status == 'loss').sum())} lose"))
    biggest = data.iloc[0]
    pack.lines.append(
        f"- Against the same pot shared equally per child, "
        f"{int((data.status == 'gain').sum())} councils gain and "
        f"{int((data.status == 'loss').sum())} lose; the largest gain is {biggest['name']} "
        f"(+{format_gbp(biggest['change'], 'm', 2)}), the largest loss "
        f"{data.iloc[-1]['name']} ({format_gbp(data.iloc[-1]['change'], 'm', 2)}).")


def _need_vs_spend(pack: _Pack, la: Authorities, result: Allocation) -> None:
    column = "s251_family_support_2024_25"
    data = charts.need_vs_funding_data(
        pd.Series(result.shares[0], index=la.codes), pd.Series(la.column(column), index=la.codes),
        pd.Series(la.names, index=la.codes))
    missing = sorted(set(la.names) - set(data["name"]))
    sources = [*result.sources(), *cite_columns([column]),
               f"no 2024-25 figure (left out): {', '.join(missing)}"]
    pack.chart("04_need_vs_spend", data,
               lambda d: charts.plot_need_vs_funding(d, units="family support spend",
                                                     sources=sources))
    within = float((np.abs(data["ratio"] - 1) <= 0.05).mean() * 100)
    pack.lines.append(
        f"- Only {within:.0f}% of councils' shares of 2024-25 family support spend are within "
        f"5% of their share of need under the preset ({len(data)} councils with data).")


def _cost_of_duties(pack: _Pack, la: Authorities) -> None:
    formula = children_act_costs(la)
    needed = (*formula.funding_columns, *(d.column for d in formula.duties))
    complete = np.all([~np.isnan(la.column(c)) for c in needed], axis=0)
    costs = cost_duties(formula, la.take(np.flatnonzero(complete)))
    table = costs.to_frame().sort_values(["gap", "code"], ascending=[False, True])
    pack.table("cost_of_duties.csv", table)
    gap_per_child = table.set_index("code")["gap"] / table.set_index("code")["cost"] * 100
    left_out = ", ".join(la.names[~complete])
    sources = [*cite_columns(needed), "unit costs: England averages of 2024-25 s251 outturn "
               f"per caseload; left out for missing data: {left_out}"]
    short = int((table["gap"] > 0).sum())
    pack.chart(
        "05_duties_gap_map",
        charts.hex_map_data(gap_per_child),
        lambda d: charts.plot_hex_map(
            d, units="gap as % of bottom-up cost (positive: duties cost more than spend)",
            sources=sources, diverging=True, label=4,
            title=f"At England-average unit costs, {short} councils spend less than their "
                  "duties cost"),
    )
    pack.lines.append(
        f"- Absolute mode: at England-average 2024-25 unit costs the duties cost "
        f"{format_gbp(costs.total_cost())} across {costs.authorities.n} councils with complete "
        f"data; {short} councils spend less than their duties cost, shortfalls totalling "
        f"{format_gbp(float(table.loc[table['gap'] > 0, 'gap'].sum()))} (the national gap, "
        f"{format_gbp(costs.total_cost() - float(table['funding'].sum()))}, is near zero by "
        "construction: unit costs are averages of current spend; left out: "
        f"{left_out}). Table: `cost_of_duties.csv`.")


def _phasing(pack: _Pack) -> None:
    results = [care_review_ask().run(), family_help_ask().run(),
               children_england_double_ask().run()]
    sources = sorted({r.scenario.header.source.cite() for r in results
                      if r.scenario.header.source is not None})
    pack.chart("06_investment_phasing", charts.phasing_data(results),
               lambda d: charts.plot_phasing(d, sources=sources))
    care = results[0]
    pack.lines.append(
        f"- The Care Review's published year profile sums to {format_gbp(care.total)}, "
        f"{format_gbp(care.difference)} short of its {format_gbp(care.headline, 'bn')} headline "
        "(reported, not rescaled).")


def _pooling(pack: _Pack) -> None:
    scenario = RCCScenario.model_validate({
        "header": {"title": "About 20 RCCs pooling placement budgets",
                   "assumes": "fundmodel's 20-group membership (an assumption); budgets = "
                              "spend / 1.142 (LGA 14.2% average overspend); no scale savings"},
        "membership": "rcc20", "missing_spend": "exclude"})
    result = scenario.run()
    national = result.national()
    rate = scenario.overspend_rate
    sources = [*cite_columns(["s251_lac_2024_25"]), f"overspend rate: {rate.source.cite()}",
               "RCC membership: fundmodel assumption (no list is published)"]
    pack.chart("07_rcc_pooling", charts.pooling_data(result),
               lambda d: charts.plot_pooling(
                   d, sources=sources,
                   assumption=f"Budgets = actual spend / {1 + scenario.overspend:.3f}."))
    short = national["spending_power_shortfall"]
    pack.lines.append(
        f"- Pooling designated placement budgets into about 20 RCCs: budgets of "
        f"{format_gbp(national['pooled_budget'], 'bn', 2)} against actual spend of "
        f"{format_gbp(national['member_spend'], 'bn', 2)}, a shortfall of "
        f"{format_gbp(short)} ({100 * short / national['member_spend']:.1f}%), which scale "
        f"savings would have to close (assumed 0: not evidenced).")


def _sensitivity(pack: _Pack, la: Authorities, result: Allocation) -> None:
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
               lambda d: charts.plot_intervals(d, sources=sources))
    spread = (data["high"] - data["low"]) / data["central"]
    widest = data.iloc[int(np.argmax(spread.to_numpy()))]
    pack.lines.append(
        f"- Varying the assumed weights ({SENSITIVITY_VARIANTS:,} draws around the preset), "
        f"the widest 5th-95th percentile range relative to the central amount is "
        f"{widest['name']}'s: {format_gbp(widest['low'] * 1e6, 'auto')} to "
        f"{format_gbp(widest['high'] * 1e6, 'auto')} (central "
        f"{format_gbp(widest['central'] * 1e6, 'auto')}).")


def _prevention(pack: _Pack) -> None:
    analysis = analyse_spending("prevention")
    sources = spending_charts.spending_sources(analysis)
    pack.chart("09_preventive_share_change", spending_charts.change_map_data(analysis),
               lambda d: spending_charts.plot_change_map(d, sources=sources))
    aggregates = analysis.aggregates()
    england = aggregates[aggregates["area"] == "England"].set_index("period")["focus_share"]
    change = analysis.share_change()
    fell = int((change["change_pp"] < 0).sum())
    known = int(change["change_pp"].notna().sum())
    first, last = england.index[0], england.index[-1]
    pack.lines.append(
        f"- The preventive share of children's services spending (family support, Sure Start, "
        f"young people's services; s251 gross) fell in England from "
        f"{100 * england.iloc[0]:.1f}% ({first}) to {100 * england.iloc[-1]:.1f}% ({last}), "
        f"and fell in {fell} of the {known} councils with both years.")


def _summary(pack: _Pack, result: Allocation) -> str:
    names = sorted(p.name for p in pack.files)
    return "\n".join([
        "# fundmodel briefing pack",
        "",
        f"Made with fundmodel {__version__} from the embedded data (sources: "
        "`fundmodel/data/sources.yaml`).",
        "",
        "## Headlines",
        "",
        *pack.lines,
        "",
        "## Assumptions",
        "",
        "- Children Act formula weights are fundmodel's assumptions: Children England named "
        "three factors but published no weights. Projected population (trend to 2029) and "
        "disability (EHC plan rate x children) are proxies.",
        "- RCC membership (20 groups) and budgets (spend / 1.142) are assumptions, stated on "
        "the chart.",
        "",
        "## Sources",
        "",
        *(f"- {s}" for s in result.sources()),
        f"- Pot: {PREVENTION_GRANT_2025_26.source.cite()}",
        f"- {charts.HEX_ACKNOWLEDGEMENT}",
        "",
        "## Files",
        "",
        *(f"- `{n}`" for n in names),
        "",
    ])
