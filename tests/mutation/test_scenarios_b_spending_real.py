"""Kill tests for :func:`analyse_spending` and :meth:`SpendingScenario.run` on two real
councils (Hartlepool, Liverpool), checked against the embedded series rows by a plain
second implementation: statutory = looked after + safeguarding + youth justice + asylum
seekers; non-statutory = family support + Sure Start + young people + other (RO3, net).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.data.series import load_series
from fundmodel.errors import DataError
from fundmodel.scenarios.spending.analyse import analyse_spending
from fundmodel.scenarios.spending.cube import _aggregate_entities
from fundmodel.scenarios.spending.history import gdp_deflator
from fundmodel.scenarios.spending.scenario import SpendingScenario

PAIR = ["E06000001", "E08000012"]
STATUTORY = ["ro3_lac_net", "ro3_safeguarding_net", "ro3_youth_justice_net",
             "ro3_asylum_seekers_net"]
NON = ["ro3_family_support_net", "ro3_sure_start_net", "ro3_young_people_net",
       "ro3_other_children_family_net"]
PERIODS = ["2022-23", "2023-24", "2024-25"]


def _pair() -> Authorities:
    la = load_authorities()
    codes = la.codes.tolist()
    return la.take(np.array([codes.index(c) for c in PAIR]))


def _published(code: str, period: str, measures: list[str]) -> float:
    s = load_series()
    rows = s[(s["code"] == code) & (s["period"] == period) & s["measure"].isin(measures)]
    assert len(rows) == len(measures)
    return float(rows["value"].sum())


def _children(code: str, year: str) -> float:
    s = load_series()
    rows = s[(s["code"] == code) & (s["measure"] == "children_0_17") & (s["period"] == year)]
    return float(rows["value"].iloc[0])


def test_ro3_analysis_matches_the_series_rows() -> None:
    a = analyse_spending("statutory", dataset="ro3", authorities=_pair(), deflator=None)
    assert a.periods == tuple(PERIODS)
    assert a.codes.tolist() == PAIR
    assert a.factors is None and a.deflator is None
    f = a.to_frame()
    assert "total_real" not in f.columns
    for code in PAIR:
        for p in PERIODS:
            row = f[(f["code"] == code) & (f["period"] == p)].iloc[0]
            stat, non = _published(code, p, STATUTORY), _published(code, p, NON)
            assert row["statutory"] == pytest.approx(stat)
            assert row["non_statutory"] == pytest.approx(non)
            assert row["total"] == pytest.approx(stat + non)
            # the lines add up to the published RO3 total (so nothing to reconcile)
            assert row["total"] == pytest.approx(_published(code, p, ["ro3_csc_net"]))
            kids = _children(code, p[:4])
            assert row["total_per_child"] == pytest.approx((stat + non) / kids)
            assert row["gap"] == ""
    assert a.reconciliation.empty
    assert list(a.reconciliation.columns) == ["code", "period", "lines_sum", "published_total",
                                              "difference"]
    agg = a.aggregates()
    top = agg[agg["area"] == "All councils"]
    assert top["total"].tolist() == pytest.approx(
        [sum(_published(c, p, STATUTORY + NON) for c in PAIR) for p in PERIODS])
    assert top["councils_complete"].tolist() == [2, 2, 2]
    kids = [sum(_children(c, p[:4]) for c in PAIR) for p in PERIODS]
    assert top["total_per_child"].tolist() == pytest.approx(
        [t / k for t, k in zip(top["total"].tolist(), kids, strict=True)])
    assert not a.complete_area
    assert a.notes[:3] == (
        "RO3 lines are NET current expenditure (after income); s251 lines are gross",
        "per child: mid-year population at the start of the financial year (mid-2016 for "
        "2016-17)",
        "RO3 national rows sum the councils' returns; MHCLG's England row also holds its "
        "estimates for councils that did not submit (data_report.md)")


def test_flags_are_those_of_the_councils_analysed() -> None:
    a = analyse_spending("statutory", dataset="ro3", authorities=_pair(), deflator=None)
    assert a.flags is not None
    assert set(a.flags["code"]) <= set(PAIR)
    note = [n for n in a.notes if n.startswith("uses ")]
    assert len(note) == 1
    assert note[0].startswith(f"uses {len(a.flags)} flagged value(s) as published (flags.csv; "
                              "all in .flags): ")
    assert "Liverpool" in note[0]
    named = "; ".join(f"{r.name} {r.measure} {r.period} ({r.check})"
                      for r in a.flags.itertuples())
    assert len(a.flags) <= 5 and note[0].endswith(f"all in .flags): {named}")
    assert a.substitutions is None
    many = analyse_spending("statutory", dataset="s251", deflator=None)
    assert many.flags is not None and len(many.flags) > 5
    lots = next(n for n in many.notes if n.startswith("uses "))
    first5 = "; ".join(f"{r.name} {r.measure} {r.period} ({r.check})"
                       for r in many.flags.head(5).itertuples())
    assert lots == (f"uses {len(many.flags)} flagged value(s) as published (flags.csv; all in "
                    f".flags): {first5}; ...")


def test_gdp_real_terms_and_s251() -> None:
    a = analyse_spending("statutory", dataset="s251", authorities=_pair())
    d = gdp_deflator()
    assert a.deflator is not None and a.deflator.name == d.name
    assert a.factors is not None
    assert a.factors.tolist() == pytest.approx([d.factor(p) for p in a.periods])
    f = a.to_frame()
    assert f["total_real"].tolist() == pytest.approx((f["total"] * np.tile(a.factors, 2)).tolist())
    assert a.notes[0] == ("s251 lines are GROSS expenditure, RO3 lines NET of income: shares "
                          "differ between them")
    assert any(s.startswith("deflator: HM Treasury GDP deflator") for s in a.sources())


def test_substitute_ro3_is_recorded() -> None:
    a = analyse_spending("prevention", dataset="s251", authorities=_pair(), deflator=None,
                         substitute_ro3=True)
    assert a.substitutions is not None
    swapped = a.substitutions[["code", "period"]].to_dict("records")
    assert swapped == [{"code": "E08000012", "period": "2024-25"}]
    ro3 = _published("E08000012", "2024-25", ["ro3_lac_net"])
    k = a.lines.index("s251_lac")
    assert a.line_values[k, 1, a.periods.index("2024-25")] == ro3
    note = [n for n in a.notes if n.startswith("substitute_ro3 rule applied")]
    assert note == [f"substitute_ro3 rule applied to 1 council-year(s): E08000012 2024-25 "
                    f"s251_lac {float(a.substitutions['s251'].iloc[0]) / 1e6:.1f}m (s251, gross)"
                    f" -> {ro3 / 1e6:.1f}m (RO3, net)"]
    plain = analyse_spending("prevention", dataset="s251", authorities=_pair(), deflator=None)
    assert plain.line_values[k, 1, plain.periods.index("2024-25")] != ro3


def test_unknown_council_is_an_error() -> None:
    from fundmodel.testing import synthetic_authorities

    with pytest.raises(DataError, match=r"no ro3 series for authorities \['E06900000'"):
        analyse_spending("statutory", dataset="ro3",
                         authorities=synthetic_authorities([[1.0], [2.0]]))


def test_scenario_run_uses_its_window_targets_and_demand() -> None:
    s = SpendingScenario(header={"title": "Pair", "assumes": "a"}, taxonomy="statutory",
                         dataset="ro3", deflator=None, start="2023-24", targets=(30,),
                         demand="cin")
    r = s.run(_pair())
    assert r.change.attrs == {"start": "2023-24", "end": "2024-25", "focus": "non_statutory"}
    assert r.elasticities.attrs["demand"] == "cin"
    assert r.elasticities.attrs["start"] == "2023-24"
    assert len(r.targets) == 1 and r.targets[0].period == "2024-25"
    assert r.targets[0].asks[0].label == "Family Help (£2bn over five years)"
    f = r.to_frame().set_index("code")
    for code in PAIR:
        start = _published(code, "2023-24", STATUTORY + NON)
        end = _published(code, "2024-25", STATUTORY + NON)
        assert f.loc[code, "total_growth_pct"] == pytest.approx(100 * (end / start - 1))
        non = _published(code, "2024-25", NON)
        add = max(0.0, 0.3 * end - non) / 0.7
        assert f.loc[code, "add_to_30pct"] == pytest.approx(add, abs=0.01)
        assert not math.isnan(f.loc[code, "demand_growth_pct"])
    assert r.analysis.deflator is None and r.analysis.factors is None  # cash, as asked
    cr = SpendingScenario(header={"title": "Pair", "assumes": "a"}, taxonomy="statutory",
                          dataset="ro3", targets=(30,), ask="care_review", end="2023-24")
    run = cr.run(_pair())
    assert run.targets[0].asks[0].label == "Care Review ask (£2.6bn)"
    assert run.targets[0].period == "2023-24"
    assert run.change.attrs["end"] == "2023-24"
    assert run.elasticities.attrs["end"] == "2023-24"
    assert run.analysis.deflator is not None  # the GDP deflator by default
    assert run.analysis.deflator.name.startswith("HM Treasury GDP deflator")


def test_aggregate_entities_of_nothing_is_boolean() -> None:
    keep = _aggregate_entities((), np.array(PAIR))
    assert keep.dtype == bool and keep.size == 0


def test_reconciliation_lists_the_council_year_off_its_total() -> None:
    # Slough's 2017-18 section 251 lines do not add up to its published total
    la = load_authorities()
    codes = la.codes.tolist()
    pair = la.take(np.array([codes.index("E06000001"), codes.index("E06000039")]))
    a = analyse_spending("statutory", dataset="s251", authorities=pair, deflator=None)
    lines = list(a.lines)
    s = load_series()
    expected = []
    for code in ("E06000001", "E06000039"):
        for p in a.periods:
            rows = s[(s["code"] == code) & (s["period"] == p)].set_index("measure")["value"]
            summed = float(rows.reindex(lines).sum())
            total = float(rows.get("s251_cyps_total", np.nan))
            if abs(total - summed) > 10.0:
                expected.append((code, p, summed, total, total - summed))
    got = [tuple(r) for r in a.reconciliation.itertuples(index=False)]
    assert len(got) == len(expected) == 1
    assert got[0][:2] == expected[0][:2] == ("E06000039", "2017-18")
    assert got[0][2:] == pytest.approx(expected[0][2:])
    code, period, summed, total, _ = expected[0]
    assert (f"{code} {period}: the mapped lines sum to £{summed:,.1f}, the published total is "
            f"£{total:,.1f} (as published; fundmodel uses the lines)") in a.notes


def test_demand_beside_spend_against_the_series_rows() -> None:
    a = analyse_spending("statutory", dataset="ro3", authorities=_pair(), deflator=None)
    f = a.demand_frame()
    s = load_series()
    for measure, column in (("cla_count_lait", "cla"), ("cin_count", "cin"),
                            ("cpp_count", "cpp"), ("referrals", "referrals"),
                            ("cla_rate_per_10k_lait", "cla_per_10k_published")):
        for code in PAIR:
            for p in PERIODS:
                year = str(int(p[:4]) + 1)  # at 31 March after the financial year
                rows = s[(s["code"] == code) & (s["measure"] == measure)
                         & (s["period"] == year)]
                want = float(rows["value"].iloc[0]) if len(rows) else math.nan
                got = f[(f["code"] == code) & (f["period"] == p)].iloc[0]
                assert got["as_at"] == year
                v = float(got[column])
                assert (math.isnan(v) and math.isnan(want)) or v == pytest.approx(want), (
                    measure, code, p)
                if column == "cla":
                    kids = _children(code, p[:4])
                    assert got["cla_per_10k"] == pytest.approx(1e4 * want / kids)


def test_the_history_dataset_starts_in_2008_09() -> None:
    from fundmodel.scenarios.spending.history import JOIN_NOTES, s251_history_frame

    a = analyse_spending("prevention", dataset="s251_history", authorities=_pair(),
                         deflator=None)
    assert a.periods[0] == "2008-09" and a.periods[-1] == "2024-25"
    assert a.first_complete_period() == "2010-11"
    for n in JOIN_NOTES:
        assert n in a.notes
    h = s251_history_frame()
    rows = h[(h["code"] == "E06000001") & (h["period"] == "2012-13")
             & h["measure"].isin(list(a.lines))]
    f = a.to_frame()
    got = f[(f["code"] == "E06000001") & (f["period"] == "2012-13")].iloc[0]
    assert got["total"] == pytest.approx(float(rows["value"].sum()))
    early = f[(f["code"] == "E06000001") & (f["period"] == "2008-09")].iloc[0]
    assert math.isnan(early["total"]) and "s251_sure_start" in early["gap"]
