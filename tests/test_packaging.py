"""packaging/: the offline kit's resolution for another platform, the Windows scripts' text, and
the frozen-path logic (store/runtime.py) with sys.frozen set as PyInstaller's bootloader does."""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest

from store import runtime

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
_spec = importlib.util.spec_from_file_location("yingbao_offline_kit", PACKAGING / "offline_kit.py")
offline_kit = sys.modules["yingbao_offline_kit"] = importlib.util.module_from_spec(_spec)  # by path
_spec.loader.exec_module(offline_kit)


def installed_requires(name: str) -> list[str] | None:
    """Requires-Dist of an installed distribution (yingbao: read from pyproject through its metadata)."""
    try:
        return md.requires(name) or []
    except md.PackageNotFoundError:
        return None


def test_kit_for_windows_has_what_windows_markers_need():
    """The resolved set, with Windows markers, from the metadata of what is installed here."""
    win = offline_kit.resolve(["yingbao"], offline_kit.TARGETS["win_amd64"].env, installed_requires)
    linux = offline_kit.resolve(["yingbao"], offline_kit.TARGETS["linux_x86_64"].env, installed_requires)
    assert {"textual", "typer", "python-calamine", "python-docx", "lxml", "openpyxl"} <= set(win)
    assert "colorama" in win and "colorama" not in linux  # typer's: platform_system == "Windows"


def test_typer_is_pinned_below_the_one_that_needs_pydantic():
    """typer 0.29 requires pydantic (0.1 s more at every start, one more native wheel)."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    typer = next(offline_kit.Requirement(d) for d in deps if d.startswith("typer"))
    assert not typer.specifier.contains("0.29.0") and typer.specifier.contains("0.28.0")


def test_markers_are_judged_for_the_target_not_this_machine():
    env = offline_kit.TARGETS["win_amd64"].env
    reqs = ['colorama; platform_system == "Windows"', 'pywin32-ctypes>=0.2.1; sys_platform == "win32"',
            'uvloop; sys_platform != "win32"', 'pyinstaller>=6.10; extra == "build"', "rich>=13"]
    assert [r.name for r in offline_kit.needs(reqs, env)] == ["colorama", "pywin32-ctypes", "rich"]
    assert "pyinstaller" in [r.name for r in offline_kit.needs(reqs, env, {"build"})]
    tree = {"yingbao": ['typer; extra == "x"', 'pyinstaller; extra == "build"'],
            "pyinstaller": ['pefile>=2022.5.30; sys_platform == "win32"', "altgraph"], "pefile": [], "altgraph": []}
    assert set(offline_kit.resolve(["yingbao[build]"], env, tree.get)) == {"yingbao", "pyinstaller", "pefile",
                                                                           "altgraph"}


def test_wheel_metadata_is_read_from_the_wheels(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("typer-0.28.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: typer\nVersion: 0.28.0\n"
                    'Requires-Dist: colorama; platform_system == "Windows"\nRequires-Dist: rich>=13.8.0\n\n')
    (tmp_path / "typer-0.28.0-py3-none-any.whl").write_bytes(buf.getvalue())
    version, requires, name = offline_kit.wheel_metadata(tmp_path)["typer"]
    assert (version, name) == ("0.28.0", "typer-0.28.0-py3-none-any.whl")
    assert requires == ['colorama; platform_system == "Windows"', "rich>=13.8.0"]


def test_unknown_platform_is_refused_in_chinese():
    with pytest.raises(SystemExit, match="不支持的平台"):
        offline_kit.target_of("win32_arm")
    assert offline_kit.target_of("linux x86_64") is offline_kit.TARGETS["linux_x86_64"]


def test_kit_install_scripts_use_only_the_kit():
    cmd = (PACKAGING / "kit" / "install.cmd").read_bytes()
    sh = (PACKAGING / "kit" / "install.sh").read_text(encoding="utf-8")
    assert b"\r\n" in cmd and cmd.count(b"\n") == cmd.count(b"\r\n")
    for text in (cmd.decode("utf-8"), sh):
        assert "-m venv" in text and "--no-index" in text and "--find-links" in text
        assert "pip install" in text and "index-url" not in text


def test_launcher_prefers_windows_terminal_then_a_utf8_console():
    raw = (PACKAGING / "windows" / "应保尽保.cmd").read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") and not raw.startswith(b"\xef\xbb\xbf")  # a BOM breaks line 1
    text = raw.decode("utf-8")
    lines = [ln.strip() for ln in text.splitlines()]
    assert lines[0] == "@echo off" and text.index("chcp 65001") < text.index("应保尽保 -d")
    assert "where wt.exe" in text and 'wt.exe --title 应保尽保 -d "%HERE%."' in text
    assert '"%HERE%yingbao.exe" %*' in text and "新宋体" in text and "PYTHONUTF8=1" in text


def test_installer_makes_shortcut_font_and_backup_task():
    raw = (PACKAGING / "windows" / "install.ps1").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Windows PowerShell 5.1 reads a BOM-less file as ANSI
    text = raw[3:].decode("utf-8")
    assert "CreateShortcut" in text and "应保尽保.lnk" in text and "应保尽保.cmd" in text
    assert "HKCU:\\Console\\应保尽保" in text and "FaceName" in text and "CodePage -Value 65001" in text
    assert "backup schedule --install" in text
    assert "install.ps1" in (PACKAGING / "windows" / "install.cmd").read_text(encoding="ascii")


def test_frozen_paths(monkeypatch, tmp_path):
    exe = tmp_path / "应保尽保" / "yingbao.exe"
    assert not runtime.is_frozen() and runtime.program_argv()[1].endswith("main.py")
    assert runtime.command_hint() == "python main.py"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(sys, "_MEIPASS", str(exe.parent / "_internal"), raising=False)
    assert runtime.is_frozen() and runtime.program_argv() == [str(exe.resolve())]
    assert runtime.program_dir() == exe.parent.resolve()
    assert runtime.resource_dir() == exe.parent / "_internal"
    assert runtime.command_hint() == "yingbao"


def test_spec_collects_what_the_plain_build_missed():
    spec = (PACKAGING / "yingbao.spec").read_text(encoding="utf-8")
    for needed in ('collect_submodules(package)', '".sql", ".tcss", ".json"', 'collect_data_files("docx")',
                   '"docx/parts"', 'collect_submodules("textual.widgets")'):
        assert needed in spec
