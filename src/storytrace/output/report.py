"""Terminal summary with rich: stories first, then storylines (stories of one developing topic), then pairs with relation, coverage and source, then
the claims (quotes, figures and hedges that changed, and quotes kept faithfully).

Each table shows at most ``rows`` lines (a corpus of thousands has tens of thousands of pairs: the
terminal is for a first look, the JSON holds everything); pairs come reuse first (duplicate,
version, rewrite, partial), then same_event and related, the most similar first within each.

Article text is untrusted: everything taken from it goes through ``escape`` (output/terminal.py) so
that markup-like text ("[bold]", "[link=...]") prints literally instead of styling the terminal,
and control characters show as escapes instead of being obeyed.
"""

from __future__ import annotations

import heapq

from rich.console import Console
from rich.table import Table

from ..judge.relate import RELATION_RANK
from .terminal import escape

SUMMARY_ROWS = 50  # rows per table unless the caller asks for another number (0: all)


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _shown(items: list, rows: int) -> list:
    return items if rows <= 0 else items[:rows]


def _more(console: Console, items: list, rows: int, what: str) -> None:
    if 0 < rows < len(items):
        console.print(f"... and {len(items) - rows} more {what} (all of them are in the --json output)")


def print_summary(result: dict, console: Console, rows: int = SUMMARY_ROWS) -> None:
    articles = {a["id"]: a for a in result["articles"]}
    storylines = result.get("storylines") or []
    console.print(f"[bold]{len(articles)} articles, {len(result['stories'])} stories"
                  f"{f' in {len(storylines)} storyline' + ('s' if len(storylines) != 1 else '') if storylines else ''}, "
                  f"{len(result['pairs'])} related pairs[/bold]")
    stories = Table(title="Stories", show_lines=False)
    stories.add_column("story")
    stories.add_column("origin")
    stories.add_column("articles")
    stories.add_column("title")
    # the largest stories first: what a corpus is mostly about
    by_size = sorted(result["stories"], key=lambda s: -len(s["articles"]))
    for s in _shown(by_size, rows):
        stories.add_row(escape(s["id"]), escape(s["origin"]), escape(", ".join(s["articles"])),
                        escape((s.get("title") or "")[:80]))
    console.print(stories)
    _more(console, by_size, rows, "stories")
    print_storylines(result, console, rows)
    if result["pairs"]:
        pairs = Table(title="Pairs")
        for col in ("a", "b", "relation", "similarity", "covered a (verb+para)", "covered b (verb+para)", "source"):
            pairs.add_column(col)
        rank = lambda p: (RELATION_RANK.get(p["relation"], 9), -p["similarity"])  # noqa: E731
        # the first rows only (what sorted(...)[:rows] gives): not every pair's record at once
        ranked = heapq.nsmallest(rows, result["pairs"], key=rank) if rows > 0 else sorted(result["pairs"], key=rank)
        for p in ranked:
            ca, cb = p["coverage"]["a"], p["coverage"]["b"]
            pairs.add_row(escape(p["a"]), escape(p["b"]), p["relation"], f"{p['similarity']:.2f}",
                          f"{_pct(ca['verbatim'])}+{_pct(ca['paraphrase'])}",
                          f"{_pct(cb['verbatim'])}+{_pct(cb['paraphrase'])}",
                          escape(f"{p['source']} → {p['derived']}" if p["source"] else "-"))
        console.print(pairs)
        _more(console, result["pairs"], rows, "pairs")
    derived = [(a["id"], a["sources"]) for a in result["articles"] if a["sources"]]
    if derived:
        table = Table(title="Sources (best first)")
        table.add_column("article")
        table.add_column("sources")
        for aid, sources in _shown(derived, rows):
            table.add_row(escape(aid), escape("; ".join(
                f"{s['id']} ({s['relation']}, {_pct(s['coverage'])}{', credited' if s.get('credited') else ', uncredited'})"
                for s in sources)))
        console.print(table)
        _more(console, derived, rows, "derived articles")
    print_claims(result.get("claims", []), console, rows)


def print_storylines(result: dict, console: Console, rows: int = SUMMARY_ROWS) -> None:
    """Storylines joining several stories, the largest first (a storyline of one story repeats the
    Stories table: counted, not listed)."""
    storylines = result.get("storylines") or []
    joined = sorted((s for s in storylines if len(s["stories"]) > 1), key=lambda s: -len(s["stories"]))
    if not joined:
        return
    articles = {s["id"]: len(s["articles"]) for s in result["stories"]}
    table = Table(title="Storylines")
    for col in ("storyline", "stories", "articles", "title"):
        table.add_column(col)
    for s in _shown(joined, rows):
        table.add_row(escape(s["id"]), escape(", ".join(s["stories"])),
                      str(sum(articles.get(i, 0) for i in s["stories"])), escape((s.get("title") or "")[:80]))
    console.print(table)
    _more(console, joined, rows, "storylines of several stories")
    alone = len(storylines) - len(joined)
    if alone:
        console.print(f"{alone} other storyline{'s' if alone != 1 else ''} of a single story each")


# claims that say something changed first, the faithful quotes ("same") last
_GRADE_RANK = {"altered": 0, "conflict": 1, "dropped": 2, "added": 3, "truncated": 4, "extended": 5, "variant": 6,
               "same": 7}
_CLAIM_CHARS = 240  # characters of each wording shown (the JSON has the whole span)


def _marked(text: str, other: str) -> str:
    """``text`` escaped, its words absent from ``other`` (in order, case and punctuation aside) in bold."""
    from difflib import SequenceMatcher

    words = text.split()
    key = [w.strip(".,;:!?\"“”‘’'()").lower() for w in words]
    other_key = [w.strip(".,;:!?\"“”‘’'()").lower() for w in other.split()]
    differs = [True] * len(words)
    for a, _, n in SequenceMatcher(None, key, other_key, autojunk=False).get_matching_blocks():
        differs[a:a + n] = [False] * n
    shown, used = [], 0
    for w, d in zip(words, differs):
        if used > _CLAIM_CHARS:
            shown.append("…")
            break
        used += len(w) + 1
        shown.append(f"[bold red]{escape(w)}[/bold red]" if d else escape(w))
    return " ".join(shown)


def claims_table(claims: list[dict], rows: int, title: str = "Claims") -> tuple[Table, list]:
    """The claims, changes first: speaker, grade and the two wordings with the differing words in bold."""
    table = Table(title=title, show_lines=True)
    for col in ("kind", "grade", "speaker", "reference", "counterpart"):
        table.add_column(col)
    ranked = sorted(claims, key=lambda c: _GRADE_RANK.get(c["grade"], 9))
    for c in _shown(ranked, rows):
        ref, other = c["items"]
        table.add_row(c["kind"], c["grade"], escape(c["speaker"] or "-"),
                      escape(ref["article"]) + ": " + _marked(ref["text"], other["text"]),
                      escape(other["article"]) + ": " + _marked(other["text"], ref["text"]))
    return table, ranked


def print_claims(claims: list[dict], console: Console, rows: int = SUMMARY_ROWS) -> None:
    if not claims:
        return
    table, ranked = claims_table(claims, rows)
    console.print(table)
    _more(console, ranked, rows, "claims")


def print_pair(pair: dict, text_a: str, text_b: str, console: Console) -> None:
    """One pair with its passages side by side."""
    ca, cb = pair["coverage"]["a"], pair["coverage"]["b"]
    console.print(f"[bold]relation:[/bold] {pair['relation']}   [bold]similarity:[/bold] {pair['similarity']:.3f}   "
                  f"covered A {_pct(ca['verbatim'])} verbatim + {_pct(ca['paraphrase'])} paraphrase, "
                  f"B {_pct(cb['verbatim'])} + {_pct(cb['paraphrase'])}")
    if pair.get("source"):
        console.print(f"source: {escape(pair['source'])} → derived: {escape(pair['derived'])}")
    if pair.get("claims"):
        print_claims(pair["claims"], console, rows=0)
    if not pair["passages"]:
        return
    table = Table(show_lines=True)
    table.add_column("A")
    table.add_column("B")
    table.add_column("kind")
    for p in pair["passages"]:
        (a0, a1), (b0, b1) = p["a"], p["b"]
        table.add_row(escape(text_a[a0:a1]), escape(text_b[b0:b1]), f"{p['kind']} {p['score']:.2f}")
    console.print(table)
