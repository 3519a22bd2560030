"""The nightly backup job: the exact lines for this machine, and an installer that can be faked.

Windows: a Task Scheduler task (schtasks). Linux/macOS: a cron line, or a systemd user timer
(Persistent=true, so a PC that was off at 21:00 backs up when it is switched on). The
installer runs commands through ``RUN`` and finds tools through ``WHICH``; tests replace both
(and the config folder), so the real crontab is never touched by a test.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

TASK_NAME = "yingbao-backup"
AT = "21:00"
MARK = "# yingbao-backup"
TR_LIMIT = 261  # schtasks refuses a longer /TR
RUN: Callable[..., subprocess.CompletedProcess] = subprocess.run
WHICH: Callable[[str], str | None] = shutil.which


@dataclass(frozen=True)
class Plan:
    """What to schedule: the command as arguments, and the texts for each system."""

    argv: list[str]
    schtasks: list[str]
    cron: str
    service: str
    timer: str

    def text(self) -> str:
        """Every variant, for `backup schedule` to print."""
        win = subprocess.list2cmdline(self.schtasks)
        tr = self.schtasks[self.schtasks.index("/TR") + 1]
        if len(tr) > TR_LIMIT:
            win += f"\n  （注意：/TR 后的命令有 {len(tr)} 个字符，超过 schtasks 的 {TR_LIMIT} 字符上限，请把程序或数据库放到较短的路径）"
        return (f"Windows（任务计划程序，在「命令提示符」中运行）：\n  {win}\n\n"
                f"Linux / macOS（cron，运行 crontab -e 后加入这一行）：\n  {self.cron}\n\n"
                f"Linux（systemd 用户定时器）：\n"
                f"~/.config/systemd/user/{TASK_NAME}.service\n{self.service}\n"
                f"~/.config/systemd/user/{TASK_NAME}.timer\n{self.timer}\n"
                f"然后运行：systemctl --user daemon-reload && systemctl --user enable --now {TASK_NAME}.timer")


def command(db_path: Path, backup_dir: Path | None = None) -> list[str]:
    """The backup command for this machine: this Python, this main.py, this database."""
    script = Path(__file__).resolve().parent.parent / "main.py"
    argv = [sys.executable, str(script), "--db", str(Path(db_path).expanduser().resolve()), "backup"]
    if backup_dir:
        argv += ["--dir", str(Path(backup_dir).expanduser().resolve())]
    return argv


def _systemd_quote(arg: str) -> str:
    """Quote one ExecStart argument for systemd."""
    if arg and not any(c in arg for c in ' "\\\'$%;'):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def plan(db_path: Path, backup_dir: Path | None = None) -> Plan:
    """The schedule lines for this database (and backup folder)."""
    argv = command(db_path, backup_dir)
    hour, minute = AT.split(":")
    tr = subprocess.list2cmdline(argv)
    schtasks = ["schtasks", "/Create", "/SC", "DAILY", "/ST", AT, "/TN", TASK_NAME, "/TR", tr, "/F"]
    cron_cmd = " ".join(shlex.quote(a) for a in argv).replace("%", "\\%")
    cron = f"{int(minute)} {int(hour)} * * * {cron_cmd} >/dev/null 2>&1 {MARK}"
    service = ("[Unit]\nDescription=yingbao nightly backup\n\n[Service]\nType=oneshot\n"
               f"ExecStart={' '.join(_systemd_quote(a) for a in argv)}\n")
    timer = ("[Unit]\nDescription=yingbao nightly backup\n\n[Timer]\n"
             f"OnCalendar=*-*-* {AT}:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n")
    return Plan(argv, schtasks, cron, service, timer)


def _ok(args: list[str], **kw) -> subprocess.CompletedProcess | None:
    """Run a command; None when it cannot run at all."""
    try:
        return RUN(args, capture_output=True, text=True, timeout=30, **kw)
    except (OSError, subprocess.SubprocessError):
        return None


def install_cron(p: Plan) -> str:
    """Replace our line in the user's crontab (crontab -l, then crontab -)."""
    current = _ok(["crontab", "-l"])
    lines = current.stdout.splitlines() if current and current.returncode == 0 else []
    kept = [ln for ln in lines if MARK not in ln]
    done = _ok(["crontab", "-"], input="\n".join(kept + [p.cron]) + "\n")
    if done is None or done.returncode != 0:
        raise OSError(f"crontab 写入失败：{(done.stderr if done else '').strip()}")
    return f"已加入 crontab（每天 {AT} 备份）：{p.cron}"


def install_systemd(p: Plan, config_home: Path | None = None) -> str:
    """Write the user units and enable the timer."""
    base = (config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")) / "systemd" / "user"
    base.mkdir(parents=True, exist_ok=True)
    (base / f"{TASK_NAME}.service").write_text(p.service, encoding="utf-8")
    (base / f"{TASK_NAME}.timer").write_text(p.timer, encoding="utf-8")
    for args in (["systemctl", "--user", "daemon-reload"],
                 ["systemctl", "--user", "enable", "--now", f"{TASK_NAME}.timer"]):
        done = _ok(args)
        if done is None or done.returncode != 0:
            raise OSError(f"{' '.join(args)} 失败：{(done.stderr if done else '').strip()}")
    return f"已安装 systemd 用户定时器（每天 {AT}，错过时开机后补做）：{base / (TASK_NAME + '.timer')}"


def install_windows(p: Plan) -> str:
    """Create (or replace) the Task Scheduler task."""
    done = _ok(p.schtasks)
    if done is None or done.returncode != 0:
        raise OSError(f"schtasks 失败：{(done.stderr or done.stdout if done else '').strip()}")
    return f"已创建 Windows 计划任务 {TASK_NAME}（每天 {AT}）"


def _systemd_user_works() -> bool:
    """True when `systemctl --user` answers (a user session bus exists)."""
    if not WHICH("systemctl"):
        return False
    done = _ok(["systemctl", "--user", "show-environment"])
    return done is not None and done.returncode == 0


def install(p: Plan, *, config_home: Path | None = None) -> str:
    """Install the nightly job where this machine allows; raise OSError (Chinese) when nowhere."""
    if sys.platform.startswith("win"):
        return install_windows(p)
    if WHICH("crontab"):
        return install_cron(p)
    if _systemd_user_works():
        return install_systemd(p, config_home)
    raise OSError("本机既没有 crontab，也无法使用 systemctl --user；请按上面的说明手动设置")
