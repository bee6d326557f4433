"""The simulator's pure parts, no browser: pot parsing, the URL codec, scenario building and
loading, and that what the page computes is what fundmodel.allocate gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fundmodel
from fundmodel.app.compute import build_formula, build_scenario, compute, state_from_yaml
from fundmodel.app.server import percent_input, read_form
from fundmodel.app.state import (
    INDICATORS,
    AppState,
    decode_saved,
    from_query,
    parse_pot,
    saved_from_query,
    to_query,
)
from fundmodel.errors import FundmodelError, InvalidInputError
from fundmodel.presets import children_act_formula


@pytest.mark.parametrize(("text", "pounds"), [
    ("270000000", 270_000_000.0), ("£270,000,000", 270_000_000.0), (" 1,234.5 ", 1234.5),
    ("£ 2 000", 2000.0), ("0.01", 0.01),
])
def test_parse_pot_reads_pounds(text: str, pounds: float) -> None:
    assert parse_pot(text) == pounds


@pytest.mark.parametrize(("text", "message"), [
    ("£2bn", "type the amount in pounds as digits"), ("2.6 billion", "as digits"),
    ("270m", "as digits"), ("-5", "as digits"), ("", "empty"), ("0", "more than £0"),
    ("1,23", "as digits"), ("12.345", "as digits"),
])
def test_parse_pot_refuses_what_it_would_have_to_guess(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_pot(text)


weights = st.dictionaries(st.sampled_from(list(INDICATORS)),
                          st.integers(0, 100).map(float), max_size=len(INDICATORS))
states = st.builds(
    AppState, title=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                            min_size=1, max_size=40),
    pot=st.sampled_from(["prevention_grant", "family_help", "1,234,567.89", "£2bn"]),
    formula=st.sampled_from(["children_act", "custom"]), weights=weights,
    floor=st.sampled_from([None, -0.05, -0.1]), ceiling=st.sampled_from([None, 0.1]),
    baseline=st.sampled_from(["per_child", "spend", "saved2"]),
    council=st.sampled_from(["E06000001", "E09000033"]))


@given(states, st.lists(states, max_size=3))
def test_the_url_round_trips_the_state_and_the_saved_scenarios(
        state: AppState, saved: list[AppState]) -> None:
    query = to_query(state, tuple(saved))
    assert from_query(query) == state
    assert saved_from_query(query) == tuple(saved)


@pytest.mark.parametrize(("query", "message"), [
    ("floor=abc", "floor='abc' is not a number"), ("w=population", "not name:number"),
    ("formula=magic", "formula"), ("base=nowhere", "baseline"),
])
def test_a_bad_link_says_which_key(query: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        from_query(query)
    with pytest.raises(InvalidInputError, match="damaged"):
        decode_saved("!!!")


def test_weights_are_slider_shares_and_all_zero_is_refused() -> None:
    state = AppState(formula="custom", weights={"population": 30, "deprivation": 10,
                                                "idaci": 0})
    assert state.used_weights() == {"population": 0.75, "deprivation": 0.25}
    with pytest.raises(InvalidInputError, match="cannot sum to 1"):
        AppState(formula="custom", weights={"population": 0}).used_weights()


def test_page_numbers_are_what_allocate_gives() -> None:
    la = fundmodel.load_authorities()
    state = AppState(formula="custom", weights={"population": 20, "deprivation": 60,
                                                "disability": 20}, pot="123,456,789.01")
    view = compute(state)
    # the same inputs written out by hand, as a notebook user would
    formula = fundmodel.NeedsFormula(name="hand", indicators=[
        fundmodel.Indicator(name="a", column="children_0_17", weight=0.2),
        fundmodel.Indicator(name="b", column="child_poverty_pct", times="children_0_17",
                            scale=0.01, weight=0.6),
        fundmodel.Indicator(name="c", column="ehcp_pct", times="children_0_17", scale=0.01,
                            weight=0.2)])
    expected = fundmodel.allocate(formula, la, 123_456_789.01).council_amounts()
    shown = view.table.set_index("code")["amount"]
    assert shown.reindex(expected.index).tolist() == expected.tolist()
    assert round(float(shown.sum()), 2) == 123_456_789.01


def test_damping_uses_the_page_baseline() -> None:
    la = fundmodel.load_authorities()
    view = compute(AppState(floor=-0.02))
    flat = fundmodel.allocate(fundmodel.NeedsFormula(name="flat", indicators=[
        fundmodel.Indicator(name="c", column="children_0_17", weight=1.0)]), la, 270e6)
    amounts = view.allocation.council_amounts()
    assert (amounts >= 0.98 * flat.council_amounts() - 0.01).all()
    expected = fundmodel.allocate(children_act_formula().updated(damping={"floor": -0.02}),
                                  la, 270e6, baseline=flat.amounts()).council_amounts()
    assert amounts.tolist() == expected.tolist()


def test_spend_baseline_leaves_out_councils_without_a_figure_and_says_so() -> None:
    view = compute(AppState(baseline="spend"))
    assert set(view.no_baseline) == {"Middlesbrough", "Wandsworth"}
    assert len(view.winners) == 151
    assert "2 without a baseline figure" in view.national()["against the baseline"]


def test_the_scenario_file_runs_in_the_cli_and_loads_back(tmp_path: Path) -> None:
    state = AppState(title="Half and half", formula="custom", pot="100,000,000",
                     weights={"population": 50, "deprivation": 50})
    path = tmp_path / "s.yaml"
    path.write_text(build_scenario(state).to_yaml())
    run = subprocess.run([sys.executable, "-m", "fundmodel", "run", str(path), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, check=True)
    assert "£100.0m across 153 authorities" in run.stdout
    import pandas as pd

    result = pd.read_csv(tmp_path / "out" / "result.csv").set_index("code")["amount"]
    page = compute(state).table.set_index("code")["amount"]
    assert result.reindex(page.index).round(2).tolist() == page.round(2).tolist()
    loaded = state_from_yaml(path.read_text())
    assert loaded.weights == {"population": 50.0, "deprivation": 50.0}
    assert loaded.pot == "100,000,000.00" and loaded.title == "Half and half"
    assert state_from_yaml(build_scenario(AppState()).to_yaml()).formula == "children_act"


def test_damped_state_is_not_written_as_a_file_that_would_not_reproduce() -> None:
    with pytest.raises(InvalidInputError, match="cannot hold yet"):
        build_scenario(AppState(floor=-0.05))


@pytest.mark.parametrize(("text", "message"), [
    ("kind: allocation\nheader: {title: t\n", "line"),
    ("- just a list\n", "must be a mapping"),
    ("kind: rcc\nheader: {title: t, assumes: a}\nmembership: rcc20\n", "allocation scenarios"),
    ("kind: allocation\nheader: {title: t, assumes: a}\nformula: children_act\ntotal: '£2bn'\n",
     "total"),
])
def test_a_broken_upload_gets_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(FundmodelError, match=message):
        state_from_yaml(text)


def _form(**changes: str) -> dict[str, str]:
    values = {"title": "t", "pot_preset": "prevention_grant", "pot_text": "",
              "formula": "custom", "floor": "", "ceiling": "", "baseline": "per_child",
              "council": "E06000001", **{f"w_{k}": "0" for k in INDICATORS}}
    values["w_population"] = "100"
    return {**values, **changes}


def test_form_errors_land_next_to_their_control() -> None:
    assert read_form(_form()).state is not None
    assert "as digits" in read_form(_form(pot_preset="typed", pot_text="£2bn")).errors["pot"]
    assert "sum to 1" in read_form(_form(w_population="0")).errors["weights"]
    assert "percentage" in read_form(_form(floor="five")).errors["damping"]
    assert "floor" in read_form(_form(floor="5")).errors["damping"]
    assert percent_input("-5%", "floor") == -0.05


def test_build_formula_preset_is_the_library_preset() -> None:
    assert build_formula(AppState()).weight_vector().tolist() == \
        children_act_formula().weight_vector().tolist()
