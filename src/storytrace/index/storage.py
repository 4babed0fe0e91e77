"""The storage the indexes write to, in memory. SqliteStorage (sqlite_storage.py) has the same
methods over tables; an index never knows which one it has.

* postings: ``kind`` -> key -> owners (n-grams, band keys, terms), with how many owners a key has;
* values: a small value per owner and kind (an article's count of sampled n-grams);
* vectors: one vector per owner, each with its top neighbour cosines and the floor a newcomer must
  beat to enter them (vector.py).
"""

from __future__ import annotations

import numpy as np


class MemoryStorage:
    def __init__(self, dimensions: int = 384) -> None:
        self._postings: dict[str, dict[int, list[int]]] = {}
        self._values: dict[str, dict[int, object]] = {}
        self._matrix = VectorRows(dimensions)
        self._tops: dict[int, np.ndarray] = {}

    # ---- postings
    def add_postings(self, kind: str, owner: int, keys: np.ndarray) -> None:
        table = self._postings.setdefault(kind, {})
        for key in keys.tolist():
            table.setdefault(key, []).append(owner)

    def postings(self, kind: str, keys: np.ndarray) -> dict[int, np.ndarray]:
        """key -> its owners (int64) for the keys that have any (a query needs their count and
        who they are: one read)."""
        table = self._postings.get(kind, {})
        return {k: np.array(table[k], dtype=np.int64) for k in keys.tolist() if k in table}

    # ---- values
    def set_value(self, kind: str, owner: int, value) -> None:
        self._values.setdefault(kind, {})[owner] = value

    def values(self, kind: str, owners: list[int]) -> list:
        table = self._values.get(kind, {})
        return [table.get(o) for o in owners]

    # ---- vectors
    def add_vector(self, owner: int, vector: np.ndarray, top: np.ndarray, floor: float) -> None:
        self._matrix.append(owner, vector, floor)
        self._tops[owner] = top

    def vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Owners, their vectors (one row each) and their floors."""
        return self._matrix.view()

    def vector_of(self, owner: int) -> np.ndarray | None:
        return self._matrix.vector_of(owner)

    def tops(self, owners: list[int]) -> list[np.ndarray]:
        return [self._tops[o] for o in owners]

    def set_tops(self, updates: dict[int, tuple[np.ndarray, float]]) -> None:
        for owner, (top, floor) in updates.items():
            self._tops[owner] = top
            self._matrix.set_floor(owner, floor)


class VectorRows:
    """Vectors with their owners and floors in arrays that grow by doubling (appending one row
    does not copy the matrix)."""

    def __init__(self, dimensions: int) -> None:
        self._owners = np.zeros(0, np.int64)
        self._vectors = np.zeros((0, dimensions), np.float32)
        self._floors = np.zeros(0, np.float32)
        self._row: dict[int, int] = {}
        self.size = 0

    def append(self, owner: int, vector: np.ndarray, floor: float) -> None:
        if self.size == len(self._owners):
            room = max(64, 2 * self.size)
            self._owners = np.resize(self._owners, room)
            self._floors = np.resize(self._floors, room)
            grown = np.zeros((room, self._vectors.shape[1]), np.float32)
            grown[:self.size] = self._vectors[:self.size]
            self._vectors = grown
        self._owners[self.size], self._floors[self.size] = owner, floor
        self._vectors[self.size] = vector
        self._row[owner] = self.size
        self.size += 1

    def view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self.size
        return self._owners[:n], self._vectors[:n], self._floors[:n]

    def vector_of(self, owner: int) -> np.ndarray | None:
        row = self._row.get(owner)
        return None if row is None else self._vectors[row]

    def set_floor(self, owner: int, floor: float) -> None:
        self._floors[self._row[owner]] = floor
