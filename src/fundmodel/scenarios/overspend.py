"""Scenario family: overspend (being written)."""
