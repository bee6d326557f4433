"""The default briefing pack: costed, sourced charts and tables from the embedded data.

``write_brief(folder)`` writes, for each chart, a PNG, an SVG and the CSV of exactly what
is drawn, plus the full allocation table, the cost-of-duties tables and ``summary.md`` with
the headline numbers, the assumptions and the sources. Every file is written atomically.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> names = {p.name for p in write_brief(out, progress=False)}
>>> {"allocations.csv", "summary.md", "01_largest_allocations.png"} <= names
True
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from fundmodel._version import __version__
from fundmodel.analysis.uncertainty import (
    SensitivityResult,
)
from fundmodel.core.files import staged_folder, write_text_atomic
from fundmodel.core.yamlio import dump_yaml
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.data.provenance import cite_columns
from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.engine.money import format_gbp
from fundmodel.engine.result import Allocation
from fundmodel.presets import (
    PREVENTION_GRANT_2025_26,
    children_act_formula,
)
from fundmodel.report import charts, house
from fundmodel.report.brief_pack import (
    SENSITIVITY_VARIANTS,
    STEPS,
    _Pack,
)
from fundmodel.report.brief_pages import (
    _cost_of_duties,
    _overspend,
    _phasing,
    _pooling,
    _prevention,
    _sensitivity,
    _transition,
)
from fundmodel.report.council import find_council, write_council_page


def population_only_formula() -> NeedsFormula:
    """The comparison baseline: the pot shared per child aged 0-17 (no needs weighting)."""
    return NeedsFormula(
        name="Equal amount per child aged 0-17",
        indicators=(Indicator(name="population", column="children_0_17", weight=1.0),),
    )


def write_brief(out: Path, *, progress: bool = True, council: str | None = None) -> list[Path]:
    """Write the default briefing pack into ``out``; return the files written. With
    ``council`` (a name or ONS code) add that council's page (:mod:`fundmodel.report.council`).

    The pack is written as a unit: into a hidden sibling folder, ``manifest.yaml`` (the
    sha256 of every file) last, then renamed into place, so a killed run never leaves a
    partial pack that looks complete."""
    target = Path(out)
    code = find_council(council, load_authorities()) if council is not None else None
    with staged_folder(target) as stage:
        files = _write_pack(stage, progress, code)
        manifest = {"fundmodel_version": __version__, "pack": "fundmodel brief",
                    "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                              for p in files}}
        write_text_atomic(stage / "manifest.yaml", dump_yaml(manifest))
    return [target / p.name for p in [*files, stage / "manifest.yaml"]]


def _write_pack(out: Path, progress: bool, code: str | None) -> list[Path]:
    pack = _Pack(out, progress, STEPS + (code is not None))
    la = load_authorities()
    pot = PREVENTION_GRANT_2025_26
    pack.announce(f"Children Act formula: allocating {format_gbp(pot.in_pounds())}")
    result = allocate(children_act_formula(), la, pot)
    frame = result.to_frame().sort_values(["amount", "code"], ascending=[False, True])
    pack.table("allocations.csv", frame)
    _allocation_charts(pack, la, result, frame)

    pack.announce("comparing with an equal amount per child")
    flat = _winners_losers(pack, la, result)
    pack.announce("need share against current family support spend")
    _need_vs_spend(pack, la, result)
    pack.announce("costing the duties from standards")
    _cost_of_duties(pack, la)
    pack.announce("phasing the investment asks")
    _phasing(pack)
    pack.announce("pooling real 2023-24 looked-after budgets in about 20 RCCs")
    _overspend(pack)
    _pooling(pack)
    pack.announce(f"testing the assumed weights ({SENSITIVITY_VARIANTS:,} variants)")
    sensitivity = _sensitivity(pack, la, result)
    pack.announce("the balance of spending: preventive share since 2010-11")
    _prevention(pack)
    pack.announce("phasing the formula in over three years")
    _transition(pack)
    if code is not None:
        _council_page(pack, la, code, flat, sensitivity)
    pack.announce("writing summary.md")
    pack.write_assumptions()
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
        rests_on=[result.formula],
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
        rests_on=[result.formula],
    )
    pc = frame["per_child"]
    pack.lines += [
        f"- **{pot}** ({PREVENTION_GRANT_2025_26.label}) shared by the Children Act funding "
        f"formula preset: largest **{top['name']} {format_gbp(top['amount'], 'm', 2)}**; "
        f"per child aged 0-17 from £{pc.min():.2f} ({lo['name']}) to £{pc.max():.2f} "
        f"({hi['name']}), median £{pc.median():.2f}. Full table: `allocations.csv`.",
    ]


def _winners_losers(pack: _Pack, la: Authorities, result: Allocation) -> Allocation:
    flat = allocate(population_only_formula(), la, result.total)
    data = charts.winners_losers_data(result.council_amounts(), flat.council_amounts(),
                                      pd.Series(la.names, index=la.codes))
    sources = [*result.sources(), "baseline: the same pot per child aged 0-17 (ONS mid-2024)"]
    pack.chart("03_winners_losers",
               data,
               lambda d: charts.plot_winners_losers(
                   d, sources=sources,
                   title=f"Against an equal amount per child, {int((d.status == 'gain').sum())} "
                         f"councils gain and {int((d.status == 'loss').sum())} lose"),
               rests_on=[result.formula, flat.formula])
    biggest = data.iloc[0]
    pack.lines.append(
        f"- Against the same pot shared equally per child, "
        f"{int((data.status == 'gain').sum())} councils gain and "
        f"{int((data.status == 'loss').sum())} lose; the largest gain is {biggest['name']} "
        f"(+{format_gbp(biggest['change'], 'm', 2)}), the largest loss "
        f"{data.iloc[-1]['name']} ({format_gbp(data.iloc[-1]['change'], 'm', 2)}).")
    return flat


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
                                                     sources=sources),
               rests_on=[result.formula, charts.NEED_MATCH_BAND])
    within = charts.share_within_band(data)
    band = charts.NEED_MATCH_BAND
    pack.lines.append(
        f"- Only {within:.0f}% of councils' shares of 2024-25 family support spend are within "
        f"{band.display()} of their share of need under the preset ({len(data)} councils with "
        f"data; the {band.display()} band is a labelled choice, {band.ref}).")


def _council_page(pack: _Pack, la: Authorities, code: str, flat: Allocation,
                  sensitivity: SensitivityResult) -> None:
    pack.announce(f"the page for {la.names[list(la.codes).index(code)]}")
    damped = allocate(sensitivity.spec.formula.updated(damping={"floor": -0.05}), la,
                      flat.total, baseline=flat.amounts())
    files, lines = write_council_page(
        pack.out, code, [flat, sensitivity, damped], baseline=flat, authorities=la,
        labels=["Equal per child", "Children Act formula (assumed weights)",
                "Formula with a -5% floor"],
        baseline_label="the same pot shared equally per child",
        sources=[*damped.sources(), "interval: the assumed weights drawn from a Dirichlet "
                 f"distribution (seed {sensitivity.spec.seed}), an assumption"])
    pack.files.extend(files)
    pack.council_lines.extend(lines)


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
        "- RCC membership (20 groups) and the absence of scale savings are assumptions, "
        "stated on the chart; RCC budgets and the overspends are 2023-24 data (RA budgets "
        "against RO3 outturn).",
        "- The cost of duties rests on standards some of which no publication sets (cases per "
        "social worker, on-costs, agency premium, overheads, placement price ratios, children "
        "per family, Staying Close cost period): each is a labelled assumption in "
        "`cost_of_duties.yaml` with the range the interval samples.",
        "",
        *pack.council_lines,
        "## Sources",
        "",
        *(f"- {s}" for s in result.sources()),
        f"- Pot: {PREVENTION_GRANT_2025_26.source.cite()}",
        f"- {house.HEX_ACKNOWLEDGEMENT}",
        "",
        "## Files",
        "",
        *(f"- `{n}`" for n in names),
        "",
    ])
