"""What can go wrong that a user can fix: one root, ``QuotesearchError``, and its kinds.

Every message is one line and carries a hint (what to run or change). The command line catches
``QuotesearchError`` in one place; anything else is a bug.
"""


class QuotesearchError(Exception):
    """A problem the user can fix; the message is one line and carries a hint."""


class ReadError(QuotesearchError):
    """An input that cannot be read as an article (missing, binary, too large, undecodable …).
    ``code`` names the kind of reason (unreadable, needs-html-extra …), by which skips are counted."""

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.code = code


class NoInput(QuotesearchError):
    """Nothing readable was given: every input was skipped."""


class QuerySyntaxError(QuotesearchError):
    """A query, filter or option value that cannot be understood."""


class NoIndex(QuotesearchError):
    """No index at the place given."""


class IndexLocked(QuotesearchError):
    """Another run holds the index's write lock (the index is busy)."""


class SchemaMismatch(QuotesearchError):
    """The index was written by another version of quotesearch, or is damaged: rebuild it."""


class NotFound(QuotesearchError):
    """A source, statement or quote that is not in the index."""


class StoreUnavailable(QuotesearchError):
    """The store's server cannot be reached, or refuses the connection (a database server's URL)."""
