"""Candidate sources as index objects, for the store (``storytrace add`` / ``trace``).

Each index takes one article at a time (``insert(owner, features)``) and answers, for a new
article, the stored articles the batch engine's candidate functions (candidate_pairs.py,
text/neardup.py) would pair it with (``query(features)``). Owners are integers (the store's article numbers, in
the order they were inserted). Storage is behind one small interface (storage.py) with two back
ends: in memory and SQLite.
"""

from .candidates import CandidateIndex, Candidates
from .features import Features, features_of
from .storage import MemoryStorage
from .sqlite_storage import SqliteStorage

__all__ = ["CandidateIndex", "Candidates", "Features", "features_of", "MemoryStorage", "SqliteStorage"]
