"""Sphinx configuration: Markdown pages (MyST) plus an API reference from docstrings.

The parameter page is generated at build time from ``fundmodel.presets.all_parameters()``
so it can never drift from the code.
"""

from __future__ import annotations

from pathlib import Path

import fundmodel
from fundmodel.report.docs_tables import parameters_markdown

project = "fundmodel"
release = fundmodel.__version__
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
html_theme = "alabaster"
autodoc_typehints = "description"
autodoc_member_order = "bysource"
nitpicky = False
suppress_warnings = ["myst.header"]

generated = Path(__file__).parent / "generated"
generated.mkdir(exist_ok=True)
(generated / "parameters.md").write_text(parameters_markdown(), encoding="utf-8")
