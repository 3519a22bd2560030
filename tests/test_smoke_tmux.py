"""Runs tests/smoke_tmux.sh (the real app in tmux, driven by keys) when tmux is available."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("smoke_tmux.sh")


@pytest.mark.skipif(shutil.which("tmux") is None or os.name != "posix", reason="tmux not available")
def test_smoke_in_tmux():
    env = {**os.environ, "PYTHON": sys.executable}
    out = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SMOKE OK" in out.stdout
