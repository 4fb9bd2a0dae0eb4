"""Reading series: what the HTTP API serves and the Trends page draws, decided once.

A request names indicators and, optionally, a vintage (as_of: a date or an issue key, read
ALFRED-style as the latest issue published on or before it), every issue's statement
(vintages="all"), the values the statements imply (derived, loaders.series.derive), a frequency
(loaders.series.frequency), a transform (loaders.series.transforms) and filters on the periods and forms.
The rows come back in the store's columns with each one's form (loaders.vocab.periods.period_form,
read from the period and the indicator's kind); export_rows turns them into the columns of
every CSV and JSON the project hands out, with the provenance (issue, article, quote) of
each value, and for a derived one its inputs.

The steps, in this order: read the vintage, add the forms, add the derived values (reading
the level series a growth series is derived from too), convert the frequency, transform,
filter. A result with no rows says why (SeriesResult.empty_reason), and a conversion names
the periods it refused (SeriesResult.refusals).

A request that cannot be answered raises SeriesRequestError (or its subclasses for an
unknown indicator or issue) with a message that says what to send instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from loaders.catalog.indicators import closest_ids
from loaders.series.comparable import forms
from loaders.series.derive import sources as derivation_sources
from loaders.series.derive import with_derived
from loaders.series.frequency import FrequencyError, Refusal, check_frequency, convert
from loaders.series.transforms import TransformError, check_transform, transform_series
from loaders.services.empty_reasons import EmptyReason, empty_reason
from loaders.services.series_export import EXPORT_SOURCE_COLUMNS, export_rows
from loaders.store import Store, queries
from loaders.store.queries import SERIES_COLUMNS, IssueRef
from loaders.vocab.periods import FORMS, KIND_LABELS, PeriodError, parse_period

FORECAST_CHOICES = ("include", "exclude", "only")
DERIVED_CHOICES = ("include", "exclude", "only")
VINTAGE_CHOICES = ("latest", "all")
# The store columns a read needs besides those (the period as written tells a cumulative
# first half; the name tells a cumulative stock).
_FORM_SOURCE_COLUMNS = ("name_zh", "period_text")
_ISSUE_KEY = re.compile(r"^\d{4}-\d{1,3}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SeriesRequestError(ValueError):
    """A request that cannot be answered as sent; str() says what to send instead."""


class UnknownIndicator(SeriesRequestError, LookupError):
    """No indicator with that id; the message names the closest ids."""


class UnknownIssue(SeriesRequestError, LookupError):
    """No issue with that key (or none published by that date)."""


@dataclass(frozen=True)
class SeriesRequest:
    """What to read. Periods (start, end) are in the period grammar (2021, 2021-Q1,
    2021-09-30); a point is kept when its whole period lies within [start, end]."""

    indicators: tuple[str, ...]
    start: str | None = None
    end: str | None = None
    period_kinds: tuple[str, ...] = ()
    forecasts: str = "include"
    as_of: str | None = None
    vintages: str = "latest"
    transform: str = "level"
    base: str | None = None
    # quarter, half or year (loaders.series.frequency); None: the periods as stated.
    frequency: str | None = None
    # Values the statements imply (loaders.series.derive): with the stated ones, left out, or alone.
    derived: str = "include"
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeriesResult:
    """The rows read (store columns and form, plus the as-of, statement, derived or
    transform columns asked for), the vintage they were read at (None: now) and the
    request they answer."""

    rows: pd.DataFrame
    request: SeriesRequest
    vintage: IssueRef | None = None
    # Points of the series a transform could not compare (no comparable period stated).
    untransformed: int = 0
    # Periods a frequency conversion could not give, each with its reason.
    refusals: tuple[Refusal, ...] = ()
    empty_reason: EmptyReason | None = None

    def export(self) -> pd.DataFrame:
        return export_rows(self.rows, self.vintage.issue_key if self.vintage else None)


def close_matches(wanted: str, known: Sequence[str], count: int = 3) -> list[str]:
    """The known ids or keys nearest to a mistyped one (closest first; loaders.catalog.indicators's rule)."""
    return closest_ids(wanted, known, count)


def did_you_mean(wanted: str, known: Sequence[str]) -> str:
    """The hint after an unknown name: "; did you mean a, b?", or "" when nothing is close."""
    matches = close_matches(wanted, known)
    return f"; did you mean {', '.join(matches)}?" if matches else ""


def indicators(store: Store) -> pd.DataFrame:
    """The catalog as stored, in catalog order (queries.indicators)."""
    return queries.indicators(store)


def check_indicators(store: Store, indicator_ids: Sequence[str]) -> None:
    """UnknownIndicator for the first id the catalog does not list."""
    known = queries.indicator_ids(store)
    for indicator in indicator_ids:
        if indicator not in known:
            raise UnknownIndicator(
                f"unknown indicator {indicator!r}{did_you_mean(indicator, known)} "
                "(GET /api/v1/indicators lists them all)"
            )


def resolve_as_of(store: Store, as_of: str) -> IssueRef:
    """The issue an as_of names: an issue key (2021-15), or a date (YYYY-MM-DD) meaning the
    latest issue published on or before it."""
    text = as_of.strip()
    if _ISO_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise SeriesRequestError(f"as_of: {text!r} is not a date") from None
        found = queries.issue_on_or_before(store, day)
        if found is None:
            raise UnknownIssue(f"as_of {text}: no issue was published on or before that day")
        return found
    if _ISSUE_KEY.match(text):
        found = queries.issue_ref(store, text)
        if found is None:
            keys = list(queries.issues(store)["issue_key"])
            raise UnknownIssue(
                f"as_of: no issue {text!r} is stored{did_you_mean(text, keys)} "
                "(GET /api/v1/issues lists them)"
            )
        return found
    raise SeriesRequestError(
        f"as_of: {text!r} is neither a date (YYYY-MM-DD) nor an issue key (e.g. 2021-15)"
    )


def check_request(request: SeriesRequest) -> None:
    """Everything about a request that needs no store: SeriesRequestError says what is wrong."""
    for name in ("start", "end"):
        text = getattr(request, name)
        if text is not None:
            try:
                parse_period(text)
            except PeriodError as exc:
                raise SeriesRequestError(f"{name}: {exc}") from None
    unknown_kinds = [kind for kind in request.period_kinds if kind not in KIND_LABELS]
    if unknown_kinds:
        raise SeriesRequestError(
            f"period_kind: unknown {', '.join(unknown_kinds)}; choose from {', '.join(KIND_LABELS)}"
        )
    unknown_forms = [form for form in request.forms if form not in FORMS]
    if unknown_forms:
        raise SeriesRequestError(
            f"form: unknown {', '.join(unknown_forms)}; choose from {', '.join(FORMS)}"
        )
    if request.derived not in DERIVED_CHOICES:
        raise SeriesRequestError(
            f"derived: {request.derived!r}; choose one of {', '.join(DERIVED_CHOICES)}"
        )
    try:
        check_frequency(request.frequency)
    except FrequencyError as exc:
        raise SeriesRequestError(str(exc)) from None
    if request.forecasts not in FORECAST_CHOICES:
        raise SeriesRequestError(
            f"forecasts: {request.forecasts!r}; choose one of {', '.join(FORECAST_CHOICES)}"
        )
    if request.vintages not in VINTAGE_CHOICES:
        raise SeriesRequestError(
            f"vintages: {request.vintages!r}; choose one of {', '.join(VINTAGE_CHOICES)}"
        )
    try:
        check_transform(request.transform, request.base)
    except TransformError as exc:
        raise SeriesRequestError(str(exc)) from None
    if request.vintages == "all" and request.transform != "level":
        raise SeriesRequestError(
            "a transform compares the points of one vintage; ask for vintages=all or for "
            "a transform, not both"
        )
    if request.vintages == "all" and request.frequency:
        raise SeriesRequestError(
            "a frequency converts the points of one vintage; ask for vintages=all or for "
            "a frequency, not both"
        )


def prepare(store: Store, request: SeriesRequest) -> IssueRef | None:
    """Check a request against the store (cheap: the catalog and the issues, no series) and
    return the vintage it reads (None: now); raises SeriesRequestError. The API answers a
    conditional request between this and read_series."""
    check_request(request)
    check_indicators(store, request.indicators)
    return resolve_as_of(store, request.as_of) if request.as_of else None


def read_series(store: Store, request: SeriesRequest) -> SeriesResult:
    """The rows a request asks for (see the module docstring); raises SeriesRequestError."""
    return read_prepared(store, request, prepare(store, request))


def read_prepared(
    store: Store,
    request: SeriesRequest,
    vintage: IssueRef | None,
    *,
    for_export: bool = False,
    columns: Sequence[str] | None = None,
) -> SeriesResult:
    """read_series for a request prepare() has checked and resolved to this vintage.
    for_export: the rows only feed export_rows (the API), so the current series is read
    with the columns the export, the forms and the transforms use (EXPORT_SOURCE_COLUMNS).
    columns: the only ones a reader needs of a current series in levels with nothing derived
    (a chart image reads no sentences); a vintage, a transform or derived values read every
    column."""
    ids = list(request.indicators)
    catalog = queries.indicators(store, with_retired=True)
    kinds = dict(zip(catalog["id"], catalog["kind"], strict=True))
    statements_only = request.vintages == "all"
    deriving = not statements_only and request.derived != "exclude"
    # A growth series' derived values are read from its level series: read it too.
    extra = derivation_sources(catalog, ids) if deriving else []
    narrow = columns if not deriving and request.transform == "level" else None
    rows = _read(store, [*ids, *extra], request, vintage, for_export, narrow)
    rows = rows.assign(form=forms(rows, kinds))
    stated = int(rows["indicator"].isin(ids).sum())
    if deriving:
        rows = with_derived(rows, catalog, ids)
    if extra:
        rows = rows[rows["indicator"].isin(ids)].reset_index(drop=True)
    refusals: tuple[Refusal, ...] = ()
    if request.frequency:
        measures = dict(zip(catalog["id"], catalog["measure"], strict=True))
        rows, refused = convert(rows, request.frequency, kinds, measures)
        refusals = tuple(refused)
    untransformed = 0
    before_transform = rows
    if request.transform != "level":
        transformed = transform_series(rows, request.transform, request.base)
        untransformed = len(rows) - len(transformed)
        rows = transformed
    filtered = filter_rows(rows, request)
    reason = None
    if filtered.empty:
        reason = empty_reason(request, stated, before_transform, rows, refusals)
    return SeriesResult(
        rows=filtered,
        request=request,
        vintage=vintage,
        untransformed=untransformed,
        refusals=refusals,
        empty_reason=reason,
    )


def _read(
    store: Store,
    ids: list[str],
    request: SeriesRequest,
    vintage: IssueRef | None,
    for_export: bool,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    if request.vintages == "all":
        return queries.statements(store, ids, vintage.issue_key if vintage else None)
    if vintage is not None:
        return queries.series_as_of(store, ids, vintage.issue_key)
    if columns is not None:
        # The forms need the name and the period as written whatever the reader asked for.
        return queries.series(store, ids, list(dict.fromkeys([*columns, *_FORM_SOURCE_COLUMNS])))
    if not for_export:
        return queries.series(store, ids, SERIES_COLUMNS)
    columns = [*EXPORT_SOURCE_COLUMNS, *_FORM_SOURCE_COLUMNS]
    columns = [c for c in SERIES_COLUMNS if c in columns]
    return queries.series(store, ids, columns)


def data_state(store: Store) -> queries.DataState:
    """The data version and the time of the last write: what a reader's copy is."""
    return queries.data_state(store)


def filter_rows(rows: pd.DataFrame, request: SeriesRequest) -> pd.DataFrame:
    """The rows within the request's periods, kinds and forecast choice (after transforms,
    which may compare a point with one outside the window)."""
    keep = pd.Series(True, index=rows.index)
    if request.start:
        start = pd.Timestamp(parse_period(request.start).start)
        keep &= pd.to_datetime(rows["period_start"]) >= start
    if request.end:
        end = pd.Timestamp(parse_period(request.end).end)
        keep &= pd.to_datetime(rows["period_end"]) <= end
    if request.period_kinds:
        keep &= rows["period_kind"].isin(list(request.period_kinds))
    if request.forms and "form" in rows.columns:
        keep &= rows["form"].isin(list(request.forms))
    if request.derived in ("exclude", "only") and "derived" in rows.columns:
        derived = rows["derived"].fillna(False).astype(bool)
        keep &= ~derived if request.derived == "exclude" else derived
    forecast = rows["forecast"].astype(bool)
    if request.forecasts == "exclude":
        keep &= ~forecast
    elif request.forecasts == "only":
        keep &= forecast
    return rows if bool(keep.all()) else rows[keep].reset_index(drop=True)


def download_name(request: SeriesRequest, extension: str = "csv") -> str:
    """The file's name, carrying what the rows are: logistics_total_yoy_as-of-2021-15.csv."""
    parts = ["_".join(request.indicators)[:80]]
    if request.transform != "level":
        parts.append(request.transform + (f"-{request.base}" if request.base else ""))
    if request.as_of:
        parts.append(f"as-of-{request.as_of}")
    if request.frequency:
        parts.append(request.frequency)
    if request.derived != "include":
        parts.append(f"derived-{request.derived}")
    if request.vintages == "all":
        parts.append("vintages")
    return "_".join(parts).replace("/", "-") + "." + extension
