"""Markdown tables for the documentation, generated from the code's own records.

>>> text = parameters_markdown()
>>> text.startswith("# Parameter records")
True
"""

from __future__ import annotations

from fundmodel.parameters import all_parameters


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def parameters_markdown() -> str:
    """Every parameter record shipped with fundmodel, with its value, unit and source."""
    lines = [
        "# Parameter records",
        "",
        "Every number fundmodel ships, generated from the parameter files in",
        "`src/fundmodel/parameters/` (one YAML file per topic). The *record* column is where",
        "each number lives (`file.yaml#record`), as every citation shows it. *Assumption* marks",
        "values no publication states (fundmodel's choice, explained in the note).",
        "",
        "| record | label | value | unit | source | assumption | note | reviewed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in all_parameters():
        source = p.source.cite() + (f" <{p.source.url}>" if p.source.url else "")
        lines.append(
            f"| `{p.ref}` | {_cell(p.label)} | {p.value:,.6g} | {p.unit.value} | {_cell(source)} | "
            f"{'yes' if p.assumption else 'no'} | {_cell(p.note)} | {p.reviewed} |"
        )
    return "\n".join(lines) + "\n"
