"""Allocation results (fundmodel.engine.result): tables, summary and citations of the
three-council floor example worked by hand in tests/test_engine.py (380, 285, 335)."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel import Damping, allocate
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.engine.grant_rules import GrantRules, apply_grant_rules
from fundmodel.engine.resources import Resources
from fundmodel.engine.transforms import IndicatorTransform
from fundmodel.testing import formula_for, synthetic_authorities

X = [[100.0, 50.0], [200.0, 30.0], [700.0, 20.0]]
USER = "user (2026), value supplied by the user (formula or scenario file)"


def _floored():  # type: ignore[no-untyped-def]
    la = synthetic_authorities(X, baseline=[400, 300, 300])
    return allocate(formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.05)), la,
                    1000.0)


def test_to_frame_by_hand() -> None:
    frame = _floored().to_frame()
    assert list(frame.columns) == [
        "code", "name", "region", "council_type", "need_share", "amount", "need",
        "amount_share", "formula_amount", "per_child", "baseline", "change", "change_pct",
        "rank"]
    assert frame["code"].tolist() == ["E06900000", "E06900001", "E06900002"]
    assert frame["name"].tolist() == ["Council 0", "Council 1", "Council 2"]
    assert frame["council_type"].tolist() == ["unitary"] * 3
    np.testing.assert_allclose(frame["need_share"], [0.30, 0.25, 0.45])
    assert frame["amount"].tolist() == [380.0, 285.0, 335.0]
    np.testing.assert_allclose(frame["amount_share"], [0.380, 0.285, 0.335])
    np.testing.assert_allclose(frame["formula_amount"], [300.0, 250.0, 450.0])
    np.testing.assert_allclose(frame["per_child"], [3.8, 1.425, 335 / 700])
    assert frame["baseline"].tolist() == [400.0, 300.0, 300.0]
    assert frame["change"].tolist() == [-20.0, -15.0, 35.0]
    np.testing.assert_allclose(frame["change_pct"], [-5.0, -5.0, 100 * 35 / 300])
    assert frame["rank"].tolist() == [1, 3, 2]


def test_no_children_no_baseline_zero_baseline() -> None:
    la = synthetic_authorities([[0.0, 1.0], [2.0, 1.0]], baseline=[0.0, 10.0])
    res = allocate(formula_for([0.0, 1.0]), la, 10.0, baseline=np.array([0.0, 10.0]))
    frame = res.to_frame()
    assert np.isnan(frame["per_child"].iloc[0]) and frame["per_child"].iloc[1] == 2.5
    assert np.isnan(frame["change_pct"].iloc[0]) and frame["change_pct"].iloc[1] == -50.0
    assert frame["rank"].tolist() == [1, 1]
    plain = allocate(formula_for([1.0]), synthetic_authorities([[1.0], [3.0]]), 8.0).to_frame()
    assert "baseline" not in plain and "resources" not in plain and "rule" not in plain
    assert plain["rank"].tolist() == [2, 1]


def test_summary_and_repr_by_hand() -> None:
    res = _floored()
    assert res.summary() == (
        "synthetic formula: £1.0k across 3 authorities\n"
        "  largest : Council 0 £380.00\n"
        "  smallest: Council 1 £285.00\n"
        "  per child aged 0-17: median £1.43, range £0.48 to £3.80\n"
        "  damping: gains scaled by 0.2333")
    assert repr(res) == "Allocation('synthetic formula', total=£1.0k, authorities=3, variants=1)"
    assert res.n_variants == 1 and res.total == 1000.0 and res.label == "synthetic formula"
    assert res.council_amounts().to_dict() == {"E06900000": 380.0, "E06900001": 285.0,
                                               "E06900002": 335.0}
    assert res.council_amounts().name == "synthetic formula"


def test_html_shows_the_top_and_bottom() -> None:
    text = _floored()._repr_html_()
    assert text.startswith("<div><pre>synthetic formula: £1.0k across 3 authorities\n")
    # Council 0: £380 for 100 children (£3.80 each), £20 below its £400 baseline
    right = "<td style='text-align:right'>"
    assert (f"<tr><td>E06900000</td><td>Council 0</td>{right}£380.00</td>{right}£3.80</td>"
            f"{right}-£20.00</td></tr><tr><td>E06900002</td>") in text
    assert "<small>top and bottom five; use .to_frame() for all</small>" in text
    assert ("<th>code</th><th>authority</th><th>amount</th><th>£ per child</th>"
            "<th>change vs baseline</th>") in text
    assert ("<strong>Damping</strong>: floor -5.0% against the baseline column baseline; "
            "gains scaled by 0.2333") in text
    assert text.endswith("</small></div>")


def test_variants_and_allocations_frames() -> None:
    la = synthetic_authorities(X)
    res = allocate(formula_for([0.5, 0.5]), la, 1000.0,
                   weights=np.array([[0.5, 0.5], [1.0, 0.0]]))
    v = res.variants_frame()
    assert v["variant"].tolist() == [0, 0, 0, 1, 1, 1]
    assert v["code"].tolist() == ["E06900000", "E06900001", "E06900002"] * 2
    assert v["amount"].tolist() == [300.0, 250.0, 450.0, 100.0, 200.0, 700.0]
    assert res.to_frame(1)["amount"].tolist() == [100.0, 200.0, 700.0]
    assert res.amounts(1).tolist() == [100.0, 200.0, 700.0]
    out = _floored().allocations_frame()
    assert list(out.columns) == ["code", "name", "year", "amount", "need_share", "baseline"]
    assert out["year"].tolist() == ["", "", ""]
    assert out["amount"].tolist() == [380.0, 285.0, 335.0]


def test_arrays_are_read_only() -> None:
    res = _floored()
    for name in ("weights", "need", "shares", "formula_amount", "amount_pence", "baseline",
                 "gain_scale"):
        with pytest.raises(ValueError):
            getattr(res, name)[0] = 0


def test_rules_and_resources_in_the_tables_and_summary() -> None:
    la = synthetic_authorities([[1.0], [2.0], [3.0], [4.0]])
    ruled = apply_grant_rules(allocate(formula_for([1.0]), la, 10.0),
                              GrantRules(exclude=["Council 3"], remainder="equal"))
    frame = ruled.to_frame()
    assert frame["rule"].tolist() == ["equal share"] * 3 + ["excluded"]
    text = ruled.summary()
    assert text.endswith("  grant rules: equal share 3, excluded 1\n"
                         "  equal share: £3.33 to £3.34 each (3 councils)")
    assert ruled.allocations_frame().columns.tolist() == ["code", "name", "year", "amount",
                                                          "need_share", "rule"]
    assert ruled.sources()[0] == f"weights: {USER} (assumption)"
    frame_la = la.to_frame()
    frame_la["tax_base"] = [0.0, 0.0, 0.0, 100.0]
    from fundmodel.data.authorities import authorities_from_frame
    la2 = authorities_from_frame(frame_la, "test", geography="custom")
    f = NeedsFormula(name="r", indicators=(Indicator(name="x0", column="x0", weight=1.0),),
                     resources=Resources(tax_base="tax_base", notional_band_d=1.0,
                                         resource_share=1.0))
    res = allocate(f, la2, 10.0)
    frame = res.to_frame()
    assert frame["resources"].tolist() == [0.0, 0.0, 0.0, 100.0]
    assert frame["cut_to_zero"].tolist() == [False, False, False, True]
    assert res.summary().endswith("cut to zero (1): Council 3")
    sources = res.sources()
    assert "resources adjustment: tax_base x notional Band D 1 x resource share 1" in sources
    assert f"resources: notional Band D: {USER} (assumption)" in sources
    assert any(s.startswith("tax_base") for s in sources)


def test_transformed_indicators_in_frame_sources_and_summary() -> None:
    la = synthetic_authorities([[10.0, 1.0], [30.0, 3.0]])
    f = NeedsFormula(name="t", indicators=(
        Indicator(name="top", column="x0", times="x1", scale=2.0, weight=1.0,
                  transform=IndicatorTransform(threshold="england_average")),))
    res = allocate(f, la, 10.0)
    # England average of x0 weighted by x1: (10 + 90) / 4 = 25; top-ups 0 and 5 (x3 x2)
    assert res.thresholds == {"top": 25.0}
    assert res.to_frame()["indicator_top"].tolist() == [0.0, 30.0]
    assert "  top-up 'top': above a threshold of 25" in res.summary()
    assert ("indicator 'top': max(0, x0 - 25 (England average, weighted by x1)) x x1 x 2"
            in res.sources())
    assert "x1: supplied by the user" in res.sources()
