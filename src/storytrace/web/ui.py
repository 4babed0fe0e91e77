"""The web UI's pages: the start page (stories list and "trace this text"), one story's page (the
HTML report's own views, report_html's JS and CSS, over that story's data) and an offline API
documentation page. Static files are a fixed table of package files: no URL names a path on disk.
No page holds inline script: data goes into non-executed JSON blocks (report_html.script_json),
code comes from /static (the policy allows script from this server only)."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ..report_html import page_data, script_json
from ..report_html.page import static_file as report_file
from .store_access import StoreAccess

_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
# URL name -> (package, file): the only files the server ever sends
STATIC = {
    "report.js": ("storytrace.report_html", "report.js"),
    "report.css": ("storytrace.report_html", "report.css"),
    "app.js": ("storytrace.web", "app.js"),
    "app.css": ("storytrace.web", "app.css"),
    "docs.js": ("storytrace.web", "docs.js"),
}


@cache
def static_text(name: str) -> str:
    package, file = STATIC[name]
    if package == "storytrace.report_html":
        return report_file(file)
    return resources.files(package).joinpath("static", file).read_text(encoding="utf-8")


def _page(title: str, body: str, scripts: list[str], styles: list[str]) -> str:
    links = "".join(f'<link rel="stylesheet" href="/static/{s}">\n' for s in styles)
    code = "".join(f'<script src="/static/{s}"></script>\n' for s in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n{links}</head>\n<body>\n{body}{code}</body>\n</html>\n")


START = _page("storytrace", (
    '<header class="top"><h1>storytrace</h1><nav aria-label="Views" id="nav">'
    '<a href="/" aria-current="page">Stories</a> <a href="#trace">Trace a text</a> <a href="/docs">API</a></nav></header>\n'
    '<main id="main" tabindex="-1">\n'
    '<section id="trace" aria-labelledby="trace-h"><h2 id="trace-h">Trace this text</h2>\n'
    '<p class="lede">Paste an article: its sources in the store, credited or not. Nothing is stored.</p>\n'
    '<label class="filter" for="trace-title">Title (optional) <input id="trace-title" type="text" maxlength="500"></label>\n'
    '<textarea id="trace-text" rows="8" aria-label="Article text to trace" placeholder="the article\'s text"></textarea>\n'
    '<p><button type="button" id="trace-run">Trace</button> <span id="trace-status" role="status"></span></p>\n'
    '<div id="trace-result" aria-live="polite"></div></section>\n'
    '<section id="stories" aria-labelledby="stories-h"><h2 id="stories-h">Stories</h2>\n'
    '<div class="filters"><label class="filter">Search <input type="search" id="story-search" '
    'placeholder="title or outlet" aria-label="Search stories by title or outlet"></label>\n'
    '<label class="filter">Relation <select id="story-relation" aria-label="Relation">'
    '<option value="">any relation</option><option value="duplicate">duplicate</option><option value="version">version</option>'
    '<option value="rewrite">rewrite</option><option value="partial">partial</option>'
    '<option value="same_event">same event</option></select></label></div>\n'
    '<p id="stories-status" role="status"></p><ol id="story-list" class="story-list"></ol>\n'
    '<p class="pager" id="story-pager"></p></section>\n'
    '</main>\n'), ["app.js"], ["report.css", "app.css"])

DOCS = _page("storytrace API", (
    '<header class="top"><h1>storytrace API</h1><nav aria-label="Views" id="nav"><a href="/">Stories</a> '
    '<a href="/openapi.json">openapi.json</a></nav></header>\n'
    '<main id="main" tabindex="-1"><p>The endpoints, read from <a href="/openapi.json">/openapi.json</a>.</p>'
    '<div id="endpoints"></div></main>\n'), ["docs.js"], ["report.css", "app.css"])


def story_page(document: dict, texts: dict[str, str]) -> str:
    """One story drawn by the HTML report's own script from the story's data."""
    data, ordered = page_data(document, texts)
    story = document["stories"][0]
    title = f"storytrace · {story.get('title') or story['id']}"
    return _page(title, (
        '<header class="top"><p class="back"><a href="/">\u2190 all stories</a></p><h1>' + escape(title[:200]) + "</h1>\n"
        '<nav aria-label="Views" id="nav"></nav></header>\n'
        '<main id="main" tabindex="-1"><p>This page is drawn by JavaScript; enable it to read the story.</p></main>\n'
        '<script type="application/json" id="st-data">' + script_json(data) + "</script>\n"
        '<script type="application/json" id="st-texts">' + script_json(ordered) + "</script>\n"),
        ["report.js"], ["report.css", "app.css"])


def ui_routes(access: StoreAccess) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def start():
        return HTMLResponse(START)

    @router.get("/favicon.ico")
    def favicon():  # browsers ask for one; none, without a 404 in their console
        return Response(status_code=204)

    @router.get("/docs", response_class=HTMLResponse)
    def docs():
        return HTMLResponse(DOCS)

    @router.get("/stories/{story_id}", response_class=HTMLResponse)
    async def story(story_id: str):
        document, texts = await run_in_threadpool(access.story, story_id)
        return HTMLResponse(story_page(document, texts))

    @router.get("/static/{name}")
    def static(name: str):
        if name not in STATIC:
            raise HTTPException(404, f"no static file {name!r}")
        return Response(static_text(name), media_type=_TYPES[name.rsplit(".", 1)[1]],
                        headers={"cache-control": "no-cache"})

    return router
