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


# twelve councils, amounts in proportion to children at £1,234.56 a child; councils 0 and 1
# tie for the least (1,000 children: £1,234,560), councils 10 and 11 for the most (10,000:
# £12,345,600)
CHILDREN = [1000.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0, 8000.0, 9000.0,
            10000.0, 10000.0]


def _twelve():  # type: ignore[no-untyped-def]
    la = synthetic_authorities([[c] for c in CHILDREN])
    return allocate(formula_for([1.0]), la, 66_000 * 1234.56)


def test_html_lists_the_five_largest_then_the_five_smallest_ties_by_code() -> None:
    import re
    text = _twelve()._repr_html_()
    codes = re.findall(r"<tr><td>E069000(\d\d)</td>", text)
    assert codes == ["10", "11", "09", "08", "07", "04", "03", "02", "00", "01"]
    right = "<td style='text-align:right'>"
    # amounts in £m to two decimals, £ per child in pounds and pence with a thousands comma
    assert (f"<tr><td>E06900010</td><td>Council 10</td>{right}£12.35m</td>"
            f"{right}£1,234.56</td></tr>") in text
    assert f"<td>Council 1</td>{right}£1.23m</td>{right}£1,234.56</td></tr></tbody>" in text
    assert "<th>amount</th><th>£ per child</th></tr>" in text  # no baseline: no change
    assert "</pre><table>" in text  # no damping: nothing between the summary and the table
    assert (f"<p>Sources</p><ul><li>weights: {USER} (assumption)</li>"
            "<li>x0: supplied by the user</li></ul>") in text
    assert "<p>Assumptions</p><ul><li>ASSUMED: weight</li></ul>" in text


def test_summary_ties_and_the_smallest_at_its_own_scale() -> None:
    lines = _twelve().summary().splitlines()
    assert lines[1:4] == ["  largest : Council 10 £12.3m", "  smallest: Council 1 £1.2m",
                          "  per child aged 0-17: median £1,234.56, range £1,234.56 to "
                          "£1,234.56"]
    # £2.5m over 1 | 9 children: the smallest, £250,000, reads £250.0k (not £0.2m)
    small = allocate(formula_for([1.0]), synthetic_authorities([[1.0], [9.0]]), 2_500_000.0)
    assert small.summary().splitlines()[1:3] == ["  largest : Council 1 £2.2m",
                                                 "  smallest: Council 0 £250.0k"]


def test_html_damping_a_ceiling_alone_against_a_baseline_array() -> None:
    # aims 115 | 101 | 84 from 100 each, ceiling +10%: council 0 held at 110, council 1's
    # gain of 1 scaled by 6 takes the 5 it cannot have: 110 | 106 | 84
    la = synthetic_authorities([[115.0], [101.0], [84.0]])
    res = allocate(formula_for([1.0], Damping(ceiling=0.1)), la, 300.0,
                   baseline=np.array([100.0, 100.0, 100.0]))
    assert res.amount_pence.tolist() == [[11000, 10600, 8400]]
    html_text = res._repr_html_()
    # no floor here: the scaled-up gains share out what the ceiling holds back
    assert ("<strong>Damping</strong>: ceiling +10.0% against a baseline; gains scaled by "
            "6.0000 to share out what the ceiling holds back</p>") in html_text
    assert "column" not in res._damping_html()


def test_html_damping_floor_and_ceiling() -> None:
    # aims 130 | 101 | 69 from 100, floor -20% and ceiling +20%: council 2 lifted by 11
    # from gains of 31 (lam 20/31 = 0.6452)
    la = synthetic_authorities([[130.0], [101.0], [69.0]], baseline=[100, 100, 100])
    res = allocate(formula_for([1.0], Damping(ceiling=0.2, floor=-0.2, baseline="baseline")),
                   la, 300.0)
    assert res.amount_pence.tolist() == [[11935, 10065, 8000]]
    assert ("<strong>Damping</strong>: floor -20.0% and ceiling +20.0% against the baseline "
            "column baseline; gains scaled by 0.6452 to pay for the floor</p>") in res._repr_html_()
    assert "<li>baseline: supplied by the user</li>" in res._repr_html_()


def test_html_assumptions_with_their_reference_and_none() -> None:
    import datetime as dt

    from fundmodel.parameters import shipped
    from fundmodel.parameters.records import Parameter, Source, Unit
    la = synthetic_authorities([[1.0], [3.0]])
    weight = Parameter(value=1.0, unit=Unit.WEIGHT, label="children weight",
                       source=Source(title="A weights review", publisher="DfE", year=2025),
                       reviewed=dt.date(2026, 1, 1))
    f = NeedsFormula(name="n", indicators=(Indicator(name="x0", column="x0", weight=weight),))
    page = allocate(f, la, 4.0)._repr_html_()
    assert "Assumptions" not in page and "ASSUMED" not in page
    assert "</li></ul><small>fundmodel " in page  # the sources, then the version
    assert "<li>weights: DfE (2025), A weights review</li>" in page
    cited = shipped("settlement")["england_average_band_d_2023_24"]
    assert not cited.assumption
    share = shipped("settlement")["resource_share_children_illustrative"]
    assert share.assumption and share.ref
    frame = la.to_frame()
    frame["tax_base"] = [0.0, 0.0]
    from fundmodel.data.authorities import authorities_from_frame
    la2 = authorities_from_frame(frame, "test", geography="custom")
    g = NeedsFormula(name="r", indicators=(Indicator(name="x0", column="x0", weight=1.0),),
                     resources=Resources(tax_base="tax_base", notional_band_d=cited,
                                         resource_share=share))
    page = allocate(g, la2, 4.0)._repr_html_()
    label = share.label.replace("'", "&#x27;")  # the page escapes the apostrophe
    assert "children&#x27;s pot" in label
    # the user's bare-number weight and the illustrative share, each on its own line
    assert (f"<p>Assumptions</p><ul><li>ASSUMED: weight</li><li>ASSUMED: {label} "
            f"({share.ref})</li></ul>") in page
    sources = allocate(g, la2, 4.0).sources()
    assert f"resources: {cited.label}: {cited.cite()}" in sources
    assert f"resources: {share.label}: {share.cite()} (assumption)" in sources
    assert "x0: supplied by the user" in sources and any(s.startswith("tax_base: ")
                                                         for s in sources)


def test_tables_without_warnings_and_rank_ties() -> None:
    import warnings
    frame_la = synthetic_authorities([[0.0], [1.0], [1.0], [1.0], [0.0]]).to_frame()
    frame_la["x1"] = [1.0, 1.0, 1.0, 1.0, 0.0]
    from fundmodel.data.authorities import authorities_from_frame
    la = authorities_from_frame(frame_la, "test", geography="custom")
    # council 4 has no children, no need and no baseline: nothing per child, no change %
    res = allocate(formula_for([0.0, 1.0]), la, 4.0,
                   baseline=np.array([0.0, 1.0, 1.0, 2.0, 0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = res.to_frame()
        res._repr_html_()
    assert frame["amount"].iloc[4] == 0.0
    assert np.isnan(frame["per_child"].iloc[4]) and np.isnan(frame["change_pct"].iloc[4])
    frame = frame.iloc[:4]
    # £1 each: council 0 has no children, council 1 one child (£1 a child); baselines 0, 1
    assert np.isnan(frame["per_child"].iloc[0]) and frame["per_child"].iloc[1] == 1.0
    assert np.isnan(frame["change_pct"].iloc[0]) and frame["change_pct"].iloc[1] == 0.0
    assert frame["change_pct"].iloc[3] == -50.0
    assert frame["rank"].tolist() == [1, 1, 1, 1] and frame["rank"].dtype == np.int64


def test_no_children_column() -> None:
    from fundmodel.data.authorities import authorities_from_frame
    frame_la = synthetic_authorities([[1.0], [3.0]]).to_frame().drop(columns="children_0_17")
    la = authorities_from_frame(frame_la, "test", geography="custom")
    res = allocate(formula_for([1.0]), la, 8.0)
    assert "per_child" not in res.to_frame()
    assert "per child" not in res.summary() and "£ per child" not in res._repr_html_()


def test_resources_columns_cut_to_zero_and_summary() -> None:
    from fundmodel.data.authorities import authorities_from_frame
    frame_la = synthetic_authorities([[0.0], [1.0], [1.0], [2.0]]).to_frame()
    frame_la["tax_base"] = [5.0, 1.0, 50.0, 60.0]
    la = authorities_from_frame(frame_la, "test", geography="custom")
    f = NeedsFormula(name="r", indicators=(Indicator(name="x0", column="x0", weight=1.0),),
                     resources=Resources(tax_base="tax_base", notional_band_d=1.0,
                                         resource_share=1.0))
    # shares 0 | .25 | .25 | .5, resources 5 | 1 | 50 | 60 of £10: councils 2 and 3 are cut
    # to zero (0.25 X - 1 = 10, X = 44: 0.25 x 44 < 50, 0.5 x 44 < 60); council 0 has no
    # need share, so it is not "cut"
    res = allocate(f, la, 10.0)
    out = res.allocations_frame()
    assert out.columns.tolist() == ["code", "name", "year", "amount", "need_share",
                                    "resources", "cut_to_zero"]
    assert out["cut_to_zero"].tolist() == [False, False, True, True]
    assert out["amount"].tolist() == [0.0, 10.0, 0.0, 0.0]
    assert res.summary().endswith("cut to zero (2): Council 2, Council 3")
    uncut = allocate(f, la, 1000.0)
    assert uncut.summary().endswith("cut to zero (0): none")


def test_sources_area_costs_and_transform_scale_one() -> None:
    la = synthetic_authorities([[10.0, 1.0], [30.0, 3.0]])
    frame_la = la.to_frame()
    frame_la["aca"] = [1.0, 1.1]
    from fundmodel.data.authorities import authorities_from_frame
    la = authorities_from_frame(frame_la, "test", geography="custom")
    f = NeedsFormula(name="t", area_cost_adjustment="aca", indicators=(
        Indicator(name="top", column="x0", weight=1.0,
                  transform=IndicatorTransform(threshold=5.0)),))
    sources = allocate(f, la, 10.0).sources()
    assert "indicator 'top': max(0, x0 - 5)" in sources
    assert "aca: supplied by the user" in sources and "x0: supplied by the user" in sources


def test_a_zero_pot_has_no_share_of_the_pot_and_no_warning() -> None:
    import warnings
    res = allocate(formula_for([1.0]), synthetic_authorities([[1.0], [3.0]]), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = res.to_frame()
    assert frame["amount"].tolist() == [0.0, 0.0]
    assert frame["amount_share"].isna().all()


def test_html_lists_a_few_councils_once_each() -> None:
    import re
    # three councils: all of them, largest first (380, 335, 285), none twice
    codes = re.findall(r"<tr><td>(E\d+)</td>", _floored()._repr_html_())
    assert codes == ["E06900000", "E06900002", "E06900001"]


def test_html_eleven_councils_leaves_out_the_middle_one() -> None:
    import re
    # 1..11 children, amounts in proportion: the five largest (10..6) and the five
    # smallest (4..0); council 5, the median, is left out
    la = synthetic_authorities([[float(c)] for c in range(1, 12)])
    codes = re.findall(r"<tr><td>E069000(\d\d)</td>",
                       allocate(formula_for([1.0]), la, 66.0)._repr_html_())
    assert codes == ["10", "09", "08", "07", "06", "04", "03", "02", "01", "00"]
