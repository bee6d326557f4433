"""The default briefing pack: the Children Act formula on the embedded data, written to a folder.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> paths = write_brief(out)
>>> sorted(p.name for p in paths)[:2]
['allocations.csv', 'cost_of_duties.csv']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fundmodel import __version__
from fundmodel.absolute import cost_duties
from fundmodel.authorities import load_authorities
from fundmodel.engine import allocate
from fundmodel.files import write_csv_atomic, write_text_atomic
from fundmodel.money import format_gbp
from fundmodel.presets import PREVENTION_GRANT_2025_26, children_act_costs, children_act_formula


def write_brief(out: Path) -> list[Path]:
    """Write the pack into ``out`` and return the files written."""
    la = load_authorities()
    formula = children_act_formula()
    result = allocate(formula, la, PREVENTION_GRANT_2025_26)
    frame = result.to_frame().sort_values("amount", ascending=False)
    written = [out / "allocations.csv"]
    write_csv_atomic(written[0], frame)

    costs_formula = children_act_costs(la)
    complete = np.all(
        [~np.isnan(la.column(c)) for c in
         (*costs_formula.funding_columns, *(d.column for d in costs_formula.duties))],
        axis=0,
    )
    sub = la.take(np.flatnonzero(complete))
    costs = cost_duties(costs_formula, sub)
    written.append(out / "cost_of_duties.csv")
    write_csv_atomic(written[-1], costs.to_frame().sort_values("gap", ascending=False))

    summary = brief_summary(result.summary(), costs.summary(), la.names[~complete].tolist())
    written.append(out / "summary.md")
    write_text_atomic(written[-1], summary)
    return written


def brief_summary(allocation: str, costs: str, left_out: list[str]) -> str:
    """The Markdown summary with headline numbers, assumptions and sources."""
    pot = PREVENTION_GRANT_2025_26
    return "\n".join(
        [
            "# fundmodel briefing pack",
            "",
            f"fundmodel {__version__}; embedded data (see fundmodel/data/sources.yaml).",
            "",
            "## Children Act funding formula (relative mode)",
            "",
            f"Pot: {format_gbp(pot.in_pounds())}, {pot.label}. Source: {pot.source.cite()}.",
            "",
            "```",
            allocation,
            "```",
            "",
            "Weights are fundmodel assumptions (Children England published the three factors,",
            "not weights). Projected population and disability are measured by proxies.",
            "",
            "## Cost of duties (absolute mode)",
            "",
            "```",
            costs,
            "```",
            "",
            f"Left out for missing spend or caseload data: {', '.join(left_out) or 'none'}.",
            "",
        ]
    )
