"""Article lead vectors rounded to 8 bits (issue 13: the store's size).

Every lead vector (``prepared.prepare``) is rounded as it leaves the encoder: each component to
the nearest of 255 levels, ``q * scale`` with q an integer in [-LEAD_LEVELS, LEAD_LEVELS] and one
float32 ``scale`` per vector (its largest component / LEAD_LEVELS). The rounded vector is float32
like any other, and ``analyze``, the dask engine, ``compare``, ``add`` and ``trace`` all use the
same rounded values, so the store can keep a lead vector as its 384 bytes of q and 4 bytes of scale
(``pack``, 388 bytes instead of 1,536) and give back the same float32 values bit for bit
(``unpack``). A vector that does not round-trip (one that was not rounded here) is kept as plain
float32 instead: ``pack`` checks, so the store is lossless either way.
"""

from __future__ import annotations

import numpy as np

from ..thresholds import LEAD_LEVELS

_FLOAT32 = 4


def round_leads(vectors: np.ndarray) -> np.ndarray:
    """Each row rounded to ``q * scale`` (float32), q integers in [-LEAD_LEVELS, LEAD_LEVELS]."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or not vectors.size:
        return vectors.copy()
    q, scale = _quantize(vectors)
    return q.astype(np.float32) * scale[:, None]


def rounded_packs(vectors: np.ndarray) -> list[bytes]:
    """Each row rounded as ``round_leads`` rounds it, in ``pack``'s form (scale, then q): ``unpack``
    gives ``round_leads``' row bit for bit (the same float32 product of q and scale), without the
    float32 row ever being held."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or not vectors.size:
        return [pack(v) for v in vectors]
    q, scale = _quantize(vectors)
    return [s.tobytes() + row.tobytes() for s, row in zip(scale, q)]


def _quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    peak = np.abs(vectors).max(axis=1)
    scale = (peak / np.float32(LEAD_LEVELS)).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1))
    q = np.clip(np.rint(vectors / safe[:, None]), -LEAD_LEVELS, LEAD_LEVELS).astype(np.int8)
    return q, scale


def pack(vector: np.ndarray) -> bytes:
    """A lead vector as the store keeps it: 4 bytes of scale then one signed byte per component when
    that gives back exactly this vector, else its float32 bytes (told apart by their length)."""
    vector = np.ascontiguousarray(vector, dtype=np.float32)
    q, scale = _quantize(vector[None, :])
    for s in (scale[0], np.nextafter(scale[0], np.float32(0)), np.nextafter(scale[0], np.float32(1))):
        s = np.float32(s)
        if (q[0].astype(np.float32) * s).tobytes() == vector.tobytes():  # bit for bit
            return s.tobytes() + q[0].tobytes()
    return vector.tobytes()


def split_pack(blob: bytes, dimensions: int) -> tuple[np.ndarray | None, float]:
    """(q as int8, scale) of a blob in ``pack``'s 8-bit form; (None, 0.0) for one kept as float32."""
    if len(blob) != _FLOAT32 + dimensions:
        return None, 0.0
    return np.frombuffer(blob, np.int8, offset=_FLOAT32), float(np.frombuffer(blob, np.float32, count=1)[0])


def split_packs(blobs: list[bytes], dimensions: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``split_pack`` of many blobs in one numpy pass: (q as an int8 matrix, one row a blob, and the
    float32 scales); None unless every blob has the 8-bit form."""
    width = _FLOAT32 + dimensions
    if any(len(b) != width for b in blobs):
        return None
    raw = np.frombuffer(b"".join(blobs), np.uint8).reshape(len(blobs), width)
    return raw[:, _FLOAT32:].view(np.int8), raw[:, :_FLOAT32].copy().view(np.float32)[:, 0]


def unpack(blob: bytes, dimensions: int) -> np.ndarray:
    """The float32 vector ``pack`` was given."""
    if len(blob) == dimensions * _FLOAT32:
        return np.frombuffer(blob, np.float32).copy()
    scale = np.frombuffer(blob, np.float32, count=1)[0]
    return np.frombuffer(blob, np.int8, offset=_FLOAT32).astype(np.float32) * scale


def unpack_many(blobs: list[bytes], dimensions: int) -> np.ndarray:
    """``unpack`` of each blob, as one float32 matrix (one row a blob): the same values, made in
    one pass when every blob has the 8-bit form."""
    if not blobs:
        return np.zeros((0, dimensions), np.float32)
    split = split_packs(blobs, dimensions)
    if split is None:
        return np.stack([unpack(b, dimensions) for b in blobs])
    q, scales = split
    return q.astype(np.float32) * scales[:, None]
