"""The storage the indexes write to, in memory. SqliteStorage (sqlite_storage.py) has the same
methods over tables; an index never knows which one it has.

* postings: ``kind`` -> key -> owners (n-grams, band keys, terms), with how many owners a key has;
* values: a small value per owner and kind (an article's count of sampled n-grams);
* vectors: one vector per owner, each with its top neighbour cosines and the floor a newcomer must
  beat to enter them (vector.py).
"""

from __future__ import annotations

import numpy as np

from .vector_rows import VectorRows


class MemoryStorage:
    def __init__(self, dimensions: int = 384) -> None:
        self._postings: dict[str, dict[int, list[int]]] = {}
        self._values: dict[str, dict[int, object]] = {}
        self._matrix = VectorRows(dimensions)
        self._tops: dict[int, np.ndarray] = {}

    # ---- postings
    def add_postings(self, kind: str, owner: int, keys: np.ndarray, most: int | None = None) -> None:
        """``owner`` holds these keys. Given ``most``, a key with ``most`` owners already takes no
        more: a query ignores a key with that many (``postings``' ``most``), and owners only grow,
        so the rest would never be read (83% of the name and number postings of 100,000 synthetic
        articles were such, BENCHMARKS.md "Postings of common keys")."""
        table = self._postings.setdefault(kind, {})
        for key in keys.tolist():
            owners = table.setdefault(key, [])
            if (most is None or len(owners) < most) and owner not in owners[-1:]:
                owners.append(owner)

    def postings(self, kind: str, keys: np.ndarray, most: int | None = None) -> dict[int, np.ndarray]:
        """key -> its owners (int64) for the keys that have any (a query needs their count and
        who they are: one read) and, given ``most``, no more than ``most`` (a query ignores a
        commoner key: its owners are not read)."""
        table = self._postings.get(kind, {})
        return {k: np.array(table[k], dtype=np.int64) for k in keys.tolist()
                if k in table and (most is None or len(table[k]) <= most)}

    # ---- values
    def set_value(self, kind: str, owner: int, value) -> None:
        self._values.setdefault(kind, {})[owner] = value

    def values(self, kind: str, owners: list[int]) -> list:
        table = self._values.get(kind, {})
        return [table.get(o) for o in owners]

    # ---- vectors
    def add_vector(self, owner: int, packed: bytes, top: np.ndarray, floor: float) -> None:
        """A vector as ``leads.pack`` keeps it."""
        self._matrix.append(owner, packed, floor)
        self._tops[owner] = top

    def vectors(self) -> tuple[np.ndarray, VectorRows, np.ndarray]:
        """Owners, their vectors (VectorRows: one row each) and their floors."""
        return self._matrix.view()

    def vector_of(self, owner: int) -> np.ndarray | None:
        return self._matrix.vector_of(owner)

    def tops(self, owners: list[int]) -> list[np.ndarray]:
        return [self._tops[o] for o in owners]

    def set_tops(self, updates: dict[int, tuple[np.ndarray, float]]) -> None:
        for owner, (top, floor) in updates.items():
            self._tops[owner] = top
            self._matrix.set_floor(owner, floor)
