"""The lowest layer: frozen pydantic models, safe YAML, atomic file writing."""
