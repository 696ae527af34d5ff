"""The CLI starts without the heavy libraries: `uncover --help` and a search import only what
they use (a PDF library, numpy or the OCR engine at start costs each command up to a second).

Checked by the modules a fresh interpreter holds after the command, not by timing, so the test
gives the same answer on a loaded machine; bench/cli_start.py measures the seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Libraries that only ingest, analysis, OCR, the web app or a team backend need.
HEAVY = ("numpy", "pypdfium2", "PIL", "tesserocr", "ray", "psycopg", "tantivy", "starlette", "jinja2",
         "reportlab", "pandas", "openpyxl", "lxml", "datasketch", "docx", "extract_msg", "nh3", "uvicorn")

RUN_AND_LIST = """
import json, runpy, sys
sys.argv = ["uncover", *json.loads(sys.argv[1])]
try:
    runpy.run_module("uncover", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""


def loaded_after(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", RUN_AND_LIST, json.dumps(args)], env=env, capture_output=True,
                         text=True, timeout=120)
    result = json.loads(out.stderr.strip().splitlines()[-1])
    assert result["code"] in (0, None), out.stdout + out.stderr
    return set(result["modules"])


def test_help_imports_no_heavy_library() -> None:
    loaded = loaded_after("--help")
    assert "click" in loaded  # the command really ran
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_every_command_help_imports_no_heavy_library() -> None:
    loaded = loaded_after("ingest", "--help")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_search_imports_only_the_index(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "uncover", "init", str(tmp_path / "case")], env=env, check=True,
                   capture_output=True)
    loaded = loaded_after("search", str(tmp_path / "case"), '"release in part" OR b6*')
    assert "tantivy" in loaded  # the search really ran
    allowed = {"tantivy"} | ({"psycopg"} if os.environ.get("UNCOVER_DATABASE") else set())  # a PostgreSQL case
    assert loaded.isdisjoint(set(HEAVY) - allowed), sorted(loaded & (set(HEAVY) - allowed))
