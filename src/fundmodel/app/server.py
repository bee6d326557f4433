"""The simulator's reactive core: controls -> state -> the library's result, each error kept
next to the control it concerns, the URL kept in step, saving and loading scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fundmodel.app.compute import View, build_formula, compute
from fundmodel.app.state import (
    INDICATORS,
    POTS,
    AppState,
    saved_from_query,
    to_query,
)
from fundmodel.errors import FundmodelError, InvalidInputError

ERROR_SLOTS = ("pot", "weights", "damping", "baseline", "upload", "result")


@dataclass
class Form:
    """The controls read: a state when they make one, and errors by slot."""

    state: AppState | None
    errors: dict[str, str] = field(default_factory=dict)


def percent_input(text: str, name: str) -> float | None:
    """A damping bound typed as a percentage (``-5``) as a fraction; blank means none.

    >>> percent_input("-5", "floor"), percent_input(" ", "ceiling")
    (-0.05, None)
    """
    cleaned = str(text).strip().removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        return float(cleaned) / 100
    except ValueError:
        raise InvalidInputError(f"damping {name} {text!r}: type a percentage such as -5, "
                                "or leave it blank") from None


def read_form(values: dict[str, Any]) -> Form:
    """Turn raw control values into a state, checking each part where its control is."""
    errors: dict[str, str] = {}
    pot = values["pot_text"] if values["pot_preset"] == "typed" else values["pot_preset"]
    bounds: dict[str, float | None] = {}
    for name in ("floor", "ceiling"):
        try:
            bounds[name] = percent_input(values[name], name)
        except FundmodelError as exc:
            errors["damping"] = str(exc)
    weights = ({k: float(values[f"w_{k}"]) for k in INDICATORS}
               if values["formula"] == "custom" else {})
    try:
        state = AppState(title=values["title"].strip() or "My scenario", pot=str(pot),
                         formula=values["formula"], weights=weights,
                         floor=bounds.get("floor"), ceiling=bounds.get("ceiling"),
                         baseline=values["baseline"], council=values["council"])
    except FundmodelError as exc:
        return Form(None, {**errors, "result": str(exc)})
    try:
        state.pot_pounds()
    except FundmodelError as exc:
        errors["pot"] = str(exc)
    if state.formula == "custom":
        try:
            state.used_weights()
        except FundmodelError as exc:
            errors["weights"] = str(exc)
    if not errors:
        try:
            build_formula(state)
        except FundmodelError as exc:
            errors["damping" if state.floor is not None or state.ceiling is not None
                   else "weights"] = str(exc)
    return Form(None if errors else state, errors)


def compute_or_error(form: Form, saved: tuple[AppState, ...]) -> tuple[View | None, str, str]:
    """The view, or the slot and message of the library's error."""
    if form.state is None:
        return None, "", ""
    try:
        return compute(form.state, saved), "", ""
    except FundmodelError as exc:
        state = form.state
        slot = ("damping" if state.floor is not None or state.ceiling is not None
                else "baseline" if state.baseline.startswith("saved") else "result")
        return None, slot, str(exc)


def server(input: Any, output: Any, session: Any) -> None:
    """The Shiny server function."""
    from shiny import reactive, render, ui

    from fundmodel.app.panels import register_outputs

    saved: reactive.Value[tuple[AppState, ...]] = reactive.value(())
    upload_error = reactive.value("")
    save_message = reactive.value("")
    url_read = [False]
    last_good: list[View] = [compute(AppState())]

    @reactive.effect
    def _saved_from_url() -> None:
        if url_read[0]:
            return
        url_read[0] = True
        try:
            saved.set(saved_from_query(input[".clientdata_url_search"]()))
        except FundmodelError as exc:
            save_message.set(str(exc))

    @reactive.calc
    def form() -> Form:
        names = ["title", "pot_preset", "pot_text", "formula", "floor", "ceiling", "baseline",
                 "council", *(f"w_{k}" for k in INDICATORS)]
        return read_form({n: input[n]() for n in names})

    @reactive.calc
    def computed() -> tuple[View | None, str, str]:
        return compute_or_error(form(), saved())

    @reactive.calc
    def current() -> View:
        view, _, _ = computed()
        if view is not None:
            last_good[0] = view
        return last_good[0]

    @reactive.calc
    def errors() -> dict[str, str]:
        found = dict(form().errors)
        _, slot, message = computed()
        if message:
            found[slot] = message
        if upload_error():
            found["upload"] = upload_error()
        if found:
            found["result"] = found.get("result", "") or (
                "The results below are from the last valid inputs: fix the message marked "
                "next to a control.")
        return found

    for slot in ERROR_SLOTS:
        def make(name: str) -> None:
            def _error() -> Any:
                message = errors().get(name, "")
                return ui.p(message, class_="fm-error") if message else None

            output(id=f"{name}_error")(render.ui(_error))
        make(slot)

    @reactive.effect
    async def _url() -> None:
        state = form().state
        if state is not None:
            await session.send_custom_message("fm-url", to_query(state, saved()))

    @reactive.effect
    @reactive.event(input.save)
    def _save() -> None:
        state = form().state
        if state is None:
            save_message.set("Nothing saved: fix the marked input first.")
        elif len(saved()) >= 3:
            save_message.set("Three scenarios are saved already: forget them to save more.")
        else:
            saved.set((*saved(), state))
            save_message.set(f"Saved as scenario {len(saved())}.")

    @reactive.effect
    @reactive.event(input.clear_saved)
    def _clear() -> None:
        saved.set(())
        save_message.set("Saved scenarios forgotten.")

    @reactive.effect
    @reactive.event(input.upload)
    def _load() -> None:
        from fundmodel.app.compute import state_from_yaml

        files = input.upload()
        if not files:
            return
        try:
            text = Path(files[0]["datapath"]).read_text("utf-8")
            state = state_from_yaml(text, files[0]["name"])
        except UnicodeDecodeError:
            upload_error.set(f"{files[0]['name']}: not a text file; a scenario is YAML text")
            return
        except FundmodelError as exc:
            upload_error.set(str(exc))
            return
        upload_error.set("")
        apply_state(state)

    def apply_state(state: AppState) -> None:
        ui.update_text("title", value=state.title)
        ui.update_select("pot_preset", selected=state.pot if state.pot in POTS else "typed")
        ui.update_text("pot_text", value="" if state.pot in POTS else state.pot)
        ui.update_radio_buttons("formula", selected=state.formula)
        for key in INDICATORS:
            if state.formula == "custom":
                ui.update_slider(f"w_{key}", value=state.weights.get(key, 0.0))

    register_outputs(input, output, current, saved, save_message)
