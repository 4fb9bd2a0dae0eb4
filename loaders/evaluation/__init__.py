"""Scoring the loaders against labelled issues (docs/eval.md)."""
