"""A fresh clone refers to nothing outside itself: no sibling shared folder, no path above the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIBLING = "shared"  # the folder beside the repository that a user's clone does not have
OUTSIDE = re.compile(rf"\.\./{SIBLING}|/work/{SIBLING}|parents\[2\]|ROOT\.parent\s*/")


def test_no_file_refers_to_a_path_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".toml", ".sh", ".spec", ".cmd", ".ps1", ".json", ""} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if name != "tests/test_repo_self_contained.py":
                found += [f"{name}: {m.group()}" for m in OUTSIDE.finditer(text)]
    assert found == []


def test_the_sample_lists_are_in_the_repository():
    samples = ROOT / "tests" / "data" / "samples"
    assert len(list(samples.glob("*.xlsx"))) == 3 and len(list(samples.glob("*.csv"))) == 1
