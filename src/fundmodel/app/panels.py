"""The simulator's outputs: summary, map, table, winners and losers, the council page,
saved scenarios side by side, sources, and the downloads. Every number is read from a
:class:`~fundmodel.app.compute.View` (the library's result); nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from fundmodel.analysis.uncertainty import SensitivityResult
from fundmodel.app.compute import (
    BAND_CONCENTRATION,
    BAND_SEED,
    BAND_VARIANTS,
    View,
    assumptions,
    baseline_label,
    build_scenario,
    compute,
    council_band,
    side_by_side,
)
from fundmodel.app.outputs import (
    chart_figure,
    council_data,
    figure_bytes,
    pack_zip,
    scenario_yaml,
    table_csv,
)
from fundmodel.app.state import AppState
from fundmodel.app.tables import Column, html_table, number, percent, pounds
from fundmodel.errors import FundmodelError
from fundmodel.report.council import council_profile_data

TABLE_COLUMNS: list[Column] = [("rank", "Rank", lambda v: f"{int(v)}"), ("code", "Code", str),
                 ("name", "Council", str), ("region", "Region", str),
                 ("amount", "Amount", pounds), ("per_child", "£ per child", pounds),
                 ("need_share", "Need share", lambda v: f"{100 * float(v):.3f}%")]


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def register_outputs(input: Any, output: Any, current: Callable[[], View],
                     saved: Callable[[], tuple[AppState, ...]],
                     save_message: Callable[[], str]) -> None:
    """Define every output and download of the page (inside the server function)."""
    from shiny import reactive, render, ui

    @reactive.calc
    def band() -> SensitivityResult | None:
        return council_band(current())

    @reactive.calc
    def saved_views() -> list[View]:
        return [compute(s.updated(baseline="per_child") if s.baseline.startswith("saved")
                        else s) for s in saved()]

    def table_html(html: str) -> Any:
        return ui.HTML(html)

    @render.ui
    def national() -> Any:
        view = current()
        rows = pd.DataFrame({"what": list(view.national()), "value": list(view.national()
                                                                          .values())})
        return table_html(html_table(rows, [("what", "Measure", str), ("value", "England", str)],
                                     f"National summary: {view.state.title}", numeric=[]))

    @render.ui
    def assumptions_out() -> Any:
        return ui.div(ui.tags.strong("Assumptions: "), "; ".join(assumptions(current().state)),
                      class_="fm-assumption")
    output(id="assumptions")(assumptions_out)

    @render.ui
    def band_out() -> Any:
        view, result = current(), band()
        if result is None:
            return ui.p("No uncertainty band: the formula has one indicator, nothing to vary.")
        row = result.intervals().set_index("code").loc[view.state.council]
        damped = " Damping is left out of this run." if view.allocation.formula.damping else ""
        return ui.p(ui.tags.strong(f"Uncertainty band for {row['name']}: "),
                    f"£{row['p5']:,.2f} to £{row['p95']:,.2f} (5th to 95th percentile of "
                    f"{BAND_VARIANTS} runs with the weights drawn around yours from a "
                    f"Dirichlet distribution, concentration {BAND_CONCENTRATION:g}, seed "
                    f"{BAND_SEED}: an assumption); this scenario gives "
                    f"£{float(view.allocation.council_amounts()[view.state.council]):,.2f}."
                    + damped, id="band-text")
    output(id="band")(band_out)

    @render.plot(alt="Hex map of England's 153 councils coloured by £ per child; the same "
                     "numbers are in the Table tab")
    def map() -> Any:
        return chart_figure(current(), "map")

    @render.ui
    def table() -> Any:
        view = current()
        frame = view.table
        wanted = str(input.search()).strip().lower()
        if wanted:
            frame = frame[frame["name"].str.lower().str.contains(wanted, regex=False)
                          | frame["code"].str.lower().str.contains(wanted, regex=False)]
        return table_html(html_table(frame, TABLE_COLUMNS,
                                     f"Allocations: {view.state.title} "
                                     f"({len(frame)} of {len(view.table)} councils)"))

    @render.plot(alt="Bar chart of the largest gains and losses; the numbers are in the "
                     "table below it")
    def winners() -> Any:
        return chart_figure(current(), "winners")

    @render.ui
    def winners_table() -> Any:
        view = current()
        note = (f" No baseline figure (left out): {', '.join(view.no_baseline)}."
                if view.no_baseline else "")
        return ui.div(ui.p(f"Against {baseline_label(view.state)}.{note}"), table_html(
            html_table(view.winners, [("code", "Code", str), ("name", "Council", str),
                                      ("baseline", "Baseline", pounds), ("new", "This scenario",
                                                                         pounds),
                                      ("change", "Change", pounds),
                                      ("change_pct", "Change %", percent),
                                      ("status", "Outcome", str)], "Winners and losers")))

    @render.plot(alt="The selected council's amount under this scenario and each saved one; "
                     "the numbers are in the table below")
    def council_chart() -> Any:
        return chart_figure(current(), "council", band(), saved_views())

    @render.ui
    def council_tables() -> Any:
        view = current()
        data = council_data(view, band(), saved_views())
        profile = council_profile_data(view.state.council, view.allocation.authorities)
        return ui.div(
            table_html(html_table(data, [("result", "Result", str), ("amount", "Amount", pounds),
                                         ("per_child", "£ per child", pounds),
                                         ("rank", "Rank", lambda v: f"{int(v)}"),
                                         ("change", "Change", pounds),
                                         ("low", "Low", pounds), ("high", "High", pounds)],
                                  f"{data['name'].iloc[0]} across scenarios")),
            table_html(html_table(profile, [
                ("measure", "Measure", str), ("council", data["name"].iloc[0], number),
                ("region", f"{profile.attrs['region']}", number),
                ("neighbours", "Statistical neighbours", number),
                ("england", "England", number), ("compared_as", "Groups compared as", str),
                ("missing", "Council figure missing because", str),
                ("source", "Source", str)], "Profile against region and neighbours",
                numeric=["council", "region", "neighbours", "england"])),
            ui.p("Statistical neighbours: " + ", ".join(profile.attrs["neighbours"])))

    @render.ui
    def compare() -> Any:
        views = [current(), *saved_views()]
        if len(views) == 1:
            return ui.p("Save up to three scenarios (button on the left) to compare them here.")
        frame = side_by_side(views)
        return table_html(html_table(frame, [
            ("result", "Scenario", str), ("gains", "Gain", str), ("losses", "Lose", str),
            ("largest_gain", "Largest gain", pounds), ("largest_gain_council", "Council", str),
            ("largest_loss", "Largest loss", pounds),
            ("largest_loss_council", "Council", str)],
            f"Saved scenarios against the current one ({views[0].state.title})",
            numeric=["largest_gain", "largest_loss"]))

    @render.ui
    def sources() -> Any:
        return ui.tags.ul(*(ui.tags.li(s) for s in current().sources))

    @render.ui
    def saved_list() -> Any:
        items = [ui.tags.li(f"{k}: {s.title}") for k, s in enumerate(saved(), start=1)]
        return ui.div(ui.p(save_message(), role="status"), ui.tags.ol(*items) if items else None)

    @render.ui
    def weights_used() -> Any:
        try:
            used = current().state.used_weights()
        except FundmodelError:
            return None
        return ui.p("Weights used: " + ", ".join(f"{k} {v:.3f}" for k, v in used.items()))

    @render.ui
    def yaml_button() -> Any:
        try:
            build_scenario(current().state)
        except FundmodelError as exc:
            return ui.p(str(exc), class_="fm-error")
        return ui.download_button("dl_yaml", "Scenario (YAML for fundmodel run)")

    @render.download(filename=lambda: f"fundmodel-table-{_stamp()}.csv")
    def dl_csv() -> Iterator[str]:
        yield table_csv(current())

    @render.download(filename=lambda: f"fundmodel-{input.chart()}-{_stamp()}.png")
    def dl_png() -> Iterator[bytes]:
        yield figure_bytes(chart_figure(current(), input.chart(), band(), saved_views()), "png")

    @render.download(filename=lambda: f"fundmodel-{input.chart()}-{_stamp()}.svg")
    def dl_svg() -> Iterator[bytes]:
        yield figure_bytes(chart_figure(current(), input.chart(), band(), saved_views()), "svg")

    @render.download(filename="scenario.yaml")
    def dl_yaml() -> Iterator[str]:
        yield scenario_yaml(current())

    @render.download(filename=lambda: f"fundmodel-pack-{_stamp()}.zip")
    def dl_pack() -> Iterator[bytes]:
        yield pack_zip(current(), band(), saved_views())
