"""The HTML report without a browser: data embedded so no string can leave its script element,
the page's policy matching its own script and style, the word diff, and `analyze --html`.
The browser tests are in test_report_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from storytrace.cli import main
from storytrace.report_html import page_data, render_report, script_json, word_diff
from storytrace.report_html.embed import csp_hash

HOSTILE = ("</script><script>alert(1)</script> <!-- <img src=x onerror=alert(2)> "
           "<a href=\"javascript:alert(3)\">x</a> & \u2028\u2029 \u202etxet desrever\u202c ]]> </SCRIPT >")


def test_script_json_leaves_no_markup_and_parses_back():
    value = {"text": HOSTILE, "list": [HOSTILE, 1, None, 0.5], HOSTILE: True}
    embedded = script_json(value)
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in embedded
    assert json.loads(embedded) == value
    # also valid JavaScript source as it stands (U+2028/9 escaped), and a strict subset of JSON
    assert "\\u003c/script\\u003e" in embedded


class _Scripts(HTMLParser):
    """The page as a browser's tokenizer sees it: every element, and each script's raw content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1][1] += data


def _hostile_result() -> tuple[dict, dict]:
    articles = [{"id": "evil" + HOSTILE, "title": HOSTILE, "outlet": HOSTILE, "published": None, "url": "javascript:alert(4)",
                 "credits": [], "furniture": [[0, 5]], "sources": []},
                {"id": "plain", "title": "Plain", "outlet": None, "published": "2024-01-02", "url": None,
                 "credits": [], "furniture": [], "sources": [{"id": "evil" + HOSTILE, "relation": "rewrite",
                                                              "coverage": 0.5, "credited": False}]}]
    result = {"schema": "storytrace/1", "articles": articles,
              "pairs": [{"a": "evil" + HOSTILE, "b": "plain", "relation": "rewrite", "similarity": 0.5,
                         "source": "evil" + HOSTILE, "derived": "plain",
                         "coverage": {"a": {"verbatim": 0.5, "paraphrase": 0.0}, "b": {"verbatim": 0.5, "paraphrase": 0.0}},
                         "passages": [{"a": [0, 10], "b": [0, 10], "kind": "verbatim", "score": 1.0}]}],
              "stories": [{"id": "story-1", "articles": ["evil" + HOSTILE, "plain"], "origin": "evil" + HOSTILE, "title": HOSTILE}],
              "claims": [{"story": "story-1", "kind": "quote", "speaker": HOSTILE, "grade": "altered",
                          "items": [{"article": "evil" + HOSTILE, "span": [0, 10], "text": HOSTILE},
                                    {"article": "plain", "span": [0, 10], "text": "said <b>so</b>"}]}],
              "errors": [HOSTILE], "stats": {}}
    texts = {"evil" + HOSTILE: HOSTILE * 3, "plain": "plain text " + HOSTILE}
    return result, texts


def test_hostile_data_stays_inside_its_script_elements():
    result, texts = _hostile_result()
    html = render_report(result, texts, title="report " + HOSTILE)
    page = _Scripts()
    page.feed(html)
    page.close()
    # exactly the page's own elements: three scripts (two data blocks, one program), no injected tag
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", "application/json", None]
    assert not any(tag in ("img", "a", "iframe", "object") for tag, _ in page.tags)
    data, text_list = (json.loads(body) for _, body in page.scripts[:2])
    assert data["articles"][0]["title"] == HOSTILE and text_list[0] == HOSTILE * 3
    assert "<title>report &lt;/script&gt;" in html  # the title is escaped as HTML


def test_policy_allows_only_the_pages_own_script_and_style_and_no_network():
    html = render_report(*_hostile_result())
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert directives["script-src"] == csp_hash(script)
    assert directives["style-src"] == csp_hash(style)
    assert "http" not in policy and "'unsafe-inline'" not in policy
    # nothing in the page names another host
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


def test_word_diff_marks_changed_inserted_and_deleted_words():
    a = "we need a corresponding intensity of pressure on Russia, against our cities"
    b = "we require substantial pressure on Russia; our vital cities"
    ops = word_diff(a, b)
    assert "".join(o[1] for o in ops) == a and "".join(o[2] for o in ops) == b
    kinds = {o[0] for o in ops}
    assert {"equal", "replace", "insert", "delete"} <= kinds
    assert ["equal", "pressure on Russia, ", "pressure on Russia; "] in ops  # punctuation alone is no change
    assert word_diff("same words.", "Same words") == [["equal", "same words.", "Same words"]]


def test_page_data_adds_each_claims_diff_and_texts_in_article_order():
    result, texts = _hostile_result()
    data, text_list = page_data(result, texts)
    assert data["claims"][0]["diff"] and "diff" not in result["claims"][0]  # the result is not changed
    assert text_list == [texts[a["id"]] for a in result["articles"]]
    assert page_data({"articles": [{"id": "x"}]}, {})[1] == [None]  # a missing text is no error


def test_analyze_writes_the_html_report(tmp_path):
    texts = tmp_path / "in"
    texts.mkdir()
    body = ("The harbour authority said on Monday that the new quay would open in May. " * 6).strip()
    (texts / "a.txt").write_text(body + "\n\nIt will cost 40 million euros.\n", encoding="utf-8")
    (texts / "b.txt").write_text(body + "\n\n<script>alert(1)</script> It will cost 40 million euros.\n", encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["analyze", str(texts), "--html", str(out), "--quiet"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script>alert(1)" not in html
    page = _Scripts()
    page.feed(html)
    data, text_list = (json.loads(body) for _, body in page.scripts[:2])
    assert [a["id"] for a in data["articles"]] == ["a", "b"] and len(text_list) == 2
    assert data["pairs"] and "<script>alert(1)</script>" in text_list[1]
