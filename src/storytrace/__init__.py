"""storytrace: trace how a news story spreads.

    import storytrace
    result = storytrace.analyze(["examples/nato-kyiv"])   # dict with the JSON contract
    pair = storytrace.compare(text_a, text_b)             # dict: relation, similarity, coverage, passages
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["analyze", "compare", "__version__"]


def analyze(paths_or_articles, progress=None) -> dict:
    """Analyse files, folders, JSONL, dicts ({"text": ..., "id": ...}) or Article records together.
    Returns the result as the JSON contract (schema storytrace/1)."""
    from .pipeline import analyze as _analyze

    if isinstance(paths_or_articles, (str, bytes)) or hasattr(paths_or_articles, "__fspath__"):
        paths_or_articles = [paths_or_articles]
    return _analyze(paths_or_articles, progress).to_json()


def compare(text_a: str, text_b: str) -> dict:
    """Compare two texts (articles or single sentences): relation, similarity, coverage, passages."""
    from .pipeline import compare as _compare

    return _compare(text_a, text_b).to_json()
