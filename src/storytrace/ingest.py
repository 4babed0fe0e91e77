"""Read files, folders, dicts and Articles into ``Article`` records.

Files: plain text, JSONL, CSV, HTML (also gzipped) and WARC, each by its reader in ``readers/``,
chosen by the file name. Bad input never raises: each problem becomes a one-line message in
``IngestResult.errors`` naming the file (and line or record) so a run over a messy folder still
reads everything it can. Only programmer errors (an input of an unsupported type) raise.

Line endings are normalised to "\\n" on reading; ``Article.text`` as stored (for HTML, the text
extracted from the page) is the reference for every offset later on.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import limits
from .model import Article
from .readers.decode import decode, gunzip
from .readers.jsonl import NotPlainUtf8, read_jsonl, stream_jsonl
from .readers.records import from_record
from .readers.table import read_table

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
WARC_SUFFIXES = {".warc"}
# Folder documentation, not articles: skipped when walking a folder (read if named explicitly).
_DOC_STEMS = {"readme", "license", "licence", "changelog"}


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped_records: int = 0  # WARC records that are not HTML pages (requests, images, redirects ...)


def read_inputs(inputs: Iterable[str | os.PathLike | dict | Article] | str | os.PathLike) -> IngestResult:
    """Read every input; folders are walked recursively in sorted order, hidden entries skipped."""
    if isinstance(inputs, (str, os.PathLike, dict, Article)):
        inputs = [inputs]  # a lone path is an easy slip; treat it as a list of one
    result = IngestResult()
    seen_ids: set[str] = set()
    seen_files: set[Path] = set()

    def add(article: Article, where: str) -> None:
        article = _within_limit(article, where, result.errors)
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
            article = from_record(item, f"input:{position}", f"input {position}", result.errors, what="a record")
            if article:
                add(article, f"input {position}")
        elif isinstance(item, (str, os.PathLike)):
            for path in input_files([item], result.errors, seen_files):
                articles, skipped = _read_file(path, result.errors)
                result.skipped_records += skipped
                for article in articles:
                    add(article, article.origin or str(path))
        else:
            raise TypeError(f"read_inputs: unsupported input {type(item).__name__}: {item!r}")
    return result


def input_files(paths: Iterable[str | os.PathLike], errors: list[str], seen: set[Path] | None = None
                ) -> Iterator[Path]:
    """The files the paths name, in reading order, each once (``seen``: resolved paths already
    given); folder problems and files named twice are added to ``errors`` as they are met."""
    seen = set() if seen is None else seen
    for item in paths:
        for path in _expand(Path(item), errors):
            key = path.resolve()
            if key in seen:
                errors.append(f"{path}: already read, skipped")
                continue
            seen.add(key)
            yield path


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
                if name.startswith(".") or p.stem.lower() in _DOC_STEMS:
                    continue
                kind, gzipped = kind_of(p)
                if kind is not None and (kind != "text" or gzipped or p.suffix.lower() in TEXT_SUFFIXES):
                    found = True
                    yield p
        if not found:
            errors.append(f"{path}: no readable files in folder")
    elif path.exists() or path.is_symlink():
        yield path
    else:
        errors.append(f"{path}: no such file or folder")


def _read_file(path: Path, errors: list[str]) -> tuple[list[Article], int]:
    """The articles of one file, and how many of its records were skipped as not articles."""
    limit = limits.current()
    try:
        info = path.stat()
    except OSError as exc:
        errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        return [], 0
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device never end
        errors.append(f"{path}: not a regular file ({_file_type(info.st_mode)}), skipped")
        return [], 0
    kind, gzipped = kind_of(path)
    if kind == "warc":  # read as a stream, record by record, each record bounded: no file limit
        from .readers.warc import read_warc  # imported on first use: a broken warcio spares other formats

        return read_warc(path, errors)
    if kind == "jsonl" and not gzipped:  # a line at a time: the limit bounds each line, not the file
        try:
            return stream_jsonl(path, errors, limit.file_bytes), 0
        except NotPlainUtf8:
            pass  # decoded whole below, as any other file, within the file limit
        except OSError as exc:
            errors.append(f"{path}: cannot read ({exc.strerror or exc})")
            return [], 0
    if info.st_size > limit.file_bytes:
        errors.append(f"{path}: {limits.human(info.st_size)}, over the file-size limit of "
                      f"{limits.human(limit.file_bytes)} (--max-file-bytes), skipped")
        return [], 0
    try:
        with path.open("rb") as stream:
            data = stream.read(limit.file_bytes + 1)  # a file growing as it is read stays bounded too
    except OSError as exc:
        errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        return [], 0
    if len(data) > limit.file_bytes:
        errors.append(_grew_over_limit(path, limit))
        return [], 0
    if kind is None:
        errors.append(f"{path}: gzipped file of unknown format, skipped")
        return [], 0
    if gzipped:
        data = gunzip(data, str(path), errors, limit.decompressed_bytes)
        if data is None:
            return [], 0
    text = decode(data, str(path), errors, markup=kind == "html")
    if text is None:
        return [], 0
    if kind == "jsonl":
        return read_jsonl(text, path, errors), 0
    if kind == "csv":
        return read_table(text, path, errors), 0
    if kind == "html":
        from .readers.html import article_from_html  # on first use: a broken trafilatura spares other formats

        article = article_from_html(text, _stem(path), str(path), errors)
        return ([article] if article else []), 0
    if not text.strip():
        errors.append(f"{path}: empty file, skipped")
        return [], 0
    return [Article(id=_stem(path) if gzipped else path.stem, text=text, origin=str(path))], 0


def _grew_over_limit(path: Path, limit: limits.Limits) -> str:
    return f"{path}: over the file-size limit of {limits.human(limit.file_bytes)} (--max-file-bytes), skipped"


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _within_limit(article: Article, where: str, errors: list[str]) -> Article:
    """The article, its text cut to the article-size limit (at the last line break in the final
    tenth when there is one, so no paragraph is cut mid-sentence) with a note saying how much."""
    limit = limits.current().article_chars
    if len(article.text) <= limit:
        return article
    cut = article.text.rfind("\n", int(limit * 0.9), limit)
    cut = cut if cut > 0 else limit
    errors.append(f"{where}: article {article.id!r} is {len(article.text):,} characters, over the limit of "
                  f"{limit:,} (--max-article-chars); the first {cut:,} kept")
    spans = [(a, min(b, cut)) for a, b in (article.headings or []) if a < cut]
    return dataclasses.replace(article, text=article.text[:cut], headings=spans)


def kind_of(path: Path) -> tuple[str | None, bool]:
    """The reader a file name asks for ("text", "jsonl", "csv", "html", "warc" or None) and
    whether the file is gzipped (``story.html.gz``)."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    suffix = (suffixes[-2] if len(suffixes) == 2 else "") if gzipped else path.suffix.lower()
    if suffix in WARC_SUFFIXES:
        return "warc", gzipped
    for kind, known in (("jsonl", JSONL_SUFFIXES), ("csv", CSV_SUFFIXES), ("html", HTML_SUFFIXES)):
        if suffix in known:
            return kind, gzipped
    if suffix in TEXT_SUFFIXES - {""} or (not gzipped and suffix == ""):
        return "text", gzipped  # story.txt.gz is plain text, gzipped
    return (None, gzipped) if gzipped else ("text", False)


def _stem(path: Path) -> str:
    """The file name without its format suffixes: ``story.html.gz`` -> ``story``, ``a.txt`` -> ``a``."""
    name = path.name
    for _ in range(2):
        stem, dot, suffix = name.rpartition(".")
        if dot and stem and f".{suffix.lower()}" in HTML_SUFFIXES | TEXT_SUFFIXES | {".gz"}:
            name = stem
    return name
