"""Progress reports: every stage of the local engine reports its start and its end."""

from __future__ import annotations

from pathlib import Path

from storytrace.ingest import read_inputs
from storytrace.engine.pipeline import analyze_articles

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"


def test_each_stage_reports_start_and_completion():
    calls: list[tuple[str, int, int]] = []
    analyze_articles(read_inputs([CORPUS]).articles, progress=lambda *c: calls.append(c))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["clean", "prepare", "candidates", "compare", "stories", "claims"]
    for stage in stages:
        reports = [(done, total) for s, done, total in calls if s == stage]
        assert reports[0][0] == 0, stage
        assert reports[-1][0] == reports[-1][1], stage
        assert all(a[0] <= b[0] for a, b in zip(reports, reports[1:])), stage


def test_no_stage_reports_the_same_count_twice():
    # a report says something moved: claims told its start once from the run and once from
    # find_claims before
    calls: list[tuple[str, int, int]] = []
    analyze_articles(read_inputs([CORPUS]).articles, progress=lambda *c: calls.append(c))
    repeated = [c for c, d in zip(calls, calls[1:]) if c == d]
    assert not repeated
