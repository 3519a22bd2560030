"""Build the one-folder program from packaging/yingbao.spec (Windows x64 or Linux).

    python packaging/build.py [--dist DIR] [--work DIR]

Output: DIR/yingbao/ (default dist/yingbao/) with the program (yingbao.exe or yingbao) and its
_internal folder; on Windows also the launcher 应保尽保.cmd and the installer scripts
(install.cmd, install.ps1: copy to the user's programs folder, desktop shortcut, console font,
nightly backup task). Prints the time taken, the size and the number of files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "yingbao.spec"
WINDOWS_FILES = ["应保尽保.cmd", "install.cmd", "install.ps1"]


def folder_size(folder: Path) -> tuple[int, int]:
    """Total bytes and number of files under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def build(dist: Path, work: Path, *, windows: bool | None = None, quiet: bool = False) -> Path:
    """Run PyInstaller on the spec; add the Windows launcher and installer; return the folder."""
    windows = sys.platform.startswith("win") if windows is None else windows
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
           "--distpath", str(dist), "--workpath", str(work)]
    if quiet:
        cmd += ["--log-level", "WARN"]
    done = subprocess.run(cmd, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"PyInstaller 失败（退出码 {done.returncode}），见上面的输出")
    out = dist / "yingbao"
    if windows:
        for name in WINDOWS_FILES:
            shutil.copy2(HERE / "windows" / name, out / name)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description="生成单文件夹程序（PyInstaller）")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="输出文件夹（默认 dist）")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="中间文件夹（默认 build）")
    args = parser.parse_args(argv)
    start = time.monotonic()
    out = build(args.dist, args.work)
    size, count = folder_size(out)
    print(f"已生成：{out}（{size / 1e6:.0f} MB，{count} 个文件，用时 {time.monotonic() - start:.0f} 秒）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
