"""The offline kit: every wheel the app needs for one platform, and a script that installs from it.

    python packaging/offline_kit.py --platform win_amd64 [--out dist/kit-win_amd64] [--index-url URL]

Platforms: win_amd64, linux_x86_64, linux_aarch64 (Python 3.11, CPython). The folder holds
wheels/ (yingbao's own wheel built here, its dependencies, pip, setuptools>=68 and wheel, and
PyInstaller for the one-folder build), install.cmd / install.sh (a venv of its own, then
`pip install --no-index`: nothing from the network), kit.json (the resolved set) and 说明.txt.

Why not one `pip download --platform ...`: pip judges environment markers by the machine that
downloads, so a kit made on Linux for Windows missed colorama (typer needs it on Windows) and
pywin32-ctypes and pefile (PyInstaller's). After pip's download this script reads every wheel's
Requires-Dist, evaluates the markers for the target platform, and downloads what is missing,
until nothing is.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Callable, Iterable

try:  # pip always carries packaging; a separate install is not needed
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover
    from pip._vendor.packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PYTHON = "3.11"
TOOLS = ["pip", "setuptools>=68", "wheel"]  # to install (and build) from the kit's source


@dataclass(frozen=True)
class Target:
    """A platform: pip's platform tags and the values its environment markers see."""

    platforms: tuple[str, ...]
    env: dict


def _env(sys_platform: str, system: str, os_name: str, machine: str) -> dict:
    """Marker values of CPython 3.11 on that platform."""
    return {"sys_platform": sys_platform, "platform_system": system, "os_name": os_name,
            "platform_machine": machine, "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "python_version": PYTHON,
            "python_full_version": f"{PYTHON}.9", "implementation_version": f"{PYTHON}.9",
            "platform_release": "", "platform_version": ""}


TARGETS = {
    "win_amd64": Target(("win_amd64",), _env("win32", "Windows", "nt", "AMD64")),
    "linux_x86_64": Target(("manylinux_2_28_x86_64", "manylinux2014_x86_64", "linux_x86_64"),
                           _env("linux", "Linux", "posix", "x86_64")),
    "linux_aarch64": Target(("manylinux_2_28_aarch64", "manylinux2014_aarch64", "linux_aarch64"),
                            _env("linux", "Linux", "posix", "aarch64")),
}


def canonical(name: str) -> str:
    """PEP 503 name: lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def target_of(name: str) -> Target:
    """The target for a platform name (win_amd64, 'linux x86_64', linux_aarch64)."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in TARGETS:
        raise SystemExit(f"不支持的平台：{name}（可选：{', '.join(TARGETS)}）")
    return TARGETS[key]


def needs(requires: Iterable[str], env: dict, extras: Iterable[str] = ()) -> list[Requirement]:
    """The requirements that apply on the target (markers evaluated there, with these extras)."""
    out = []
    for line in requires:
        req = Requirement(line)
        if req.marker is None:
            out.append(req)
            continue
        for extra in list(extras) or [""]:
            if req.marker.evaluate({**env, "extra": extra}):
                out.append(req)
                break
    return out


def resolve(roots: Iterable[str], env: dict, requires_of: Callable[[str], list[str] | None]) -> dict[str, set[str]]:
    """Every distribution the roots need on the target: name -> the extras asked of it.

    requires_of(name) gives a distribution's Requires-Dist lines (None: not available yet).
    """
    wanted: dict[str, set[str]] = {}
    queue = [Requirement(r) for r in roots]
    while queue:
        req = queue.pop()
        name = canonical(req.name)
        if name in wanted and set(req.extras) <= wanted[name]:
            continue
        extras = wanted.setdefault(name, set())
        extras |= set(req.extras)
        lines = requires_of(name)
        if lines is not None:
            queue += needs(lines, env, extras)
    return wanted


def wheel_metadata(folder: Path) -> dict[str, tuple[str, list[str], str]]:
    """name -> (version, Requires-Dist lines, file) of every wheel in a folder."""
    found = {}
    for whl in sorted(folder.glob("*.whl")):
        with zipfile.ZipFile(whl) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            msg = Parser().parsestr(zf.read(meta).decode("utf-8"))
        found[canonical(msg["Name"])] = (msg["Version"], msg.get_all("Requires-Dist") or [], whl.name)
    return found


def _pip(args: list[str], index_url: str | None) -> None:
    """Run pip with this Python; stop with its message on failure."""
    cmd = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"]
    if index_url:
        cmd += ["--index-url", index_url]
    done = subprocess.run(cmd)
    if done.returncode != 0:
        raise SystemExit(f"pip 失败（{done.returncode}）：{' '.join(args[:3])} ...")


def download(reqs: list[str], target: Target, wheels: Path, index_url: str | None) -> None:
    """Wheels only, for the target's platform and Python."""
    platforms = [a for p in target.platforms for a in ("--platform", p)]
    _pip(["download", "--only-binary=:all:", *platforms, "--python-version", PYTHON, "--implementation", "cp",
          "--find-links", str(wheels), "-d", str(wheels), *reqs], index_url)


def build(target_name: str, out: Path, index_url: str | None = None) -> dict:
    """Make the kit folder; return its manifest."""
    target = target_of(target_name)
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    _pip(["wheel", "--no-deps", "-w", str(wheels), str(ROOT)], index_url)
    roots = ["yingbao[build]", *TOOLS]
    download(roots, target, wheels, index_url)
    for _ in range(6):  # add what the target's markers need and this machine's pip left out
        have = wheel_metadata(wheels)
        wanted = resolve(roots, target.env, lambda n, have=have: have[n][1] if n in have else None)
        missing = sorted(set(wanted) - set(have))
        if not missing:
            break
        download(missing, target, wheels, index_url)
    else:
        raise SystemExit(f"仍缺少：{', '.join(missing)}")
    for script in ("install.cmd", "install.sh", "说明.txt"):
        shutil.copy2(HERE / "kit" / script, out / script)
    manifest = {"platform": target_name, "python": PYTHON, "markers": target.env,
                "wheels": {n: {"version": v, "file": f} for n, (v, _r, f) in sorted(have.items())},
                "resolved": sorted(wanted)}
    (out / "kit.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description="无网络安装包：为一个平台下载全部 wheel")
    parser.add_argument("--platform", required=True, help="win_amd64、linux_x86_64 或 linux_aarch64")
    parser.add_argument("--out", type=Path, help="输出文件夹（默认 dist/kit-平台）")
    parser.add_argument("--index-url", help="国内镜像，如 https://pypi.tuna.tsinghua.edu.cn/simple")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "dist" / f"kit-{args.platform.replace(' ', '_')}"
    manifest = build(args.platform, out, args.index_url)
    print(f"已生成无网络安装包：{out}（{len(manifest['wheels'])} 个 wheel）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
