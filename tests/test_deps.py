"""A missing or broken dependency gives one line and exit status 1, never a traceback; `storytrace
doctor` reports which parts work. Each CLI run is a subprocess whose imports are tampered with
before storytrace loads, the way a broken environment would have them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storytrace.deps import describe_import_error, install_command, package_for

FIXTURES = Path(__file__).parent / "fixtures"

# lxml >= 5.2 without lxml_html_clean: its lxml/html/clean.py raises a plain ImportError (no module
# name on it), which is how the README's first command broke. A stand-in file of that name, found
# before the real one, raises the same error from the same module path.
_MOVED = "lxml.html.clean module is now a separate project lxml_html_clean. Install lxml[html-clean] directly."
_PRELUDE = {
    "moved": f"""
        import importlib.abc, importlib.util, os, sys, tempfile
        root = tempfile.mkdtemp()
        os.makedirs(os.path.join(root, "lxml", "html"))
        stand_in = os.path.join(root, "lxml", "html", "clean.py")
        with open(stand_in, "w") as f:
            f.write('raise ImportError("{_MOVED}")\\n')
        sys.path.insert(0, root)
        class Moved(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "lxml.html.clean":
                    return importlib.util.spec_from_file_location(name, stand_in)
        sys.meta_path.insert(0, Moved())
    """,
    "missing": """
        import sys
        sys.modules["lxml.html.clean"] = None   # as if lxml_html_clean were not installed
    """,
    "no warcio": """
        import sys
        sys.modules["warcio"] = None
    """,
    "none": "",
}


def run_cli(prelude: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    code = ("import sys\n" + textwrap.dedent(_PRELUDE[prelude])
            + "\nfrom storytrace.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def assert_one_line_about(result: subprocess.CompletedProcess, package: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("storytrace: missing or broken dependency " + package)
    assert "install it with: pip install 'lxml_html_clean>=" in line or package != "lxml_html_clean"
    return line


@pytest.mark.parametrize("how", ["moved", "missing"])
def test_broken_html_cleaner_gives_one_line_and_status_1(how):
    result = run_cli(how, "analyze", str(FIXTURES / "page.html"), "--quiet")
    line = assert_one_line_about(result, "lxml_html_clean")
    assert "lxml.html.clean" in line


def test_missing_warcio_names_it_and_its_declared_range():
    result = run_cli("no warcio", "analyze", str(FIXTURES / "crawl.warc"), "--quiet")
    line = assert_one_line_about(result, "warcio")
    assert "pip install 'warcio>=1.7'" in line


def test_plain_text_still_analysed_when_the_html_reader_is_broken(tmp_path):
    (tmp_path / "a.txt").write_text("The harbour reopened on Monday after the storm, officials said.\n")
    (tmp_path / "b.txt").write_text("Ferries will run on the normal timetable from Tuesday.\n")
    result = run_cli("moved", "analyze", str(tmp_path), "--quiet", "--json", str(tmp_path / "out.json"))
    assert result.returncode == 0, result.stderr
    assert {a["id"] for a in json.loads((tmp_path / "out.json").read_text())["articles"]} == {"a", "b"}


def test_doctor_reports_every_part_with_versions():
    result = run_cli("none", "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("storytrace ") and "Python" in lines[0]
    for part in ("core", "sentence encoder (torch)", "ONNX encoder", "HTML reader", "WARC reader", "dask engine"):
        row = next(line for line in lines if part in line)
        assert row.startswith("ok"), row
    html_row = next(line for line in lines if "HTML reader" in line)
    assert "trafilatura 2." in html_row and "lxml_html_clean" in html_row and "extracts a test page" in html_row
    cache_row = next(line for line in lines if "cache directory" in line)
    assert "(writable)" in cache_row and "vector cache" in cache_row  # its size and bound, or "off"
    assert lines[-1].startswith("every required part works")


def test_doctor_names_the_broken_part_and_fails():
    result = run_cli("moved", "doctor", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    parts = {p["part"]: p for p in report["parts"]}
    assert not report["ok"]
    assert not parts["HTML reader"]["ok"] and "lxml_html_clean" in parts["HTML reader"]["detail"]
    assert parts["core"]["ok"] and parts["dask engine"]["ok"]
    assert parts["core"]["versions"]["numpy"].startswith("2.")


def test_import_error_descriptions():
    assert package_for("sentence_transformers.models") == "sentence-transformers"
    assert package_for("lxml.html.clean") == "lxml_html_clean"
    assert package_for("lxml.etree") == "lxml"
    assert install_command("torch") == "pip install torch==2.13.0"
    error = ModuleNotFoundError("No module named 'onnxruntime'", name="onnxruntime")
    line = describe_import_error(error)
    assert "dependency onnxruntime" in line and "pip install 'onnxruntime>=" in line


def test_a_dependency_that_crashes_on_import_is_named_too():
    """Not only ImportError: a package whose top level raises (a half-installed file) is named."""
    prelude = """
        import importlib.abc, importlib.util, os, sys, tempfile
        root = tempfile.mkdtemp()
        os.makedirs(os.path.join(root, "warcio"))
        broken = os.path.join(root, "warcio", "__init__.py")
        with open(broken, "w") as f:
            f.write("import os\\nVERSION = os.environ['NO_SUCH_VARIABLE_SET']\\n")
        sys.path.insert(0, root)
    """
    _PRELUDE["crashing warcio"] = prelude
    result = run_cli("crashing warcio", "analyze", str(FIXTURES / "crawl.warc"), "--quiet")
    line = assert_one_line_about(result, "warcio")
    assert "KeyError" in line and "pip install --force-reinstall 'warcio>=" in line
