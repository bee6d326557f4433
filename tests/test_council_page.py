"""The one-council page: lookup by name, the council across several results, its profile
against region and statistical neighbours, the brief's --council page, and ranked bars'
clear errors. Expected values come from the CSVs read directly with pandas."""

from __future__ import annotations

from importlib import resources
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fundmodel
from fundmodel.analysis.uncertainty import DirichletWeights, SensitivitySpec, run_sensitivity
from fundmodel.cli import main
from fundmodel.errors import DataError, FundmodelError
from fundmodel.report.charts import ranked_bars_data
from fundmodel.report.council import (
    council_profile_data,
    council_results_data,
    find_council,
    plot_council_profile,
    plot_council_results,
    write_council_page,
)

POT = 270_000_000.0


def _csv(name: str) -> pd.DataFrame:
    raw = resources.files("fundmodel.data").joinpath(name).read_bytes()
    return pd.read_csv(BytesIO(raw), dtype={"code": str, "neighbour_code": str})


RAW = _csv("authorities.csv").set_index("code")


@pytest.fixture(scope="module")
def la() -> fundmodel.Authorities:
    return fundmodel.load_authorities()


def _formula(name: str, column: str, times: str | None = None) -> fundmodel.NeedsFormula:
    return fundmodel.NeedsFormula(name=name, indicators=[fundmodel.Indicator(
        name=name, column=column, times=times, scale=0.01 if times else 1.0, weight=1.0)])


@pytest.mark.parametrize(("query", "code"), [
    ("Hartlepool", "E06000001"), ("  hartlepool ", "E06000001"), ("e06000001", "E06000001"),
    ("County Durham", "E06000047"), ("Durham", "E06000047"), ("Bristol City of", "E06000023"),
])
def test_find_council_by_name_part_or_code(la: fundmodel.Authorities, query: str,
                                           code: str) -> None:
    assert find_council(query, la) == code


def test_misspelt_and_ambiguous_names_get_the_nearest_matches(la: fundmodel.Authorities) -> None:
    with pytest.raises(DataError, match=r"no council called 'Hartlepol'; nearest: "
                                        r"Hartlepool \(E06000001\)"):
        find_council("Hartlepol", la)
    with pytest.raises(DataError, match=r"more than one council matches 'Yorkshire'.*North "
                                        r"Yorkshire"):
        find_council("Yorkshire", la)
    with pytest.raises(DataError, match="ONS code such as"):
        find_council("qqqq", la)


@pytest.mark.parametrize("code", ["E06000001", "E09000033", "E10000014"])
def test_council_results_match_a_hand_computation(la: fundmodel.Authorities, code: str) -> None:
    flat = fundmodel.allocate(_formula("children", "children_0_17"), la, POT)
    poverty = fundmodel.allocate(_formula("poverty", "child_poverty_pct", "children_0_17"), la,
                                 POT)
    data = council_results_data([flat, poverty], code, baseline=flat, authorities=la)
    children = RAW["children_0_17"]
    poor = RAW["child_poverty_pct"] * children
    expected_flat = POT * children / children.sum()
    expected_poor = POT * poor / poor.sum()
    assert data["amount"].tolist() == pytest.approx(
        [expected_flat[code], expected_poor[code]], abs=0.011)
    assert data["per_child"].tolist() == pytest.approx(
        [expected_flat[code] / children[code], expected_poor[code] / children[code]], abs=1e-6)
    assert data["rank"].tolist() == [int((expected_flat > expected_flat[code]).sum()) + 1,
                                     int((expected_poor > expected_poor[code]).sum()) + 1]
    assert data["of"].tolist() == [153, 153]
    change = expected_poor[code] - expected_flat[code]
    assert data["change"].tolist() == pytest.approx([0.0, change], abs=0.02)
    assert data["change_pct"].iloc[1] == pytest.approx(100 * change / expected_flat[code],
                                                       abs=1e-5)
    assert data["low"].isna().all()


def test_the_interval_of_a_sensitivity_run_surrounds_its_central_amount(
        la: fundmodel.Authorities) -> None:
    formula = fundmodel.presets.children_act_formula()
    spec = SensitivitySpec(formula=formula, total=POT, weights=DirichletWeights(concentration=50),
                           n_variants=300, seed=3)
    run = run_sensitivity(spec, la)
    data = council_results_data([run], "E08000025", authorities=la)
    row = data.iloc[0]
    kept = run.amount_pence[:, 0, list(la.codes).index("E08000025")] / 100
    assert kept.min() <= row["low"] < row["amount"] < row["high"] <= kept.max()
    assert row["amount"] == pytest.approx(
        fundmodel.allocate(formula, la, POT).council_amounts()["E08000025"], abs=0.001)
    assert "300 variants" in row["interval"]
    plot_council_results(data, sources=["test"])


def test_unknown_code_and_result_without_amounts_are_clear_errors(
        la: fundmodel.Authorities) -> None:
    flat = fundmodel.allocate(_formula("children", "children_0_17"), la, POT)
    with pytest.raises(DataError, match="unknown council code 'E99'"):
        council_results_data([flat], "E99", authorities=la)
    with pytest.raises(DataError, match="has no council_amounts"):
        council_results_data([object()], "E06000001", labels=["x"], authorities=la)


def test_profile_pools_rates_and_takes_medians_like_a_hand_count(
        la: fundmodel.Authorities) -> None:
    data = council_profile_data("E06000001", la).set_index("measure")
    region = RAW[RAW["region"] == "North East"]
    nb = _csv("neighbours.csv")
    nb_codes = nb[nb["code"] == "E06000001"]["neighbour_code"]
    neighbours = RAW.loc[nb_codes]
    cla = "children looked after per 10,000"
    assert data.loc[cla, "council"] == pytest.approx(
        1e4 * RAW.loc["E06000001", "cla_count_2025"] / RAW.loc["E06000001", "children_0_17"])
    assert data.loc[cla, "region"] == pytest.approx(
        1e4 * region["cla_count_2025"].sum() / region["children_0_17"].sum())
    assert data.loc[cla, "neighbours"] == pytest.approx(
        1e4 * neighbours["cla_count_2025"].sum() / neighbours["children_0_17"].sum())
    known = RAW.dropna(subset=["cla_count_2025"])
    assert data.loc[cla, "england"] == pytest.approx(
        1e4 * known["cla_count_2025"].sum() / known["children_0_17"].sum())
    assert data.loc[cla, "england_councils"] == len(known)
    poverty = "children in relative low-income families"
    assert data.loc[poverty, "region"] == pytest.approx(region["child_poverty_pct"].median())
    assert data.loc[poverty, "compared_as"] == "median council"
    assert "Department for Education" in data.loc[cla, "source"]
    assert len(data.attrs["neighbours"]) == len(nb_codes) == 10


def test_a_missing_council_figure_says_why(la: fundmodel.Authorities) -> None:
    data = council_profile_data("E06000002", la).set_index("measure")
    row = data.loc["family support spend per child"]
    assert np.isnan(row["council"]) and np.isfinite(row["region"])
    assert "withdrawn" in row["missing"]
    plot_council_profile(council_profile_data("E06000002", la), sources=["test"])


def test_write_council_page(tmp_path: Path, la: fundmodel.Authorities) -> None:
    flat = fundmodel.allocate(_formula("children", "children_0_17"), la, POT)
    files, lines = write_council_page(tmp_path, "E06000001", [flat], baseline=flat,
                                      authorities=la)
    names = {p.name for p in files}
    for stem in ("council_E06000001_results", "council_E06000001_profile"):
        assert {f"{stem}.png", f"{stem}.svg", f"{stem}.csv"} <= names
    assert "Source:" in (tmp_path / "council_E06000001_profile.svg").read_text()
    assert lines[0] == "## Hartlepool (E06000001)"
    assert any("Source:" in line for line in lines)


def test_ranked_bars_data_gives_clear_errors(la: fundmodel.Authorities) -> None:
    flat = fundmodel.allocate(_formula("children", "children_0_17"), la, POT)
    by_code = flat.to_frame().set_index("code")
    assert ranked_bars_data(by_code, top=3)["code"].tolist() == \
        ranked_bars_data(flat.to_frame(), top=3)["code"].tolist()
    with pytest.raises(FundmodelError, match="this frame has no"):
        ranked_bars_data(by_code.reset_index(drop=True), top=3)
    long = fundmodel.compare(flat, flat, labels=["a", "b"]).to_frame()
    with pytest.raises(FundmodelError, match="council codes repeat"):
        ranked_bars_data(long, top=3)


def test_cli_brief_council(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "--council", "Hartlepol", "--out", str(tmp_path / "x")]) == 2
    assert "nearest: Hartlepool (E06000001)" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    assert main(["brief", "--council", "hartlepool", "--out", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "## Hartlepool (E06000001)" in summary
    assert "5th-95th percentile of 5,000 variants" in summary
    for ext in ("png", "svg", "csv"):
        assert (tmp_path / f"council_E06000001_results.{ext}").exists()
        assert (tmp_path / f"council_E06000001_profile.{ext}").exists()
    table = pd.read_csv(tmp_path / "council_E06000001_results.csv")
    assert table["result"].tolist()[0] == "Equal per child"
