"""Malformed inputs: each gets a specific fundmodel error naming file, row, column and value."""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel import DataError, FundmodelError, ScenarioError, load_authorities
from fundmodel.core.yamlio import load_yaml_text
from fundmodel.data.authorities import parse_authority_csv
from fundmodel.scenarios import load_scenario, load_scenario_text

COLUMNS = ["code", "name", "region", "council_type", "children_0_17", "cla_count_2025"]


def valid_csv_lines() -> list[list[str]]:
    """The embedded data's first columns as rows of cells (header first)."""
    frame = load_authorities().to_frame()[COLUMNS].copy()
    frame["cla_count_2025"] = frame["cla_count_2025"].fillna(0)
    text: str = frame.to_csv(index=False, lineterminator="\n", float_format="%.0f")
    return list(csv.reader(io.StringIO(text)))


def write(tmp_path: Path, rows: list[list[str]], name: str = "councils.csv",
          prefix: bytes = b"", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_bytes(prefix + buffer.getvalue().encode())
    return path


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    """Replace one cell (row counted as in the file: header is row 1)."""
    out = [list(r) for r in rows]
    out[row - 1][COLUMNS.index(column)] = value
    return out


def test_valid_file_loads(tmp_path: Path) -> None:
    la = load_authorities(write(tmp_path, valid_csv_lines()))
    assert la.n == 153


def test_bom_is_accepted(tmp_path: Path) -> None:
    assert load_authorities(write(tmp_path, valid_csv_lines(), prefix=b"\xef\xbb\xbf")).n == 153


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("code", "E06999999", r"row 5, column code: E06999999 is not a current English"),
        ("code", "X123", r"row 5, column code: value 'X123' is not an English upper-tier"),
        ("code", "E10000006", r"row 5, column code: E10000006 \(Cumbria\) was replaced in 2023"),
        ("code", "E06000001 ", r"row 5, column code: value 'E06000001 ' has leading/trailing"),
        ("children_0_17", "NaN", r"row 5, column children_0_17: value 'NaN' is not finite"),
        ("children_0_17", "inf", r"row 5, column children_0_17: value 'inf' is not finite"),
        ("children_0_17", "-5", r"row 5, column children_0_17: value '-5' is negative"),
        ("children_0_17", "lots", r"row 5, column children_0_17: value 'lots' is not a number"),
        ("children_0_17", "12,345", r"value '12,345' is not a number \(thousands separators"),
        ("region", "Mercia", r"row 5, column region: 'Mercia'"),
        ("council_type", "county", r"row 5, column council_type: 'county'"),
    ],
)
def test_bad_cells_name_file_row_column_value(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    path = write(tmp_path, set_cell(valid_csv_lines(), 5, column, value))
    with pytest.raises(DataError, match=message) as info:
        load_authorities(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_duplicate_code(tmp_path: Path) -> None:
    lines = valid_csv_lines()
    code = lines[3][0]
    with pytest.raises(DataError, match=rf"row 6, column code: {code} duplicates row 4"):
        load_authorities(write(tmp_path, set_cell(lines, 6, "code", code)))


def test_missing_council_is_named_unless_a_subset_is_asked_for(tmp_path: Path) -> None:
    lines = valid_csv_lines()
    dropped = lines.pop(10)[0]
    path = write(tmp_path, lines)
    with pytest.raises(DataError, match=rf"1 authority is missing: {dropped}"):
        load_authorities(path)
    assert load_authorities(path, require_all=False).n == 152


def test_other_delimiter(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="uses ';' as its delimiter"):
        load_authorities(write(tmp_path, valid_csv_lines(), delimiter=";"))


def test_missing_required_column(tmp_path: Path) -> None:
    lines = [row[:2] + row[3:] for row in valid_csv_lines()]
    with pytest.raises(DataError, match=r"missing required column\(s\) \['region'\]"):
        load_authorities(write(tmp_path, lines))


def test_ragged_row(tmp_path: Path) -> None:
    lines = valid_csv_lines()
    lines[7].append("99")
    with pytest.raises(DataError, match="row 8: 7 fields, header has 6"):
        load_authorities(write(tmp_path, lines))


# ---------------------------------------------------------------- scenario files
GOOD = "kind: allocation\nheader: {title: t, assumes: a}\nformula: children_act\ntotal: 1000\n"


def test_good_scenario_round_trips() -> None:
    scenario = load_scenario_text(GOOD)
    again = load_scenario_text(scenario.to_yaml())
    assert again == scenario


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD + "colour: red\n", r"unknown key 'colour' \(known keys: formula, header, kind, "),
        (GOOD.replace("total:", "totl:"), r"unknown key 'totl' \(did you mean 'total'\?\)"),
        (GOOD.replace("total: 1000", "total: lots"), r"field total"),
        (GOOD + "total: 5\n", r"line 5: duplicate key 'total'"),
        (GOOD.replace("allocation", "unicorn"), r"field .*kind|unicorn"),
        (GOOD.replace("children_act", "nonsense"), r"unknown preset formula 'nonsense'"),
        ("- a\n- b\n", r"a scenario must be a mapping"),
        ("kind: [unclosed\n", r"line 2"),
    ],
)
def test_bad_scenarios(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario_text(text, "s.yaml")


def test_unsafe_yaml_tag_is_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(ScenarioError, match="could not determine a constructor"):
        load_scenario(path)
    assert not marker.exists()


def test_cli_error_is_one_line_and_non_zero(tmp_path: Path) -> None:
    path = write(tmp_path, set_cell(valid_csv_lines(), 5, "children_0_17", "-5"))
    proc = subprocess.run([sys.executable, "-m", "fundmodel", "validate", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "row 5, column children_0_17: value '-5' is negative" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- fuzzing the loaders
@given(st.binary(max_size=400))
def test_random_bytes_give_only_data_errors(raw: bytes) -> None:
    with contextlib.suppress(DataError):
        parse_authority_csv(raw, "fuzz.csv")


@given(st.lists(st.sampled_from(["E06000001", "E09000002", "x", "", "1", "-1", "1e400",
                                 "North East", "unitary", '"', ",", "\n", ";", " "]),
                max_size=60))
def test_near_valid_csv_gives_only_data_errors(tokens: list[str]) -> None:
    text = "code,name,region,council_type,v\n" + ",".join(tokens)
    with contextlib.suppress(DataError):
        parse_authority_csv(text.encode(), "fuzz.csv")


@given(st.text(max_size=300))
def test_random_yaml_text_gives_only_scenario_errors(text: str) -> None:
    with contextlib.suppress(ScenarioError):
        load_scenario_text(text, "fuzz.yaml")


@given(st.sampled_from(GOOD.splitlines()).flatmap(
    lambda line: st.tuples(st.just(line), st.text(max_size=12))))
def test_near_valid_yaml_gives_only_fundmodel_errors(edit: tuple[str, str]) -> None:
    line, junk = edit
    with contextlib.suppress(FundmodelError):
        load_yaml_text(GOOD.replace(line, line + junk), "fuzz.yaml")
        load_scenario_text(GOOD.replace(line, line + junk), "fuzz.yaml")


# ---------------------------------------------------------------- other loaders, fuzzed
@given(st.binary(max_size=300))
def test_budget_csv_random_bytes_give_only_fundmodel_errors(raw: bytes) -> None:
    import tempfile

    from fundmodel.scenarios.overspend import read_budget_csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "budgets.csv"
        path.write_bytes(b"code,period,budget,outturn\n" + raw)
        with contextlib.suppress(FundmodelError):
            read_budget_csv(path, load_authorities())


@given(st.text(max_size=200))
def test_taxonomy_yaml_random_text_gives_only_fundmodel_errors(text: str) -> None:
    from fundmodel.scenarios.spending import taxonomy_from_data

    with contextlib.suppress(FundmodelError):
        taxonomy_from_data(load_yaml_text(text, "fuzz.yaml"), "fuzz.yaml")


@given(st.dictionaries(st.sampled_from(["E06000001", "E09000002", "E10000006", "X", ""]),
                       st.sampled_from(["North", "South", "standalone", "", "7"]), max_size=5))
def test_rcc_membership_fuzz_gives_only_fundmodel_errors(members: dict[str, str]) -> None:
    from fundmodel.scenarios.rcc import Membership

    with contextlib.suppress(FundmodelError):
        Membership(members=members)


# ---------------------------------------------------------------- scenarios end to end, fuzzed
def _end_to_end(scenario_text: str) -> None:
    """Load, run, summarise, tabulate, write, reload and re-run: only fundmodel errors, and
    a written scenario reruns to the same bytes."""
    import tempfile

    from fundmodel.report.outputs import write_result

    try:
        scenario = load_scenario_text(scenario_text, "fuzz.yaml")
        result = scenario.run()
        summary = result.summary()
        frame = result.to_frame()
    except FundmodelError:
        return
    assert summary.strip() and len(frame) > 0
    assert "\r" not in summary and "\x00" not in summary
    with tempfile.TemporaryDirectory() as folder:
        first = write_result(scenario, result, Path(folder) / "a")
        again = load_scenario(Path(folder) / "a" / "scenario.yaml")
        assert again == scenario
        second = write_result(again, again.run(), Path(folder) / "b")
        for a, b in zip(first[:3], second[:3], strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name


_HEADER = "header: {title: fuzz, assumes: fuzzed}\n"


@settings(max_examples=12, deadline=None)
@given(st.one_of(st.integers(-10, 10**15), st.floats(allow_nan=True, allow_infinity=True),
                 st.sampled_from(["1e9", "017", "1:30", "22_771", "0x10", "'12'", "[1]",
                                  "{a: 1}", "~", "-0.0", "1e400", "12.345"])))
def test_allocation_totals_fuzzed_end_to_end(total: object) -> None:
    _end_to_end(f"kind: allocation\n{_HEADER}formula: children_act\ntotal: {total}\n")


@settings(max_examples=12, deadline=None)
@given(st.floats(-2, 20), st.floats(-2, 2),
       st.sampled_from(["rcc20", "regions", "pathfinders", "standalone"]),
       st.sampled_from(["spend", "contribution", "cla_count_2025", "nonsense"]))
def test_rcc_fuzzed_end_to_end(rate: float, savings: float, membership: str, rule: str) -> None:
    _end_to_end(f"kind: rcc\n{_HEADER}overspend_rate: {rate!r}\nscale_savings: {savings!r}\n"
                f"membership: {membership}\nshare_shortfall_by: {rule}\n"
                "missing_spend: exclude\n")


@settings(max_examples=8, deadline=None)
@given(st.floats(-150, 150), st.sampled_from(["s251_cyps_total", "s251_lac", "nonsense"]))
def test_overspend_fuzzed_end_to_end(pct: float, measure: str) -> None:
    _end_to_end(f"kind: overspend\n{_HEADER}data: {{source: embedded, measure: {measure}, "
                f"assumed_overspend_pct: {pct!r}}}\nmissing: exclude\n")


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(GOOD.splitlines()).flatmap(
    lambda line: st.tuples(st.just(line), st.text(max_size=12))))
def test_near_valid_scenarios_run_end_to_end(edit: tuple[str, str]) -> None:
    line, junk = edit
    _end_to_end(GOOD.replace(line, line + junk))
