"""Putting data and code into the page safely.

Article text is untrusted: it goes into the page only as JSON inside a non-executed
``<script type="application/json">`` element, read with ``JSON.parse`` and shown with
``textContent``. Inside a script element the HTML parser looks only for ``</script`` (and
``<!--``), so escaping ``<``, ``>`` and ``&`` as JSON ``\\u`` escapes makes every string inert
there, whatever it holds; U+2028/U+2029 are escaped too so the block stays valid JavaScript
source should anyone ever evaluate it instead of parsing it.
"""

from __future__ import annotations

import base64
import hashlib
import json

_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value) -> str:
    """``value`` as JSON that can stand inside a script element: the characters above occur only in
    strings, where their escapes mean the same to ``JSON.parse``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in _ESCAPES:  # str.replace: twice as fast as str.translate on a corpus-sized string
        text = text.replace(char, escape)
    return text


def csp_hash(source: str) -> str:
    """A Content-Security-Policy source allowing exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing from anywhere (no network, no frames, no forms), except the page's own inline script
    and style, allowed by hash so that no injected script could run even if one got in."""
    return ("default-src 'none'; script-src " + csp_hash(script) + "; style-src " + csp_hash(style)
            + "; img-src 'none'; base-uri 'none'; form-action 'none'")
# (frame-ancestors is left out: a <meta> policy cannot carry it, and Chromium logs an error for it.)
