"""ONNX Runtime sessions that start from a saved optimised graph.

Optimising a graph was half of a session's start (~90 of ~180 ms for the sentence encoder), paid by
every process that encodes or judges: a command run once per article paid it each time. The graph
the runtime optimises at the extended level is saved once into the cache directory and later
sessions load it as it is, without optimising again. The extended level's fusions run the same
kernels on any CPU (the "all" level adds layout changes for the machine it runs on: ONNX Runtime's
documentation), and a session on the saved graph gives the default session's outputs bit for bit
(tests/test_encoder.py, tests/test_cross_encoder.py).
"""

from __future__ import annotations

import os
from pathlib import Path


def saved_graph_path(directory: Path, stem: str) -> Path:
    """Where the optimised graph of a model named ``stem`` is kept: one file per runtime release
    (another release may optimise differently)."""
    import onnxruntime as ort

    return directory / f"{stem}.ort-{ort.__version__}.extended.onnx"


def open_session(model: Path, options, saved: Path):
    """A CPU inference session on ``model``'s graph, optimised at the extended level: loaded from
    ``saved`` when it is there, else optimised now and saved there (written under a name of its
    own, then renamed: another process may be saving it too). A damaged saved file is replaced; a
    directory that cannot take it only means the next process optimises again."""
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    if saved.exists():
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return ort.InferenceSession(str(saved), options, providers=providers)
        except Exception:  # noqa: BLE001 - a damaged file: optimise again and replace it
            pass
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    partial = saved.with_name(f"{saved.name}.{os.getpid()}.tmp")
    options.optimized_model_filepath = str(partial)
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)  # a cache directory nothing has made yet
        session = ort.InferenceSession(str(model), options, providers=providers)
        os.replace(partial, saved)
        return session
    except Exception:  # noqa: BLE001 - the graph could not be saved there; a real fault raises below
        options.optimized_model_filepath = ""
        return ort.InferenceSession(str(model), options, providers=providers)
