"""quotesearch: find attributed statements in news articles and search them.

    import quotesearch as qs
    qs.extract(text)                      # -> list[Statement]
    ix = qs.Index("index/")               # add, search, statements, speakers, sources, source, show, trace, export

The names below load on first use (PEP 562), so importing the package — and ``quotesearch --help`` —
stays instant: the extractor (NLTK) and the store (whoosh) load only when something needs them.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "extract": "api", "Index": "api", "filters": "api",
    "Inputs": "ingest.inputs",
    "Article": "models", "Statement": "models", "Source": "models", "Hit": "models", "Speaker": "models",
    "SearchResults": "models", "Filters": "models", "Skipped": "models",
    "QuotesearchError": "errors", "NoInput": "errors", "QuerySyntaxError": "errors", "NoIndex": "errors",
    "IndexLocked": "errors", "SchemaMismatch": "errors", "NotFound": "errors", "ReadError": "errors",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'quotesearch' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
