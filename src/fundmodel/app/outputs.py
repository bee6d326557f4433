"""The simulator's charts and downloads (table CSV, chart PNG/SVG, scenario YAML, the pack).

Charts are the library's own ``*_data`` + ``plot_*`` pairs in the house style.

>>> from fundmodel.app.state import AppState
>>> from fundmodel.app.compute import compute
>>> view = compute(AppState())
>>> table_csv(view).splitlines()[0][:40]
'code,name,region,council_type,need_share'
>>> figure_bytes(chart_figure(view, "map"), "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from fundmodel.analysis.uncertainty import SensitivityResult
from fundmodel.app.compute import View, assumptions, baseline_label, build_scenario
from fundmodel.core.files import write_text_atomic
from fundmodel.errors import FundmodelError
from fundmodel.report.brief import write_brief
from fundmodel.report.charts import hex_map_data, plot_hex_map, plot_winners_losers
from fundmodel.report.council import council_results_data, plot_council_results
from fundmodel.report.house import save_chart

CHARTS = {"map": "hex map of £ per child", "winners": "winners and losers",
          "council": "the selected council across scenarios"}


def council_data(view: View, band: SensitivityResult | None,
                 saved: list[View]) -> pd.DataFrame:
    """The selected council under the current scenario (with the weights' interval when
    there is one) and each saved scenario, against the page's baseline."""
    results: list[object] = [view.allocation]
    labels = [f"now: {view.state.title}"]
    if band is not None:
        results.append(band)
        labels.append("now, weights varied" + (" (without damping)"
                                                if view.allocation.formula.damping else ""))
    for k, other in enumerate(saved, start=1):
        results.append(other.allocation)
        labels.append(f"saved {k}: {other.state.title}")
    baseline = view.baseline if pd.notna(view.baseline.get(view.state.council)) else None
    return council_results_data(results, view.state.council, labels=labels,
                                baseline=_Amounts(view.baseline) if baseline is not None
                                else None, authorities=view.allocation.authorities)


class _Amounts:
    """A baseline series dressed as a result (``label`` and ``council_amounts()``)."""

    label = "baseline"

    def __init__(self, amounts: pd.Series) -> None:
        self.amounts = amounts

    def council_amounts(self) -> pd.Series:
        return self.amounts


def chart_figure(view: View, which: str, band: SensitivityResult | None = None,
                 saved: list[View] | None = None) -> Figure:
    """One of :data:`CHARTS` for ``view``, with its sources and assumptions on its face."""
    title = view.state.title
    sources = [*view.sources, "assumptions: " + "; ".join(assumptions(view.state))]
    if which == "map":
        per_child = view.table.set_index("code")["per_child"]
        lo, hi = view.table.nsmallest(1, "per_child").iloc[0], \
            view.table.nlargest(1, "per_child").iloc[0]
        return plot_hex_map(hex_map_data(per_child), units="£ per child aged 0-17",
                            sources=sources, label=5,
                            title=f"{title}: £{lo['per_child']:.2f} per child ({lo['name']}) "
                                  f"to £{hi['per_child']:.2f} ({hi['name']})")
    if which == "winners":
        return plot_winners_losers(view.winners, sources=sources,
                                   title=f"{title}: against {baseline_label(view.state)}, "
                                         f"{int((view.winners.status == 'gain').sum())} gain "
                                         f"and {int((view.winners.status == 'loss').sum())} "
                                         "lose")
    if which == "council":
        data = council_data(view, band, saved or [])
        return plot_council_results(data, sources=[*sources, "interval: the weights drawn "
                                                   "from a Dirichlet distribution (an "
                                                   "assumption)"])
    raise FundmodelError(f"chart: unknown chart {which!r}; charts: {list(CHARTS)}")


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes (and closed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, bbox_inches="tight", pad_inches=0.25,
                dpi=150 if fmt == "png" else 100,
                metadata={"Software": None} if fmt == "png" else {"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def table_csv(view: View) -> str:
    """The ranked table as CSV: every council, amounts to the penny."""
    return view.table.to_csv(index=False, lineterminator="\n")


def scenario_yaml(view: View) -> str:
    """The scenario file ``fundmodel run`` accepts (raises when it cannot hold the state)."""
    return build_scenario(view.state).to_yaml()


def pack_zip(view: View, band: SensitivityResult | None, saved: list[View]) -> bytes:
    """Everything as one zip: this scenario's table, charts (PNG and SVG), scenario file
    and summary, and the default briefing pack with the selected council's page."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mine = root / "scenario"
        write_text_atomic(mine / "allocations.csv", table_csv(view))
        for which in CHARTS:
            save_chart(chart_figure(view, which, band, saved), mine / which)
        try:
            write_text_atomic(mine / "scenario.yaml", scenario_yaml(view))
        except FundmodelError as exc:
            write_text_atomic(mine / "scenario_not_written.txt", f"{exc}\n")
        summary = [f"# {view.state.title}", "", *(f"- {k}: {v}" for k, v in
                                                   view.national().items()),
                   "", "## Assumptions", "", *(f"- {a}" for a in assumptions(view.state)),
                   "", "## Sources", "", *(f"- {s}" for s in view.sources), ""]
        write_text_atomic(mine / "summary.md", "\n".join(summary))
        write_brief(root / "brief", progress=False, council=view.state.council)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root).as_posix())
        return buffer.getvalue()
