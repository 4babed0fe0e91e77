"""storytrace: trace how a news story spreads.

    import storytrace
    result = storytrace.analyze(["examples/nato-kyiv"])   # dict with the JSON contract
    pair = storytrace.compare(text_a, text_b)             # dict: relation, similarity, coverage, passages, claims
    with storytrace.Store("news.db") as store:            # the store (README, "The store")
        store.add(["incoming/"]); store.trace("Some text ..."); store.export(json="all.json")
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["analyze", "compare", "Store", "__version__"]


def __getattr__(name: str):
    if name == "Store":  # imported on first use: the store loads the pipeline, `import storytrace` stays light
        from .store import Store

        return Store
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")


def analyze(paths_or_articles, progress=None, engine: str = "local", scheduler: str | None = None,
            workers: int = 2, processes: int | None = None) -> dict:
    """Analyse files, folders, JSONL, dicts ({"text": ..., "id": ...}) or Article records together.
    Returns the result as the JSON contract (schema storytrace/1). ``engine="dask"`` runs the same
    stages on a dask cluster: the one at ``scheduler``, else a local one of ``workers`` processes.
    ``processes``: with the local engine, processes aligning pairs (default: one per core)."""
    if isinstance(paths_or_articles, (str, bytes)) or hasattr(paths_or_articles, "__fspath__"):
        paths_or_articles = [paths_or_articles]
    if engine == "dask":
        from .engine.distributed import analyze as _analyze_dask

        return _analyze_dask(paths_or_articles, progress, scheduler, workers).to_json()
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: choose local or dask")
    from .engine.pipeline import analyze as _analyze

    return _analyze(paths_or_articles, progress, processes).to_json()


def compare(text_a: str, text_b: str) -> dict:
    """Compare two texts (articles or single sentences): relation, similarity, coverage, passages, and
    the claims (the pair's source, else A, is the reference; ``story`` is null)."""
    from .claims import claims_of_pair
    from .model import Article
    from .engine.pipeline import compare as _compare

    pair = _compare(text_a, text_b)
    return {**pair.to_json(), "claims": claims_of_pair(Article("a", text_a), Article("b", text_b), pair)}
