"""Print the installed packages whose versions differ from requirements.lock (CI's unpinned install
runs it, so a failure there names the upstream releases that came in since the lock was written).

    python scripts/lock_drift.py [requirements.lock]
"""

import importlib.metadata
import re
import sys


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"
    with open(path, encoding="utf-8") as lock:
        locked = {normal(n): v for n, v in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", lock.read(), re.M)}
    installed = {normal(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    drift = [(name, locked.get(name, "-"), installed.get(name, "-"))
             for name in sorted(set(locked) | set(installed))
             if name != "storytrace" and locked.get(name) != installed.get(name)
             and not (name in installed and name not in locked and name in ("pip", "setuptools", "wheel"))]
    for name, was, now in drift:
        print(f"  {name}: lock {was}, installed {now}")
    print(f"{len(drift)} package(s) differ from {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
