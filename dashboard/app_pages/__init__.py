"""Pages routed by dashboard/streamlit_app.py via st.navigation (not the legacy pages/ folder)."""
