"""Words for the cost-of-duties result: the headline, the flagged data, the drivers, and
the comparison with published asks (records in ``investment.yaml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fundmodel.engine.money import format_gbp
from fundmodel.parameters import shipped

if TYPE_CHECKING:
    from fundmodel.analysis.cost_of_duties.result import DutiesResult

_ASKS: tuple[tuple[str, str, str | None, str], ...] = (
    ("select_committee_gap_2025", "national gap", None,
     "an LGA estimate of the whole children's services gap by 2025 (all services, demand "
     "growth to 2025); this costing covers four duties at stated standards"),
    ("children_england_gap", "national gap", None,
     "Children England's figure for the same whole-service gap"),
    ("care_review_headline_five_years", "national gap", "care_review_years_five",
     "new spending on the Care Review's reforms (a change programme), not the cost of "
     "today's duties; shown per year"),
    ("family_help_headline", "family_help cost", "family_help_years",
     "new Family Help money on top of current family support spend; shown per year"),
)


def asks_frame(result: DutiesResult) -> pd.DataFrame:
    """Each published ask beside the figure of this costing it is closest to."""
    inv = shipped("investment")
    nat = result.national()
    rows = []
    for record, compare, years, why in _ASKS:
        p = inv[record]
        per_year = p.in_pounds() / (inv[years].value if years else 1.0)
        ours = nat["gap"] if compare == "national gap" else nat["cost_by_duty"]["family_help"]
        rows.append({"ask": p.label, "record": p.ref, "ask_per_year": per_year,
                     "fundmodel": compare, "fundmodel_value": ours,
                     "difference": ours - per_year, "why_they_differ": why})
    grant = result.standards["staying_put_grant_2025_26"]
    rows.append({"ask": grant.label, "record": grant.ref, "ask_per_year": grant.in_pounds(),
                 "fundmodel": "care_leavers cost",
                 "fundmodel_value": nat["cost_by_duty"]["care_leavers"],
                 "difference": nat["cost_by_duty"]["care_leavers"] - grant.in_pounds(),
                 "why_they_differ": "today's Staying Put grant against Staying Put / Staying "
                                    "Close to 23 at the take-up and unit cost assumed"})
    return pd.DataFrame(rows)


def _councils(frame: pd.DataFrame, largest: bool) -> str:
    kept = frame[frame["included"]].sort_values(["gap_per_child", "code"],
                                                ascending=[not largest, True]).head(5)
    return ", ".join(f"{r['name']} £{r['gap_per_child']:,.0f}" for _, r in kept.iterrows())


def summary_text(result: DutiesResult) -> str:
    """The plain-text summary of a :class:`DutiesResult`."""
    nat = result.national()
    frame = result.to_frame()
    basis = {"ro3": "RO3 2024-25 net outturn on the matching lines",
             "s251": "s251 2024-25 gross outturn"}[result.basis]
    assumed = sorted(n for n, p in result.standards.items() if p.assumption)
    flagged = frame[frame["included"] & (frame["flags"] != "")]
    drivers = result.drivers().head(3)
    gap = nat["gap"]
    direction = "more than" if gap > 0 else "less than"
    lines = [
        f"{result.label}: the costed duties cost {format_gbp(nat['cost'])} a year across "
        f"{nat['councils']} councils, {format_gbp(abs(gap))} ({abs(nat['gap_pct']):.1f}% of "
        f"cost) {direction} current spend of {format_gbp(nat['spend'])} ({basis}).",
        f"  Gap (cost - spend) {format_gbp(gap)}; 5th-95th percentile over {result.n_draws:,} "
        f"draws of the standards' ranges (seed {result.seed}): {format_gbp(nat['gap_low'])} "
        f"to {format_gbp(nat['gap_high'])}. The interval straddles zero: "
        f"{'yes' if nat['gap_low'] < 0 < nat['gap_high'] else 'no'}.",
        "  By duty (cost / spend): " + "; ".join(
            f"{k} {format_gbp(v)} / {format_gbp(nat['spend_by_duty'][k])}"
            for k, v in nat["cost_by_duty"].items()) + " (no spend line isolates care leavers).",
        f"  Largest gap per child: {_councils(frame, True)}.",
        f"  Smallest gap per child: {_councils(frame, False)}.",
        "  Inputs that move the national gap most (one at a time, low to high): " + "; ".join(
            f"{r['input']} {format_gbp(r['gap_at_low'])} to {format_gbp(r['gap_at_high'])}"
            for _, r in drivers.iterrows()) + ".",
        f"  ASSUMPTIONS (labelled in cost_of_duties.yaml, each with a range): "
        f"{', '.join(assumed)}. These figures follow from them.",
        "  Not costed (no published unit cost transcribed): independent advocacy, adoption "
        "and special guardianship support, asylum-seeking children, youth justice.",
    ]
    if len(flagged):
        lines.append("  Flagged 2024-25 spend data (load_flags(); kept, not changed): "
                     + "; ".join(f"{r['name']} ({r['flags'].split(':')[0]})"
                                 for _, r in flagged.iterrows()) + ".")
    if nat["excluded"]:
        lines.append(f"  Left out (caseload or spend missing): {', '.join(nat['excluded'])}.")
    asks = asks_frame(result)
    lines.append("  Against published asks (per year): " + "; ".join(
        f"{r['ask']} {format_gbp(r['ask_per_year'])}" for _, r in asks.iterrows())
        + ". They measure different things: see asks().")
    return "\n".join(lines)
