"""quotesearch: find attributed statements in news articles and search them.

    import quotesearch as qs
    qs.extract(text)                      # -> list[Statement]
    ix = qs.Index("index/")               # add, search, statements, speakers, sources, source, show, trace, export

Importing this package is cheap: the extractor (NLTK) and the store (whoosh) load when first used.
"""

__version__ = "0.1.0"

from .api import Index, extract, filters  # noqa: E402
from .errors import (IndexLocked, NoIndex, NoInput, NotFound, QuerySyntaxError, QuotesearchError,  # noqa: E402
                     ReadError, SchemaMismatch)
from .ingest.inputs import Inputs  # noqa: E402
from .models import Article, Filters, Hit, SearchResults, Skipped, Source, Speaker, Statement  # noqa: E402

__all__ = ["__version__", "extract", "Index", "Inputs", "filters", "Article", "Statement", "Source", "Hit",
           "Speaker", "SearchResults", "Filters", "Skipped", "QuotesearchError", "NoInput", "QuerySyntaxError",
           "NoIndex", "IndexLocked", "SchemaMismatch", "NotFound", "ReadError"]
