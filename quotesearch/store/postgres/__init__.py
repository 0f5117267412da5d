"""The PostgreSQL store: statements kept and searched in a PostgreSQL database (psycopg 3).

    quotesearch index seeds/ --index postgresql://USER@HOST:5432/DB
    quotesearch search troops --index 'postgresql://USER@HOST/DB?schema=news'

Where: the URL is libpq's (``postgresql://`` or ``postgres://``; a password may be in it, in
``PGPASSWORD`` or in ``~/.pgpass``, and is never printed). Tables live in one schema of that
database: ``?schema=NAME`` in the URL, else the environment variable ``QUOTESEARCH_PG_SCHEMA``, else
``quotesearch``. Names are lowercase letters, digits and ``_``.

What is created, on the first write, in that schema (the schema too, when missing): the tables
``qs_meta`` (schema version, a commit counter), ``qs_settings`` (small named files: the aliases),
``qs_sources`` (one row per article), ``qs_statements`` (one row per statement, with a generated
``tsvector`` column ``tsv``, a GIN index over it and one over each kind's rows, none with a pending
list), their indexes, and the text search
configuration ``qs_english`` (the English Snowball stemmer, without stop words: every word is
searchable, a phrase matches word for word). Nothing else is ever created, and nothing quotesearch
did not create is dropped: a rebuild drops only the old ``qs_sources``/``qs_statements`` it replaces
(and the ``*_rebuild`` tables of a rebuild that was killed). A schema version other than this
one's gives SchemaMismatch with the rebuild hint, as the whoosh store does.

How writes stay consistent (StoreWriter, store/base.py):
- A source is replaced in one transaction: its rows are deleted (by source id) and the new ones
  copied in (``COPY``), with the other sources of the batch, then committed. Readers see the old
  source or the new one. Written again (a re-run, a retried task), it is replaced, never doubled:
  rows are keyed by statement id and source id.
- The write lock is a PostgreSQL advisory lock named after the schema
  (``pg_advisory_xact_lock(0x5153, hashtext(schema))``), taken when a batch starts (its first write
  or ``refresh``) and released by its commit, like the whoosh store's lock file: several writers,
  on any number of machines, take turns batch by batch. Waiting longer than ``lock_timeout``
  (``SET LOCAL lock_timeout``; 10 s by default) raises IndexLocked. Under the lock, a writer first
  reads the commit counter in ``qs_meta``: when another run committed since it last looked,
  ``refresh`` says so and the indexer reads the speaker's quote groups again from the committed
  rows before assigning new ones; the counter is raised in the same transaction as the rows.
  So quote groups and speaker keys are assigned one batch at a time over everything committed.
- A rebuild holds the lock (a session advisory lock on the same key) from start to end, copies
  into fresh ``*_rebuild`` tables (with only the indexes that deletes need; the others are built
  once at the end), two batches at once on connections of their own (the server's share of a
  load, a tsvector per row, then runs on two cores; a source written again waits for the batches
  before it), and swaps them in in one transaction when the run ends well; until then readers
  see the old tables, and on an exception the new ones are dropped.

Reads: every call runs in one read-only REPEATABLE READ transaction (one snapshot); ``statements()``
streams through a server-side (named) cursor on a connection of its own.
"""
from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...errors import QuotesearchError

SCHEMES = ("postgresql", "postgres")
DEFAULT_SCHEMA = "quotesearch"
SCHEMA_ENV = "QUOTESEARCH_PG_SCHEMA"
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")


def is_url(location) -> bool:
    """Whether ``location`` is a PostgreSQL URL (postgresql://… or postgres://…)."""
    return isinstance(location, str) and location.split("://", 1)[0].lower() in SCHEMES and "://" in location


def shown(location: str) -> str:
    """``location`` as messages show it: a URL without its password; anything else as it is."""
    if not is_url(location):
        return location
    parts = urlsplit(location)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + host
    query = urlencode([(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)],
                      safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def split_url(location: str) -> tuple[str, str]:
    """(the URL libpq connects to, the schema name): ``schema`` is taken out of the query string,
    else QUOTESEARCH_PG_SCHEMA, else 'quotesearch'. Raises QuotesearchError for a bad name."""
    parts = urlsplit(location)
    params = parse_qsl(parts.query, keep_blank_values=True)
    schema = os.environ.get(SCHEMA_ENV) or DEFAULT_SCHEMA
    kept = []
    for key, value in params:
        if key == "schema":
            schema = value
        else:
            kept.append((key, value))
    if not _SCHEMA_NAME.match(schema):
        raise QuotesearchError(f"schema name {schema!r} for {shown(location)} is not lowercase letters, digits and _ "
                               "(starting with a letter or _); e.g. ?schema=news")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment)), schema


def __getattr__(name):
    if name == "PostgresStore":
        from .store import PostgresStore

        return PostgresStore
    raise AttributeError(name)
