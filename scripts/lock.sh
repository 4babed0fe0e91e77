#!/usr/bin/env bash
# Re-write requirements.lock, the exact set of packages the README's commands and CI install, from
# pyproject.toml's ranges and what the registry serves today; then prove it the way CI does (a
# fresh venv installs exactly the lock and the whole suite passes on it). Run it when a dependency
# changes, and commit the lock only if the suite passed.
#   scripts/lock.sh            (needs uv: `pip install uv`; ~3 min)
# torch is held at 2.13.0, the CPU build (found on this machine's disk through pip's find-links;
# elsewhere add --extra-index-url https://download.pytorch.org/whl/cpu).
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
echo "torch==2.13.0" | "$UV" pip compile pyproject.toml - --extra test --python-version 3.11 \
    --find-links "${PIP_FIND_LINKS:-/opt/wheels}" --no-header --annotation-style line \
    --quiet -o requirements.lock.new
{
    echo "# The exact releases storytrace's README commands and CI install (the reproducible install):"
    echo "#   pip install -r requirements.lock -e ."
    echo "# Written by scripts/lock.sh from pyproject.toml's ranges; the whole suite passed on it."
    cat requirements.lock.new
} > requirements.lock.tmp
rm requirements.lock.new
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet -r requirements.lock.tmp -e .
"$work/venv/bin/pip" check
HOME="$work/home" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider
mv requirements.lock.tmp requirements.lock
echo "requirements.lock written; the suite passed on it"
