"""Loaders: read an issue of 产业创新动态, find its figures and map them onto the catalog.

This package is headless: it never imports streamlit or dashboard.
"""
