"""Analyses that read results or drive the engine: comparison of results, inequality
measures, uncertainty (sensitivity runs), and the cost of duties (absolute mode)."""
