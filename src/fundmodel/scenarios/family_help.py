"""Scenario family: family_help (being written)."""
