"""``storytrace add`` and ``storytrace trace`` behind the command line: read the inputs, call the
store, print what happened. cli.py only declares the options."""

from __future__ import annotations

import sys
from collections import Counter

from ..model import Article
from ..output.paths import write_json
from ..output.terminal import terminal_safe
from .add import AddReport, add_articles
from .export import exported
from .schema import NotAStore
from .store import Store, StoreBusy, text_article
from .records import text_hash
from .trace import trace_and_add, trace_article, trace_stored

_RANK = ["duplicate", "version", "rewrite", "partial", "same_event", "related"]


class UsageProblem(Exception):
    """One line, exit status 2."""


def run_add(args, say) -> int:
    from ..ingest import read_inputs

    def tell(line: str) -> None:  # ids and paths come from the inputs: shown, never obeyed
        say(terminal_safe(line))

    try:
        store = Store(args.db, create=True, wait_seconds=args.wait)
    except NotAStore as exc:
        raise UsageProblem(str(exc)) from None
    with store:
        ingested = read_inputs(args.paths)
        for line in ingested.errors:
            tell(f"storytrace: {line}")
        if not ingested.articles:
            tell("storytrace: no article could be read; nothing added")
            return 1
        size = args.batch_size or len(ingested.articles)
        reports = []
        for first in range(0, len(ingested.articles), size):
            try:
                reports.append(add_articles(store, ingested.articles[first:first + size], processes=args.processes))
            except StoreBusy as exc:
                tell(f"storytrace: {exc}")
                return 1
            for line in reports[-1].notes:
                tell(f"storytrace: {line}")
            if not args.quiet:  # said only once committed: a batch reported here survives any crash
                tell(committed_line(reports[-1], store.count()))
        report = merge_reports(store, reports)
        total = store.count()
    if not args.quiet:
        print(terminal_safe(add_summary(report, total, args.db, args.top)))
    return 0


def committed_line(report: AddReport, total: int) -> str:
    if report.batch is None:
        return f"nothing to commit: {len(report.unchanged)} articles already stored unchanged; {total} in the store"
    return (f"committed batch {report.batch}: {len(report.added)} articles, {report.added[0]} .. {report.added[-1]}; "
            f"{total} in the store")


def merge_reports(store: Store, reports: list[AddReport]) -> AddReport:
    """One report for the batches of one command: the stories changed are those still in the store
    (a later batch may have replaced a story an earlier one made)."""
    if len(reports) == 1:
        return reports[0]
    merged = AddReport()
    for r in reports:
        merged.added += r.added
        merged.versions += r.versions
        merged.unchanged += r.unchanged
        merged.pairs += r.pairs
    latest = {}
    for r in reports:
        for change in r.stories:
            latest[change.id] = change
    alive = {f"story-{no}" for (no,) in store.db.execute("SELECT no FROM stories")}
    merged.stories = [c for c in latest.values() if c.id in alive]
    return merged


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def add_summary(report: AddReport, total: int, db, top: int) -> str:
    lines = [f"{db}: added {_count(len(report.added), 'article')}"
             + (f" ({_count(len(report.versions), 'new version')})" if report.versions else "")
             + (f", {len(report.unchanged)} already stored unchanged" if report.unchanged else "")
             + f"; {total} in the store"]
    by = Counter(p.relation for p in report.pairs)
    lines.append(f"new links: {len(report.pairs)}" + (" (" + ", ".join(f"{by[r]} {r}" for r in _RANK if by[r]) + ")"
                                                       if report.pairs else ""))
    shown = sorted(report.pairs, key=lambda p: (_RANK.index(p.relation), -p.similarity, p.a, p.b))
    for p in shown[:top or None]:
        arrow = f"{p.source} -> {p.derived}" if p.source else f"{p.a} -- {p.b}"
        lines.append(f"  {p.relation:<10} {p.similarity:.3f}  {arrow}")
    if top and len(shown) > top:
        lines.append(f"  ... {len(shown) - top} more")
    lines.append(f"stories changed: {len(report.stories)}")
    for s in report.stories[:top or None]:
        merged = f"; replaces {', '.join(s.merged)}" if s.merged else "; new"
        lines.append(f"  {s.id}: {_count(len(s.articles), 'article')}, origin {s.origin}{merged}"
                     + (f" — {s.title[:80]}" if s.title else ""))
    return "\n".join(lines)


def read_traced(args) -> Article | None:
    from ..ingest import read_inputs

    if args.text is not None:
        try:
            return text_article(args.text, args.add)
        except ValueError as exc:
            raise UsageProblem(f"--text: {exc}") from None
    ingested = read_inputs([args.path])
    for line in ingested.errors:
        print(f"storytrace: {terminal_safe(line)}", file=sys.stderr)
    if len(ingested.articles) > 1:
        raise UsageProblem(f"{args.path} holds {len(ingested.articles)} articles; trace takes one")
    return ingested.articles[0] if ingested.articles else None


def run_trace(args) -> int:
    if sum(x is not None for x in (args.path, args.text, args.id)) != 1:
        raise UsageProblem("trace takes one article: a PATH, --text TEXT or --id ID")
    if args.add and args.id is not None:
        raise UsageProblem("--add takes a PATH or --text TEXT (an --id is already stored)")
    try:
        store = Store(args.db, create=bool(args.add))
    except NotAStore as exc:
        raise UsageProblem(str(exc)) from None
    with store:
        if args.id is not None:
            result = trace_stored(store, args.id)
            if result is None:
                raise UsageProblem(f"--id {args.id}: no such article in {args.db}")
        else:
            article = read_traced(args)
            if article is None:
                print("storytrace: no article could be read; nothing traced", file=sys.stderr)
                return 1
            if args.add:
                try:
                    result, report = trace_and_add(store, article, processes=args.processes)
                except StoreBusy as exc:
                    print(f"storytrace: {exc}", file=sys.stderr)
                    return 1
                me = result["articles"][0]["id"]
                print(terminal_safe(f"{args.db}: " + (f"added {me}" if report.added else f"{me} already stored unchanged")),
                      file=sys.stderr)
            else:
                result = trace_article(store, article)
        stored = args.id is not None or args.add or _stored_unchanged(store, article)
    if args.json and write_json(result, args.json):
        return 0
    print(terminal_safe(trace_summary(result, stored=stored)))
    return 0


def _stored_unchanged(store: Store, article: Article) -> bool:
    """Whether the traced article is stored under its id with this very text (traced as stored)."""
    row = store.db.execute("SELECT text_hash FROM articles WHERE id = ?", (article.id,)).fetchone()
    return row is not None and bytes(row[0]) == text_hash(article.text)


def run_export(args) -> int:
    if not (args.json or args.jsonl_parts or args.html):
        raise UsageProblem("export writes --json FILE, --jsonl-parts DIR or --html FILE (one or more)")
    try:
        store = Store(args.db, create=False)
    except NotAStore as exc:
        raise UsageProblem(str(exc)) from None
    articles = [] if args.html else None  # the report shows the texts: the records too
    # written inside the snapshot: the document's pairs are read from the store as they are written
    with store, exported(store, articles) as document:
        if args.jsonl_parts:
            from ..output.parts import write_parts

            write_parts(document, args.jsonl_parts)
        if args.json:
            write_json(document, args.json)
        if args.html:
            from ..report_html import write_report

            write_report(args.html, document, articles, title=f"storytrace store {args.db}")
        counts = len(document["articles"]), len(document["pairs"]), len(document["stories"])
    if args.json != "-":
        print(f"{args.db}: exported {counts[0]} articles, {counts[1]} pairs, {counts[2]} stories", file=sys.stderr)
    return 0


def trace_summary(result: dict, stored: bool = False) -> str:
    """The terminal summary of a trace; ``stored``: the article is in the store (``--id``,
    ``--add``, or its file's text stored under its id), so its story is the one it is in."""
    me = result["articles"][0]
    lines = [f"{me['id']}" + (f" — {me['title']}" if me.get("title") else "")]
    if me["sources"]:
        lines.append("sources, best first:")
        for s in me["sources"]:
            lines.append(f"  {s['relation']} of {s['id']}: covers {s['coverage']:.0%} of it, "
                         + ("credited" if s["credited"] else "UNCREDITED"))
    else:
        lines.append("sources: none found in the store")
    lines.append(f"relations: {len(result['pairs'])}")
    for p in sorted(result["pairs"], key=lambda p: (_RANK.index(p["relation"]), -p["similarity"])):
        other = p["b"] if p["a"] == me["id"] else p["a"]
        direction = "" if not p["source"] else (" (its source)" if p["source"] == other else " (derived from it)")
        lines.append(f"  {p['relation']:<10} {p['similarity']:.3f}  {other}{direction}")
    story = result["stories"][0]
    if stored and len(story["joins"]) == 1:  # a stored article's own story is among those it "joins"
        joins = f"in {story['joins'][0]}"
    else:
        joins = f"joins {', '.join(story['joins'])}" if story["joins"] else "a story of its own"
    lines.append(f"story: {joins}; {_count(len(story['articles']), 'article')}, origin {story['origin']}")
    changes = Counter((c["kind"], c["grade"]) for c in result["claims"])
    lines.append(f"claims: {len(result['claims'])}" + (" (" + ", ".join(f"{n} {k} {g}" for (k, g), n in
                                                                          sorted(changes.items())) + ")"
                                                        if changes else ""))
    return "\n".join(lines)
