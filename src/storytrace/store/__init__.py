"""The store behind ``storytrace add`` and ``storytrace trace``: a persistent SQLite index of
articles with their pairs, stories, sources and claims (see README, "The store")."""

from .add import AddReport, add_articles
from .export import export_result, exported
from .schema import NotAStore
from .store import DEFAULT_PATH, Store, StoreBusy
from .trace import trace_article, trace_stored

__all__ = ["AddReport", "add_articles", "export_result", "exported", "NotAStore", "DEFAULT_PATH", "Store", "StoreBusy",
           "trace_article", "trace_stored"]
