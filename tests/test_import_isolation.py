"""knn_core (every module of it) imports without streamlit, plotly, pandas or scikit-learn."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("streamlit", "plotly", "pandas", "sklearn")
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "knn_core").rglob("*.py")
)


def loaded_forbidden(modules, extra_import=None):
    """Import knn_core and ``modules`` in a fresh interpreter; return forbidden modules loaded."""
    code = "\n".join(
        [
            "import importlib, json, sys",
            "import knn_core",
            f"for name in {list(modules)!r}:",
            "    importlib.import_module(name)",
            f"import {extra_import}" if extra_import else "",
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})",
            "print(json.dumps(bad))",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_glob_finds_the_engine_and_the_lessons():
    for name in ("neighbors", "models", "_validation", "lessons", "lessons.tutorial"):
        assert f"knn_core.{name}" in MODULES


def test_knn_core_and_every_module_import_nothing_forbidden():
    assert loaded_forbidden(MODULES) == []


def test_the_probe_would_notice_a_forbidden_import():
    # The same probe, with scikit-learn imported on purpose, must report it: the check above
    # can fail.
    assert "sklearn" in loaded_forbidden(MODULES, extra_import="sklearn.neighbors")
