"""quotesearch: find attributed statements in news articles and search them."""

__version__ = "0.1.0"
