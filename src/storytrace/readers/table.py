"""CSV (and TSV) with a header row naming the same fields as JSONL; id defaults to ``<stem>:<line>``.

A row with fewer or more cells than the header gets a note and is read for what it has.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..model import Article
from .records import FIELDS, from_record

# Article texts run past csv's default 128 KB field limit.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))


def read_table(text: str, path: Path, errors: list[str]) -> list[Article]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        errors.append(f"{path}: no header row ({' '.join(str(exc).split()) or 'empty'}), skipped")
        return []
    if "text" not in header and "html" not in header:
        errors.append(f"{path}: the header has no \"text\" or \"html\" column, skipped")
        return []
    unknown = [h for h in header if h not in FIELDS]
    if unknown:  # named, but a header of thousands of columns stays one readable line
        named = ", ".join(repr(h if len(h) <= 40 else h[:37] + "...") for h in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        errors.append(f"{path}: {len(unknown)} unknown column{'s' if len(unknown) > 1 else ''} ignored: {named}{more}")
    articles: list[Article] = []
    rows = 0
    while True:
        line = reader.line_num + 1  # where the record starts
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"{path}:{line}: unreadable CSV ({' '.join(str(exc).split())}), the rest of the file skipped")
            break
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{line}"
        if len(row) != len(header):
            errors.append(f"{where}: {len(row)} fields, the header has {len(header)}")
        record = {name: value for name, value in zip(header, row) if name in FIELDS}
        article = from_record(record, f"{path.stem}:{line}", where, errors, what="a row")
        if article:
            articles.append(article)
        rows += 1
    if not rows:
        errors.append(f"{path}: a header and no rows, nothing to read")
    return articles
