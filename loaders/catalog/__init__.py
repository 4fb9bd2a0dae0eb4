"""The curated catalog of indicators (YAML validated by pydantic) and an indicator as an editor writes it in a form."""
