"""The PAN alignment benchmark's own machinery: case re-location and the PAN measures."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("alignment_bench", ROOT / "benchmarks" / "alignment.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FILLER_A = " ".join(f"alpha{i} beta{i} gamma{i}." for i in range(60))
FILLER_B = " ".join(f"delta{i} epsilon{i} zeta{i}." for i in range(80))
COPIED = ("The harbour authority said the new breakwater would be finished before the winter storms, "
          "and that fishing boats could use the eastern quay again from next month.")


def _texts():
    src = FILLER_A[:300] + " " + COPIED + " " + FILLER_A[300:]
    susp = FILLER_B[:500] + " " + COPIED.replace("winter", "autumn") + " " + FILLER_B[500:]
    return src, susp


def test_relocate_finds_a_drifted_case(bench):
    src, susp = _texts()
    so, to = src.index(COPIED), susp.index("The harbour")
    # stated offsets drifted by a few characters, as in the re-encoded PAN texts
    case = bench.relocate(src, susp, so + 7, len(COPIED), to - 9, len(COPIED))
    assert case is not None
    (s0, s1), (t0, t1) = case
    assert abs(s0 - so) <= 4 and abs(s1 - (so + len(COPIED))) <= 1
    assert abs(t0 - to) <= 4 and abs(t1 - (to + len(COPIED))) <= 1


def test_relocate_gives_up_when_nothing_matches(bench):
    assert bench.relocate(FILLER_A, FILLER_B, 100, 200, 100, 200) is None


def test_measures_perfect_split_and_false_detections(bench):
    src, susp = _texts()
    case = ((10, 110), (200, 300))
    pairs = [(src, susp, [case])]
    perfect = bench.score(pairs, [[case]])
    assert perfect["recall"] == perfect["precision"] == perfect["granularity"] == perfect["plagdet"] == 1.0
    split = bench.score(pairs, [[((10, 60), (200, 250)), ((60, 110), (250, 300))]])
    assert split["recall"] == 1.0 and split["granularity"] == 2.0 and split["plagdet"] < 1.0
    false = bench.score(pairs, [[case, ((400, 500), (400, 500))]])
    assert false["recall"] == 1.0 and false["precision"] == 0.5


def test_baseline_finds_the_copied_passage(bench):
    src, susp = _texts()
    dets = bench.baseline_detections(src, susp)
    # the changed word splits the copy in two: plain shingle runs do not bridge it
    assert len(dets) == 2
    for word, ((s0, s1), (t0, t1)) in zip(("breakwater", "quay"), sorted(dets)):
        assert word in src[s0:s1] and word in susp[t0:t1]
