"""The HTML report at scale: its size and how fast Chromium shows it, on synthetic corpora.

For each size: the seeded synthetic corpus (benchmarks/synthetic.py) is analysed, the report is
rendered (``storytrace.report_html.render_report``, timed), and headless Chromium (Debian's
/usr/bin/chromium through Playwright) opens it from file:// a few times in a fresh context:

* first render: from navigation start to the stories view drawn (``section.story`` in the page),
  wall clock from Python, and the browser's own first-contentful-paint;
* pair view: from the hash change to the two texts drawn (the first time, which parses the texts);
* claims view: from the hash change to the claims list drawn;
* the JS heap after all three.

    python benchmarks/report.py                      # 2,000 and 10,000 articles, 3 opens each
    python benchmarks/report.py --sizes 500 --repeat 1 --keep /tmp/reports
    python benchmarks/report.py --keep /tmp/reports --reuse    # the report again, not the analysis
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def _synthetic():
    sys.path.insert(0, str(HERE))
    try:
        import synthetic
    finally:
        sys.path.remove(str(HERE))
    return synthetic


def build_report(n: int, seed: int, saved: Path | None, reuse: bool) -> tuple[str, dict, float | None, float]:
    """(html, result dict, analysis seconds, render seconds) for ``n`` synthetic articles. The result
    is written to ``saved``; with ``reuse`` one found there is taken instead (only the report is timed)."""
    from storytrace.ingest import read_inputs
    from storytrace.engine.pipeline import analyze_articles
    from storytrace.report_html import render_report

    articles, _ = _synthetic().make_corpus(n, seed)
    ingested = read_inputs(articles)
    analysed = None
    if reuse and saved and saved.exists():
        data = json.loads(saved.read_text(encoding="utf-8"))
    else:
        started = time.perf_counter()
        result = analyze_articles(ingested.articles, ingested.errors)
        analysed = time.perf_counter() - started
        data = result.to_json()
        if saved:
            saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    started = time.perf_counter()
    html = render_report(data, {a.id: a.text for a in ingested.articles})
    return html, data, analysed, time.perf_counter() - started


def open_once(browser, url: str, data: dict) -> dict:
    """One cold open of the report in a fresh browser context: the timings listed above (ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector("section.story", timeout=120_000)
        first = (time.perf_counter() - started) * 1000
        fcp = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
        pair = max(data["pairs"], key=lambda p: len(p["passages"]))  # the busiest pair
        started = time.perf_counter()
        page.evaluate("([a, b]) => { location.hash = '#pair/' + encodeURIComponent(a) + '/' + encodeURIComponent(b); }",
                      [pair["a"], pair["b"]])
        page.wait_for_selector(".body[data-side='b']", timeout=120_000)
        pair_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        page.evaluate("() => { location.hash = '#claims'; }")
        page.wait_for_function("() => document.body.dataset.view === 'claims'", timeout=120_000)
        claims_ms = (time.perf_counter() - started) * 1000
        heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : null")
        if errors:
            raise RuntimeError(f"the page raised: {errors}")
        return {"first": first, "fcp": fcp, "pair": pair_ms, "claims": claims_ms, "heap": heap}
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000", help="article counts, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="opens per size (medians reported)")
    parser.add_argument("--keep", metavar="DIR", help="keep the reports and results there (else a temporary folder)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: take the results a previous run kept there instead of analysing again")
    args = parser.parse_args(argv)

    import tempfile

    from playwright.sync_api import sync_playwright

    folder = Path(args.keep or tempfile.mkdtemp(prefix="storytrace-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        version = browser.version
        for n in (int(s) for s in args.sizes.split(",")):
            saved = folder / f"result-{n}-seed{args.seed}.json" if args.keep else None
            html, data, analysed, rendered = build_report(n, args.seed, saved, args.reuse)
            path = folder / f"report-{n}.html"
            path.write_text(html, encoding="utf-8")
            runs = [open_once(browser, path.as_uri(), data) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) if runs[0][k] is not None else None for k in runs[0]}
            rows.append((n, len(data["stories"]), len(data["pairs"]), len(data["claims"]), path.stat().st_size,
                         rendered, med))
            print(f"{n} articles: analysis {'(kept)' if analysed is None else f'{analysed:.1f} s'}, render {rendered:.2f} s, {path.stat().st_size / 1e6:.1f} MB; "
                  f"opens: {[round(r['first']) for r in runs]} ms", file=sys.stderr)
        browser.close()
    print(f"Chromium {version}, medians of {args.repeat} cold opens from file:// (fresh context each)\n")
    print("| articles | stories | pairs | claims | report size | render (Python) | first render (stories view) "
          "| first contentful paint | pair view (first) | claims view | JS heap |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, stories, pairs, claims, size, rendered, m in rows:
        print(f"| {n:,} | {stories:,} | {pairs:,} | {claims:,} | {size / 1e6:.1f} MB | {rendered:.2f} s "
              f"| {m['first'] / 1000:.2f} s | {(m['fcp'] or 0) / 1000:.2f} s | {m['pair']:.0f} ms | {m['claims']:.0f} ms "
              f"| {(m['heap'] or 0) / 1e6:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
