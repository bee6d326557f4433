"""Real overspends: RA budgets (or your budget file) against RO3 outturn, line by line.

:func:`revenue_inputs` feeds :class:`~fundmodel.scenarios.overspend.model.RevenueBudgets`
into the overspend scenario; :func:`overspend_by_line` is the per-council, per-line table for
one year; :func:`real_overspend` is the preset (2023-24, total line 330, budget_source=data);
:func:`published_comparison` sets the measured figures beside the published claims.

>>> lines = overspend_by_line("2023-24")
>>> eng = lines[(lines["code"] == ENGLAND_CODE) & (lines["line"] == "csc")].iloc[0]
>>> int(eng["councils"]), round(float(eng["overspend_pct"]), 1)
(138, 14.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel.data.budgets import (
    BUDGET_LINES,
    budgets_from,
    line_key,
    paired_with_outturn,
)
from fundmodel.data.flagged import describe_flags, flags_for
from fundmodel.scenarios.base import ScenarioHeader
from fundmodel.scenarios.overspend.measures import ENGLAND_CODE, overspend_pct

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
from fundmodel.scenarios.overspend.model import (
    OverspendScenario,
    RevenueBudgets,
)


def real_overspend(period: str = "2023-24", line: str = "csc",
                   path: str | None = None) -> OverspendScenario:
    """Preset: real overspends for ``period`` on ``line`` (RA budget vs RO3 outturn);
    councils lacking either figure are excluded and named (``missing: exclude``).

    >>> res = real_overspend().run()
    >>> nat = res.national_frame().iloc[0]
    >>> int(nat["overspending"]), int(nat["councils"]), nat["budget_source"]
    (131, 138, 'data')
    """
    key = line_key(line)
    return OverspendScenario(
        header=ScenarioHeader(
            title=f"Real overspends {period}: RA budget vs RO3 outturn, line "
                  f"{BUDGET_LINES[key].ra_line}",
            assumes="none for the budgets (budget_source=data); councils lacking a budget "
                    "or an outturn are excluded and named"),
        data=RevenueBudgets(line=key, periods=(period,), path=path),
        missing="exclude",
    )


def overspend_by_line(period: str = "2023-24", path: str | None = None,
                      authorities: Authorities | None = None) -> pd.DataFrame:
    """Per council and line: budget, outturn, overspend £ and % of budget, budget_source,
    complete, reason; plus an England row per line (code E92000001) over the councils with
    both figures on that line. ``flags`` names any data-quality flag on the values used.

    Columns: code, name, period, line, ra_line, budget, outturn, budget_source, origin,
    complete, reason, overspend, overspend_pct, councils, overspending, flags.
    """
    from fundmodel.data.authorities import load_authorities

    la = authorities if authorities is not None else load_authorities()
    codes = la.codes.tolist()
    table = budgets_from(path, None, codes)
    pairs = paired_with_outturn(table, period, codes)
    pairs.insert(1, "name", pairs["code"].map(dict(zip(codes, la.names.tolist(), strict=True))))
    pairs["overspend"] = pairs["outturn"] - pairs["budget"]
    pairs["overspend_pct"] = overspend_pct(pairs["budget"].to_numpy(), pairs["outturn"].to_numpy())
    pairs["councils"] = pairs["complete"].astype(int)
    pairs["overspending"] = (pairs["complete"] & (pairs["overspend"] > 0)).astype(int)
    measures = {m for b in BUDGET_LINES.values() for m in (b.ra_measure, b.ro3_measure)}
    flagged = flags_for(measures, [period], codes)
    by_measure = {b.ro3_measure: k for k, b in BUDGET_LINES.items()}
    by_measure |= {b.ra_measure: k for k, b in BUDGET_LINES.items()}
    flagged["line"] = flagged["measure"].map(by_measure).fillna(
        flagged["check"].str.removeprefix("source_agreement:").map(by_measure))
    text = flagged.assign(d=describe_flags(flagged)).groupby(["code", "line"])["d"].agg("; ".join)
    pairs["flags"] = [text.get((c, k), "") for c, k in zip(pairs["code"], pairs["line"],
                                                         strict=True)]
    ok = pairs[pairs["complete"]]
    eng = ok.groupby("line", sort=False).agg(budget=("budget", "sum"), outturn=("outturn", "sum"),
                                              councils=("councils", "sum"),
                                              overspending=("overspending", "sum")).reset_index()
    eng["code"], eng["name"], eng["period"] = ENGLAND_CODE, "England (councils with both)", period
    eng["ra_line"] = eng["line"].map({k: v.ra_line for k, v in BUDGET_LINES.items()})
    eng["overspend"] = eng["outturn"] - eng["budget"]
    eng["overspend_pct"] = overspend_pct(eng["budget"].to_numpy(), eng["outturn"].to_numpy())
    eng["budget_source"], eng["complete"], eng["flags"] = "data", True, ""
    eng["origin"] = ok["origin"].iloc[0] if len(ok) else ""
    missing = pairs[~pairs["complete"]].groupby("line")["name"].agg(", ".join)
    eng["reason"] = ["excluded: " + missing.get(k, "none") for k in eng["line"]]
    return pd.concat([pairs, eng[pairs.columns]], ignore_index=True)


def published_comparison(period: str = "2023-24") -> pd.DataFrame:
    """The measured national overspend (line 330) beside the published claims: value, the
    difference in percentage points (where both are percentages) and why they differ.

    >>> c = published_comparison()
    >>> c["record"].tolist()[:2]
    ['measured', 'lga_average_overspend']
    """
    from fundmodel.parameters import shipped

    lines = overspend_by_line(period)
    csc = lines[lines["line"] == "csc"]
    eng = csc[csc["code"] == ENGLAND_CODE].iloc[0]
    missing = csc[~csc["complete"]]
    measured = float(eng["overspend_pct"])
    rows = [{
        "record": "measured", "label": f"fundmodel, {period}: RA line 330 vs RO3 outturn",
        "value": measured, "unit": "PERCENT", "overspend_gbp": float(eng["overspend"]),
        "difference_pp": 0.0, "source": "fundmodel/data budgets.csv, series.csv",
        "why_different": (
            f"RA net current expenditure budget (set before the year) against RO3 net current "
            f"expenditure outturn, total children's social care; {int(eng['overspending'])} of "
            f"{int(eng['councils'])} councils with both figures overspent; "
            f"{len(missing)} excluded, named: {', '.join(missing['name'])}"),
    }]
    rec = shipped("overspend")
    for key, why in _CLAIMS:
        p = rec[key]
        percent = p.unit.name == "PERCENT"
        rows.append({
            "record": key, "label": p.label, "value": p.value, "unit": p.unit.name,
            "overspend_gbp": p.in_pounds() if not percent else np.nan,
            "difference_pp": measured - p.value if percent else np.nan,
            "source": p.source.cite(), "why_different": why})
    return pd.DataFrame(rows)


_CLAIMS: tuple[tuple[str, str], ...] = (
    ("lga_average_overspend",
     "a three-year average (2022-23 to 2024-25) of which 2023-24 is one year; fundmodel has "
     "budgets for 2023-24 only among those years. The LGA's own collection (coverage and "
     "whether budgets are original or revised are not stated) against RA and RO3 returns, "
     "whose 15 councils without both figures are left out here"),
    ("ccn_2017_18_overspend_pct",
     "another year (2017-18), the same comparison (budget against outturn, as CCN read the "
     "government figures), rounded to 10%; demand and prices rose sharply after 2021"),
    ("ccn_2017_18_overspend",
     "the same year as the NAO's £872m: CCN and the NAO count differently (the NAO's total "
     "is gross of underspends); fundmodel embeds no 2017-18 budgets, so neither is computed"),
    ("nao_2017_18_overspend",
     "2017-18, not computed from data (no 2017-18 budgets embedded); a check of counting in "
     "the tests, not a reproduction"),
    ("ccn_2021_22_overspend",
     "2021-22: fundmodel has that year's RA budgets but no 2021-22 RO3 outturn (a gap)"),
)
"""Published claims compared, with why each differs from the measured figure."""
