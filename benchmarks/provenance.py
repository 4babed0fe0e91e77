"""Provenance without trustworthy dates: does each derived article get its original as best source?

Three corpora, each analysed with the publication dates removed (``none``) and cut to the day
(``day``, so copies made the same day tie):

* ``synthetic``: the seeded families of ``benchmarks/synthetic.py`` (an original, exact duplicates,
  an edited version that cuts or adds a paragraph, a partial copy). The original of a family is
  its earliest member (every copy is planted minutes to days after it); a duplicate's text is the
  original's (whitespace aside), so it is its indistinguishable ``twin``.
* ``pan``: the PAN-13 text-alignment subset (``../shared/data/pan13_textalign_subset``): every
  suspicious document derives from its source documents (the truth pairs), which are its originals.
  PAN has no dates, so only ``none`` is run.
* ``real``: families built from real articles (SemEval-2022 Task 8 English texts, seeded): an
  original (in half the families the Associated Press's, in the other half an outlet's with a URL),
  two excerpts (the first half; all but the last two paragraphs), a version cutting one paragraph
  and trimming another's words, a version extending it by a paragraph, a credited copy (the AP's
  credit line; or an HTML page whose "Source link" points to the original's URL), a partial copy
  (three of its paragraphs among five of another article's) and an unrelated article. Copies are dated 1 to 30
  hours after the original.

Printed per corpus and date mode, over the derived articles: the share whose best source is the
original (``orig``; ``orig+twin`` also counts an identical copy of it, which no evidence can tell
from it), is a sibling (another derived article of the family, twins excluded), is missing, or is
something else; over the reuse pairs found inside families: the share with a direction, and of the
(original, derived) pairs with a direction, the share directed original -> derived. Per kind of
derived article too (``--kinds``). Articles get seeded random ids, so no id order leaks the answer.

    python benchmarks/provenance.py [--size 2000] [--families 20] [--pan-pairs 500]
                                    [--skip synthetic,pan,real] [--kinds] [--others] [--no-credited-copy] [--json FILE]

``--others`` also says what the best source is where it is not the original: an original of
another family or another derived article, how much of the derived article it covers against the
best-covering original listed, and how many list no original at all.

Runs on whatever ``storytrace`` is importable: ``PYTHONPATH=/path/to/other/checkout/src`` measures
another commit with the same script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import storytrace  # noqa: E402
from synthetic import make_corpus_detailed  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
REUSE = {"duplicate", "version", "rewrite", "partial"}
AGENCY = "The Associated Press"
CREDIT_LINE = "Copyright 2024 The Associated Press. All rights reserved."


# ---- truth: per derived article, its originals, twins (identical copies of an original) and kind ----

def _family(originals: set[str], derived: dict[str, str], twins: set[str] = frozenset()) -> dict:
    return {"originals": set(originals), "derived": dict(derived), "twins": set(twins)}


def _renamed(articles: list[dict], families: list[dict], seed: str) -> tuple[list[dict], list[dict]]:
    """Seeded random ids, so that no id order says which article is the original."""
    new = {a["id"]: "d" + hashlib.sha1(f"{seed}/{a['id']}".encode()).hexdigest()[:12] for a in articles}
    articles = [dict(a, id=new[a["id"]]) for a in articles]
    families = [_family({new[o] for o in f["originals"]}, {new[d]: k for d, k in f["derived"].items()},
                        {new[t] for t in f["twins"]}) for f in families]
    return articles, families


def synthetic_corpus(size: int, seed: int) -> tuple[list[dict], list[dict]]:
    articles, planted = make_corpus_detailed(size, seed)
    published = {a["id"]: a["published"] for a in articles}
    links: dict[str, set[str]] = defaultdict(set)
    for a, b in planted:
        links[a].add(b)
        links[b].add(a)
    seen, families = set(), []
    for start in sorted(links):
        if start in seen:
            continue
        members, stack = set(), [start]
        while stack:
            x = stack.pop()
            if x not in members:
                members.add(x)
                stack.extend(links[x] - members)
        seen |= members
        original = min(members, key=lambda m: (published[m], m))  # every copy is planted after it
        kinds = {m: planted.get(tuple(sorted((original, m))), "partial") for m in members - {original}}
        twins = {m for m, k in kinds.items() if k == "duplicate"}
        families.append(_family({original}, kinds, twins))
    return _renamed(articles, families, f"synthetic/{seed}")


def pan_corpus(limit: int) -> tuple[list[dict], list[dict]]:
    root = DATA / "pan13_textalign_subset"
    lines = (root / "02-no-obfuscation" / "pairs").read_text().split("\n")
    pairs = [ln.split() for ln in lines if ln.strip()][:limit]
    sources: dict[str, set[str]] = defaultdict(set)
    for susp, src in pairs:
        sources[susp].add(src)
    docs = {s: root / "susp" / s for s in sources} | {s: root / "src" / s for ss in sources.values() for s in ss}
    articles = [{"id": name, "text": path.read_text(encoding="utf-8", errors="replace")}
                for name, path in sorted(docs.items())]
    families = [_family(srcs, {susp: "pan"}) for susp, srcs in sorted(sources.items())]
    return _renamed(articles, families, "pan")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if len(p.split()) >= 12]


def real_corpus(n_families: int, seed: int, credited_copy: bool = True) -> tuple[list[dict], list[dict]]:
    rng = random.Random(f"provenance-real/{seed}")
    pool = []
    for path in sorted((DATA / "semeval8_en" / "articles").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        paras = _paragraphs(doc["text"])
        if len(paras) >= 8 and sum(len(p.split()) for p in paras) >= 300:
            pool.append((doc.get("title") or "", paras))
    rng.shuffle(pool)
    articles, families = [], []
    for f in range(min(n_families, len(pool) // 4)):
        (title, paras), (_, other), (_, extra), (u_title, unrelated) = pool[4 * f: 4 * f + 4]
        base = 1_700_000_000 + f * 86_400 * 3 + rng.randrange(86_400)

        # even families: an agency original, copied with the agency's credit line; odd ones: an outlet's
        # original, copied by a site whose "Source link" points to it (HTML, as such sites publish)
        agency = f % 2 == 0
        outlet, site = (AGENCY, None) if agency else (f"Gazette {f}", f"https://www.gazette{f}.example/news/{f}")

        def add(key: str, parts: list[str], by: str, hours: float, head: str = title, **extra) -> str:
            art_id = f"real{f}-{key}"
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + hours * 3600))
            articles.append({"id": art_id, "title": head, "text": "\n\n".join(parts), "outlet": by,
                             "published": stamp, **extra})
            return art_id

        n = len(paras)
        cut = rng.randrange(2, n - 1)
        trimmed = rng.choice([i for i in range(1, n) if i != cut])
        version = [(" ".join(w for k, w in enumerate(p.split()) if k % 4 != 3) if i == trimmed else p)
                   for i, p in enumerate(paras) if i != cut]
        # three of its paragraphs among five of another article's: a quarter to a half of the words
        inserted = other[:2] + [paras[2]] + other[2:4] + [paras[4], paras[5]] + other[4:5]
        hours = sorted(rng.uniform(1, 30) for _ in range(7))
        original = add("original", paras, outlet, 0, **({"url": site} if site else {}))
        if not credited_copy:
            credited = None
        elif agency:
            credited = add("credited", paras + [CREDIT_LINE], "Outlet Five", hours[4])
        else:
            credited = add("credited", [], "Outlet Five", hours[4], html=_page(title, paras, site))
            articles[-1].pop("text")
        derived = {
            add("excerpt-lead", paras[: (n + 1) // 2], "Outlet One", hours[0]): "excerpt",
            add("excerpt-cut", paras[:-2], "Outlet Two", hours[1]): "excerpt",
            add("version-cut", version, "Outlet Three", hours[2]): "version_cut",
            add("version-extended", paras + [extra[-1]], "Outlet Four", hours[3]): "version_extended",
            **({credited: "credited_agency" if agency else "credited_source_link"} if credited_copy else {}),
            add("partial", inserted, "Outlet Six", hours[5], head=""): "partial",
        }
        add("unrelated", unrelated, "Outlet Seven", hours[6], head=u_title)
        families.append(_family({original}, derived))
    return _renamed(articles, families, f"real/{seed}")


def _page(title: str, paras: list[str], source_url: str) -> str:
    from html import escape
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    return (f"<html><head><title>{escape(title)}</title></head><body><article><h1>{escape(title)}</h1>{body}"
            f'<p><a href="{source_url}">Source link</a></p></article></body></html>')


def with_dates(articles: list[dict], mode: str) -> list[dict]:
    if mode == "none":
        return [dict(a, published=None) for a in articles]
    return [dict(a, published=a["published"][:10] if a.get("published") else None) for a in articles]


# ---- scoring -----------------------------------------------------------------------------------------

def score(result: dict, families: list[dict]) -> dict:
    best = {a["id"]: (a["sources"][0]["id"] if a["sources"] else None) for a in result["articles"]}
    sources_of = {a["id"]: [(x["id"], x["coverage"]) for x in a["sources"]] for a in result["articles"]}
    originals = {o for fam in families for o in fam["originals"]}
    others: list[tuple[str, float, float | None]] = []  # (what the best source is, its coverage, the best original's)
    pairs = {frozenset((p["a"], p["b"])): p for p in result["pairs"] if p["relation"] in REUSE}
    outcome: Counter = Counter()
    by_kind: dict[str, Counter] = defaultdict(Counter)
    family_of: dict[str, int] = {}
    for n, fam in enumerate(families):
        for d in fam["derived"]:
            family_of[d] = n
    for n, fam in enumerate(families):
        derived_sets = [f["derived"] for f in families if f["originals"] & fam["originals"]]
        for d, kind in fam["derived"].items():
            siblings = {s for ds in derived_sets for s in ds} - {d} - fam["twins"]
            b = best.get(d)
            got = ("original" if b in fam["originals"] else "twin" if b in fam["twins"]
                   else "sibling" if b in siblings else "none" if b is None else "other")
            if got in ("sibling", "other"):
                sources = sources_of[d]
                listed = [c for i, c in sources if i in fam["originals"]]
                others.append(("an original" if b in originals else "a derived article" if b in family_of
                               else "neither", sources[0][1], max(listed) if listed else None))
            outcome[got] += 1
            by_kind[kind][got] += 1
    directed = right = found = with_dir = 0
    for fam in families:
        members = fam["originals"] | set(fam["derived"])
        for key, p in pairs.items():
            if not key <= members:
                continue
            found += 1
            with_dir += p["source"] is not None
            origin = key & fam["originals"]
            if len(origin) == 1 and key - fam["originals"] and p["source"] is not None:
                directed += 1
                right += p["source"] in origin
    total = sum(outcome.values())
    share = (lambda k: outcome[k] / total if total else 0.0)
    return {"derived": total, "orig": share("original"), "orig+twin": share("original") + share("twin"),
            "sibling": share("sibling"), "none": share("none"), "other": share("other"),
            "reuse_pairs": found, "with_direction": with_dir / found if found else 0.0,
            "right_direction": right / directed if directed else 0.0, "directed_original_pairs": directed,
            "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())}, "others": others}


def run(name: str, articles: list[dict], families: list[dict], mode: str, kinds: bool, others: bool = False) -> dict:
    started = time.perf_counter()
    result = storytrace.analyze(with_dates(articles, mode))
    result = result if isinstance(result, dict) else result.to_json()
    figures = score(result, families)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{name:<10} {mode:<5} {figures['derived']:>7} {figures['orig']:>6.3f} {figures['orig+twin']:>9.3f} "
          f"{figures['sibling']:>7.3f} {figures['none']:>6.3f} {figures['other']:>6.3f} {figures['reuse_pairs']:>6} "
          f"{figures['with_direction']:>8.3f} {figures['right_direction']:>6.3f}  ({figures['seconds']} s)", flush=True)
    if others:
        for what in sorted({w for w, _, _ in figures["others"]}):
            cases = [(c, o) for w, c, o in figures["others"] if w == what]
            listed = [o for _, o in cases if o is not None]
            print(f"{'':<17}best source {what}: {len(cases)}; it covers a median "
                  f"{statistics.median(c for c, _ in cases):.3f} of the derived article, the best original listed "
                  + (f"a median {statistics.median(listed):.3f}" if listed else "none")
                  + f"; no original listed in {len(cases) - len(listed)}")
    if kinds:
        for kind, counts in figures["by_kind"].items():
            total = sum(counts.values())
            print(f"{'':<17}{kind}: " + ", ".join(f"{k} {v / total:.2f}" for k, v in sorted(counts.items()))
                  + f" (n={total})")
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=2000, help="synthetic corpus size")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--families", type=int, default=20, help="families built from real articles")
    ap.add_argument("--pan-pairs", type=int, default=500, help="PAN-13 truth pairs used (of 500)")
    ap.add_argument("--skip", default="", help="comma-separated: synthetic, pan, real")
    ap.add_argument("--no-credited-copy", action="store_true",
                    help="real families without their credited copy (what text and dates alone give)")
    ap.add_argument("--kinds", action="store_true", help="also print the outcome per kind of derived article")
    ap.add_argument("--others", action="store_true", help="also say what the best source is where it is not the original")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    print(f"{'corpus':<10} {'dates':<5} {'derived':>7} {'orig':>6} {'orig+twin':>9} {'sibling':>7} {'none':>6} "
          f"{'other':>6} {'pairs':>6} {'directed':>8} {'right':>6}")
    out: dict = {}
    corpora = []
    if "synthetic" not in skip:
        corpora.append(("synthetic", lambda: synthetic_corpus(args.size, args.seed), ("none", "day")))
    if "pan" not in skip:
        corpora.append(("pan", lambda: pan_corpus(args.pan_pairs), ("none",)))
    if "real" not in skip:
        corpora.append(("real", lambda: real_corpus(args.families, args.seed, not args.no_credited_copy), ("none", "day")))
    for name, build, modes in corpora:
        articles, families = build()
        for mode in modes:
            out[f"{name}/{mode}"] = run(name, articles, families, mode, args.kinds, args.others)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
