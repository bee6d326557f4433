"""Scenario family: rcc (being written)."""
