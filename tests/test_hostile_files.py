"""Hostile inputs, second to fifth classes (issue 15): files read only where they should be,
resource exhaustion, output folders written as a unit, repeatability, and text that reaches
terminals and spreadsheets."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from fundmodel import DataError, FundmodelError, ScenarioError, load_authorities
from fundmodel.cli import main
from fundmodel.core import files
from fundmodel.core.files import YAML_LIMIT, csv_text, read_input_file
from fundmodel.core.yamlio import load_yaml_file, load_yaml_text
from fundmodel.data.authorities import authorities_from_frame
from fundmodel.report.outputs import write_result
from fundmodel.scenarios import load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[1]
GOOD = "kind: allocation\nheader: {title: t, assumes: a}\nformula: children_act\ntotal: 1000\n"


# ---------------------------------------------------------------- only regular files
@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_at_once(special: str) -> None:
    with pytest.raises(DataError, match="it is a device; fundmodel reads only regular files"):
        load_authorities(special)
    with pytest.raises(ScenarioError, match="it is a device"):
        load_scenario(special)


def test_fifo_and_symlink_to_device_and_folder_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading must not wait
    with pytest.raises(DataError, match=r"it is a FIFO \(named pipe\)"):
        load_authorities(fifo)
    link = tmp_path / "link.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(ScenarioError, match="it is a device"):
        load_scenario(link)
    with pytest.raises(DataError, match="it is a folder"):
        load_authorities(tmp_path)


def test_budgets_and_taxonomy_paths_are_read_only_if_regular(tmp_path: Path) -> None:
    scenario = load_scenario_text(
        "kind: overspend\nheader: {title: t, assumes: a}\n"
        "data: {source: csv, path: /dev/zero}\n")
    with pytest.raises(DataError, match="it is a device"):
        scenario.run()
    from fundmodel.scenarios.spending import load_taxonomy

    with pytest.raises(ScenarioError, match="it is a device"):
        load_taxonomy(str(_symlink(tmp_path, "/dev/zero", "tax.yaml")))


def _symlink(folder: Path, target: str, name: str) -> Path:
    link = folder / name
    link.symlink_to(target)
    return link


def test_size_limits_have_clear_messages(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(YAML_LIMIT + 1)
    with pytest.raises(ScenarioError, match=rf"is {YAML_LIMIT + 1:,} bytes; the limit is"):
        load_scenario(big)
    with pytest.raises(FundmodelError, match="the limit is 10"):
        read_input_file(big, "thing", limit=10)
    with pytest.raises(ScenarioError, match="YAML inputs are limited to"):
        load_yaml_text("a: 1\n" * (YAML_LIMIT // 4), "long.yaml")


def test_unexpected_content_is_never_echoed_beyond_a_short_excerpt(tmp_path: Path) -> None:
    secret = "SECRET=" + "x" * 5000
    path = tmp_path / "budgets.csv"
    path.write_text(secret + "\nmore\n")
    scenario = load_scenario_text(
        f"kind: overspend\nheader: {{title: t, assumes: a}}\ndata: {{source: csv, path: {path}}}\n")
    with pytest.raises(DataError) as info:
        scenario.run()
    assert len(str(info.value)) < 400
    assert "x" * 100 not in str(info.value)
    env = Path("/proc/self/environ")
    if env.exists():
        with pytest.raises(FundmodelError) as env_info:
            load_authorities(env)
        assert len(str(env_info.value)) < 400 and "\x00" not in str(env_info.value)


# ---------------------------------------------------------------- resource exhaustion
def alias_bomb(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijk"[:levels - 1]:
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def test_alias_bomb_is_refused_with_a_short_message() -> None:
    text = alias_bomb()
    assert len(text) < 500
    with pytest.raises(ScenarioError, match="anchors and aliases expand to more than") as info:
        load_yaml_text(text, "bomb.yaml")
    assert len(str(info.value)) < 200
    in_a_field = GOOD.replace("total: 1000", "total: *i\n" + alias_bomb().replace("\n", "\n  "))
    with pytest.raises(ScenarioError):
        load_scenario_text("x: 1\n" + alias_bomb(), "bomb.yaml")
    with pytest.raises(ScenarioError):
        load_scenario_text(in_a_field, "bomb.yaml")


def test_small_aliases_still_work() -> None:
    assert load_yaml_text("a: &x [1, 2]\nb: *x\n", "f.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_long_values_are_cut_in_errors() -> None:
    text = GOOD.replace("total: 1000", "total: [" + ", ".join(["1"] * 20_000) + "]")
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "long.yaml")
    assert len(str(info.value)) < 700
    title = "x" * 100_000
    with pytest.raises(ScenarioError) as info2:
        load_scenario_text(GOOD.replace("kind: allocation", f"kind: {title}"), "k.yaml")
    assert len(str(info2.value)) < 700


@pytest.mark.parametrize("text", ["a: " + "[" * 5000 + "]" * 5000, "a:\n" + "".join(
    " " * k + "- \n" for k in range(0, 400, 2)), "a: " + "{b: " * 3000 + "1" + "}" * 3000])
def test_deep_nesting_gives_one_line_error(text: str) -> None:
    with pytest.raises(ScenarioError, match=r"nested more than 64 levels deep|nested too deeply"):
        load_yaml_text(text, "deep.yaml")


def test_deep_nesting_and_huge_numbers_are_one_line_errors_in_the_cli(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for body in ("a: " + "[" * 5000 + "]" * 5000, GOOD.replace("1000", "9" * 6000)):
        path = tmp_path / "s.yaml"
        path.write_text(body)
        assert main(["run", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 300


def test_wide_csv_loads(tmp_path: Path) -> None:
    frame = load_authorities().to_frame()[["code", "name", "region", "council_type"]]
    wide = pd.concat([frame, pd.DataFrame({f"c{k}": 1.0 for k in range(5_000)},
                                          index=frame.index)], axis=1)
    path = tmp_path / "wide.csv"
    path.write_text(wide.to_csv(index=False))
    la = load_authorities(path)
    assert len(la.numeric_columns) == 5_000 and la.column("c4999").sum() == 153


# ---------------------------------------------------------------- output folders
def allocation(total: int) -> tuple[object, object]:
    s = load_scenario_text(GOOD.replace("1000", str(total)))
    return s, s.run()


def folder_is_consistent(out: Path) -> bool:
    manifest = load_yaml_file(out / "manifest.yaml")
    return all(hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
               for name, digest in manifest["files"].items())


def test_rewriting_a_result_folder_replaces_it_as_a_unit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_result(*allocation(1000), out)  # type: ignore[arg-type]
    second = allocation(2000)
    write_result(*second, out)  # type: ignore[arg-type]
    assert folder_is_consistent(out)
    assert (out / "result.csv").read_text() == csv_text(second[1].to_frame())  # type: ignore[attr-defined]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporaries left


def test_concurrent_runs_never_leave_a_mixed_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    results = [allocation(1000 * (k + 1)) for k in range(4)]
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            for _ in range(3):
                write_result(*results[k], out)  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, [repr(e) for e in errors]
    assert folder_is_consistent(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failed_write_leaves_the_previous_folder_whole(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_result(*allocation(1000), out)  # type: ignore[arg-type]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = files.write_bytes_atomic

    def fail_on_manifest(path: Path, data: bytes) -> None:
        if path.name == "manifest.yaml":
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr("fundmodel.report.outputs.write_bytes_atomic", fail_on_manifest)
    with pytest.raises(OSError, match="No space"):
        write_result(*allocation(2000), out)  # type: ignore[arg-type]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_with_other_files_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FundmodelError, match=r"holds files fundmodel did not write \(notes.txt\)"):
        write_result(*allocation(1000), tmp_path)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_killed_brief_leaves_no_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fundmodel.report import brief

    def half_a_pack(out: Path, progress: bool, code: str | None) -> list[Path]:
        (out / "allocations.csv").write_text("code\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(brief, "_write_pack", half_a_pack)
    with pytest.raises(KeyboardInterrupt):
        brief.write_brief(tmp_path / "pack", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_dead_runs_are_cleaned(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / f".out.fundmodel-tmp-{dead}-abc").mkdir()
    (tmp_path / f".result.csv.fundmodel-tmp-{dead}-x").write_text("half")
    write_result(*allocation(1000), tmp_path / "out")  # type: ignore[arg-type]
    files.write_text_atomic(tmp_path / "result.csv", "a\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "result.csv"]


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_respect_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    old = os.umask(mask)
    try:
        paths = write_result(*allocation(1000), tmp_path / "out")  # type: ignore[arg-type]
        files.write_text_atomic(tmp_path / "single.txt", "x")
    finally:
        os.umask(old)
    for path in [*paths, tmp_path / "single.txt"]:
        assert path.stat().st_mode & 0o777 == mode, path.name
    assert (tmp_path / "out").stat().st_mode & 0o777 == mode | 0o111 & ~mask


def test_empty_out_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "examples" / "rcc_default.yaml"), "--out", ""]) == 2
    assert "output folder name is empty" in capsys.readouterr().err
    assert main(["brief", "--out", " "]) == 2


def test_closed_pipe_is_quiet_and_outputs_are_written_first(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fundmodel", "run", "examples/rcc_default.yaml", "--out",
         str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` exiting before the program prints
    err = proc.stderr.read().decode()
    assert proc.wait() == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert folder_is_consistent(tmp_path / "out")


def test_manifest_pins_every_external_input(tmp_path: Path) -> None:
    data = tmp_path / "councils.csv"
    data.write_text(load_authorities().to_frame().to_csv(index=False))
    budgets = tmp_path / "budgets.csv"
    budgets.write_text("code,period,budget,outturn\nE06000001,2023-24,100,110\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("kind: overspend\nheader: {title: t, assumes: a}\n"
                        f"data: {{source: csv, path: {budgets}}}\nmissing: exclude\n")
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    cwd = Path.cwd()
    os.chdir(elsewhere)
    try:
        assert main(["run", str(scenario), "--data", "../councils.csv", "--out", "res"]) == 0
    finally:
        os.chdir(cwd)
    inputs = load_yaml_file(elsewhere / "res" / "manifest.yaml")["inputs"]
    assert inputs == {str(data): {"sha256": hashlib.sha256(data.read_bytes()).hexdigest()},
                      str(budgets): {"sha256": hashlib.sha256(budgets.read_bytes()).hexdigest()}}


# ---------------------------------------------------------------- repeatability
def test_saved_charts_are_byte_identical(tmp_path: Path) -> None:
    from fundmodel.report.house import save_chart

    def draw() -> object:
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title("same")
        return fig

    a = save_chart(draw(), tmp_path / "a")  # type: ignore[arg-type]
    b = save_chart(draw(), tmp_path / "b")  # type: ignore[arg-type]
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.suffix


def test_dumped_scenarios_do_not_carry_todays_date() -> None:
    s = load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nbudget_source: assumed\n"
                           "overspend_rate: 0.1\n")
    assert "reviewed: '1970-01-01'" in s.to_yaml() or "reviewed: 1970-01-01" in s.to_yaml()


def test_summary_ties_and_exclusions_follow_code_order() -> None:
    from fundmodel.testing import formula_for, synthetic_authorities

    la = synthetic_authorities([[1.0], [1.0], [1.0]])
    swapped = la.take([2, 1, 0])
    from fundmodel import allocate

    a = allocate(formula_for([1.0]), la, 300.0).summary()
    b = allocate(formula_for([1.0]), swapped, 300.0).summary()
    assert a == b and "largest : Council 0" in a


# ---------------------------------------------------------------- terminals, spreadsheets
@pytest.mark.parametrize("bad", ["x\rfundmodel: error: forged", "a\x00b", "\u200b", "t\x1b[2J"])
def test_titles_with_control_characters_are_refused(bad: str) -> None:
    escaped = bad.encode("unicode_escape").decode()
    text = ("kind: allocation\nformula: children_act\ntotal: 1000\n"
            f'header: {{title: "{escaped}", assumes: a}}\n')
    with pytest.raises(ScenarioError, match="field title: contains"):
        load_scenario_text(text, "s.yaml")


@pytest.mark.parametrize("bad", ["Hartlepool\r", "Hart\x00lepool", "\u200b\u200b", "\u2028"])
def test_names_with_control_characters_are_refused(bad: str) -> None:
    frame = pd.DataFrame({"code": ["A1"], "name": [bad], "v": [1.0]})
    with pytest.raises(DataError, match=r"row 2, column name: .* contains"):
        authorities_from_frame(frame, "t", geography="custom")


def test_formulas_are_neutralised_in_every_csv_written(tmp_path: Path) -> None:
    assert csv_text(pd.DataFrame({"name": ["=1+1", "+A", "-B", "@C", "ok"], "v": [1, -2, 3, 4, 5]})
                    ) == "name,v\n'=1+1,1\n'+A,-2\n'-B,3\n'@C,4\nok,5\n"
    la = authorities_from_frame(pd.DataFrame({
        "code": ["E06900001", "E06900002"], "name": ["=HYPERLINK(\"http://x\")", "@SUM(A1)"],
        "region": "North East", "council_type": "unitary",
        "s251_lac_2024_25": [100.0, 200.0]}), "evil", geography="custom")
    s = load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nbudget_source: assumed\n"
                           "membership: {rccs: {North: [E06900001, E06900002]}}\n")
    paths = write_result(s, s.run(la), tmp_path / "out")  # type: ignore[arg-type]
    text = paths[0].read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text


def test_cli_errors_are_one_line_even_with_line_breaks(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("code,name,region,council_type\n\"E06\n000001\",x,y,z\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\\n" in err


def test_manifest_pins_an_rcc_budget_file(tmp_path: Path) -> None:
    from fundmodel.data.budgets import embedded_budgets

    table = embedded_budgets()
    rows = table[(table["line"] == "lac") & (table["period"] == "2023-24")
                 & table["budget"].notna()]
    assert len(rows) > 100
    budgets = tmp_path / "rcc_budgets.csv"
    lines = ["code,period,line,budget"] + [
        f"{r.code},2023-24,313,{float(r.budget):.0f}" for r in rows.itertuples()]
    budgets.write_text("\n".join(lines) + "\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("kind: rcc\nheader: {title: t, assumes: a}\n"
                        f"budgets: {budgets}\n")
    assert main(["run", str(scenario), "--out", str(tmp_path / "res")]) == 0
    inputs = load_yaml_file(tmp_path / "res" / "manifest.yaml")["inputs"]
    assert inputs == {str(budgets): {"sha256": hashlib.sha256(budgets.read_bytes()).hexdigest()}}


def test_an_rcc_budget_file_is_read_only_if_it_is_a_regular_file(tmp_path: Path) -> None:
    from fundmodel.data.budgets import read_budgets_csv

    fifo = tmp_path / "budgets.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="FIFO"):
        read_budgets_csv(fifo)


def test_relative_input_paths_are_read_beside_the_scenario_file(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    budgets = folder / "budgets.csv"
    budgets.write_text("code,period,budget,outturn\nE06000001,2023-24,100,110\n")
    (folder / "s.yaml").write_text("kind: overspend\nheader: {title: t, assumes: a}\n"
                                   "data: {source: csv, path: budgets.csv}\nmissing: exclude\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = Path.cwd()
    os.chdir(elsewhere)  # the budgets file is not in the current folder
    try:
        assert main(["run", "../work/s.yaml", "--out", "res"]) == 0
    finally:
        os.chdir(cwd)
    manifest = load_yaml_file(elsewhere / "res" / "manifest.yaml")
    assert manifest["inputs"] == {
        str(budgets): {"sha256": hashlib.sha256(budgets.read_bytes()).hexdigest()}}
    # the saved scenario names the file absolutely, so it reruns from anywhere
    assert f"path: {budgets}" in (elsewhere / "res" / "scenario.yaml").read_text()


def test_a_path_given_in_python_stays_relative_to_the_current_folder() -> None:
    from fundmodel.scenarios.base import load_scenario_text

    s = load_scenario_text("kind: rcc\nheader: {title: t, assumes: a}\nbudgets: b.csv\n")
    assert s.budgets == "b.csv"  # type: ignore[attr-defined]
