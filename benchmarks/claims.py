"""Claims benchmark (issue 12): controlled changes, speaker attribution, cost.

(a) ``changes``: real articles (../shared/data: semeval8_en and wikiref220, or any files given
    with --articles) each get copies published a day later: an unchanged copy, a punctuation-only
    copy (commas dropped, quote marks switched between straight and curly), and one copy per kind
    of change, each with exactly one change, made by the seeded rules below (independent of the
    claims code: plain patterns on the text). Each copy is analysed with its original alone;
    recall per kind = copies whose change is reported with the expected kind and grade, at the
    changed place; false-positive rate = unchanged and punctuation-only copies with any claim
    other than "same".

        kind              change                                               expected
        quote_variant     one word inside a quote replaced                      quote variant
        quote_altered     every other word of a quote replaced                  quote altered
        quote_truncated   a quote cut to its first half                         quote truncated
        quote_extended    words added at the end of a quote                     quote extended
        number            a figure outside quotes (digits then a word) changed  number conflict
        hedge_dropped     could/may/might -> will, reportedly/allegedly         hedge dropped
                          removed, about/around/nearly/roughly + figure -> figure
        hedge_added       will -> could, "was" -> "was reportedly"              hedge added

(b) ``speakers``: the hand-labelled quotes of benchmarks/claims_speakers.jsonl (file, offset of the
    quote's first character, speaker or null when the text names none; 75 from semeval8_en, the
    "development" set the attribution rules were refined on, and 34 from wikiref220, "heldout",
    labelled afterwards and never tuned on): precision and recall of
    the claims stage's speakers, beside the baseline "nearest capitalised name" (the capitalised
    word nearest the quote in its paragraph). A speaker is right when the surnames match
    (transliteration folded).

(c) ``cost``: stats.seconds.claims against the rest of an ``analyze`` process's wall-clock time, on
    the example corpus and on the 2k synthetic corpus (benchmarks/synthetic.py 2000 --seed 1): once
    cold (no stored vectors), then three times with the vector store on (the default).

    python benchmarks/claims.py changes [--limit N] [--seed S] [--articles PATH...]
    python benchmarks/claims.py speakers
    python benchmarks/claims.py cost [--synthetic corpus.jsonl]
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

KINDS = {"quote_variant": ("quote", {"variant"}), "quote_altered": ("quote", {"altered"}),
         "quote_truncated": ("quote", {"truncated"}), "quote_extended": ("quote", {"extended"}),
         "number": ("number", {"conflict"}), "hedge_dropped": ("hedge", {"dropped"}),
         "hedge_added": ("hedge", {"added"})}

_WORDS = ["certainly", "completely", "entirely", "simply", "truly", "really", "plainly", "surely"]
_FILLER = ["banana", "orbit", "velvet", "harbour", "lantern", "marble", "thunder", "pepper", "meadow", "candle"]


# ---- the articles ---------------------------------------------------------------------------

def shared_articles() -> list[tuple[str, str]]:
    out = []
    for f in sorted(glob.glob(str(DATA / "semeval8_en" / "articles" / "*.json"))):
        out.append((Path(f).stem, json.loads(Path(f).read_text("utf-8"))["text"]))
    for f in sorted(glob.glob(str(DATA / "wikiref220" / "wikiref" / "WikiRef220" / "*.txt"))):
        out.append((Path(f).stem, Path(f).read_text("utf-8", errors="replace")))
    return [(i, t) for i, t in out if len(t.split()) >= 150]


def other_articles(paths: list[str]) -> list[tuple[str, str]]:
    from storytrace.ingest import read_inputs

    return [(a.id, a.text) for a in read_inputs(paths).articles if len(a.text.split()) >= 150]


# ---- seeded changes -------------------------------------------------------------------------

def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quote marks, paired as a reader pairs them: “…” by their shapes, straight
    marks two by two within a line."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        marks = [m.start() for m in re.finditer(r'"', line.group())]
        spans += [(line.start() + a + 1, line.start() + b) for a, b in zip(marks[0::2], marks[1::2])]
        spans += [(line.start() + m.start(1), line.start() + m.end(1))
                  for m in re.finditer(r"“([^“”]*)”", line.group())]
    return sorted(spans)


def _quotes(text: str) -> list[tuple[int, int]]:
    """Quotes of 8+ words (speech, not terms)."""
    return [(s, e) for s, e in _quote_spans(text) if len(text[s:e].split()) >= 8]


def _outside_quotes(text: str, start: int) -> bool:
    return not any(s - 1 <= start <= e for s, e in _quote_spans(text))


def _replace(text: str, start: int, end: int, new: str) -> tuple[str, tuple[int, int]]:
    return text[:start] + new + text[end:], (start, start + len(new))


def change(text: str, kind: str, rng: random.Random) -> tuple[str, tuple[int, int]] | None:
    """The text with one change of ``kind`` and the changed span in the copy, or None if the text
    has nowhere to make it."""
    if kind.startswith("quote"):
        quotes = _quotes(text)
        if not quotes:
            return None
        s, e = rng.choice(quotes)
        words = text[s:e].split(" ")
        if kind == "quote_variant":
            k = rng.randrange(1, len(words) - 1)
            if not words[k].isalpha():
                k = next((j for j in range(1, len(words) - 1) if words[j].isalpha()), k)
            words[k] = rng.choice([w for w in _WORDS if w != words[k].lower()])
        elif kind == "quote_altered":
            words = [rng.choice(_FILLER) if j % 2 else w for j, w in enumerate(words)]
        elif kind == "quote_truncated":
            words = words[:len(words) // 2]
        else:
            words = words + ["and", "we", "will", "keep", "working", "on", "it"]
        return _replace(text, s, e, " ".join(words))
    if kind == "number":
        # a counted figure: digits then a word, not after a capitalised word (a name: "Airbus 330")
        spots = [m for m in re.finditer(r"(?<![\w.,$€£/:-])(\d{1,3}(?:,\d{3})+|\d+)(?=\s+[a-z]{3,})", text)
                 if _outside_quotes(text, m.start()) and not 1800 <= int(m.group(1).replace(",", "")) <= 2100
                 and not re.search(r"(?<![.!?]\s)\b[A-Z][\w-]*\s+$", text[max(0, m.start() - 30):m.start()])
                 and not re.search(r"(?:January|February|March|April|May|June|July|August|September|October|"
                                   r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s*$",
                                   text[max(0, m.start() - 12):m.start()])]
        if not spots:
            return None
        m = rng.choice(spots)
        value = int(m.group(1).replace(",", ""))
        return _replace(text, m.start(1), m.end(1), str(value + rng.randint(1, 9)))
    if kind == "hedge_dropped":
        spots = [(m, "will") for m in re.finditer(r"\b(could|may|might)\b(?= [a-z])", text)]
        spots += [(m, "") for m in re.finditer(r"\b(?:reportedly|allegedly) ", text)]
        spots += [(m, "") for m in re.finditer(r"\b(?:about|around|nearly|roughly|approximately) (?=\d)", text)]
        spots = [(m, new) for m, new in spots if _outside_quotes(text, m.start())]
        if not spots:
            return None
        m, new = rng.choice(spots)
        copy, span = _replace(text, m.start(), m.end(), new)
        return copy, (span[0], span[0] + max(1, len(new)))
    if kind == "hedge_added":
        spots = [(m, "could") for m in re.finditer(r"\bwill\b(?= [a-z])", text)]
        spots += [(m, m.group() + " reportedly") for m in re.finditer(r"\b(?:was|were)\b(?= [a-z]+ed\b)", text)]
        spots = [(m, new) for m, new in spots if _outside_quotes(text, m.start())]
        if not spots:
            return None
        m, new = rng.choice(spots)
        return _replace(text, m.start(), m.end(), new)
    raise ValueError(kind)


def punctuation_only(text: str, rng: random.Random) -> str:
    """Commas dropped here and there (not inside numbers) and quote marks switched style."""
    out = re.sub(r",(?=\s)", lambda m: "" if rng.random() < 0.3 else ",", text)
    if "“" in out:
        return out.replace("“", '"').replace("”", '"')
    return re.sub(r'"([^"\n]*)"', r"“\1”", out)


# ---- running --------------------------------------------------------------------------------

def claims_of(original: str, copy: str) -> tuple[list[dict], bool]:
    from storytrace.model import Article
    from storytrace.engine.pipeline import analyze_articles

    result = analyze_articles([Article("original", original, published="2024-03-04"),
                               Article("copy", copy, published="2024-03-05")], processes=1).to_json()
    return result["claims"], bool(result["pairs"])


def _overlaps(span: list[int], changed: tuple[int, int]) -> bool:
    return span[0] <= changed[1] and changed[0] <= span[1]


def run_changes(articles: list[tuple[str, str]], seed: int, show: bool) -> dict:
    rng = random.Random(seed)
    found = {k: [0, 0] for k in KINDS}
    fp = {"unchanged": [0, 0], "punctuation": [0, 0]}
    extra = [0, 0]  # changed copies: claims besides the expected one (not "same")
    started = time.perf_counter()
    for aid, text in articles:
        for name, copy in (("unchanged", text), ("punctuation", punctuation_only(text, rng))):
            claims, _ = claims_of(text, copy)
            bad = [c for c in claims if c["grade"] != "same"]
            fp[name][0] += bool(bad)
            fp[name][1] += 1
            if bad and show:
                print(f"FP {name} {aid}: {[(c['kind'], c['grade'], c['items'][1]['text'][:60]) for c in bad]}")
        for kind, (claim_kind, grades) in KINDS.items():
            made = change(text, kind, rng)
            if made is None:
                continue
            copy, changed = made
            claims, paired = claims_of(text, copy)
            hit = [c for c in claims if c["kind"] == claim_kind and c["grade"] in grades
                   and _overlaps(c["items"][1]["span"], changed)]
            found[kind][0] += bool(hit)
            found[kind][1] += 1
            others = [c for c in claims if c["grade"] != "same" and c not in hit]
            extra[0] += len(others)
            extra[1] += 1
            if not hit and show:
                print(f"MISS {kind} {aid} (paired: {paired}): {copy[max(0, changed[0] - 60):changed[1] + 40]!r} "
                      f"got {[(c['kind'], c['grade']) for c in claims if c['grade'] != 'same']}")
    return {"recall": {k: (v[0] / v[1] if v[1] else None, v[1]) for k, v in found.items()},
            "false_positive_rate": (fp["unchanged"][0] + fp["punctuation"][0])
            / max(1, fp["unchanged"][1] + fp["punctuation"][1]),
            "false_positives": fp, "other_claims_per_changed_copy": extra[0] / max(1, extra[1]),
            "articles": len(articles), "seconds": round(time.perf_counter() - started, 1)}


# ---- (b) speakers ---------------------------------------------------------------------------

def _nearest_capitalised(text: str, start: int, end: int) -> str | None:
    """Baseline: the capitalised word nearest the quote (before or after it) in its paragraph."""
    ps = text.rfind("\n", 0, start) + 1
    pe = text.find("\n", end)
    pe = len(text) if pe < 0 else pe
    best, distance = None, None
    quotes = [(s - 1, e + 1) for s, e in _quote_spans(text) if ps <= s < pe]
    for m in re.finditer(r"\b[A-Z][\w’'\-]+", text[ps:pe]):
        at = ps + m.start()
        if start - 1 <= at < end + 1 or any(a <= at < b for a, b in quotes):
            continue
        d = start - at if at < start else at - end
        if distance is None or d < distance:
            best, distance = m.group(), d
    return best


def _same_person(predicted: str | None, gold: str | None) -> bool:
    from storytrace.claims.speakers import name_key

    if not predicted or not gold:
        return False
    p = {name_key(w) for w in predicted.replace(".", ". ").split()}
    g = {name_key(w) for w in gold.replace(".", ". ").split()}
    return name_key(predicted.split()[-1]) in g or name_key(gold.split()[-1]) in p


def run_speakers(labels_path: Path) -> dict:
    from storytrace.claims import mentions_of
    from storytrace.claims.speakers import canonical_names
    from storytrace.model import Article

    rows = [json.loads(line) for line in labels_path.read_text("utf-8").splitlines() if line.strip()]
    scores: dict = {}  # (set, system) -> [right, predicted, gold]
    for row in rows:
        path = DATA / row["article"]
        text = json.loads(path.read_text("utf-8"))["text"] if path.suffix == ".json" \
            else path.read_text("utf-8", errors="replace")
        assert text[row["offset"]:].startswith(row["quote"]), row
        m = mentions_of(Article(path.stem, text))
        names = canonical_names({path.stem: [q.speaker for q in m.quotes]}, {path.stem: text})
        quote = next((q for q in m.quotes if q.start <= row["offset"] < q.end), None)
        predicted = names.get((path.stem, quote.speaker)) if quote and quote.speaker else None
        end = quote.end if quote else row["offset"] + len(row["quote"])
        for system, guess in (("storytrace", predicted),
                              ("nearest capitalised name", _nearest_capitalised(text, row["offset"], end))):
            for part in ("all", row.get("set", "development")):
                s = scores.setdefault((part, system), [0, 0, 0, 0])
                s[0] += _same_person(guess, row["speaker"])
                s[1] += guess is not None
                s[2] += row["speaker"] is not None
                s[3] += 1
    return {f"{part}: {system}": {"precision": round(right / max(1, predicted), 4),
                                  "recall": round(right / max(1, gold), 4), "right": right, "predicted": predicted,
                                  "labelled_with_speaker": gold, "quotes": quotes}
            for (part, system), (right, predicted, gold, quotes) in scores.items()}


# ---- (c) cost -------------------------------------------------------------------------------

def run_cost(paths: list[str], runs: int = 3) -> dict:
    """For each corpus, ``storytrace analyze`` in a fresh process: cold (no stored vectors) once, then
    ``runs`` times with the vector store on (the default; the first of them fills it). The claims
    stage's seconds against the rest of the process's wall-clock time."""
    import os
    import subprocess
    import tempfile

    out = {}
    for path in paths:
        rows = []
        for mode in ["cold"] + ["store"] * runs:
            env = dict(os.environ)
            if mode == "cold":
                env["STORYTRACE_VECTOR_CACHE"] = "off"
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "storytrace.cli", "analyze", path, "--json",
                                f"{tmp}/out.json", "-q"], check=True, env=env)
                wall = time.perf_counter() - started
                seconds = json.loads(Path(f"{tmp}/out.json").read_text("utf-8"))["stats"]["seconds"]
            rest = wall - seconds["claims"]
            rows.append({"mode": mode, "wall_seconds": round(wall, 2), "claims_seconds": seconds["claims"],
                         "claims_share_of_the_rest": round(seconds["claims"] / rest, 4),
                         "stage_seconds": seconds})
        out[path] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    c = sub.add_parser("changes")
    c.add_argument("--limit", type=int, default=0, help="articles (a seeded sample; 0: all)")
    c.add_argument("--seed", type=int, default=12)
    c.add_argument("--articles", nargs="+", help="other articles (any storytrace input) instead of ../shared/data's")
    c.add_argument("--show", action="store_true", help="print every miss and false positive")
    sub.add_parser("speakers")
    k = sub.add_parser("cost")
    k.add_argument("--synthetic", default=None, help="the 2k synthetic corpus (JSONL); made with seed 1 if absent")
    args = parser.parse_args(argv)
    if args.what == "changes":
        articles = other_articles(args.articles) if args.articles else shared_articles()
        if args.limit:
            articles = random.Random(args.seed).sample(articles, min(args.limit, len(articles)))
        result = run_changes(articles, args.seed, args.show)
    elif args.what == "speakers":
        result = run_speakers(ROOT / "benchmarks" / "claims_speakers.jsonl")
    else:
        synthetic = args.synthetic
        if synthetic is None:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            import synthetic as synth

            synthetic = "/tmp/storytrace-claims-synthetic-2000.jsonl"
            synth.write_jsonl(synth.make_corpus(2000, 1)[0], synthetic)
        result = run_cost([str(ROOT / "examples" / "nato-kyiv"), synthetic])
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
