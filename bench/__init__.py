"""Benchmarks of the store, the extraction and the dashboard (`make bench`), never run by pytest."""
