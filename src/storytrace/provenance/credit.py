"""Who an article credits, and whether that names another article's publisher.

A credit names an agency ("AP", "Reuters", "AFP", from credit lines) or, for HTML, the host a
"Source link" points to. An article's publisher is its outlet, the host of its URL, or the agency
that outlet or host is (an article whose outlet is "The Associated Press" is the AP's own).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..model import Article

# outlet names and hosts of the agencies the credit patterns name (data/furniture.json)
AGENCY_ALIASES = {
    "ap": "ap", "associated press": "ap", "the associated press": "ap", "apnews.com": "ap",
    "reuters": "reuters", "thomson reuters": "reuters", "reuters.com": "reuters",
    "afp": "afp", "agence france-presse": "afp", "agence france presse": "afp", "afp.com": "afp",
}


def host(url_or_host: str | None) -> str | None:
    """Lower-case host without "www.", from a URL or a bare host name."""
    if not url_or_host:
        return None
    text = url_or_host.strip().lower()
    found = urlsplit(text if "//" in text else "//" + text).hostname
    if not found or "." not in found or " " in found:
        return None
    return found[4:] if found.startswith("www.") else found


def _name(text: str) -> str:
    low = " ".join(text.lower().split())
    return AGENCY_ALIASES.get(low, AGENCY_ALIASES.get(host(low) or "", low))


def publisher_names(article: Article) -> set[str]:
    """The names an article's publisher goes by: outlet, URL host, and the agency either is."""
    names = set()
    if article.outlet:
        names |= {article.outlet.strip().lower(), _name(article.outlet)}
    site = host(article.url)
    if site:
        names |= {site, _name(site)}
    return names


def is_agency(article: Article) -> bool:
    """Is the article a news agency's own (its outlet or site is one)?"""
    return bool(publisher_names(article) & set(AGENCY_ALIASES.values()))


def credit_names(article: Article) -> set[str]:
    names = set()
    for c in article.credits:
        names |= {c.strip().lower(), _name(c)}
        if host(c):
            names.add(host(c))
    return names


def credits_publisher(derived: Article, source: Article) -> bool:
    """Does ``derived`` credit ``source``'s publisher (its outlet, its site, or the agency it is)?"""
    return bool(credit_names(derived) & publisher_names(source))


def credited(derived: Article | None, source: Article | None) -> bool:
    """Does the derived article credit the source: its publisher, or an agency both credit?"""
    if derived is None or source is None or not derived.credits:
        return False
    return credits_publisher(derived, source) or bool(
        {c.lower() for c in derived.credits} & {c.lower() for c in source.credits})
