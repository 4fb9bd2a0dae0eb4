"""Sentences become figures: found, dated, given a measure and a subject, mapped onto the catalog, and every number accounted for."""
