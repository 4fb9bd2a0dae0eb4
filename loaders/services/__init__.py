"""Use cases: the only place where the rules of writing live.

The CLI, the dashboard's pages (and later the HTTP API and background jobs) call these
functions and decide nothing themselves:

- permissions.py: who may write (require_editor, checked before every write);
- ingest.py: storing an issue (the revision plan as a pure function of what is stored and
  what was extracted, then one transaction), retracting an issue;
- imports.py: archive imports (folders, zips, many files) as jobs every editor can follow,
  stop and resume;
- review.py: an upload's review (figures and unassigned frames, the editor's changes
  validated back into an Extraction, the commit);
- catalog.py: keeping the store's catalog in step with the curated one;
- export.py: every table as CSV.
"""

from loaders.store import StoreError

__all__ = ["StoreError"]
