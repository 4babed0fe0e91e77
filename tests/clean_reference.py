"""The furniture rules with every line of the corpus held and counted by its text: ``clean.py`` as
it was before it counted lines by hash (issue 13's memory), kept as the reference the hashed
marking must agree with (tests/test_clean_hashed.py). Not used by storytrace itself."""

from __future__ import annotations

import math
from collections import Counter

from storytrace.model import Article
from storytrace.text.clean import (_PIECE_BREAK, _Line, _credits, _flag_lines, _flag_related_headlines,
                                   _fold_quotes, _is_credit, _lines, _may_recur_inside, _merge, _words,
                                   fill_from_text, sentences)
from storytrace.thresholds import (MIN_LINE_CHARS, MIN_SENTENCE_CHARS, OVERALL_MIN, OVERALL_SHARE,
                                   PER_OUTLET_MIN, REUSED_RUN_WORDS, SAME_STORY_OVERLAP)


def mark_furniture(articles: list[Article]) -> None:
    """Fill ``furniture`` (sorted, merged spans: whole lines, or a recurring sentence inside a line)
    and ``credits`` of each article, in place,
    and the metadata its text states (title, byline, date, dateline) where the input gave none:
    only once furniture is known can the head of the text be read past prompts and photo tags."""
    lines = [_lines(a.text) for a in articles]
    inner = _inner_sentences(articles, lines)
    recurring = _recurring_lines(articles, lines, inner)
    for article, article_lines, inside, common in zip(articles, lines, inner, recurring):
        flagged = _flag_lines(article_lines)
        for i, line in enumerate(article_lines):
            if line.norm in common:
                flagged[i] = True
        headings = {(s, e) for s, e in article.headings}
        _flag_related_headlines(article_lines, flagged, [(ln.start, ln.end) in headings for ln in article_lines])
        spans = [(ln.start, ln.end) for ln, f in zip(article_lines, flagged) if f]
        spans += [(sn.start, sn.end) for sn in inside if sn.norm in common]  # a promo sentence in a paragraph
        article.furniture = _merge(article.text, spans)
        article.credits = _credits(article, article_lines)
        fill_from_text(article)


def _inner_sentences(articles: list[Article], lines: list[list[_Line]]) -> list[list[_Line]]:
    """Per article, the sentences of lines holding more than one (a template sentence can close a
    paragraph) -- those that could recur.

    Splitting every paragraph into sentences is costly, and a sentence in fewer than PER_OUTLET_MIN
    articles is never template. So lines are first cut loosely into pieces wherever a sentence might
    end: a sentence is a run of whole pieces, and an article holding it (as a line or a sentence)
    holds each of its pieces. A line is split only if a run of its pieces, each in PER_OUTLET_MIN
    articles or more, is long enough to be a sentence that counts.
    """
    counts: Counter[int] = Counter()
    for article_lines in lines:
        # hashes: a collision can only make a line split that need not be
        counts.update(map(hash, set().union(*[_PIECE_BREAK.split(ln.norm) for ln in article_lines])))
    frequent = {h for h, n in counts.items() if n >= PER_OUTLET_MIN}
    del counts
    known: dict[str, list[tuple[int, int, str, str]]] = {}  # a line's text -> its sentences (copies repeat lines)
    out = []
    for article, article_lines in zip(articles, lines):
        found = []
        for line in article_lines:
            if _may_recur_inside(line, frequent):
                raw = article.text[line.start:line.end]
                if raw not in known:
                    known[raw] = _sentences(article.text, line)
                found += [_Line(line.start + s, line.start + e, folded, norm) for s, e, folded, norm in known[raw]]
        out.append(found)
    return out


def _sentences(text: str, line: _Line) -> list[tuple[int, int, str, str]]:
    """The sentences of a line holding more than one, of MIN_SENTENCE_CHARS or more: offsets from the
    line start, folded text, norm. They depend on the line alone (segment.sentences reads no further
    back than the start of a word, and a line follows a newline)."""
    spans = sentences(text, line.start, line.end)
    if len(spans) < 2:
        return []
    out = []
    for s, e in spans:
        folded = " ".join(_fold_quotes(text[s:e]).split())
        if len(folded) >= MIN_SENTENCE_CHARS:
            out.append((s - line.start, e - line.start, folded, folded.lower()))
    return out


def _recurring_lines(articles: list[Article], lines: list[list[_Line]],
                     inner: list[list[_Line]]) -> list[set[str]]:
    """Per article, its lines and sentences that recur as template across the corpus (credit lines
    excepted). Whether two articles are copies of one story is judged on their lines."""
    norms = [{ln.norm for ln in article_lines if len(ln.norm) >= MIN_LINE_CHARS} for article_lines in lines]
    weight = [sum(map(len, s)) for s in norms]
    keys = [s | {sn.norm for sn in sentences} if sentences else s for s, sentences in zip(norms, inner)]
    counts = Counter()
    for k in keys:
        counts.update(k)
    frequent = {n for n, c in counts.items() if c >= PER_OUTLET_MIN}  # rarer ones cannot be template
    where: dict[str, list[int]] = {}
    for a, k in enumerate(keys):
        for n in k & frequent:
            where.setdefault(n, []).append(a)
    overall_min = max(OVERALL_MIN, math.ceil(OVERALL_SHARE * len(articles)))
    same: dict[tuple[int, int], bool] = {}

    def same_story(a: int, b: int) -> bool:
        # Copies of one story share most of their text; template lines are a small part of each page.
        key = (min(a, b), max(a, b))
        if key not in same:
            shared = sum(len(n) for n in norms[a] & norms[b])
            same[key] = shared > SAME_STORY_OVERLAP * max(1, min(weight[a], weight[b]))
        return same[key]

    def independent(group: list[int], need: int) -> bool:
        # Count articles that are not copies of one another, so a republished story is not template.
        # Compared with the first 20 representatives only, to bound the work on very common lines.
        reps: list[int] = []
        for a in group:
            if not any(same_story(a, r) for r in reps[:20]):
                reps.append(a)
                if len(reps) >= need:
                    return True
        return False

    result: list[set[str]] = [set() for _ in articles]
    for n, group in where.items():
        if _is_credit(n):
            continue
        if len(group) >= overall_min and independent(group, overall_min):
            for a in group:
                result[a].add(n)
            continue
        by_outlet: dict[str, list[int]] = {}
        for a in group:
            if articles[a].outlet:
                by_outlet.setdefault(articles[a].outlet.lower(), []).append(a)
        for members in by_outlet.values():
            if len(members) >= PER_OUTLET_MIN and independent(members, PER_OUTLET_MIN):
                for a in members:
                    result[a].add(n)
    for a, common in enumerate(result):
        if common:
            common -= _reused_runs(lines[a], inner[a], common)
    return result


def _reused_runs(lines: list[_Line], inner: list[_Line], common: set[str]) -> set[str]:
    """The recurring lines (and their sentences) that stand in a run of consecutive recurring lines
    of at least REUSED_RUN_WORDS words."""
    reused: set[str] = set()
    run: list[_Line] = []
    for line in [*lines, None]:
        if line is not None and line.norm in common:
            run.append(line)
            continue
        if sum(_words(ln.text) for ln in run) >= REUSED_RUN_WORDS:
            reused |= {ln.norm for ln in run}
            reused |= {sn.norm for sn in inner if any(ln.start <= sn.start and sn.end <= ln.end for ln in run)}
        run = []
    return reused
