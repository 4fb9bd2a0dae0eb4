"""The Streamlit dashboard: a router (streamlit_app.py), thin pages, pure chart and table builders."""
