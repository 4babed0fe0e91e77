"""A web page to an Article: main text and metadata with trafilatura, comments excluded.

The extracted text (paragraphs one a line) is the article's text: offsets point into it, and
furniture trafilatura keeps (related links, captions, prompts inside the article body) is marked
later by ``clean`` like in any plain-text capture. Metadata comes from the page's markup only:
no date is searched for in the prose (trafilatura's extensive date search is off).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import trafilatura
from trafilatura.settings import use_config

from ..text.dates import parse_date
from ..model import Article
from .decode import newlines
from .plain_html import LXML_MAX_DEPTH, plain_text

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")  # a date from the markup or none: never a guess

# Link texts that point to where a republished article came from.
_SOURCE_LINK = re.compile(r"(source|original)( link| article| story)?|read (the )?original( article| story)?"
                          r"|(this (article|story) )?(was )?(originally|first) (published|appeared) (on|in|at|by)\b.*",
                          re.I)
_LANG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?")
# Pages above this many characters skip trafilatura, whose extraction grows faster than the page
# (3 MB: 1.5 s; 30 MB: 156 s, in its readability comparison and main extractor): Python's own parser
# reads them in linear time. News pages of the ScrapingHub set are all under 2 MB.
MAX_EXTRACTED_PAGE_CHARS = 8 << 20
# True when lxml's tree reaches the depth where libxml2 stops building it (the rest of the page lost).
_AT_DEPTH_LIMIT = "boolean(/*" + "/*" * (LXML_MAX_DEPTH - 5) + ")"


def article_from_html(html: str, article_id: str, where: str, errors: list[str],
                      url: str | None = None, published: str | None = None) -> Article | None:
    """The article in ``html`` or None (with a line in ``errors``). ``url`` and ``published``
    come from outside the page (a crawl record) and count only where the page says nothing."""
    if len(html) > MAX_EXTRACTED_PAGE_CHARS:
        return _plain_article(html, article_id, where, errors, url, published, None,
                              why=f"a page of {len(html) / (1 << 20):.0f} MB, over the "
                                  f"{MAX_EXTRACTED_PAGE_CHARS >> 20} MB that boilerplate removal handles in time")
    try:
        tree = trafilatura.load_html(html)
        if tree is None and re.search(r"<[A-Za-z]", html):
            # a fragment (a JSONL "html" field): trafilatura wants a whole document
            tree = trafilatura.load_html(f"<html><body><article>{html}</article></body></html>")
        if tree is None:
            errors.append(f"{where}: not an HTML page, skipped")
            return None
        language = _language(tree)
        page_url = _canonical(tree, url)
        if tree.xpath(_AT_DEPTH_LIMIT):
            return _plain_article(html, article_id, where, errors, page_url or url, published, language)
        _drop_noscript(tree)
        credits = _source_link_credits(tree, page_url or url)
        tree_times = _published_times(tree)
        doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=True,
                                          config=_CONFIG)
    except Exception as exc:  # lxml and trafilatura on hostile markup: report, never stop the run
        errors.append(f"{where}: could not parse HTML ({type(exc).__name__}: {' '.join(str(exc).split())[:80]}), skipped")
        return None
    text = newlines(doc.text or "") if doc is not None else ""
    if not text.strip():
        errors.append(f"{where}: no article text found in the page, skipped")
        return None
    host = _host(doc.url or page_url or url)
    return Article(
        id=article_id,
        text=text,
        title=_clean(doc.title),
        url=doc.url or page_url or url,
        outlet=_clean(doc.sitename) or host,
        published=_with_time(_clean(doc.date), tree_times) or published,
        byline=_clean(doc.author),
        origin=where,
        credits=credits,
        language=language or _clean(doc.language),
        headings=_heading_lines(text, doc.body),
    )


def _drop_noscript(tree) -> None:
    """<noscript> holds what a page shows without scripts ("enable JavaScript", tracking pixels):
    never article text. The text after it (its tail) stays."""
    for element in tree.xpath("//noscript"):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:
            before = element.getprevious()
            if before is not None:
                before.tail = (before.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _plain_article(html: str, article_id: str, where: str, errors: list[str], url: str | None,
                   published: str | None, language: str | None, why: str | None = None) -> Article | None:
    """The page read by Python's own parser: lxml's tree stops at its depth limit and would keep
    only what lies above it (often just the title), and trafilatura is too slow on huge pages."""
    text, title = plain_text(html)
    if not text.strip():
        errors.append(f"{where}: no article text found in the page, skipped")
        return None
    why = why or f"elements nested deeper than {LXML_MAX_DEPTH} levels, past the HTML parser's limit"
    errors.append(f"{where}: {why}; the text was taken by a plain extraction (page chrome such as menus may remain)")
    return Article(id=article_id, text=newlines(text), title=title, url=url, outlet=_host(url),
                   published=published, origin=where, language=language)


def _heading_lines(text: str, body) -> list[tuple[int, int]]:
    """Spans of the text lines that the page marks up as headings: sub-headings are article text,
    however much one looks like a related-story link in a plain-text capture."""
    if body is None:
        return []
    heads = {" ".join("".join(el.itertext()).split()) for el in body.iter("head")}
    heads.discard("")
    spans, pos = [], 0
    for line in text.split("\n"):
        if " ".join(line.split()) in heads:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _published_times(tree) -> list[str]:
    """Full timestamps the markup gives for publication (trafilatura keeps the day only)."""
    return [v.strip() for v in tree.xpath(
        "//meta[@property='article:published_time' or @name='article:published_time' or @itemprop='datePublished']"
        "/@content | //time[@itemprop='datePublished']/@datetime") if v and v.strip()]


def _with_time(day: str | None, stamps: list[str]) -> str | None:
    """The day trafilatura found, made precise by a timestamp of the markup on that same day."""
    for stamp in stamps:
        stamp = stamp.replace(" ", "T", 1)
        if day and stamp[:10] == day and len(stamp) > 10 and parse_date(stamp):
            return stamp
    return day


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if isinstance(value, str) else None
    return value or None


def _language(tree) -> str | None:
    """The page's declared language: <html lang>, else a Content-Language meta tag."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += tree.xpath("//meta[translate(@http-equiv,'CONTENTLAGU','contentlagu')='content-language']/@content")
    for value in candidates:
        if value and _LANG.fullmatch(value.strip()):
            return value.strip().replace("_", "-")
    return None


def _canonical(tree, url: str | None) -> str | None:
    for href in tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
        href = href.strip()
        if href:
            full = urljoin(url or "", href)
            if urlsplit(full).scheme in ("http", "https"):
                return full
    return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _source_link_credits(tree, page_url: str | None) -> list[str]:
    """Sites a "Source link" (or "Originally published at") link points to, other than the page's own."""
    own = _host(page_url)
    found: list[str] = []
    for a in tree.iter("a"):
        href = a.get("href")
        label = " ".join(a.text_content().split()) if href else ""
        if not label or len(label) > 120 or not _SOURCE_LINK.fullmatch(label):
            continue
        host = _host(urljoin(page_url or "", href.strip()))
        if host and host != own and host not in found:
            found.append(host)
    return found
