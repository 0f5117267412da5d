"""What can go wrong that a user can fix: one root, ``QuotesearchError``, and its kinds.

Every message is one line and carries a hint (what to run or change). Front doors catch
``QuotesearchError`` in one place; anything else is a bug.
"""


class QuotesearchError(Exception):
    """A problem the user can fix; the message is one line and carries a hint."""


class NoInput(QuotesearchError):
    """Nothing readable was given: no file, an empty folder, only skipped records."""


class BadQuery(QuotesearchError):
    """A query, a filter or an option value that cannot be understood."""


QuerySyntaxError = BadQuery  # the name the search module has always raised


class NoIndex(QuotesearchError):
    """No index at the place given."""


class IndexBusy(QuotesearchError):
    """Another run holds the index's write lock."""


IndexLocked = IndexBusy


class SchemaMismatch(QuotesearchError):
    """The index was written by another version of quotesearch, or is damaged: rebuild it."""


class IndexUnwritable(QuotesearchError):
    """The index cannot be written (no space, read-only, too large a file)."""


class NotFound(QuotesearchError):
    """A source, statement or quote that is not in the index."""


class ReadError(QuotesearchError):
    """An input that cannot be read as an article."""
