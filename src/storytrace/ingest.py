"""Read files, folders, JSONL, dicts and Articles into ``Article`` records.

Bad input never raises: each problem becomes a one-line message in
``IngestResult.errors`` naming the file (and JSONL line) so a run over a messy
folder still reads everything it can. Only programmer errors (an input of an
unsupported type) raise.

Line endings are normalised to "\\n" on reading; ``Article.text`` as stored is
the reference for every offset later on.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .model import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
OPTIONAL_FIELDS = ("title", "url", "outlet", "published", "byline")
# Folder documentation, not articles: skipped when walking a folder (read if named explicitly).
_DOC_STEMS = {"readme", "license", "licence", "changelog"}


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_inputs(inputs: Iterable[str | os.PathLike | dict | Article] | str | os.PathLike) -> IngestResult:
    """Read every input; folders are walked recursively in sorted order, hidden entries skipped."""
    if isinstance(inputs, (str, os.PathLike, dict, Article)):
        inputs = [inputs]  # a lone path is an easy slip; treat it as a list of one
    result = IngestResult()
    seen_ids: set[str] = set()
    seen_files: set[Path] = set()

    def add(article: Article, where: str) -> None:
        if article.id in seen_ids:
            n = 2
            while f"{article.id}#{n}" in seen_ids:
                n += 1
            new_id = f"{article.id}#{n}"
            result.errors.append(f"{where}: duplicate id {article.id!r}, renamed {new_id!r}")
            article = dataclasses.replace(article, id=new_id)
        seen_ids.add(article.id)
        result.articles.append(article)

    for position, item in enumerate(inputs, 1):
        if isinstance(item, Article):
            add(item, item.origin or f"input {position}")
        elif isinstance(item, dict):
            article = _from_record(item, f"input:{position}", f"input {position}", result.errors)
            if article:
                add(article, f"input {position}")
        elif isinstance(item, (str, os.PathLike)):
            for path in _expand(Path(item), result.errors):
                key = path.resolve()
                if key in seen_files:
                    result.errors.append(f"{path}: already read, skipped")
                    continue
                seen_files.add(key)
                for article in _read_file(path, result.errors):
                    add(article, article.origin or str(path))
        else:
            raise TypeError(f"read_inputs: unsupported input {type(item).__name__}: {item!r}")
    return result


def _expand(path: Path, errors: list[str]) -> Iterable[Path]:
    """The files a path names: itself, whatever its extension, or a folder's article files, sorted."""
    if path.is_dir():
        found = False

        def on_error(exc: OSError) -> None:
            errors.append(f"{exc.filename}: cannot read folder ({exc.strerror})")

        for root, dirs, files in os.walk(path, onerror=on_error):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                p = Path(root, name)
                suffix = p.suffix.lower()
                if name.startswith(".") or p.stem.lower() in _DOC_STEMS:
                    continue
                if suffix in TEXT_SUFFIXES or suffix in JSONL_SUFFIXES:
                    found = True
                    yield p
        if not found:
            errors.append(f"{path}: no readable files in folder")
    elif path.exists() or path.is_symlink():
        yield path
    else:
        errors.append(f"{path}: no such file or folder")


def _read_file(path: Path, errors: list[str]) -> list[Article]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        return []
    text = _decode(data, path, errors)
    if text is None:
        return []
    if path.suffix.lower() in JSONL_SUFFIXES:
        return _read_jsonl(text, path, errors)
    if not text.strip():
        errors.append(f"{path}: empty file, skipped")
        return []
    return [Article(id=path.stem, text=text, origin=str(path))]


def _decode(data: bytes, path: Path, errors: list[str]) -> str | None:
    """UTF-8 (BOM stripped), UTF-16 with a BOM, else a legacy encoding guessed by charset-normalizer."""
    if not data.strip():
        errors.append(f"{path}: empty file, skipped")
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _newlines(data.decode("utf-16"))
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        errors.append(f"{path}: binary file, skipped")
        return None
    try:
        return _newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy(data)
    if encoding is None:
        errors.append(f"{path}: binary or undecodable file, skipped")
        return None
    errors.append(f"{path}: not UTF-8, read as {encoding}")
    return _newlines(data.decode(encoding))


def _guess_legacy(data: bytes) -> str | None:
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


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_jsonl(text: str, path: Path, errors: list[str]) -> list[Article]:
    articles = []
    errors_before = len(errors)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        article = _from_record(record, f"{path.stem}:{number}", where, errors)
        if article:
            articles.append(article)
    if not articles and len(errors) == errors_before:  # only blank lines
        errors.append(f"{path}: empty file, skipped")
    return articles


def _from_record(record: object, default_id: str, where: str, errors: list[str]) -> Article | None:
    """An Article from a JSON object or dict: ``text`` required, the other fields optional scalars."""
    if not isinstance(record, dict):
        errors.append(f"{where}: not a JSON object, skipped")
        return None
    text = record.get("text")
    if not isinstance(text, str):
        errors.append(f"{where}: no \"text\" string, skipped")
        return None
    if not text.strip():
        errors.append(f"{where}: empty text, skipped")
        return None

    def scalar(name: str) -> str | None:
        value = record.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        errors.append(f"{where}: field {name!r} is not text, ignored")
        return None

    return Article(
        id=scalar("id") or default_id,
        text=_newlines(text),
        origin=where,
        **{name: scalar(name) for name in OPTIONAL_FIELDS},
    )
