"""store/, importers/ and exports/ never import textual (nor the tui package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_packages_do_not_import_textual():
    code = (
        "import sys, importlib, pkgutil\n"
        "for pkg in ('store', 'importers', 'exports'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_sql_outside_store():
    """The TUI, importers and exports call store functions; SQL text lives in store/ only."""
    offenders = []
    for pkg in ("tui", "exports", "importers"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "execute_sql(" in text or ".execute(\"" in text or "executemany(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
