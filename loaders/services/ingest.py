"""Storing issues: what an ingest, a revision and a replacement mean, decided here once.

An ingest reads what the store holds about the incoming issue (its stored version, on the
same keys the statement of the latest issue before it, whether it was retracted), hands
that and the extraction to `plan_ingest`, a pure function that returns the typed diff
(new, revised and unchanged points, revised as loaders.revisions defines it; for a
replacement, what changes), and writes the plan in the same transaction: all of it or
nothing.

Who may overwrite what is the Overwrite policy:
- NEVER: a stored issue with other content is kept (the upload page asks first);
- BATCH: a batch (the CLI, `make db`, a nightly job) replaces only versions a batch stored,
  never an editor's reviewed commit, and does not bring back a retracted issue;
- ALWAYS: the caller confirmed (the upload page's 替换, `ingest --replace`);
- SHIPPED: the shipped sample's refresh (`make db`, `ingest --shipped`): replaces a stored
  version only when it came from the shipped file itself (the very same bytes, or stored by
  an earlier refresh), so a corrected copy ingested with the CLI or an editor's commit is
  never undone by a rebuild; a retracted issue is not stored again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from loaders.catalog import Catalog, unknown_indicator_message
from loaders.csv_safety import formula_problem
from loaders.errors import BriefError
from loaders.models import Extraction, Observation
from loaders.periods import PeriodError, parse_period
from loaders.review import header_problems
from loaders.revisions import different_statement
from loaders.services.catalog import record_catalog
from loaders.services.permissions import require_editor
from loaders.services.second_look import set_aside_doubtful
from loaders.store import Store, StoreError, queries, writes
from loaders.store.changes import Cause
from loaders.store.queries import IssuePlace, StoredIssue, StoredStatement
from loaders.text_safety import strip_unsafe, unsafe_problem

Key = tuple[str, str, bool]  # indicator, period, forecast
Status = Literal["new", "unchanged", "replaced", "kept"]


class Overwrite(StrEnum):
    NEVER = "never"
    BATCH = "batch"
    ALWAYS = "always"
    SHIPPED = "shipped"


@dataclass(frozen=True)
class Revision:
    """A point this issue states with another value than the issue before it that stated
    the point (loaders.revisions)."""

    indicator: str
    period: str
    old_value: float
    new_value: float
    old_issue: str
    forecast: bool = False


@dataclass(frozen=True)
class Change:
    """How replacing a stored issue changes one of its own points."""

    indicator: str
    period: str
    forecast: bool
    old_value: float | None
    new_value: float | None
    change: Literal["added", "removed", "changed"]


@dataclass
class IngestResult:
    """The plan of an ingest and, once written, its outcome."""

    status: Status
    issue_key: str
    new_points: int = 0
    revised: list[Revision] = field(default_factory=list)
    unchanged_points: int = 0
    observations: int = 0
    unassigned: int = 0
    replaced_diff: list[Change] = field(default_factory=list)
    # Why a stored version was kept (status "kept"), in words for the user.
    reason: str = ""
    # The sha256 of the version stored when the plan was made (None: the issue was not stored).
    stored_sha256: str | None = None
    # Another commit changed the issue after the caller saw it (Seen): nothing was written.
    race: bool = False

    @property
    def written(self) -> bool:
        return self.status in ("new", "replaced")

    def summary(self) -> str:
        """One line for progress output: `new: 21 points, 2 revised, 3 unchanged`."""
        if self.status == "unchanged":
            return f"unchanged: {self.unchanged_points} points"
        if self.status == "kept":
            return f"kept the stored version: {self.reason}"
        parts = [f"{self.status}: {self.new_points} points"]
        if self.revised:
            parts.append(f"{len(self.revised)} revised")
        if self.unchanged_points:
            parts.append(f"{self.unchanged_points} unchanged")
        if self.status == "replaced":
            parts.append(f"{len(self.replaced_diff)} differences from the stored version")
        return ", ".join(parts)


@dataclass(frozen=True)
class StoredState:
    """What the store holds that an ingest of one issue depends on."""

    issue: StoredIssue | None  # the stored version of this issue
    own_statements: list[StoredStatement]  # what that version says
    # Per key of the extraction: the statement of the latest issue before this one.
    earlier: dict[Key, StoredStatement]
    retracted: bool  # the issue's last audit action was a retract


@dataclass(frozen=True)
class Seen:
    """The stored version of an issue a caller saw when it decided to write (a preview): its
    sha256, or None when the issue was not stored. Another version at the time of writing
    means another commit came between, and nothing is written."""

    stored_sha256: str | None


# ------------------------------------------------------------------ the rule


def first_per_key(observations: Sequence[Observation]) -> dict[Key, Observation]:
    """An issue may quote one figure twice; its first statement speaks for the issue."""
    firsts: dict[Key, Observation] = {}
    for obs in observations:
        firsts.setdefault((obs.indicator, obs.period, obs.forecast), obs)
    return firsts


def plan_ingest(
    state: StoredState,
    extraction: Extraction,
    *,
    force: bool = False,
    overwrite: Overwrite = Overwrite.ALWAYS,
    seen: Seen | None = None,
) -> IngestResult:
    """What storing the extraction over this state does. Pure: reads nothing, writes nothing.

    force re-stores a file whose stored version came from the very same bytes (the
    extraction rules improved); it never lifts the overwrite policy. seen is what the caller
    saw stored; another stored version now is a lost race: unchanged when the winner stored
    these very bytes, else kept, race set either way.
    """
    key = extraction.issue.key
    firsts = first_per_key(extraction.observations)
    stored = state.issue
    result = IngestResult(
        status="new" if stored is None else "replaced",
        issue_key=key,
        observations=len(extraction.observations),
        unassigned=len(extraction.unassigned),
        stored_sha256=stored.sha256 if stored is not None else None,
    )
    if seen is not None and seen.stored_sha256 != result.stored_sha256:
        result.race = True
        if stored is not None and stored.sha256 == extraction.sha256:
            result.status = "unchanged"
            result.unchanged_points = len(firsts)
        else:
            result.status = "kept"
            result.reason = (
                f"另一位编辑在你预览之后提交了 {key} 的另一版本"
                if stored is not None
                else f"{key} 在你预览之后被撤回"
            )
        return result
    if stored is None and state.retracted and overwrite in (Overwrite.BATCH, Overwrite.SHIPPED):
        result.status = "kept"
        result.reason = f"issue {key} was retracted by an editor; pass --replace to store it again"
        return result
    if stored is not None:
        same_bytes = stored.sha256 == extraction.sha256
        if overwrite is Overwrite.BATCH and stored.committed_via == "review":
            result.status = "kept"
            result.reason = (
                f"issue {key} was committed by an editor after review; "
                "pass --replace to overwrite it"
            )
            return result
        if overwrite is Overwrite.SHIPPED and not same_bytes and stored.committed_via != "shipped":
            result.status = "kept"
            result.reason = (
                f"issue {key} is stored from another file than the shipped one "
                f"({stored.committed_via}); a rebuild refreshes only what it stored itself, "
                "pass --replace to overwrite it"
            )
            return result
        if same_bytes and not force:
            result.status = "unchanged"
            result.unchanged_points = len(firsts)
            return result
        if not same_bytes and overwrite is Overwrite.NEVER:
            result.status = "kept"
            result.reason = f"issue {key} already stored with other content; confirm replace"
            return result

    for k, obs in firsts.items():
        before = state.earlier.get(k)
        if before is None:
            result.new_points += 1
        elif not different_statement(obs.value, obs.value_high, before.value, before.value_high):
            result.unchanged_points += 1
        else:
            result.revised.append(
                Revision(k[0], k[1], before.value, obs.value, before.issue_key, forecast=k[2])
            )
    if stored is not None:
        result.replaced_diff = _replacement_diff(state.own_statements, firsts)
    return result


def _replacement_diff(
    own: Sequence[StoredStatement], firsts: dict[Key, Observation]
) -> list[Change]:
    old: dict[Key, StoredStatement] = {}
    for statement in own:
        old.setdefault(statement.key, statement)
    changes = []
    for k in sorted(set(old) | set(firsts)):
        before, after = old.get(k), firsts.get(k)
        if before is None:
            change = "added"
        elif after is None:
            change = "removed"
        elif different_statement(after.value, after.value_high, before.value, before.value_high):
            change = "changed"
        else:
            continue
        changes.append(
            Change(
                k[0],
                k[1],
                k[2],
                before.value if before is not None else None,
                after.value if after is not None else None,
                change,
            )
        )
    return changes


# ------------------------------------------------------------------ reading the state


# Text fields a spreadsheet later shows as cells (exports, page downloads), as (attribute,
# label in messages): a formula in any of them is refused before anything is written.
_ARTICLE_TEXT = (("title", "标题"), ("editor", "编辑"))
_FIGURE_TEXT = (
    ("quote", "原文"),
    ("article", "文章"),
    ("unit", "单位"),
    ("figure_text", "数字原文"),
    ("period_text", "期间原文"),
    ("editor", "编辑"),
)
_UNASSIGNED_TEXT = (*_FIGURE_TEXT, ("subject", "所指"), ("period", "期间"))


def _text_fields(extraction: Extraction) -> Iterator[tuple[str, str | None]]:
    """(where, text) for every text of the extraction that becomes a cell somewhere."""
    yield "文件名", extraction.source_name
    yield "期刊标题", extraction.issue.title
    for article in extraction.articles:
        for name, label in _ARTICLE_TEXT:
            yield f"文章 {article.index + 1} 的{label}", getattr(article, name)
    for number, observation in enumerate(extraction.observations, start=1):
        for name, label in _FIGURE_TEXT:
            yield f"第 {number} 个数字的{label}", getattr(observation, name)
    for number, figure in enumerate(extraction.unassigned, start=1):
        for name, label in _UNASSIGNED_TEXT:
            yield f"第 {number} 个未归类数字的{label}", getattr(figure, name)


def text_problems(extraction: Extraction) -> list[str]:
    """Every text of the extraction that a spreadsheet would open as a formula, or that holds
    control characters or bidi overrides (loaders.text_safety), named where it first occurs
    (an article title repeated in each of its figures is named once)."""
    problems: dict[str, str] = {}
    for field_name, text in _text_fields(extraction):
        problem = (formula_problem(text) or unsafe_problem(text)) if text else None
        if problem and text not in problems:
            problems[text] = f"{field_name} {problem}"
    # The brief's text is no cell of its own (exports escape it like any cell), but it is
    # stored and shown: no controls or overrides in it either.
    bodies = [("原文", extraction.clean_text)] + [
        (f"文章 {a.index + 1} 的正文", a.text) for a in extraction.articles
    ]
    for field_name, text in bodies:
        problem = unsafe_problem(text)
        if problem and text not in problems:
            problems[text] = f"{field_name} {problem}"
    return list(problems.values())


def validate(extraction: Extraction, catalog: Catalog) -> None:
    """StoreError naming the file and issue when a figure cannot be stored as it is, or when
    a text would open as a formula in a spreadsheet (loaders.csv_safety)."""
    where = f"{extraction.source_name} (issue {extraction.issue.key})"
    for field_name, problem in header_problems(extraction.issue)[:1]:
        raise StoreError(
            f"{where}: 期刊信息，字段 {field_name}：{problem}；未写入 (nothing was stored)"
        )
    for problem in text_problems(extraction)[:1]:
        raise StoreError(f"{where}: {problem}；未写入 (nothing was stored)")
    by_id = catalog.by_id()
    known = set(catalog.ids())
    unknown = sorted({o.indicator for o in extraction.observations} - known)
    if unknown:
        problems = "；".join(unknown_indicator_message(u, catalog.ids()) for u in unknown)
        raise StoreError(f"{where}: {problems}；未写入 (nothing was stored)")
    for number, obs in enumerate(extraction.observations, start=1):
        try:
            parse_period(obs.period)
        except PeriodError as exc:
            raise StoreError(
                f"{where}: indicator {obs.indicator!r}: {exc}; nothing was stored"
            ) from exc
        for label, value in (("数值", obs.value), ("上限", obs.value_high)):
            problem = by_id[obs.indicator].value_problem(value)
            if problem:
                raise StoreError(
                    f"{where}: 第 {number} 个数字的{label}：{problem}；未写入 (nothing was stored)"
                )


def read_state(cur, extraction: Extraction) -> StoredState:
    key = extraction.issue.key
    firsts = first_per_key(extraction.observations)
    indicators = sorted({indicator for indicator, _, _ in firsts})
    periods = sorted({period for _, period, _ in firsts})
    stored = queries.stored_issue(cur, key)
    header = extraction.issue
    place = IssuePlace(key, header.published, header.year, header.number)
    earlier = queries.earlier_statements(cur, indicators, periods, place)
    return StoredState(
        issue=stored,
        own_statements=queries.issue_statements(cur, key) if stored else [],
        earlier={s.key: s for s in earlier if s.key in firsts},
        retracted=stored is None and queries.last_issue_action(cur, key) == "retract",
    )


# ------------------------------------------------------------------ use cases


def _refresh(cur, keys: set[Key], cause: Cause) -> None:
    """Recompute the current values of the keys a write touched (a changeset for cause,
    even when no key was touched: a commit is listed in the feeds whatever it changed)."""
    writes.refresh_current(
        cur, sorted({k[0] for k in keys}), sorted({k[1] for k in keys}), cause=cause
    )


@dataclass(frozen=True)
class UploadRecord:
    """The file an editor uploaded, audited with the commit it led to."""

    file_name: str
    file_sha256: str


def preview(store: Store, extraction: Extraction, catalog: Catalog) -> IngestResult:
    """What ingest() would do if the caller confirmed a replacement; nothing is written."""
    validate(extraction, catalog)
    with store.read() as cur:
        return plan_ingest(read_state(cur, extraction), extraction)


def ingest(
    store: Store,
    extraction: Extraction,
    catalog: Catalog,
    *,
    actor: str,
    overwrite: Overwrite = Overwrite.BATCH,
    force: bool = False,
    committed_via: Literal["batch", "review", "shipped"] = "batch",
    upload: UploadRecord | None = None,
    also: Callable[[Any, IngestResult], None] | None = None,
    seen: Seen | None = None,
    second_look: bool = False,
) -> IngestResult:
    """Store one issue in one transaction; the same file twice changes nothing. The store's
    indicators become the catalog the issue was mapped with.

    With second_look (an import of briefs nobody reviewed: the CLI's ingest, the 导入 page),
    values the stored series doubt are set aside in the unassigned queue with the reason
    (loaders.services.second_look).

    An upload adds an "upload" audit row (file name and hash) in the same transaction, so
    an upload is never stored without its audit row or the other way round. `also(cur,
    result)` runs in that transaction too, whatever the result (an import records the
    file's outcome with it).
    """
    validate(extraction, catalog)
    key = extraction.issue.key

    def store_it(cur) -> IngestResult:
        nonlocal extraction
        if second_look:
            extraction = set_aside_doubtful(cur, extraction, catalog)
        state = read_state(cur, extraction)
        result = plan_ingest(state, extraction, force=force, overwrite=overwrite, seen=seen)
        if not result.written:
            if also is not None:
                also(cur, result)
            return result
        # The store's catalog is the one its figures were mapped with.
        catalog_changed = (
            record_catalog(cur, catalog, actor=actor, action="ingest", reason="mapped with it")
            is not None
        )
        if state.issue is not None:
            writes.delete_issue(cur, key)
        # What a shipped refresh stores is marked so: the next refresh may replace it.
        via = "shipped" if overwrite is Overwrite.SHIPPED else committed_via
        writes.insert_issue(cur, extraction, via)
        touched = set(first_per_key(extraction.observations)) | {
            statement.key for statement in state.own_statements
        }
        action = "replace" if result.status == "replaced" else "ingest"
        _refresh(cur, touched, Cause(action, actor, key, extraction.issue.label_zh))
        writes.insert_audit(
            cur,
            action,
            actor,
            key,
            extraction.sha256,
            f"source {extraction.source_name}; {result.observations} observations, "
            f"{result.unassigned} unassigned; points new {result.new_points}, "
            f"revised {len(result.revised)}, unchanged {result.unchanged_points}",
        )
        if upload is not None:
            writes.insert_audit(
                cur,
                "upload",
                actor,
                key,
                upload.file_sha256,
                f"file {upload.file_name}; committed {result.status}: "
                f"{result.observations} figures, {result.unassigned} unassigned",
            )
        writes.bump_version(cur, None if catalog_changed else {k[0] for k in touched})
        if also is not None:
            also(cur, result)
        return result

    return store.write(f"store issue {key} from {extraction.source_name}", store_it)


def retract(store: Store, issue_key: str, *, role: str, actor: str) -> bool:
    """Delete an issue and everything stated in it (audit row "retract"); editors only.
    False when no such issue is stored."""
    require_editor(role)

    def retract_it(cur) -> bool:
        stored = queries.stored_issue(cur, issue_key)
        if stored is None:
            return False
        touched = {statement.key for statement in queries.issue_statements(cur, issue_key)}
        writes.delete_issue(cur, issue_key)
        _refresh(cur, touched, Cause("retract", actor, issue_key))
        writes.insert_audit(
            cur, "retract", actor, issue_key, stored.sha256, "issue and its figures deleted"
        )
        writes.bump_version(cur, {k[0] for k in touched})
        return True

    return store.write(f"retract issue {issue_key}", retract_it)


def bulk_load(
    store: Store,
    issues: pd.DataFrame,
    observations: pd.DataFrame,
    catalog: Catalog,
    *,
    actor: str = "bulk",
) -> int:
    """Many issues at once from frames in the tables' own columns (benchmarks, migrations):
    one transaction; issue keys already stored are refused. Returns the rows loaded."""
    unknown = sorted(set(observations["indicator"].unique()) - set(catalog.ids()))
    if unknown:
        raise StoreError(
            f"bulk load: unknown indicator {', '.join(repr(u) for u in unknown[:5])}; "
            "nothing was stored"
        )

    def load_them(cur) -> None:
        catalog_changed = (
            record_catalog(cur, catalog, actor=actor, action="ingest", reason="bulk load")
            is not None
        )
        writes.bulk_insert(cur, issues, observations)
        writes.refresh_current(cur, cause=Cause("bulk_load", actor))
        writes.insert_audit(
            cur,
            "bulk_load",
            actor,
            None,
            None,
            f"{len(issues)} issues, {len(observations)} observations",
        )
        touched = set(observations["indicator"].unique())
        writes.bump_version(cur, None if catalog_changed else touched)

    store.write(f"bulk load {len(issues)} issues", load_them)
    return len(observations)


# ------------------------------------------------------------------ one file


def read_file(path: Path, catalog: Catalog) -> Extraction:
    """The extraction of one brief file; BriefError (naming the file) when it cannot be read."""
    from loaders.pipeline import extract_bytes  # PDF/DOCX readers load only when needed
    from loaders.reading import read_capped

    if path.is_dir():
        raise BriefError(
            f"is a folder; pass the brief files in it (e.g. {path}/*)", source=str(path)
        )
    try:
        data = read_capped(path)
    except FileNotFoundError as exc:
        raise BriefError("no such file", source=str(path)) from exc
    except OSError as exc:
        raise BriefError(f"cannot read ({exc.strerror or exc})", source=str(path)) from exc
    return extract_bytes(data, strip_unsafe(path.name), catalog)
