"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, never a downloaded
build) driven by Playwright. Skipped when either is missing here; with STORYTRACE_REQUIRE_BROWSER=1
(set by .ci/run, which installs both) a missing or broken browser fails instead, so CI cannot go
green without running them. STORYTRACE_SCREENSHOT_DIR=docs also writes the README's screenshot."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from storytrace.report_html import render_report, write_report

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"
A, B = "000_a37f6e7e984c68d0", "002_5985c9d0a73851b2"


def _unavailable(reason: str):
    if os.environ.get("STORYTRACE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"STORYTRACE_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"playwright is not installed ({exc}; pip install playwright)")
    try:
        driver = sync_playwright().start()
    except Exception as exc:  # the driver ships inside the wheel; anything wrong with it ends here
        _unavailable(f"playwright does not start: {exc}")
    try:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as exc:
        driver.stop()
        _unavailable(f"chromium does not launch: {str(exc).splitlines()[0]}")
    yield chromium
    chromium.close()
    driver.stop()


class Watched:
    """A page with everything recorded that the tests judge it by: requests, console messages,
    uncaught errors and dialogs (a dialog is dismissed, and counted: no script of ours opens one).
    ``origin``: where every request must go (the report: files only; the web app: its server)."""

    def __init__(self, browser, origin: str = "file://", **context):
        self.origin = origin
        self.context = browser.new_context(**context)
        self.requests, self.console, self.errors, self.dialogs = [], [], [], []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: Path, route: str = "") -> None:
        self.page.goto(path.resolve().as_uri() + route)
        self.page.wait_for_selector("body[data-view]")

    def go(self, route: str) -> None:
        self.page.evaluate("r => { location.hash = r; }", route)
        self.page.wait_for_function("v => document.body.dataset.view === v", arg=route.split("/")[0])

    def assert_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.dialogs, self.dialogs
        assert not [m for m in self.console if m.startswith(("error", "warning"))], self.console
        assert all(url.startswith(self.origin) for url in self.requests), self.requests  # nothing from elsewhere


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example corpus analysed once: (report path, result dict, texts by id)."""
    from storytrace.engine.pipeline import analyze

    result = analyze([str(EXAMPLE)])
    data = result.to_json()
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, data, result.articles)
    return path, data, {a.id: a.text for a in result.articles}


@pytest.fixture
def watched(browser):
    w = Watched(browser, viewport={"width": 1280, "height": 900})
    yield w
    w.context.close()


def test_example_report_shows_its_two_stories_with_origin_time_line_and_badges(watched, example):
    path, data, _ = example
    watched.open(path)
    page = watched.page
    assert len(data["stories"]) == 2
    assert page.locator("section.story").count() == 2
    story = page.locator("section.story").first
    assert story.locator("ol.timeline > li").count() == 4
    assert story.locator(".badge.origin").count() == 1
    assert story.locator(".when.undated").count() >= 1  # the undated articles are marked so
    # 002 is an uncredited rewrite of 000: its row says so, with a link to the pair view
    row = story.locator("ol.timeline > li", has_text=B)
    assert row.locator(".badge.uncredited").count() == 1
    assert row.locator(f'a[href="#pair/{A}/{B}"]').count() == 1
    watched.assert_clean()


def _passage_pieces(page, side: str, index: int) -> list[dict]:
    return page.evaluate(
        """([side, i]) => Array.from(document.querySelectorAll(`.body[data-side="${side}"] [data-ps~="${i}"]`))
             .map(e => ({start: +e.dataset.start, end: +e.dataset.end, text: e.textContent, cls: e.className}))""",
        [side, index])


def test_pair_view_highlights_every_passage_at_the_offsets_of_the_json(watched, example):
    path, data, texts = example
    pair = next(p for p in data["pairs"] if {p["a"], p["b"]} == {A, B})
    watched.open(path, f"#pair/{A}/{B}")
    page = watched.page
    assert pair["passages"] and {p["kind"] for p in pair["passages"]} == {"verbatim", "paraphrase"}
    for i, passage in enumerate(pair["passages"]):
        for side in ("a", "b"):
            start, end = passage[side]
            pieces = _passage_pieces(page, side, i)
            assert pieces, (i, side)
            assert pieces[0]["start"] == start and pieces[-1]["end"] == end, (i, side)
            assert "".join(p["text"] for p in pieces) == texts[pair[side]][start:end], (i, side)
            if passage["kind"] == "paraphrase":  # (a verbatim run may lie inside a paraphrase passage)
                assert any("paraphrase" in p["cls"] for p in pieces) or all("verbatim" in p["cls"] for p in pieces)
            else:
                assert all("verbatim" in p["cls"] for p in pieces)
    # furniture greyed and struck out, at its offsets
    article = next(a for a in data["articles"] if a["id"] == A)
    start, end = article["furniture"][0]
    furniture = page.locator(f'.body[data-article="{A}"] .furniture').first
    assert int(furniture.get_attribute("data-start")) == start
    style = furniture.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in style
    assert page.locator(".legend .verbatim").count() and page.locator(".legend .paraphrase").count()
    # coverage and evidence figures above the texts
    assert page.locator("table.coverage tbody tr").count() == 2
    assert page.locator("dl.evidence dt").count() == len(pair["evidence"])
    watched.assert_clean()


_IN_VIEW = """e => { const r = e.getBoundingClientRect(), box = e.closest('.body').getBoundingClientRect();
                      return r.bottom > Math.max(box.top, 0) && r.top < Math.min(box.bottom, innerHeight); }"""


def test_clicking_a_passage_brings_its_counterpart_into_view(watched, example):
    path, data, _ = example
    pair = next(p for p in data["pairs"] if {p["a"], p["b"]} == {A, B})
    watched.open(path, f"#pair/{A}/{B}")
    page = watched.page
    last = len(pair["passages"]) - 1  # far down both texts: its counterpart starts out of view
    source_piece = page.locator(f'.body[data-side="a"] [data-p="{last}"]').first
    target = page.locator(f'.body[data-side="b"] [data-ps~="{last}"]').first
    assert not target.evaluate(_IN_VIEW)
    source_piece.click()
    page.wait_for_function(f"() => ({_IN_VIEW})(document.querySelector('.body[data-side=\"b\"] [data-ps~=\"{last}\"]'))")
    assert "active" in target.get_attribute("class")
    # and back, by keyboard: Tab reaches the passages; Enter on one shows the counterpart, focused
    page.evaluate("() => { document.querySelectorAll('.body').forEach(b => b.scrollTop = 0); window.scrollTo(0, 0); }")
    page.locator("#nav a").first.focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('.body[data-side=\"b\"] .pas')"):
            break
    else:
        pytest.fail("Tab never reached a passage of the second text")
    p = page.evaluate("() => document.activeElement.dataset.p")
    page.keyboard.press("Enter")
    assert page.evaluate(f"""() => document.activeElement.matches('.body[data-side="a"] [data-ps~="{p}"]')""")
    assert page.evaluate(f"() => ({_IN_VIEW})(document.activeElement)")
    watched.assert_clean()


def test_claims_view_shows_the_altered_zelenskyy_quote_with_changed_words_marked(watched, example):
    path, data, _ = example
    claim = next(c for c in data["claims"] if c["kind"] == "quote" and c["grade"] == "altered"
                 and "Zelensk" in (c["speaker"] or "") and [i["article"] for i in c["items"]] == [A, B])
    watched.open(path, "#claims")
    page = watched.page
    card = page.locator("section.claim[data-grade='altered']", has_text=claim["items"][1]["text"][:40]).first
    assert "Zelensk" in card.locator(".claim-head").inner_text()
    assert card.locator(".badge.grade-altered").inner_text() == "altered"
    changed = card.locator("[data-op='changed']").all_inner_texts()
    assert "relentless" in changed and "intense" in changed  # the counterpart's word and the reference's
    assert card.locator("[data-op='inserted']").count() and card.locator("[data-op='deleted']").count()
    # each wording, marks and all, reads as the article's own words
    quotes = card.locator("blockquote").all_inner_texts()
    assert [q.strip() for q in quotes] == [i["text"].strip() for i in claim["items"]]
    # marked by more than colour: struck out, double and wavy underlines
    styles = {op: card.locator(f"[data-op='{op}']").first.evaluate("e => getComputedStyle(e).textDecorationStyle + ' ' + getComputedStyle(e).textDecorationLine")
              for op in ("changed", "inserted", "deleted")}
    assert styles == {"changed": "wavy underline", "inserted": "double underline", "deleted": "solid line-through"}
    watched.assert_clean()


def test_the_report_makes_no_network_request_and_works_offline_from_file(browser, example):
    path, data, _ = example
    w = Watched(browser, offline=True, viewport={"width": 1280, "height": 900})
    try:
        w.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                     else route.abort())
        w.open(path)
        for route in ("pairs", f"pair/{A}/{B}", "claims", "stories/story-1"):
            w.go(route)
        assert w.page.locator("section.story").count() == 1
        assert w.requests == [path.resolve().as_uri()]  # the page itself, and nothing else
        w.assert_clean()
    finally:
        w.context.close()


def test_phone_width_keeps_the_page_within_the_screen(browser, example):
    path, _, _ = example
    w = Watched(browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    try:
        for route in ("#stories", f"#pair/{A}/{B}", "#claims"):
            w.open(path, route)
            assert w.page.evaluate("() => document.documentElement.scrollWidth <= innerWidth"), route
        w.open(path, f"#pair/{A}/{B}")
        cols = w.page.evaluate("() => Array.from(document.querySelectorAll('.col')).map(c => c.getBoundingClientRect().top)")
        assert cols[1] > cols[0]  # the two texts stacked, not squeezed side by side
        w.assert_clean()
    finally:
        w.context.close()


LINE = "x" * (1 << 20)  # a 1 MB line
EVIL = ('<script>window.__pwned = 1; alert(1)</script> <img src=x onerror="window.__pwned = 2; alert(2)"> '
        '<a href="javascript:window.__pwned=3">click me</a> javascript:alert(4) \u202eevil reversed\u202c '
        '<style>body{display:none}</style> </script><script>alert(5)</script>')


def _hostile_report(tmp_path: Path) -> Path:
    first, second = "evil-" + EVIL, "copy"
    text = EVIL + "\n\n" + LINE + "\n\nThe end. " + EVIL
    articles = [{"id": first, "title": EVIL + LINE, "outlet": EVIL, "published": None, "url": "javascript:alert(6)",
                 "byline": EVIL, "credits": [EVIL], "furniture": [[0, 40]], "sources": []},
                {"id": second, "title": "\u202e" + EVIL, "outlet": "\u202eOutlet", "published": "2024-05-01T10:00:00Z",
                 "url": None, "credits": [], "furniture": [],
                 "sources": [{"id": first, "relation": "duplicate", "coverage": 1.0, "credited": False}]}]
    span = [0, len(text)]
    result = {"schema": "storytrace/1", "articles": articles,
              "pairs": [{"a": first, "b": second, "relation": "duplicate", "similarity": 1.0, "source": first,
                         "derived": second, "coverage": {"a": {"verbatim": 1.0, "paraphrase": 0.0},
                                                         "b": {"verbatim": 1.0, "paraphrase": 0.0}},
                         "passages": [{"a": span, "b": span, "kind": "verbatim", "score": 1.0}],
                         "evidence": {EVIL: EVIL}}],
              "stories": [{"id": "story-" + EVIL, "articles": [first, second], "origin": first, "title": EVIL + LINE}],
              "claims": [{"story": "story-" + EVIL, "kind": "quote", "speaker": EVIL, "grade": "altered",
                          "items": [{"article": first, "span": [0, 10], "text": EVIL},
                                    {"article": second, "span": [0, 10], "text": EVIL.replace("alert", "confirm")}]}],
              "errors": [EVIL], "stats": {}}
    path = tmp_path / "hostile.html"
    path.write_text(render_report(result, {first: text, second: text}, title=EVIL), encoding="utf-8")
    return path


def test_hostile_article_is_shown_as_text_and_runs_nothing(browser, tmp_path):
    path = _hostile_report(tmp_path)
    w = Watched(browser, viewport={"width": 1280, "height": 900})
    try:
        w.open(path)
        page = w.page
        for route in ("claims", "pairs"):
            w.go(route)
        w.go("stories")
        # the title is shown as the text it is, not as markup
        assert "<script>window.__pwned = 1; alert(1)</script>" in page.locator("section.story h3").inner_text()
        # a title's right-to-left override is shown, not obeyed
        assert "[U+202E]<script>" in page.locator("ol.timeline").inner_text()
        # open the pair view through its link, as a reader would
        page.locator("section.story a[href^='#pair/']").first.click()
        page.wait_for_selector(".body[data-side='b']")
        body = page.locator(".body[data-side='a']")
        assert "<img src=x onerror=" in body.inner_text()
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("main img, main script, main style, main iframe").count() == 0
        assert page.locator("a[href^='javascript:' i]").count() == 0
        assert page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).every(a => a.getAttribute('href').startsWith('#'))")
        # layout intact: nothing wider than the screen, the two texts side by side, the nav in order
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        cols = page.evaluate("() => Array.from(document.querySelectorAll('.col')).map(c => { const r = c.getBoundingClientRect(); return [r.left, r.width]; })")
        assert cols[0][0] < cols[1][0] and all(200 < width < 700 for _, width in cols)
        nav = page.evaluate("() => Array.from(document.querySelectorAll('#nav a')).map(a => a.getBoundingClientRect().left)")
        assert nav == sorted(nav)
        w.go("claims")
        assert "alert(1)" in page.locator("section.claim blockquote").first.inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        assert page.evaluate("() => window.__pwned") is None
        w.assert_clean()
    finally:
        w.context.close()


def test_screenshot_of_the_pair_view(watched, example):
    """The README's picture; written to $STORYTRACE_SCREENSHOT_DIR when set (docs/ in the repo)."""
    path, _, _ = example
    watched.open(path, f"#pair/{A}/{B}")
    page = watched.page
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.locator('.body[data-side="a"] [data-p="4"]').first.click()
    page.evaluate("() => window.scrollTo(0, 0)")  # the figures and legend in the picture too
    out = Path(os.environ.get("STORYTRACE_SCREENSHOT_DIR") or path.parent)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "report.png"))
    watched.go("claims")
    page.screenshot(path=str(out / "report-claims.png"))
    assert (out / "report.png").stat().st_size > 10_000 and (out / "report-claims.png").stat().st_size > 10_000
    watched.assert_clean()


def test_story_card_names_the_other_stories_of_its_storyline_escaped(watched, example, tmp_path):
    path, data, texts = example
    hostile = '<img src=x onerror="alert(1)">[bold]'
    data = {**data, "stories": [dict(s) for s in data["stories"]]}
    data["stories"][1]["title"] = hostile
    # the example's two stories are two storylines (003 is undated, the Kyiv story dated): join them
    # here, as a corpus whose 003 were undated too would, to see the note a storyline adds to a card
    assert [line["stories"] for line in data["storylines"]] == [["story-1"], ["story-2"]]
    data["storylines"] = [{"id": "storyline-1", "stories": ["story-1", "story-2"], "title": data["stories"][0]["title"]}]
    page_path = tmp_path / "report.html"
    page_path.write_text(render_report(data, texts), encoding="utf-8")
    watched.open(page_path)
    note = watched.page.locator("section.story").first.locator("p.storyline")
    assert note.count() == 1
    assert "storyline-1" in note.inner_text() and hostile in note.inner_text()  # shown as text
    assert note.locator('a[href="#stories/story-2"]').count() == 1
    assert watched.page.locator("img").count() == 0
    watched.assert_clean()
