"""The cross-encoder paraphrase judge: shipped as package data, loaded offline, deciding compare()."""

import tomllib
from pathlib import Path

import pytest

import storytrace
from storytrace.judge.cross_encoder import CONFIG_PATH, MODEL_FILE, get_judge
from storytrace.judge.sentence_judge import JUDGE_PATH, judge_sentence_pair

ROOT = Path(__file__).resolve().parents[1]
PROFITS = "The company said its profits rose 5% in the third quarter."
REWORDED = "Profits at the company increased by 5% during the third quarter, it said."


def test_model_is_small_package_data():
    assert MODEL_FILE.exists() and CONFIG_PATH.exists() and JUDGE_PATH.exists()
    assert MODEL_FILE.stat().st_size + JUDGE_PATH.stat().st_size <= 25 * 2**20
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["storytrace"]
    for path in (MODEL_FILE, CONFIG_PATH, JUDGE_PATH):
        assert any(path.match(p) for p in patterns), path


def test_loads_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    judge = get_judge()
    assert 0.0 < judge.threshold < 1.0


def test_paraphrase_above_and_other_facts_below_threshold():
    judge = get_judge()
    assert judge.probability(PROFITS, REWORDED) >= judge.threshold
    assert judge.probability(PROFITS, "Heavy snow closed the mountain pass for three days.") < judge.threshold
    # the same frame with another event is not a paraphrase
    assert judge.probability("The prime minister announced that the match was postponed due to rain.",
                             "The prime minister announced that the merger had been approved.") < judge.threshold


def test_one_pair_alone_gives_the_same_probability():
    judge = get_judge()
    first = judge.probability(PROFITS, REWORDED)
    judge.probabilities([(PROFITS, "Heavy snow closed the mountain pass."), (PROFITS, REWORDED)])
    assert judge.probability(PROFITS, REWORDED) == pytest.approx(first, abs=0.0)


def test_compare_two_sentences_is_judged_by_the_blended_judge():
    pair = storytrace.compare(PROFITS, REWORDED)
    assert pair["relation"] == "rewrite"
    probability, threshold, _ = judge_sentence_pair(PROFITS, REWORDED, 0.9)
    assert probability >= threshold
    # the recorded probability is the judge's, not the cross-encoder's alone
    cross = get_judge().probability(PROFITS, REWORDED)
    assert pair["evidence"]["paraphrase_probability"] != pytest.approx(cross, abs=1e-3)


def test_judge_rejects_the_same_frame_with_another_event():
    probability, threshold, _ = judge_sentence_pair(
        "The prime minister announced that the match was postponed due to rain.",
        "The prime minister announced that the merger had been approved.", 0.6)
    assert probability < threshold


def test_saved_graph_gives_the_shipped_model_s_probabilities(tmp_path, monkeypatch):
    """The optimised graph saved in the cache directory (encode/ort_session.py) is reused by the next
    judge and decides exactly as a session on the shipped file at the runtime's default level."""
    import onnxruntime as ort

    from storytrace.judge.cross_encoder import CrossEncoderJudge, _saved_graph

    monkeypatch.setenv("STORYTRACE_CACHE_DIR", str(tmp_path / "not-made-yet"))
    pairs = [(PROFITS, REWORDED), ("Kyiv hosted NATO's chief.", "The ferry resumed service."), ("a", "b")]
    first = CrossEncoderJudge()
    saved = _saved_graph(MODEL_FILE)
    assert saved.exists() and saved.parent == tmp_path / "not-made-yet"
    stamp = saved.stat().st_mtime_ns
    second = CrossEncoderJudge()
    assert saved.stat().st_mtime_ns == stamp, "the saved graph must be reused"
    first.session = ort.InferenceSession(str(MODEL_FILE), providers=["CPUExecutionProvider"])
    assert list(first.probabilities(pairs)) == list(second.probabilities(pairs))
