"""Article text is untrusted, and a terminal obeys what it prints: an ANSI escape sequence in a title
or an id can clear the screen, retitle the window or write to the clipboard, a carriage return
overwrites the line, and a bidirectional override reorders what the reader sees. Before anything
taken from an article reaches a terminal, such characters are shown as escapes (``\\x1b``,
``\\u202e``) instead of being obeyed. Tabs and line breaks stay; the JSON, JSONL and HTML outputs
keep the text exactly (HTML escapes it for markup)."""

from __future__ import annotations

import re

from rich.markup import escape as escape_markup

# C0 controls but tab and line feed, DEL, C1 controls; bidirectional embeddings, overrides and isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with the characters a terminal would obey shown as escapes."""
    return _UNSAFE.sub(_shown, text)


def escape(text: str) -> str:
    """For rich: terminal_safe, then markup-like text ("[bold]") made literal."""
    return escape_markup(terminal_safe(text))
