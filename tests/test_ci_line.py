"""CI runs what the README tells a developer to run: the same install, lint, type check and tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_line_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    test_lines = {line for line in readme if line.startswith('python -m pip install -e ".[test]"')}
    ci_lines = [line for line in ci if line.startswith("python -m pip install")]
    assert len(test_lines) == 1 and ci_lines == [*test_lines]
    assert all(step in ci_lines[0] for step in ("ruff check .", "mypy", "pytest"))
