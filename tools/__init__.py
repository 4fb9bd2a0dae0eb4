"""Developer tools run by hand (never part of the suite or the app)."""
