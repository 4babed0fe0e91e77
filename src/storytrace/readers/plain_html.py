"""A page's text by Python's own HTML parser: the fallback when lxml cannot hold the page.

libxml2, under lxml and trafilatura, stops building the tree 256 elements deep (300 nested
<div>s, or 300 unclosed <font> tags, leave only the title) and cuts a text run at 10 million
characters, both without a word. Python's html.parser has neither limit, so one pass here measures
the nesting and, when it is past libxml2's, gives the text instead: block elements become line
breaks; scripts, styles, <noscript> and page chrome (nav, header, footer, aside, forms) are left out.
"""

from __future__ import annotations

from html.parser import HTMLParser

LXML_MAX_DEPTH = 255  # libxml2's default nesting limit (XML_PARSE_HUGE lifts it; lxml's HTML parser does not set it)

_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "select",
         "button", "svg", "iframe", "head"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
          "blockquote", "pre", "table", "tr", "td", "th", "dd", "dt", "figcaption", "main", "body", "title"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = self.max_depth = 0
        self.open: list[str] = []
        self.skipping = 0
        self.parts: list[str] = []
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            if tag == "br" and not self.skipping:
                self.parts.append("\n")
            return
        self.open.append(tag)
        self.max_depth = max(self.max_depth, len(self.open))
        if tag in _SKIP:
            self.skipping += 1
        if tag == "title":
            self.in_title = True
        if tag in _BLOCK and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag not in self.open:
            return  # a stray end tag closes nothing
        while self.open:  # an end tag closes the elements left open inside it
            top = self.open.pop()
            if top in _SKIP:
                self.skipping -= 1
            if top == "title":
                self.in_title = False
            if top == tag:
                break
        if tag in _BLOCK and not self.skipping:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def nesting_depth(html: str) -> int:
    """The deepest element nesting of the page, unclosed elements counted as open."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.max_depth


def plain_text(html: str) -> tuple[str, str | None]:
    """The page's text (one block a line, spaces folded) and its <title>."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    title = " ".join("".join(reader.title).split()) or None
    return "\n".join(line for line in lines if line), title
