"""``storytrace serve``'s web UI in a real browser: uvicorn in a thread on a free loopback port
over a store of the example corpus, headless Chromium (Debian's `chromium`) driven by Playwright.
Skipped when either is missing, failed instead under STORYTRACE_REQUIRE_BROWSER=1, as the
report's browser tests (tests/test_report_browser.py, whose browser fixture this reuses).
STORYTRACE_SCREENSHOT_DIR=docs also writes the README's screenshot serve.png."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from test_report_browser import A, B, EXAMPLE, Watched, browser  # noqa: F401  (browser: the shared fixture)

HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> \u202eevil title'
HOSTILE_TEXT = ('Officials said <script>alert(document.cookie)</script> the harbour plan would go ahead.\n\n'
                '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">javascript:alert(3)</a> for more.\n\n'
                'The minister said the harbour talks would resume next week.')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app over a store of the example corpus, served by uvicorn on loopback: its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, add_articles
    from storytrace.web import create_app

    db = tmp_path_factory.mktemp("serve-browser") / "example.db"
    with Store(db) as store:
        add_articles(store, read_inputs([str(EXAMPLE)]).articles, processes=1)
    port = _free_port()
    running = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not running.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(30)


@pytest.fixture
def watched(browser, server):  # noqa: F811
    w = Watched(browser, server + "/", viewport={"width": 1280, "height": 1000})
    yield w
    w.context.close()


def test_list_stories_open_one_and_trace_the_text_of_002(watched, server, tmp_path):
    page = watched.page
    page.goto(server + "/")
    page.wait_for_selector("#story-list li")
    assert page.locator("#story-list li").count() == 2
    assert "2 stories" in page.locator("#stories-status").inner_text()
    # open the four-article story: the report's own story view, over the store
    page.locator("#story-list li", has_text="4 articles").locator("a.story-link").click()
    page.wait_for_selector("body[data-view='stories'] section.story")
    story = page.locator("section.story").first
    assert story.locator("ol.timeline > li").count() == 4
    assert story.locator(".badge.origin").count() == 1
    row = story.locator("ol.timeline > li", has_text=B)
    assert row.locator(".badge.uncredited").count() == 1
    # its pair view: both texts, passages marked
    row.locator(f'a[href="#pair/{A}/{B}"]').click()
    page.wait_for_selector("body[data-view='pair'] .body[data-side='b'] .pas")
    assert page.locator(".body[data-side='a'] .pas").count() and page.locator(".verbatim").count()
    # back to the start page: paste 002 into "trace this text"
    page.goto(server + "/")
    page.locator("#trace-text").fill((EXAMPLE / f"{B}.txt").read_text(encoding="utf-8"))
    page.locator("#trace-run").click()
    page.wait_for_selector("body[data-traced] #trace-result li.source", timeout=120_000)
    best = page.locator("#trace-result li.source").first
    assert best.get_attribute("data-source") == A
    assert best.locator(".badge.uncredited").count() == 1 and "rewrite" in best.inner_text()
    assert page.locator("#trace-result a[href^='/stories/story-']").count() == 1  # the story it would join
    out = Path(os.environ.get("STORYTRACE_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(out / "serve.png"), full_page=True)
    assert (out / "serve.png").stat().st_size > 10_000
    watched.assert_clean()


def test_a_hostile_article_is_shown_as_text_and_runs_nothing(watched, server):
    page = watched.page
    page.goto(server + "/")
    added = page.request.post(server + "/api/articles", data={"id": "hostile-1", "title": HOSTILE_TITLE,
                                                              "text": HOSTILE_TEXT, "outlet": "<b>Evil</b> Times",
                                                              "url": "javascript:alert(4)"})
    assert added.status == 201
    page.locator("#story-search").fill("evil</b>")
    link = page.locator("#story-list a.story-link", has_text="onerror")
    link.wait_for()
    assert "<script>" in link.inner_text()  # the title as text ...
    assert page.locator("#story-list script, #story-list img, a[href^='javascript']").count() == 0  # ... not markup
    assert page.locator("#story-list", has_text="[U+202E]").count() == 1  # the override shown, not obeyed
    link.click()
    page.wait_for_selector("body[data-view='stories'] section.story")
    assert page.locator("main script, main img, a[href^='javascript']").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.locator("section.story h3").inner_text()
    # the hostile text traced: shown as text too
    page.goto(server + "/")
    page.locator("#trace-title").fill(HOSTILE_TITLE)
    page.locator("#trace-text").fill(HOSTILE_TEXT)
    page.locator("#trace-run").click()
    page.wait_for_selector("body[data-traced] #trace-result h3", timeout=120_000)
    assert page.locator("#trace-status").inner_text() == "Traced."
    assert page.locator("main script, main img, a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)  # a handler that would fire late (onerror of a broken image) has had its chance
    watched.assert_clean()


def test_api_docs_page_works_offline(watched, server):
    page = watched.page
    page.goto(server + "/docs")
    page.wait_for_selector("body[data-view='docs']")
    titles = page.locator("section.endpoint h3").all_inner_texts()
    assert {"GET /api/stories", "POST /api/trace", "POST /api/articles", "GET /api/pairs/{a}/{b}"} <= set(titles)
    watched.assert_clean()  # every request to this server: nothing from a CDN
