"""The simulator's page: every control labelled, its error shown next to it, initial values
from the URL. Shiny is imported inside the functions so the package imports without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fundmodel.app.compute import authorities
from fundmodel.app.outputs import CHARTS
from fundmodel.app.state import INDICATORS, POTS, AppState, from_query, pot_parameter
from fundmodel.engine.money import format_gbp
from fundmodel.engine.named_formulas import named_formula
from fundmodel.errors import FundmodelError

if TYPE_CHECKING:
    from htmltools import Tag

CSS = """
:focus-visible { outline: 3px solid #E69F00 !important; outline-offset: 2px; }
.fm-error { color: #a3001b; font-weight: 600; margin: 0.2rem 0 0.6rem; }
.fm-error:empty { display: none; }
table.fm-table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.fm-table caption { caption-side: top; color: #595959; }
table.fm-table th, table.fm-table td { border-bottom: 1px solid #d9d9d9; padding: 2px 6px; }
table.fm-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
fieldset legend { font-size: 1rem; font-weight: 600; }
.fm-assumption { background: #fff4d6; border-left: 4px solid #E69F00; padding: 4px 8px; }
"""

URL_SCRIPT = """
Shiny.addCustomMessageHandler('fm-url', function(query) {
  history.replaceState(null, '', window.location.pathname + '?' + query);
});
"""


def _pot_choices() -> dict[str, str]:
    choices = {key: f"{pot_parameter(key).label} ({format_gbp(pot_parameter(key).in_pounds())})"
               for key in POTS}
    return {**choices, "typed": "an amount I type (in pounds)"}


def _slider_values(state: AppState) -> dict[str, float]:
    if state.weights:
        return {k: state.weights.get(k, 0.0) for k in INDICATORS}
    preset = {i.name: round(100 * i.weight.value, 1)
              for i in named_formula("children_act").indicators}
    return {k: preset.get(k, 0.0) for k in INDICATORS}


def error_slot(name: str) -> Any:
    """Where a control's error appears (read out by screen readers when it changes)."""
    from shiny import ui

    return ui.div(ui.output_ui(f"{name}_error"), role="alert", aria_live="polite")


def controls(state: AppState) -> list[Any]:
    """The sidebar: pot, formula, damping, baseline, council, saving, loading, downloads."""
    from shiny import ui

    la = authorities()
    typed = state.pot not in POTS
    floor = "" if state.floor is None else f"{100 * state.floor:g}"
    ceiling = "" if state.ceiling is None else f"{100 * state.ceiling:g}"
    sliders = [ui.input_slider(f"w_{key}", choice.label, min=0, max=100, step=1,
                               value=_slider_values(state)[key])
               for key, choice in INDICATORS.items()]
    return [
        ui.input_text("title", "Scenario name", value=state.title),
        ui.input_select("pot_preset", "Pot", _pot_choices(),
                        selected="typed" if typed else state.pot),
        ui.input_text("pot_text", "Amount in pounds (when you type your own)",
                      value=state.pot if typed else "", placeholder="e.g. 2,000,000,000"),
        error_slot("pot"),
        ui.input_radio_buttons("formula", "Formula", {
            "children_act": "Children Act preset (assumed weights)",
            "custom": "my weights (sliders below)"}, selected=state.formula),
        ui.panel_conditional("input.formula === 'custom'",
                             ui.tags.fieldset(ui.tags.legend("Weights (relative; used as "
                                                             "shares summing to 1)"),
                                              *sliders),
                             ui.output_ui("weights_used")),
        error_slot("weights"),
        ui.tags.fieldset(
            ui.tags.legend("Damping against the baseline (blank: none)"),
            ui.input_text("floor", "Largest loss allowed, % (e.g. -5)", value=floor),
            ui.input_text("ceiling", "Largest gain allowed, % (e.g. 10)", value=ceiling)),
        error_slot("damping"),
        ui.input_select("baseline", "Winners and losers against", {
            "per_child": "the pot shared equally per child",
            "spend": "the pot shared by current family support spend",
            "saved1": "saved scenario 1", "saved2": "saved scenario 2",
            "saved3": "saved scenario 3"}, selected=state.baseline),
        error_slot("baseline"),
        ui.input_selectize("council", "Council", {str(c): str(n) for c, n in
                                                  zip(la.codes, la.names, strict=True)},
                           selected=state.council),
        ui.input_action_button("save", "Save this scenario (up to 3)"),
        ui.input_action_button("clear_saved", "Forget saved scenarios"),
        ui.output_ui("saved_list"),
        ui.input_file("upload", "Load a scenario file (YAML)", accept=[".yaml", ".yml"]),
        error_slot("upload"),
        ui.tags.fieldset(
            ui.tags.legend("Download"),
            ui.download_button("dl_csv", "Table (CSV)"),
            ui.input_select("chart", "Chart to download", CHARTS),
            ui.download_button("dl_png", "Chart (PNG)"),
            ui.download_button("dl_svg", "Chart (SVG)"),
            ui.output_ui("yaml_button"),
            ui.download_button("dl_pack", "Whole briefing pack (zip; may take a minute)")),
    ]


def main_panel() -> list[Any]:
    """The results: summary, map, table, winners and losers, council page, compare, sources."""
    from shiny import ui

    return [
        error_slot("result"),
        ui.navset_tab(
            ui.nav_panel("Summary", ui.output_ui("national"), ui.output_ui("assumptions"),
                         ui.output_ui("band")),
            ui.nav_panel("Map", ui.output_plot("map", height="760px")),
            ui.nav_panel("Table", ui.input_text("search", "Search councils (name or code)"),
                         ui.output_ui("table")),
            ui.nav_panel("Winners and losers", ui.output_plot("winners", height="720px"),
                         ui.output_ui("winners_table")),
            ui.nav_panel("Council page", ui.output_plot("council_chart", height="420px"),
                         ui.output_ui("council_tables")),
            ui.nav_panel("Compare saved", ui.output_ui("compare")),
            ui.nav_panel("Sources", ui.output_ui("sources")),
            id="tabs"),
    ]


def page(request: Any) -> Tag:
    """The whole page, its controls set from the request's query string."""
    from shiny import ui

    problem = ""
    try:
        state = from_query(str(request.url.query or ""))
    except FundmodelError as exc:
        state, problem = AppState(), f"{exc}; the defaults are shown instead"
    result: Tag = ui.page_sidebar(
        ui.sidebar(*controls(state), width=380, title="Scenario"),
        ui.tags.p(problem, class_="fm-error", role="alert", id="link_error"),
        *main_panel(),
        ui.tags.style(CSS), ui.tags.script(URL_SCRIPT),
        title="fundmodel: children's social care funding simulator", lang="en",
    )
    return result
