"""A small mutation-testing run: does the suite notice when the code is broken?

Copies the repository once, then for each mutant (one operator in one line of a module changed:
a comparison loosened or tightened, ``and``/``or`` swapped, a ``not`` dropped, a boolean returned
inverted, a constant nudged) runs the module's tests against the copy (PYTHONPATH puts the copy
first) and counts the mutant killed when they fail. Survivors are printed with their line, to be
read: some are equivalent mutants (no behaviour changes), the others are missing assertions.

    python scripts/mutate.py src/storytrace/judge/relate.py [--tests tests/test_pipeline.py,...] [--max N] [--seed S]

Without --tests, the module's tests are the files under tests/ that import it (by name).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (pattern, replacement, label): applied one occurrence at a time
OPERATORS = [
    (r">=", ">", ">= to >"),
    (r"<=", "<", "<= to <"),
    (r"(?<![<>=!])>(?!=)", ">=", "> to >="),
    (r"(?<![<>=!-])<(?![=<])", "<=", "< to <="),
    (r"==", "!=", "== to !="),
    (r"!=", "==", "!= to =="),
    (r"\band\b", "or", "and to or"),
    (r"\bor\b", "and", "or to and"),
    (r"\bnot\s+", "", "not dropped"),
    (r"\breturn True\b", "return False", "True to False"),
    (r"\breturn False\b", "return True", "False to True"),
    (r"(?<![\w.])(\d+\.\d+)", lambda m: repr(round(float(m.group(1)) * 1.5 + 0.05, 4)), "float constant x1.5"),
    (r"\bmax\(", "min(", "max to min"),
    (r"\bmin\(", "max(", "min to max"),
]


def code_lines(source: str) -> list[int]:
    """Indexes of lines that are code: not blank, not comments, not inside docstrings."""
    out, in_doc = [], False
    for i, line in enumerate(source.splitlines()):
        stripped = line.strip()
        quotes = stripped.count('"""') + stripped.count("'''")
        if in_doc:
            if quotes % 2:
                in_doc = False
            continue
        if stripped.startswith(('"""', "'''")):
            in_doc = quotes % 2 == 1
            continue
        if stripped and not stripped.startswith("#") and not stripped.startswith(("import ", "from ")):
            out.append(i)
    return out


def mutants(source: str) -> list[tuple[int, str, str]]:
    """(line index, mutated line, label) for every operator at every place it applies."""
    lines = source.splitlines()
    found = []
    for i in code_lines(source):
        code = lines[i].split("#")[0]
        for pattern, replacement, label in OPERATORS:
            for m in re.finditer(pattern, code):
                new = replacement(m) if callable(replacement) else replacement
                mutated = code[:m.start()] + new + code[m.end():]
                if mutated != code:
                    found.append((i, mutated + lines[i][len(code):], label))
    return found


def tests_for(module: Path) -> list[str]:
    name = module.stem
    hits = []
    for test in sorted((ROOT / "tests").glob("test_*.py")):
        text = test.read_text(encoding="utf-8")
        if re.search(rf"\b{name}\b", text):
            hits.append(str(test.relative_to(ROOT)))
    return hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--tests", help="comma-separated test files (default: those naming the module)")
    parser.add_argument("--max", type=int, default=0, help="at most this many mutants per module (seeded sample)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.egg-info"))
        env_path = str(copy / "src")
        for module_arg in args.modules:
            module = (ROOT / module_arg).resolve()
            relative = module.relative_to(ROOT)
            source = module.read_text(encoding="utf-8")
            tests = args.tests.split(",") if args.tests else tests_for(module)
            all_mutants = mutants(source)
            chosen = all_mutants
            if args.max and len(all_mutants) > args.max:
                chosen = sorted(random.Random(args.seed).sample(all_mutants, args.max))
            print(f"{relative}: {len(all_mutants)} mutants, running {len(chosen)} against {', '.join(tests)}", flush=True)
            baseline = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                                      cwd=copy, capture_output=True, text=True, timeout=args.timeout,
                                      env={**__import__("os").environ, "PYTHONPATH": env_path})
            if baseline.returncode != 0:  # every mutant would count as killed
                print(f"{relative}: the tests fail without any mutant; fix them first\n{baseline.stdout[-2000:]}")
                return 1
            killed, survivors = 0, []
            lines = source.splitlines()
            started = time.perf_counter()
            for i, mutated, label in chosen:
                changed = lines[:i] + [mutated] + lines[i + 1:]
                (copy / relative).write_text("\n".join(changed) + "\n", encoding="utf-8")
                try:
                    run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                                         cwd=copy, capture_output=True, text=True, timeout=args.timeout,
                                         env={**__import__("os").environ, "PYTHONPATH": env_path})
                    dead = run.returncode != 0
                except subprocess.TimeoutExpired:
                    dead = True  # a mutant that hangs the suite is noticed
                if dead:
                    killed += 1
                else:
                    survivors.append((i + 1, label, lines[i].strip()))
                    print(f"  survived: line {i + 1} ({label}): {lines[i].strip()[:100]}", flush=True)
            (copy / relative).write_text(source, encoding="utf-8")
            total = len(chosen)
            print(f"{relative}: {killed}/{total} killed ({100 * killed / max(total, 1):.0f}%), "
                  f"{len(survivors)} survived, {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
