"""Helpers the tests share, imported as tests.support.<module> (conftest.py holds only
fixtures):

- builders.py: the curated catalog (CATALOG) and issues built as Extraction objects with
  real offsets (build_extraction, issue_2021_15, issue_2021_29, issue_carrying);
- store.py: extractions built directly for store and CLI tests (obs, extraction,
  ISSUE_15, ISSUE_29) and a store's tables as bytes (snapshot);
- browser.py: a dashboard served for the browser tests, a brief ingested by the CLI;
- changes.py: the issues the change-log, feed and digest tests tell their story with;
- hostile_files.py: hostile files made by hand (zips whose members inflate to far more than they declare).
"""
