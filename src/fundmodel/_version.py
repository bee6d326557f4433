"""The package version, for anything that stamps outputs (never import it from ``fundmodel``)."""

__version__ = "0.1.0"
