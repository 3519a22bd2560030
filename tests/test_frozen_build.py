"""The one-folder program built from packaging/yingbao.spec runs without Python.

Builds with PyInstaller into a temporary folder (about a minute on two cores), then runs the
built program with an empty PATH and no PYTHON* variables, from a folder outside the source:
demo, info, every export, backup, restore, check, the backup schedule (which must name the
program itself), and the TUI's first frame in tmux.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("yingbao_packaging_build", ROOT / "packaging" / "build.py")
packaging_build = sys.modules["yingbao_packaging_build"] = importlib.util.module_from_spec(_spec)
# (loaded by path: PyPA's `build` package may be installed under the same name)
_spec.loader.exec_module(packaging_build)

SCREEN = ["个排查对象，入户走访", "操作员", "F1 帮助"]  # the dashboard with its figures, status line, footer
EXPORTS = {"progress": ".xlsx", "lists": ".xlsx", "ledger": ".xlsx", "spotcheck": ".xlsx",
           "petitions": ".xlsx", "report": ".docx"}

pytestmark = pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                                reason="PyInstaller cannot run here (not installed: pip install -e \".[test]\")")


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    """The built program."""
    tmp = tmp_path_factory.mktemp("frozen")
    out = packaging_build.build(tmp / "dist", tmp / "work", quiet=True)
    exe = out / ("yingbao.exe" if os.name == "nt" else "yingbao")
    assert exe.is_file()
    return exe


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A working folder outside the source tree, with an empty PATH folder."""
    where = tmp_path_factory.mktemp("office")
    (where / "empty-path").mkdir()
    return where


def no_python_env(place: Path) -> dict:
    """Nothing that could lead the program to a Python: an empty PATH, no PYTHON* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA"))}
    env.update(PATH=str(place / "empty-path"), HOME=str(place), LANG="C.UTF-8", TERM="xterm-256color",
               XDG_DATA_HOME=str(place / "data"), XDG_CONFIG_HOME=str(place / "config"))
    if os.name == "nt":
        env.update(SystemRoot=os.environ.get("SystemRoot", r"C:\Windows"))
    return env


def run(exe: Path, place: Path, *args: str) -> subprocess.CompletedProcess:
    """The built program with the database in `place`; fails the test on a non-zero exit."""
    done = subprocess.run([str(exe), "--db", str(place / "office.db"), *args], cwd=place, env=no_python_env(place),
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stdout + done.stderr
    return done


def test_cli_runs_every_job_without_python(frozen, place):
    assert "3000 人" in run(frozen, place, "demo").stdout
    assert "整治工作" in run(frozen, place, "info").stdout
    for kind, suffix in EXPORTS.items():
        out = place / f"{kind}{suffix}"
        assert "已导出" in run(frozen, place, "export", kind, "--out", str(out)).stdout
        assert out.stat().st_size > 5000
    import docx
    import openpyxl

    assert openpyxl.load_workbook(place / "ledger.xlsx", read_only=True).sheetnames
    assert any("排查" in p.text for p in docx.Document(str(place / "report.docx")).paragraphs)
    assert "已备份并校验" in run(frozen, place, "backup").stdout
    assert "已从备份恢复" in run(frozen, place, "restore", "latest", "--yes").stdout
    assert "检查结果" in run(frozen, place, "check").stdout


def test_schedule_runs_the_program_itself(frozen, place):
    text = run(frozen, place, "backup", "schedule").stdout
    assert f"<Command>{frozen.resolve()}</Command>" in text
    assert "main.py" not in text and "_internal" not in text


@pytest.mark.skipif(os.name != "posix", reason="the TUI check drives tmux")
def test_tui_first_frame_in_tmux(frozen, place):
    tmux = shutil.which("tmux")
    assert tmux, "tmux is needed for this test (.ci/run installs it; apt-get install tmux)"
    if not (place / "office.db").exists():
        run(frozen, place, "demo")
    sock = f"yingbao-frozen-{os.getpid()}"
    cmd = f"'{frozen}' --db '{place / 'office.db'}'"
    base = [tmux, "-L", sock]
    env = no_python_env(place)
    try:
        subprocess.run(base + ["new-session", "-d", "-s", "s", "-x", "100", "-y", "30", cmd],
                       env=env, cwd=place, check=True)
        screen = ""
        for _ in range(200):
            screen = subprocess.run(base + ["capture-pane", "-p", "-t", "s"], env=env,
                                    capture_output=True, text=True).stdout
            if all(text in screen for text in SCREEN):
                break
            time.sleep(0.1)
        assert all(text in screen for text in SCREEN), screen
    finally:
        subprocess.run(base + ["kill-server"], env=env, capture_output=True)
