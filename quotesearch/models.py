"""The plain records that flow through quotesearch, the same objects on the way into a store and out.

ingest -> ``Article`` (or ``Skipped``); extraction -> ``Statement``; reading a store -> ``Source``,
``Hit``, ``Speaker``, ``SearchResults``; ``Filters`` narrows every read. Every span is a pair
``(start, end)`` of character offsets into ``Article.text``, end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator, Optional

Span = tuple[int, int]

KINDS = ("direct", "indirect", "mixed")
SPEAKER_TYPES = ("person", "organization", "group", "anonymous", "unknown")


@dataclass
class Article:
    """One input article. ``text`` is the article as decoded (line endings kept); ``paragraphs``
    are ``(start, end)`` character offsets into it, end exclusive, the first being the headline;
    ``date`` is ISO 8601; ``id`` the source id every statement of it carries."""

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

    @classmethod
    def from_error(cls, name: str, error: Exception) -> "Skipped":
        """An input that could not be read: the error's message (without the name) and its ``code``."""
        return cls(name, str(error).removeprefix(f"{name}: "), getattr(error, "code", "unreadable"))


@dataclass
class Statement:
    """One attributed statement. Field names are the JSON output's keys.

    ``id`` is ``SOURCE:OFFSET`` (unique: one statement starts at an offset); ``text`` the content
    (a quote's words without the marks; for a split quote, the parts joined); ``kind`` direct,
    indirect or mixed; ``speaker`` the canonical name in the article ("George Barros" for "Barros"
    and "he"), ``mention`` how the sentence names the speaker, ``speaker_type`` one of
    SPEAKER_TYPES; ``cue`` the speech word ("said", "according to"); ``paragraph`` the index of the
    paragraph (0 is the headline); ``spans`` the content as ``[start, end]`` character offsets into
    the article's text, end exclusive (several for a split quote); ``context`` the paragraph's text.
    """

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

@dataclass(frozen=True)
class Filters:
    """What every read accepts; None means no filter. Names are the Statement fields they test.

    ``speaker``: a name as written ('barros', 'Mr. Barros'); ``role``, ``organization``, ``outlet``:
    words of them; ``source``: a source id; ``kind``: direct, indirect or mixed; ``since``/``until``:
    the article's date, YYYY, YYYY-MM or YYYY-MM-DD, both ends included.
    """

    speaker: Optional[str] = None
    role: Optional[str] = None
    organization: Optional[str] = None
    source: Optional[str] = None
    kind: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None
    outlet: Optional[str] = None

    def __bool__(self) -> bool:
        return any(v is not None for v in asdict(self).values())


@dataclass
class Source:
    """One indexed article: its id, metadata, content hash and number of statements."""

    source: str
    title: str = ""
    date: Optional[str] = None  # ISO 8601
    url: Optional[str] = None
    outlet: Optional[str] = None
    path: str = ""
    statements: int = 0
    source_hash: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Hit:
    """One search result: the statement, its score (None when not ranked), ``highlights`` (spans of
    the matched words in ``statement.text``) and, for grouped results, how many ``sources`` carry
    the quote."""

    statement: Statement
    score: Optional[float] = None
    highlights: list[Span] = field(default_factory=list)
    sources: Optional[int] = None

    def to_dict(self) -> dict:
        return dict(self.statement.to_dict(), score=self.score, highlights=[list(s) for s in self.highlights],
                    **({"sources": self.sources} if self.sources is not None else {}))


@dataclass
class Speaker:
    """One speaker across articles (one speaker key): the most used name, type, roles and
    organizations (most used first), statements, sources (articles), first and last date."""

    speaker: str
    speaker_key: str
    speaker_type: str
    roles: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    statements: int = 0
    sources: int = 0
    first: Optional[str] = None
    last: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResults:
    """``hits`` (at most the limit asked for) and ``total``: how many match in all, exactly."""

    hits: list[Hit]
    total: int

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)
