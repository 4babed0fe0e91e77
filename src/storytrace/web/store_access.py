"""The web app's one door to the store: every query and every call into ``storytrace.store`` is
here, so the routes only shape requests and responses.

Connections: one writer, used under a lock (concurrent ``POST /api/articles`` are serialised in
this process; SQLite's write lock serialises them with other processes), and a small pool of
readers, one request at a time each (a trace runs in a read transaction on its connection). A
reader notices a commit made by any other connection (``PRAGMA data_version``) and then drops
what it holds in memory (the index's vector matrix), so it never traces against a stale index.
"""

from __future__ import annotations

import json
import queue
import threading
from contextlib import contextmanager
from pathlib import Path

from ..model import Article
from ..output.result import SCHEMA, article_json
from ..store import Store, add_articles, trace_article
from ..store.records import PAIR_COLUMNS, pair_from_row, unpack_claims

READERS = 4  # pooled read connections: traces are CPU-bound, the machine's cores bound them anyway


class NotFound(Exception):
    """An id that is not in the store (the API answers 404)."""


class StoreAccess:
    def __init__(self, path: str | Path, readers: int = READERS) -> None:
        self.path = Path(path)
        self._writer = Store(self.path, create=True)
        self._write_lock = threading.Lock()
        self._readers: queue.Queue[Store] = queue.Queue()
        self._all = [self._writer]
        self._seen: dict[int, int] = {}
        for _ in range(readers):
            store = Store(self.path, create=False)
            self._all.append(store)
            self._readers.put(store)

    def close(self) -> None:
        for store in self._all:
            store.close()

    @contextmanager
    def _reader(self):
        store = self._readers.get()
        try:
            self._fresh(store)
            yield store
        finally:
            self._readers.put(store)

    def _fresh(self, store: Store) -> None:
        """Drop the connection's cached index when another connection committed since its last use."""
        version = store.db.execute("PRAGMA data_version").fetchone()[0]
        if self._seen.get(id(store)) not in (None, version):
            store.storage.forget()
        self._seen[id(store)] = version

    # ---- writing and tracing: the store's own functions
    def add(self, articles: list[Article]) -> dict:
        """Add a batch; returns once it is committed (add_articles runs it as one transaction)."""
        with self._write_lock:
            self._fresh(self._writer)
            report = add_articles(self._writer, articles, processes=1)  # one process: requests run side by side
            total = self._writer.count()
            self._fresh(self._writer)  # its own commit: its in-memory index already holds it
        return {"added": report.added, "versions": report.versions, "unchanged": report.unchanged,
                "pairs": [p.to_json() for p in report.pairs],
                "stories": [{"id": s.id, "articles": s.articles, "origin": s.origin, "title": s.title,
                             "merged": s.merged} for s in report.stories],
                "total": total, "notes": report.notes}

    def trace(self, article: Article) -> dict:
        with self._reader() as store:
            return trace_article(store, article)

    # ---- reading
    def count(self) -> int:
        with self._reader() as store:
            return store.count()

    def stories(self, offset: int, limit: int, query: str | None, outlet: str | None,
                relation: str | None) -> dict:
        """One page of stories, newest first: by the latest published time of their articles (ISO
        text order; undated stories after dated ones), then the most recently regrouped."""
        where, args = [], []
        if query:
            where.append("(instr(lower(coalesce(s.title, '')), ?) OR EXISTS (SELECT 1 FROM story_of o2 "
                         "JOIN articles a2 ON a2.id = o2.article WHERE o2.story = s.no AND "
                         "(instr(lower(coalesce(json_extract(a2.record, '$.title'), '')), ?) OR "
                         "instr(lower(coalesce(json_extract(a2.record, '$.outlet'), '')), ?))))")
            args += [query.lower()] * 3
        if outlet:
            where.append("EXISTS (SELECT 1 FROM story_of o3 JOIN articles a3 ON a3.id = o3.article "
                         "WHERE o3.story = s.no AND lower(json_extract(a3.record, '$.outlet')) = ?)")
            args.append(outlet.lower())
        if relation:
            where.append("EXISTS (SELECT 1 FROM story_of o4 JOIN pairs p ON p.b = o4.article "
                         "JOIN story_of o5 ON o5.article = p.a AND o5.story = s.no "
                         "WHERE o4.story = s.no AND p.relation = ?)")
            args.append(relation)
        condition = ("WHERE " + " AND ".join(where)) if where else ""
        with self._reader() as store:
            total = store.db.execute(f"SELECT COUNT(*) FROM stories s {condition}", args).fetchone()[0]
            rows = store.db.execute(
                "SELECT s.no, s.title, s.origin, s.articles, "
                "(SELECT MAX(json_extract(a.record, '$.published')) FROM story_of o JOIN articles a ON a.id = o.article "
                " WHERE o.story = s.no) AS newest, "
                # a JSON array, not group_concat's commas: an outlet's name may hold a comma
                "(SELECT json_group_array(DISTINCT json_extract(a.record, '$.outlet')) FROM story_of o "
                " JOIN articles a ON a.id = o.article WHERE o.story = s.no) AS outlets "
                f"FROM stories s {condition} ORDER BY newest IS NULL, newest DESC, s.no DESC LIMIT ? OFFSET ?",
                args + [limit, offset]).fetchall()
            origins = {a.id: a for a in store.articles_by_id(sorted({r[2] for r in rows}))}
        items = []
        for no, title, origin, members, newest, outlets in rows:
            first = origins.get(origin)
            items.append({"id": f"story-{no}", "title": title, "origin": origin,
                          "origin_title": first.title if first else None,
                          "articles": len(json.loads(members)), "newest": newest,
                          "outlets": sorted(o for o in json.loads(outlets) if o is not None)})
        return {"total": total, "offset": offset, "limit": limit, "stories": items}

    def story(self, story_id: str) -> tuple[dict, dict[str, str]]:
        """(a storytrace/1 document of one story: its articles with their sources, its pairs, the
        story, its claims; the texts by article id)."""
        no = _story_number(story_id)
        with self._reader() as store:
            row = store.db.execute("SELECT origin, title, articles, claims FROM stories WHERE no = ?", (no,)).fetchone()
            if row is None:
                raise NotFound(f"no story {story_id!r} in the store")
            origin, title, members, claims = row
            members = json.loads(members)
            articles = store.articles_by_id(members)
            sources = store.sources_of(members)
            inside = set(members)
            pairs = [p for p in store.pairs_of(members) if p.a in inside and p.b in inside]
        document = {"schema": SCHEMA,
                    "articles": [article_json(a, sources.get(a.id, [])) for a in articles],
                    "pairs": [p.to_json() for p in pairs],
                    "stories": [{"id": story_id, "articles": members, "origin": origin, "title": title}],
                    "claims": unpack_claims(claims)}
        return document, {a.id: a.text for a in articles}

    def article(self, article_id: str) -> dict:
        with self._reader() as store:
            found = store.articles_by_id([article_id])
            if not found:
                raise NotFound(f"no article {article_id!r} in the store")
            story = store.db.execute("SELECT story FROM story_of WHERE article = ?", (article_id,)).fetchone()
            sources = store.sources_of([article_id]).get(article_id, [])
            pairs = store.pairs_of([article_id])
        return {"article": dict(article_json(found[0]), text=found[0].text, sources=sources,
                                story=f"story-{story[0]}" if story else None),
                "pairs": [p.to_json() for p in pairs]}

    def pair(self, a: str, b: str) -> dict:
        first, second = sorted((a, b))  # stored with a < b, as analyze gives them
        with self._reader() as store:
            row = store.db.execute(f"SELECT {PAIR_COLUMNS} FROM pairs WHERE a = ? AND b = ?", (first, second)).fetchone()
            if row is None:
                raise NotFound(f"no pair of {a!r} and {b!r} in the store")
            articles = store.articles_by_id([first, second])
        return {"pair": pair_from_row(row).to_json(),
                "articles": [dict(article_json(x), text=x.text) for x in articles]}


def _story_number(story_id: str) -> int:
    number = story_id.removeprefix("story-")
    if not number.isdigit() or number == story_id:
        raise NotFound(f"no story {story_id!r} in the store (story ids look like story-12)")
    return int(number)
