"""Embedded data and its loaders: authorities, series, measures, codes, sources and flags.

The CSV files beside this module are built by ``data/build.py`` from public raw files."""
