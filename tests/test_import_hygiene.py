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


def test_transactions_live_in_store():
    """A write of several rows is one store function holding its own transaction, never the TUI's."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "tui").rglob("*.py")
                 if ".atomic(" in path.read_text(encoding="utf-8")]
    assert offenders == []


# The ground of store/ (its top-level modules) is what every wing uses; a wing (a subpackage such as
# store/imports/) may import the ground and other wings, the ground imports no wing.
# vanished.py names the newest backup when a database is missing, read by store/safety/copies.py.
GROUND_MAY_IMPORT = {("vanished", "store.safety.copies")}


def _store_imports(path: Path) -> list[str]:
    """Every module path a file imports (module level and inside functions), relative ones resolved."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "store" + ("." + node.module if node.module else "") if node.level else node.module or ""
            found.append(base)
            found += [f"{base}.{a.name}" for a in node.names]
    return found


def test_store_ground_imports_no_wing():
    wings = {p.name for p in (ROOT / "store").iterdir() if (p / "__init__.py").is_file()}
    assert {"imports", "safety", "cases", "reports"} <= wings
    offenders = []
    for path in sorted((ROOT / "store").glob("*.py")):
        for name in _store_imports(path):
            parts = name.split(".")
            if parts[0] == "store" and len(parts) > 1 and parts[1] in wings:
                if (path.stem, ".".join(parts[:3])) not in GROUND_MAY_IMPORT:
                    offenders.append(f"{path.name} -> {name}")
    assert offenders == []


def test_store_has_one_home_per_module():
    """No module name left flat in store/ that a wing also holds (no shims after the move)."""
    flat = {p.stem for p in (ROOT / "store").glob("*.py")}
    winged = {p.stem for p in (ROOT / "store").glob("*/*.py") if p.stem != "__init__"}
    assert flat & winged == set()


def test_no_private_name_is_imported_from_another_module():
    """A name with a leading underscore stays in its module (tests and the bench included); what
    another module needs gets a public name in its home."""
    import ast

    offenders = []
    for folder in ("store", "importers", "exports", "tui", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    offenders += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                                  if a.name.startswith("_") and not a.name.startswith("__")]
    assert offenders == []
