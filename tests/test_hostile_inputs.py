"""Hostile inputs that used to give silent wrong answers (issue 15, first class): codes that
slipped against their rows, labelled inputs used by position, lenient numbers, YAML 1.1
number forms, duplicate selections and writable "frozen" arrays."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fundmodel import DataError, FormulaError, ScenarioError, allocate, load_authorities
from fundmodel.core.yamlio import dump_yaml, load_yaml_text
from fundmodel.data.authorities import authorities_from_frame, current_codes
from fundmodel.data.known import known_authorities, normalise_name
from fundmodel.engine.formula import Damping
from fundmodel.testing import formula_for, synthetic_authorities

COLUMNS = ["code", "name", "region", "council_type", "children_0_17"]


def rows() -> list[list[str]]:
    frame = load_authorities().to_frame()[COLUMNS]
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.0f")
    return list(csv.reader(io.StringIO(text)))


def write(tmp_path: Path, lines: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    path = tmp_path / "councils.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def row_of(lines: list[list[str]], code: str) -> int:
    return next(i for i, r in enumerate(lines) if r[0] == code)


# ---------------------------------------------------------------- names and regions vs code
def test_swapped_codes_are_refused_naming_row_code_and_both_names(tmp_path: Path) -> None:
    lines = rows()
    a, b = row_of(lines, "E06000001"), row_of(lines, "E06000004")  # Hartlepool, Stockton
    lines[a][0], lines[b][0] = lines[b][0], lines[a][0]
    with pytest.raises(DataError, match=rf"row {a + 1}, column name: the row says 'Hartlepool' "
                                        r"but E06000004 is 'Stockton-on-Tees' \(North East\)"):
        load_authorities(write(tmp_path, lines))


def test_code_column_sorted_on_its_own_is_refused(tmp_path: Path) -> None:
    lines = rows()
    unitary = [r for r in lines[1:] if r[0].startswith("E06")]  # same council type, so only
    codes = sorted((r[0] for r in unitary), reverse=True)  # the names and regions can tell
    for r, code in zip(unitary, codes, strict=True):
        r[0] = code
    with pytest.raises(DataError, match=r"row 2, column name: the row says 'Hartlepool' but "
                                        "E06000066 is 'Somerset'"):
        load_authorities(write(tmp_path, lines))


def test_wrong_region_is_refused(tmp_path: Path) -> None:
    lines = rows()
    i = row_of(lines, "E06000001")
    lines[i][2] = "London"
    with pytest.raises(DataError, match=rf"row {i + 1}, column region: the row says 'London' for "
                                        r"E06000001 Hartlepool, which is in 'North East'"):
        load_authorities(write(tmp_path, lines))


@pytest.mark.parametrize(("code", "spelling"), [
    ("E06000001", "HARTLEPOOL"), ("E06000010", "City of Kingston upon Hull"),
    ("E06000043", "Brighton & Hove"), ("E08000013", "St Helens"),
    ("E06000004", "Stockton on Tees"), ("E06000023", "Bristol City Council"),
])
def test_harmless_spelling_differences_are_accepted(tmp_path: Path, code: str,
                                                    spelling: str) -> None:
    lines = rows()
    lines[row_of(lines, code)][1] = spelling
    assert load_authorities(write(tmp_path, lines)).n == 153


def test_normalised_names_tell_every_council_apart() -> None:
    names = [n for n, _ in known_authorities().values()]
    assert len({normalise_name(n) for n in names}) == len(names) == 153


def test_frame_checks_what_its_docstring_promises() -> None:
    frame = load_authorities().to_frame()
    with pytest.raises(DataError, match="E06999999 is not a current English"):
        authorities_from_frame(frame.assign(code=["E06999999", *frame["code"][1:]]))
    with pytest.raises(DataError, match="1 authority is missing"):
        authorities_from_frame(frame.iloc[1:])
    swapped = frame.copy()
    swapped.loc[[0, 3], "code"] = swapped.loc[[3, 0], "code"].to_numpy()
    with pytest.raises(DataError, match="column name: the row says"):
        authorities_from_frame(swapped)
    assert authorities_from_frame(frame.iloc[1:], require_all=False).n == 152


def test_cached_code_lists_are_copies() -> None:
    current_codes()["E06000001"] = "Atlantis"
    known_authorities()["E06000001"] = ("Atlantis", "Sea")
    assert current_codes()["E06000001"] == "Hartlepool"
    assert known_authorities()["E06000001"] == ("Hartlepool", "North East")


# ---------------------------------------------------------------- selections
def test_select_and_take_refuse_duplicates() -> None:
    la = load_authorities()
    with pytest.raises(DataError, match="E06000001 Hartlepool is asked for more than once"):
        la.select(["E06000001", "E06000002", "E06000001"])
    with pytest.raises(DataError, match="more than once"):
        la.take([0, 0])
    with pytest.raises(DataError, match="outside"):
        la.take([153])
    with pytest.raises(DataError, match="not the single text"):
        la.select("E06000001")  # type: ignore[arg-type]


# ---------------------------------------------------------------- read-only data
def test_authorities_arrays_and_frames_cannot_be_changed() -> None:
    la = load_authorities()
    for array in (la.codes, la.names, la.regions, la.council_types, la.column("children_0_17")):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[1]
    frame = la.frame
    frame.loc[0, "children_0_17"] = 1e12
    missing = la.missing
    missing.loc[:, "reason"] = "changed"
    assert la.to_frame().loc[0, "children_0_17"] == la.column("children_0_17")[0] < 1e6
    assert "changed" not in set(la.missing["reason"])
    assert la.take([1, 0]).column("children_0_17")[1] < 1e6


def test_allocation_arrays_cannot_be_changed() -> None:
    res = allocate(formula_for([1.0]), synthetic_authorities([[1.0], [3.0]]), 100.0)
    for array in (res.amount_pence, res.shares, res.need, res.weights, res.formula_amount):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
    assert int(res.amount_pence.sum()) == 10_000


# ---------------------------------------------------------------- labelled inputs
BASE = [400.0, 300.0, 300.0]


def damped() -> tuple[object, object]:
    la = synthetic_authorities([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    return formula_for([0.5, 0.5], Damping(baseline="x0", floor=-0.05)), la


def test_series_baseline_is_matched_by_code_not_position() -> None:
    formula, la = damped()
    codes = list(la.codes)  # type: ignore[attr-defined]
    by_code = pd.Series(BASE, index=codes)
    shuffled = by_code.sort_values()  # E06900001 and E06900002 swap places
    res = allocate(formula, la, 1000.0, baseline=shuffled)  # type: ignore[arg-type]
    # by hand: formula shares 1/4, 1/4, 1/2 of 1000 -> 250, 250, 500; floors are 95% of each
    # council's OWN baseline: 380, 285, 285; the first two are lifted to their floors and the
    # third keeps the rest, 1000 - 380 - 285 = 335. (By position, the sorted Series would
    # have given 285, 285, 430.)
    pounds = res.amounts().tolist()
    assert pounds == [380.0, 285.0, 335.0]
    assert res.baseline.tolist() == BASE
    assert allocate(formula, la, 1000.0, baseline=dict(by_code)).amounts().tolist() == pounds  # type: ignore[arg-type]


@pytest.mark.parametrize(("baseline", "message"), [
    (pd.Series([1.0, 2.0], index=["E06900000", "E06900001"]), r"1 authority missing \(E06900002\)"),
    (pd.Series([1.0, 2.0, 3.0, 4.0], index=["E06900000", "E06900001", "E06900002", "X"]),
     r"1 code\(s\) not among these authorities \(X\)"),
    (pd.Series([1.0, 2.0, 3.0], index=["E06900000", "E06900000", "E06900002"]),
     "appear more than once"),
    ([1.0, 2.0], r"one value per authority \(3\), got shape \(2,\)"),
    (pd.DataFrame({"a": [1, 2, 3]}), "got a DataFrame"),
])
def test_bad_labelled_or_unlabelled_baselines_are_refused(baseline: object, message: str) -> None:
    formula, la = damped()
    with pytest.raises(DataError, match=message):
        allocate(formula, la, 1000.0, baseline=baseline)  # type: ignore[arg-type]


# ---------------------------------------------------------------- plain numbers only
@pytest.mark.parametrize("value", ["22_771", "\uff12\uff12\uff17", "\u0662\u0662", "1_0.5",
                                   "\u0967\u0968"])
def test_csv_numbers_must_be_ascii_decimals(tmp_path: Path, value: str) -> None:
    lines = rows()
    lines[4][4] = value
    with pytest.raises(DataError, match=r"row 5, column children_0_17: value .* is not a plain "
                                        "decimal number"):
        load_authorities(write(tmp_path, lines))


def test_plain_numbers_still_load(tmp_path: Path) -> None:
    lines = rows()
    lines[4][4], lines[5][4], lines[6][4] = "1.5e4", "+20", "300."
    values = load_authorities(write(tmp_path, lines)).column("children_0_17")[3:6]
    assert values.tolist() == [15000.0, 20.0, 300.0]


# ---------------------------------------------------------------- YAML numbers
@pytest.mark.parametrize(("text", "line"), [
    ("a: 1\ntotal: 017\n", 2), ("total: 1:30\n", 1), ("x: 1\ny: 2\ntotal: 22_771\n", 3),
    ("total: 0x10\n", 1), ("total: 0o17\n", 1), ("total: -017\n", 1), ("t: [1, 09]\n", 1),
])
def test_yaml_1_1_number_forms_are_refused_with_the_line(text: str, line: int) -> None:
    with pytest.raises(ScenarioError, match=rf"f.yaml, line {line}: .* is not a plain decimal"):
        load_yaml_text(text, "f.yaml")


def test_yaml_numbers_are_yaml_1_2() -> None:
    data = load_yaml_text("a: 1e9\nb: -2.5E-3\nc: 0\nd: '017'\ne: 2.\nf: 100\n", "f.yaml")
    assert data == {"a": 1e9, "b": -0.0025, "c": 0, "d": "017", "e": 2.0, "f": 100}
    assert isinstance(data["a"], float) and isinstance(data["f"], int)


@pytest.mark.parametrize(("text", "line"), [
    ("damping: off\n", 1), ("a: 1\nceiling: No\n", 2), ("flags: [true, yes]\n", 1),
    ("x: ON\n", 1), ("keep: YES\n", 1), ("- Off\n", 1),
])
def test_yaml_1_1_booleans_are_refused_with_the_line(text: str, line: int) -> None:
    # yes/no/on/off are booleans in YAML 1.1 and text in YAML 1.2: "floor: off" could
    # silently become a floor of 0, so they are refused, naming the line and the word
    with pytest.raises(ScenarioError, match=rf"f.yaml, line {line}: \w+ is true or false "
                                            "in some YAML readers"):
        load_yaml_text(text, "f.yaml")


def test_yaml_booleans_are_true_and_false_only() -> None:
    data = load_yaml_text("a: true\nb: False\nc: TRUE\nd: 'no'\ne: Norway\nf: onward\n",
                          "f.yaml")
    assert data == {"a": True, "b": False, "c": True, "d": "no", "e": "Norway", "f": "onward"}


def test_a_scenario_with_a_yaml_1_1_boolean_names_the_line() -> None:
    from fundmodel.scenarios import load_scenario_text

    with pytest.raises(ScenarioError, match=r"line 4: off is true or false"):
        load_scenario_text("kind: allocation\nheader: {title: t, assumes: a}\n"
                           "formula: children_act\ntotal: off\n")


def test_scenario_total_1e9_is_a_number() -> None:
    from fundmodel.scenarios import load_scenario_text

    s = load_scenario_text("kind: allocation\nheader: {title: t, assumes: a}\n"
                           "formula: children_act\ntotal: 1e9\n")
    assert s.run().total == 1e9  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["1e9", "017", "1:30", "22_771", "0x1f", "yes", "1.5", "off",
                                  "No", "true"])
def test_text_that_looks_like_a_number_round_trips_as_text(text: str) -> None:
    assert load_yaml_text(dump_yaml({"title": text}), "f.yaml") == {"title": text}


def test_huge_yaml_numbers_give_one_line_errors() -> None:
    with pytest.raises(ScenarioError, match=r"line 1: integer .* is too large"):
        load_yaml_text("total: " + "9" * 5000 + "\n", "f.yaml")
    with pytest.raises(ScenarioError, match="line 1: number '1e999' is out of range"):
        load_yaml_text("total: 1e999\n", "f.yaml")


# ---------------------------------------------------------------- --data where it is unused
SPENDING = "kind: spending\nheader: {title: t, assumes: a}\n"
EMBEDDED = ("kind: overspend\nheader: {title: t, assumes: a}\n"
            "data: {source: embedded, assumed_overspend_pct: 14.2}\n")


@pytest.mark.parametrize(("text", "reads"), [(SPENDING, "section 251 / RO3 spending series"),
                                             (EMBEDDED, "outturn series")])
def test_data_is_refused_by_kinds_that_read_only_embedded_series(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reads: str) -> None:
    from fundmodel.cli import main

    scenario = tmp_path / "s.yaml"
    scenario.write_text(text)
    data = write(tmp_path, rows())
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--data", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"reads only fundmodel's embedded {reads}" in err and "--data" in err
    assert not out.exists()
    assert main(["compare", str(scenario), str(scenario), "--data", str(data)]) == 2


# ---------------------------------------------------------------- money in range
@pytest.mark.parametrize("total", [12.345, 500_000.001, 5_000_000.004, 123_456_789.005])
def test_sub_penny_totals_are_refused_at_any_size(total: float) -> None:
    from fundmodel.engine.money import total_in_pence

    with pytest.raises(FormulaError, match="not a whole number of pence"):
        total_in_pence(total)


@pytest.mark.parametrize(("total", "pence"), [(0.1 + 0.2, 30), (270_000_000, 27_000_000_000),
                                              (2e9 / 5 * 1.05, 42_000_000_000), (1.1, 110)])
def test_whole_penny_totals_with_float_noise_are_accepted(total: float, pence: int) -> None:
    from fundmodel.engine.money import total_in_pence

    assert total_in_pence(total) == pence


def test_totals_beyond_whole_pence_range_are_refused() -> None:
    from fundmodel.engine.money import MAX_PENCE, pence_in_range, total_in_pence

    with pytest.raises(FormulaError, match="too large"):
        total_in_pence(MAX_PENCE / 100)
    with pytest.raises(FormulaError, match="too large"):
        total_in_pence(10**30)
    with pytest.raises(FormulaError, match="outside the range"):
        pence_in_range(np.array([1.0, float(MAX_PENCE)]), "x")
    with pytest.raises(FormulaError, match="outside the range"):
        pence_in_range(np.array([np.inf]), "x")
    assert pence_in_range(np.array([MAX_PENCE - 1.0]), "x").tolist() == [MAX_PENCE - 1]


def test_rcc_council_with_unrepresentable_spend_is_refused() -> None:
    from fundmodel.scenarios import load_scenario_text

    la = synthetic_authorities([[1.0], [1.0]])
    frame = la.to_frame().assign(s251_lac_2024_25=[1e15, 1e6])
    huge = authorities_from_frame(frame, "huge", geography="custom")
    s = load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nbudget_source: assumed\n"
                           "membership: {rccs: {P: [E06900000, E06900001]}}\n")
    with pytest.raises(FormulaError, match=r"looked-after spend for E06900000 Council 0 is "
                                           r"£1,000,000,000,000,000\.00, outside the range"):
        s.run(huge)


def test_tiny_price_index_cannot_wrap_real_terms_amounts() -> None:
    from fundmodel.engine.years import Deflator
    from fundmodel.presets import family_help_ask

    deflator = Deflator.model_validate({
        "name": "tiny", "base_year": "2021-22",
        "points": [{"year": f"{2021 + k}-{22 + k}", "index": 1e-12 if k else 1e9}
                   for k in range(6)]})
    with pytest.raises(FormulaError, match=r"real-terms .* outside the range"):
        family_help_ask().model_copy(update={"deflator": deflator}).run()


# ---------------------------------------------------------------- the spending window
def test_spending_summary_honours_the_window() -> None:
    from fundmodel.scenarios import load_scenario_text

    s = load_scenario_text(SPENDING + "start: '2019-20'\nend: '2022-23'\n")
    text = s.run().summary()
    assert "2019-20..2022-23" in text
    assert "2016-17" not in text.splitlines()[1]


def test_reversed_or_empty_window_is_refused() -> None:
    from fundmodel.scenarios import load_scenario_text

    for start, end in (("2022-23", "2019-20"), ("2020-21", "2020-21")):
        with pytest.raises(ScenarioError, match="window runs backwards or is empty"):
            load_scenario_text(SPENDING + f"start: '{start}'\nend: '{end}'\n")


# ---------------------------------------------------------------- RCC conventions
RCC = "kind: rcc\nheader: {title: t, assumes: a}\nbudget_source: assumed\n"  # the path these test


def test_rcc_percent_given_as_a_bare_ratio_is_refused() -> None:
    from fundmodel.scenarios import load_scenario_text

    with pytest.raises(ScenarioError, match=r"overspend rate 14.2 RATIO is 1,420% of budget, "
                                            "not plausible"):
        load_scenario_text(RCC + "overspend_rate: 14.2\n")
    as_ratio = load_scenario_text(RCC + "overspend_rate: 0.142\n")
    as_percent = load_scenario_text(
        RCC + "overspend_rate: {value: 14.2, unit: PERCENT, label: o, reviewed: 2026-01-01,"
              " source: {publisher: p, title: t, year: 2025}}\n")
    assert as_ratio.overspend == pytest.approx(as_percent.overspend) == 0.142  # type: ignore[attr-defined]


def test_rcc_negative_spend_and_budgets_are_refused() -> None:
    from fundmodel.scenarios import load_scenario_text

    base = synthetic_authorities([[1.0], [1.0]]).to_frame()
    pool = "membership: {rccs: {P: [E06900000, E06900001]}}\n"
    negative = authorities_from_frame(base.assign(s251_lac_2024_25=[-5.0, 10.0]), "n",
                                      geography="custom")
    with pytest.raises(DataError, match="E06900000 Council 0 is negative"):
        load_scenario_text(RCC + pool).run(negative)
    budgets = authorities_from_frame(base.assign(s251_lac_2024_25=[5.0, 10.0],
                                                 s251_budget=[-1.0, 3.0]), "b",
                                     geography="custom")
    with pytest.raises(DataError, match="budget_column 's251_budget' for E06900000 Council 0 "
                                        "is negative"):
        load_scenario_text(RCC + pool + "budget_column: s251_budget\n").run(budgets)


@pytest.mark.parametrize(("a", "b"), [("North", "north"), ("North", "North "),
                                      ("standalone", "Standalone")])
def test_rcc_names_differing_only_in_case_or_spaces_are_refused(a: str, b: str) -> None:
    from fundmodel.scenarios.rcc import Membership

    with pytest.raises(ValueError, match="differ only in case or spaces"):
        Membership(members={"E06000001": a, "E06000002": b})


# ---------------------------------------------------------------- budgets and year labels
@pytest.mark.parametrize(("cell", "value"), [
    ("period", "\uff12\uff10\uff12\uff13-24"), ("period", "2023-24\n"),
    ("budget", "22_771"), ("outturn", "\u0661\u0660\u0660"),
])
def test_budget_csv_numbers_and_years_are_ascii_only(tmp_path: Path, cell: str,
                                                     value: str) -> None:
    from fundmodel.scenarios.overspend import read_budget_csv

    row = {"code": "E06000001", "period": "2023-24", "budget": "100", "outturn": "110"}
    row[cell] = value
    path = tmp_path / "b.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([list(row), list(row.values())])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(DataError, match=f"row 2, column {cell}: value"):
        read_budget_csv(path, load_authorities())
