"""The Streamlit dashboard: a router (streamlit_app.py), thin pages, pure chart and table
builders, and the HTTP API (api.py) served on the same port."""
