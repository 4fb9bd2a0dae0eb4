"""Use cases: the only place where the rules of writing live.

The CLI, the dashboard's pages, the HTTP API and the import runner call these functions
and decide nothing themselves:

- permissions.py: who may write (require_editor, checked before every write);
- storable.py: what may be stored (the one gate every write of text passes: issues, the
  catalog, editors' notes);
- ingest_plan.py: what storing an issue does, a pure function of what is stored and what
  was extracted (revisions as loaders.vocab.revisions defines them, the overwrite policy);
- ingest.py: storing an issue (the gate, the state read, the plan written in one
  transaction), retracting an issue;
- imports.py: archive imports (folders, zips, many files) as jobs every editor can follow,
  stop and resume; import_files.py stores one file of a job with its outcome;
- review.py: an upload's review (the file read, the editor's changes validated back into
  an Extraction), with review_frames.py (the figures and unassigned frames),
  review_numbers.py (every number of the text, a number added as a row), held_values.py
  (the values the stored series doubt) and upload_commit.py (the commit and its report);
- catalog.py: the store's versioned catalog (seeded from data/catalog.yaml; add, edit,
  retire, restore, undo, import, export), with remap.py re-mapping stored issues under a
  change and previewing it, and queue.py assigning an unassigned figure;
- login.py: the editor password's throttle (waits, lockouts, audit rows);
- migrate.py: copying a store into another (a file into a team store, or back);
- export.py: every table as CSV.

And the reads programs and pages share: series.py (a series now, as of an issue, every
vintage, transformed) and issues.py (the issue list, one issue).
"""

from loaders.store import StoreError

__all__ = ["StoreError"]
