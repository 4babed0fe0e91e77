"""The HTML page around the data: head with the policy, the inlined CSS and JS, the data blocks."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from .embed import content_security_policy, script_json


@cache
def static_file(name: str) -> str:
    """One of the page's own files (static/), read once."""
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def render_page(data: dict, texts: list, title: str) -> str:
    """The page: the views are drawn by report.js from the two JSON blocks (``st-data`` and
    ``st-texts``); until it runs, the body says what it is and that it needs JavaScript."""
    css, js = static_file("report.css"), static_file("report.js")
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        '<meta http-equiv="Content-Security-Policy" content="', content_security_policy(js, css), '">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        "<title>", escape(title), "</title>\n<style>", css, "</style>\n</head>\n<body>\n",
        '<header class="top"><h1>', escape(title), '</h1>\n<nav aria-label="Views" id="nav"></nav></header>\n',
        '<main id="main" tabindex="-1"><p>This report is drawn by JavaScript from the data in the page; '
        "enable JavaScript to read it.</p></main>\n",
        '<script type="application/json" id="st-data">', script_json(data), "</script>\n",
        '<script type="application/json" id="st-texts">', script_json(texts), "</script>\n",
        "<script>", js, "</script>\n</body>\n</html>\n",
    ])
