"""The ingest plan: what storing an issue over what the store holds does, decided as a pure
function (plan_ingest) that reads nothing and writes nothing.

The plan says whether the issue is new, unchanged, replaced or kept (who may overwrite what
is the Overwrite policy), and for each point of the issue (indicator, period, forecast; an
issue's first statement of it speaks for the issue) whether it is new, unchanged or
revises the issue before it (loaders.vocab.revisions), and for a replacement what changes. The
use cases (loaders.services.ingest) read the state, plan, and write the plan in one
transaction.

Who may overwrite what:
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

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from loaders.models import Extraction, Observation
from loaders.store.queries import StoredIssue, StoredStatement
from loaders.vocab.revisions import different_statement

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
    the point (loaders.vocab.revisions)."""

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
