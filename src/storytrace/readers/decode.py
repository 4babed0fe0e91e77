"""Bytes to text: UTF-8 first, UTF-16 with a BOM, else the declared or the detected legacy encoding.

Line endings become "\\n" on reading: the text as returned is what every offset points into.
"""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import from_bytes

# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.I)


def newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, where: str, errors: list[str], declared: str | None = None,
           markup: bool = False, noun: str = "file") -> str | None:
    """The text of ``data``, or None (with a line in ``errors``) when it is empty or binary.
    ``declared`` is an encoding named outside the bytes (an HTTP header); with ``markup`` the
    page's own <meta charset> is honoured too. ``noun`` names the thing in messages ("file", "body")."""
    if not data.strip():
        errors.append(f"{where}: empty {noun}, skipped")
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return newlines(data.decode("utf-16"))
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            errors.append(f"{where}: UTF-16 without a byte-order mark, read as {text[1]}")
            return newlines(text[0])
        errors.append(f"{where}: binary {noun}, skipped")
        return None
    try:
        return newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    if markup and not declared:
        m = _DECLARED.search(data[:4096])
        declared = m.group(1).decode("ascii", "replace") if m else None
    encoding = _known(declared) if declared else None
    if encoding and not encoding.startswith("utf"):
        errors.append(f"{where}: not UTF-8, read as {encoding} (declared)")
        return newlines(data.decode(encoding, errors="replace"))
    encoding = guess_legacy(data)
    if encoding is None:
        errors.append(f"{where}: binary or undecodable {noun}, skipped")
        return None
    errors.append(f"{where}: not UTF-8, read as {encoding}")
    return newlines(data.decode(encoding))


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a BOM: Latin-script text puts a zero byte in every other position (odd
    ones little-endian, even ones big-endian) and almost none in the others; binary data does not.
    Returns the text and the encoding, or None."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for zeros, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * half and others <= 0.01 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            controls = sum(1 for ch in text if ch < " " and ch not in "\n\r\t")
            return (text, encoding.upper()) if controls <= 0.01 * len(text) else None
    return None


def _known(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def guess_legacy(data: bytes) -> str | None:
    matches = [m for m in from_bytes(data) if not m.encoding.startswith("utf")]
    if not matches:
        return None
    # Short texts leave many encodings tied; cp1252 is by far the most common legacy one for news, so
    # prefer it when it is among the least chaotic readings (charset-normalizer often names cp1250 instead).
    least = min(m.chaos for m in matches)
    if any("cp1252" in m.could_be_from_charset for m in matches if m.chaos <= least + 0.01):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return matches[0].encoding


def gunzip(data: bytes, where: str, errors: list[str], limit: int | None = None) -> bytes | None:
    """A gzip file's content; a truncated or damaged one gives what could be read, with a note.
    Decompression is streamed and stops at ``limit`` bytes (a gzip bomb is refused, not expanded)."""
    out, rest, complete = bytearray(), data, True
    step = 1 << 20
    while rest:  # a gzip file may hold several members, one after another
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while rest:
                out += inflater.decompress(rest, step)
                rest = inflater.unconsumed_tail
                if limit is not None and len(out) > limit:
                    from ..limits import human

                    errors.append(f"{where}: expands to more than {human(limit)} (the decompressed-size limit, "
                                  f"--max-decompressed-bytes), skipped")
                    return None
                if inflater.eof:
                    break
        except zlib.error as exc:
            if not out.strip():
                errors.append(f"{where}: not a readable gzip file ({' '.join(str(exc).split())}), skipped")
                return None
            errors.append(f"{where}: damaged gzip file ({' '.join(str(exc).split())}), read the {len(out)} bytes before the damage")
            return bytes(out)
        if not inflater.eof:
            complete = False
            break
        rest = inflater.unused_data
    if not complete:
        if not out.strip():
            errors.append(f"{where}: truncated gzip file, nothing readable, skipped")
            return None
        errors.append(f"{where}: truncated gzip file, read the {len(out)} bytes before the cut")
    return bytes(out)
