"""Plain records that flow through the pipeline.

read -> Article; segment -> Paragraph/Sentence/Token spans; extract -> Statement.
Every span is a pair of character offsets into ``Article.text`` (the original text).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

Span = tuple[int, int]

KINDS = ("direct", "indirect", "mixed")
SPEAKER_TYPES = ("person", "organization", "group", "anonymous", "unknown")


@dataclass
class Article:
    """One input article. ``paragraphs`` are spans into ``text``; the first is the headline."""

    id: str
    text: str
    path: str = ""
    title: str = ""
    date: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    paragraphs: list[Span] = field(default_factory=list)
    encoding: Optional[str] = None  # how the bytes were decoded (not kept in the index)


@dataclass
class Skipped:
    """An input that yields no article (an archive record without text, a line that is not JSON ...).
    ``name`` says where it is ("news.jsonl record 12"), ``message`` why it was skipped, ``code`` the
    kind of reason (no-text, bad-json, too-big, not-an-article ...), by which repeated skips are counted
    in one line, and ``count`` how many inputs this one stands for."""

    name: str
    message: str
    code: str = ""
    count: int = 1

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


@dataclass
class Statement:
    """One attributed statement. Field names are the JSON output's keys."""

    id: str
    source: str
    text: str
    kind: str
    speaker: str
    mention: str
    speaker_type: str
    role: Optional[str]
    organization: Optional[str]
    given_to: Optional[str]  # the outlet the statement was given to ("told The Post")
    cue: Optional[str]
    paragraph: int
    spans: list[list[int]]
    context: str
    # the article's metadata (the source's, not the speaker's)
    title: str = ""
    date: Optional[str] = None  # ISO 8601
    url: Optional[str] = None
    outlet: Optional[str] = None  # the publication that carried the article
    # the same person across articles, and the same quote across outlets (set by the indexer)
    speaker_key: str = ""
    quote_group: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def make_id(source: str, start: int) -> str:
        """A stable id: the article id and the offset where the statement starts."""
        return f"{source}:{start}"


STATEMENT_FIELDS = tuple(Statement.__dataclass_fields__)
