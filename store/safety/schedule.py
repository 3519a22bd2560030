"""The nightly backup job: the exact lines for this machine, and an installer that can be faked.

Windows: a Task Scheduler task created from XML, daily at 21:00 with StartWhenAvailable (a PC
that was off at 21:00 backs up as soon as it is on) and a logon trigger. Linux: a systemd user
timer (Persistent=true, same catch-up), cron as the fallback. The job's output goes to the app's
log beside the database (`yingbao.log`). The command is this program (the frozen executable
itself in a one-folder build, see store/runtime.py). The installer runs commands through
``RUN`` and finds tools through ``WHICH``; tests replace both (and the config folder), so the
real crontab is never touched by a test.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from store import runtime
from store.errors import StoreError
from store.logfile import log_path

TASK_NAME = "yingbao-backup"
AT = "21:00"
MARK = "# yingbao-backup"
LOGON_DELAY = "PT5M"  # at logon, wait five minutes before the backup
RUN: Callable[..., subprocess.CompletedProcess] = subprocess.run
WHICH: Callable[[str], str | None] = shutil.which


@dataclass(frozen=True)
class Plan:
    """What to schedule: the command as arguments, and the texts for each system."""

    argv: list[str]
    log: Path
    task_xml: str
    cron: str
    service: str
    timer: str

    @property
    def schtasks(self) -> list[str]:
        """The schtasks command that creates the task from its XML file."""
        return ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", f"{TASK_NAME}.xml", "/F"]

    def text(self) -> str:
        """Every variant, for `backup schedule` to print."""
        return (f"Windows（任务计划程序）：最简单的是运行 backup schedule --install；或者把下面的内容用记事本"
                f"保存为 {TASK_NAME}.xml（「另存为」时编码选 UTF-16 LE），"
                f"在「命令提示符」中运行 {subprocess.list2cmdline(self.schtasks)}\n"
                f"（每天 {AT}；电脑当时关着时开机后尽快补做；每次登录 5 分钟后也备份一次）\n"
                f"{self.task_xml}\n"
                f"Linux（systemd 用户定时器，错过时开机后补做）：\n"
                f"~/.config/systemd/user/{TASK_NAME}.service\n{self.service}\n"
                f"~/.config/systemd/user/{TASK_NAME}.timer\n{self.timer}\n"
                f"然后运行：systemctl --user daemon-reload && systemctl --user enable --now {TASK_NAME}.timer\n\n"
                f"没有 systemd 时用 cron（运行 crontab -e 后加入这一行）：\n  {self.cron}\n\n"
                f"备份的输出写入日志：{self.log}")


def _refuse_control_chars(argv: list[str]) -> None:
    """A path with a line break or control character would split a cron line or a unit file."""
    for arg in argv:
        if any(ord(c) < 32 or ord(c) == 127 for c in arg):
            shown = arg.encode("unicode_escape").decode("ascii")
            raise StoreError(f"路径中含有换行或控制字符，无法设置自动备份：{shown}；请把数据库或备份文件夹"
                             "改到不含这些字符的路径")


def command(db_path: Path, backup_dir: Path | None = None) -> list[str]:
    """The backup command for this machine: this program (exe or python main.py), this database."""
    argv = runtime.program_argv() + ["--db", str(Path(db_path).expanduser().resolve()), "backup"]
    if backup_dir:
        argv += ["--dir", str(Path(backup_dir).expanduser().resolve())]
    _refuse_control_chars(argv)
    return argv


def _systemd_quote(arg: str) -> str:
    """Quote one ExecStart argument for systemd."""
    if arg and not any(c in arg for c in ' "\\\'$%;'):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def _windows_user() -> str | None:
    """DOMAIN\\user of the person installing the task (its logon trigger is theirs only)."""
    user = os.environ.get("USERNAME")
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{user}" if user and domain else user


def task_xml(argv: list[str], user: str | None = None) -> str:
    """The Task Scheduler definition: daily at AT and at logon, run as soon as possible if missed."""
    hour, minute = AT.split(":")
    who = f"\n      <UserId>{escape(user)}</UserId>" if user else ""
    workdir = str(Path(argv[0]).parent)
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>yingbao nightly backup</Description>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2024-01-01T{int(hour):02d}:{int(minute):02d}:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
    <LogonTrigger>
      <Enabled>true</Enabled>{who}
      <Delay>{LOGON_DELAY}</Delay>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings>
      <StopOnIdleEnd>false</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(argv[0])}</Command>
      <Arguments>{escape(subprocess.list2cmdline(argv[1:]))}</Arguments>
      <WorkingDirectory>{escape(workdir)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""


def plan(db_path: Path, backup_dir: Path | None = None) -> Plan:
    """The schedule lines for this database (and backup folder)."""
    argv = command(db_path, backup_dir)
    log = log_path(db_path)
    _refuse_control_chars([str(log)])
    hour, minute = AT.split(":")
    cron_cmd = " ".join(shlex.quote(a) for a in argv).replace("%", "\\%")
    cron_log = shlex.quote(str(log)).replace("%", "\\%")
    cron = f"{int(minute)} {int(hour)} * * * {cron_cmd} >>{cron_log} 2>&1 {MARK}"
    out = str(log).replace("%", "%%")
    service = ("[Unit]\nDescription=yingbao nightly backup\n\n[Service]\nType=oneshot\n"
               f"ExecStart={' '.join(_systemd_quote(a) for a in argv)}\n"
               f"StandardOutput=append:{out}\nStandardError=append:{out}\n")
    timer = ("[Unit]\nDescription=yingbao nightly backup\n\n[Timer]\n"
             f"OnCalendar=*-*-* {AT}:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n")
    return Plan(argv, log, task_xml(argv, _windows_user()), cron, service, timer)


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
    return f"已加入 crontab（每天 {AT} 备份，输出写入 {p.log}）：{p.cron}"


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
    """Create (or replace) the Task Scheduler task from its XML (schtasks reads UTF-16)."""
    with tempfile.TemporaryDirectory(prefix="yingbao-task-") as tmp:
        xml = Path(tmp) / f"{TASK_NAME}.xml"
        xml.write_text(p.task_xml, encoding="utf-16")
        args = [str(xml) if a == f"{TASK_NAME}.xml" else a for a in p.schtasks]
        done = _ok(args)
    if done is None or done.returncode != 0:
        raise OSError(f"schtasks 失败：{(done.stderr or done.stdout if done else '').strip()}")
    return (f"已创建 Windows 计划任务 {TASK_NAME}（每天 {AT}，错过时开机后尽快补做，登录时也备份；"
            f"在「任务计划程序」里可以看到）")


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
    if _systemd_user_works():
        return install_systemd(p, config_home)
    if WHICH("crontab"):
        return install_cron(p)
    raise OSError("本机既没有 crontab，也无法使用 systemctl --user；请按上面的说明手动设置")
