"""Typed records that flow from a brief file to the store."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from loaders.vocab.qualifiers import Qualifier


class IssueHeader(BaseModel):
    """The masthead of one issue: 2021 年第 15 期（总第 460 期）, 2021 年 4 月 26 日."""

    model_config = ConfigDict(extra="forbid")

    title: str
    year: int
    number: int
    total_number: int | None = None
    published: date

    @property
    def key(self) -> str:
        """Stable identity of an issue across files: year and number (2021-15)."""
        return f"{self.year}-{self.number:02d}"

    @staticmethod
    def year_of_key(key: str) -> int:
        """The year an issue key names (2021-15 -> 2021)."""
        return int(key.partition("-")[0])

    @property
    def label_zh(self) -> str:
        return f"{self.year} 年第 {self.number} 期"


class Article(BaseModel):
    """One article of an issue; start/end are character offsets into the cleaned text."""

    model_config = ConfigDict(extra="forbid")

    index: int
    title: str
    editor: str | None = None
    text: str
    start: int
    end: int


class Provenance(BaseModel):
    """Where a figure came from: the article, its editor and the sentence quoted."""

    model_config = ConfigDict(extra="forbid")

    article: str
    article_index: int
    editor: str | None = None
    quote: str
    # Character span of the quoted sentence in the issue's cleaned text.
    span_start: int
    span_end: int
    # Where the figure itself starts in the cleaned text: a sentence may say "55.2%" twice,
    # for two series. None for typed figures and for figures stored before schema 7.
    figure_start: int | None = None
    # The row of a figures table the figure was typed in (the first row under the header is
    # 1, blank rows counted as the file has them), so messages and the review name the row
    # the editor sees in the file; None for a figure read from a brief.
    source_row: int | None = None
    # The organisation the text cites for the figure (中物联, 普华永道; loaders.figures.sources), or
    # None where it names none.
    source_org: str | None = None


# Where a stored figure came from: as the loaders extracted it, changed or assigned by an
# editor in the review, or typed in a figures table.
Origin = Literal["extracted", "reviewed", "typed"]


class Observation(Provenance):
    """A figure mapped onto a catalog indicator, value in the catalog unit."""

    indicator: str
    period: str
    value: float
    unit: str
    qualifier: Qualifier = "exact"
    forecast: bool = False
    derived: bool = False
    # The figure and the period as written in the text, for reviewers.
    figure_text: str = ""
    period_text: str = ""
    # Upper bound of a range (55-60%); value holds the lower bound.
    value_high: float | None = None
    origin: Origin = "extracted"


class UnassignedFigure(Provenance):
    """A figure that matched no indicator, kept so a reviewer can assign it."""

    value: float
    unit: str
    qualifier: Qualifier = "exact"
    forecast: bool = False
    period: str | None = None
    figure_text: str = ""
    period_text: str = ""
    value_high: float | None = None
    # The words before the figure in its clause: what the figure is about.
    subject: str = ""
    # A best guess the loaders did not dare commit (two series tie, a conflicting repeat,
    # a flow whose period the text leaves open): shown to the reviewer, never stored as
    # an observation by itself.
    suggested_indicator: str | None = None
    suggested_period: str | None = None
    # Why no series took it (a code of loaders.figures.number_states.REASONS): no_series, ambiguous,
    # superseded, threshold, range … Shown to the reviewer; "" for figures stored before.
    reason: str = ""


NumberStateName = Literal["observation", "unassigned", "ignored"]


class NumberState(BaseModel):
    """What became of one number of an issue's text (loaders.figures.number_states)."""

    model_config = ConfigDict(extra="forbid")

    text: str  # as written: "1,765", "三千", "2021"
    start: int  # offsets in the issue's cleaned text
    end: int
    state: NumberStateName
    reason: str  # a code of loaders.figures.number_states.REASONS
    indicator: str | None = None  # the series of an observation
    suggested_indicator: str | None = None  # the guess for an unassigned figure
    period: str | None = None
    article_index: int | None = None  # None: the masthead or a headline


class Extraction(BaseModel):
    """Everything the loaders found in one brief file."""

    model_config = ConfigDict(extra="forbid")

    source_name: str
    sha256: str
    issue: IssueHeader
    articles: list[Article] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    unassigned: list[UnassignedFigure] = Field(default_factory=list)
    # Figures that repeat an observation kept elsewhere in the issue (a headline, a table
    # cell): the same series and period, so one observation; kept so every number of the
    # text is accounted for.
    repeats: list[Observation] = Field(default_factory=list)
    clean_text: str = ""

    def to_public_json(self) -> dict:
        """The shape `python -m loaders extract --json` prints (and uploads accept)."""
        issue = self.issue.model_dump(mode="json")
        return {
            "issue": issue,
            "observations": [
                {
                    "indicator": o.indicator,
                    "period": o.period,
                    "value": o.value,
                    "unit": o.unit,
                    "qualifier": o.qualifier,
                    "forecast": o.forecast,
                    "derived": o.derived,
                    "quote": o.quote,
                    "article": o.article,
                }
                for o in self.observations
            ],
            "unassigned": [
                {
                    "value": u.value,
                    "unit": u.unit,
                    "qualifier": u.qualifier,
                    "forecast": u.forecast,
                    "period": u.period,
                    "figure": u.figure_text,
                    "subject": u.subject,
                    "suggested_indicator": u.suggested_indicator,
                    "suggested_period": u.suggested_period,
                    "quote": u.quote,
                    "article": u.article,
                    "reason": u.reason,
                }
                for u in self.unassigned
            ],
        }
