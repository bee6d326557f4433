"""Reporting: house style, chart data + plot pairs, the briefing pack, output folders."""
