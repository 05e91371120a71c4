"""knn_core must import without Streamlit, Plotly, pandas or scikit-learn."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("streamlit", "plotly", "pandas", "sklearn")


def test_knn_core_imports_no_ui_or_test_only_packages():
    modules = sorted(
        f"knn_core.{path.stem}"
        for path in (ROOT / "knn_core").glob("*.py")
        if path.stem != "__init__"
    )
    assert "knn_core.neighbors" in modules and "knn_core.models" in modules
    code = (
        "import importlib, json, sys\n"
        "import knn_core\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(json.dumps(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
