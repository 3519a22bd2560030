"""backup schedule: the exact lines, and --install with faked crontab/systemctl/schtasks."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store.safety import schedule

runner = CliRunner()


class FakeRunner:
    """Records commands; `crontab -l` answers with an existing crontab."""

    def __init__(self, crontab: str | None = "MAILTO=x\n5 1 * * * other-job\n", fail: set[str] = frozenset()):
        self.crontab, self.fail, self.calls = crontab, fail, []

    def __call__(self, args, input=None, **kw):
        self.calls.append((list(args), input))
        key = " ".join(args[:2])
        if key in self.fail:
            return subprocess.CompletedProcess(args, 1, "", "boom")
        if args[:2] == ["crontab", "-l"]:
            if self.crontab is None:
                return subprocess.CompletedProcess(args, 1, "", "no crontab for user")
            return subprocess.CompletedProcess(args, 0, self.crontab, "")
        if args[:2] == ["crontab", "-"]:
            self.crontab = input
        return subprocess.CompletedProcess(args, 0, "", "")


@pytest.fixture
def fake(monkeypatch):
    runner_ = FakeRunner()
    monkeypatch.setattr(schedule, "RUN", runner_)
    monkeypatch.setattr(sys, "platform", "linux")
    return runner_


def test_plan_names_this_python_script_and_database(tmp_path):
    p = schedule.plan(tmp_path / "我的 数据.db", tmp_path / "U盘")
    assert p.argv[0] == str(Path(sys.executable).resolve()) and p.argv[1].endswith("main.py")
    assert p.argv[2:] == ["--db", str((tmp_path / "我的 数据.db").resolve()), "backup", "--dir",
                          str((tmp_path / "U盘").resolve())]
    assert p.schtasks == ["schtasks", "/Create", "/TN", "yingbao-backup", "/XML", "yingbao-backup.xml", "/F"]
    assert p.cron.startswith("0 21 * * * ") and p.cron.endswith("# yingbao-backup")
    assert f"'{(tmp_path / '我的 数据.db').resolve()}'" in p.cron  # quoted: the path has a space
    assert "OnCalendar=*-*-* 21:00:00" in p.timer and "Persistent=true" in p.timer
    assert f'"{(tmp_path / "我的 数据.db").resolve()}"' in p.service
    text = p.text()
    assert "schtasks /Create" in text and "crontab -e" in text and "systemctl --user" in text
    assert "<StartWhenAvailable>true</StartWhenAvailable>" in text


def test_output_goes_to_the_apps_log_not_dev_null(tmp_path):
    p = schedule.plan(tmp_path / "a.db")
    log = tmp_path.resolve() / "yingbao.log"
    assert p.log == log
    assert "/dev/null" not in p.cron and f">>{log} 2>&1" in p.cron
    assert f"StandardOutput=append:{log}" in p.service and f"StandardError=append:{log}" in p.service


def _task(xml: str) -> ET.Element:
    """The task XML, parsed (the declared UTF-16 is for the file schtasks reads)."""
    return ET.fromstring(xml.split("?>", 1)[1])


def test_windows_task_runs_when_missed_and_at_logon(tmp_path, monkeypatch):
    monkeypatch.setenv("USERDOMAIN", "OFFICE-PC")
    monkeypatch.setenv("USERNAME", "小林")
    p = schedule.plan(tmp_path / "数据 & 备份.db")
    task = _task(p.task_xml)
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert task.findtext("t:Settings/t:StartWhenAvailable", namespaces=ns) == "true"
    assert task.findtext("t:Triggers/t:CalendarTrigger/t:StartBoundary", namespaces=ns).endswith("T21:00:00")
    assert task.findtext("t:Triggers/t:CalendarTrigger/t:ScheduleByDay/t:DaysInterval", namespaces=ns) == "1"
    assert task.findtext("t:Triggers/t:LogonTrigger/t:UserId", namespaces=ns) == "OFFICE-PC\\小林"
    assert task.findtext("t:Settings/t:DisallowStartIfOnBatteries", namespaces=ns) == "false"
    exec_ = task.find("t:Actions/t:Exec", ns)
    assert exec_.findtext("t:Command", namespaces=ns) == p.argv[0]
    assert exec_.findtext("t:Arguments", namespaces=ns) == subprocess.list2cmdline(p.argv[1:])
    assert f'"{(tmp_path / "数据 & 备份.db").resolve()}"' in exec_.findtext("t:Arguments", namespaces=ns)


def test_frozen_program_schedules_its_own_executable(tmp_path, monkeypatch):
    exe = tmp_path / "应保尽保" / "yingbao.exe"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    p = schedule.plan(tmp_path / "a.db")
    assert p.argv == [str(exe.resolve()), "--db", str((tmp_path / "a.db").resolve()), "backup"]
    assert "main.py" not in p.text()
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert _task(p.task_xml).findtext("t:Actions/t:Exec/t:Command", namespaces=ns) == str(exe.resolve())


@pytest.mark.parametrize("bad", ["a\n* * * * * rm -rf ~ #.db", "a\rb.db", "a\tb.db"])
def test_control_characters_in_a_path_are_refused(tmp_path, bad):
    result = runner.invoke(app, ["--db", str(tmp_path / bad), "backup", "schedule"])
    assert result.exit_code == 1 and "换行或控制字符" in result.output
    assert "Traceback" not in result.output and "* * * *" not in result.output.replace(repr(bad)[1:-1], "")
    folder = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "backup", "schedule", "--dir", str(tmp_path / bad)])
    assert folder.exit_code == 1 and "换行或控制字符" in folder.output


def test_install_crontab_keeps_other_lines_and_replaces_ours(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "WHICH", lambda name: "/usr/bin/" + name)
    fake.fail = {"systemctl --user"}  # no user session bus: cron is the fallback
    p = schedule.plan(tmp_path / "a.db")
    assert "crontab" in schedule.install(p)
    schedule.install(p)
    lines = fake.crontab.splitlines()
    assert lines[:2] == ["MAILTO=x", "5 1 * * * other-job"]
    assert lines[2:] == [p.cron]


def test_install_systemd_when_no_crontab(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "WHICH", lambda name: "/bin/systemctl" if name == "systemctl" else None)
    message = schedule.install(schedule.plan(tmp_path / "a.db"), config_home=tmp_path / "cfg")
    unit_dir = tmp_path / "cfg" / "systemd" / "user"
    assert "systemd" in message
    assert "Persistent=true" in (unit_dir / "yingbao-backup.timer").read_text(encoding="utf-8")
    assert "ExecStart=" in (unit_dir / "yingbao-backup.service").read_text(encoding="utf-8")
    assert ["systemctl", "--user", "enable", "--now", "yingbao-backup.timer"] in [c for c, _ in fake.calls]


def test_install_windows_runs_schtasks(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "win32")
    p = schedule.plan(tmp_path / "a.db")
    seen = {}

    def schtasks(args, input=None, **kw):
        xml = Path(args[args.index("/XML") + 1])
        seen["args"], seen["xml"] = args, xml.read_bytes()
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(schedule, "RUN", schtasks)
    assert "计划任务" in schedule.install(p)
    assert seen["args"][:5] == ["schtasks", "/Create", "/TN", "yingbao-backup", "/XML"]
    assert seen["xml"].decode("utf-16") == p.task_xml  # UTF-16 with its BOM, as schtasks reads it
    assert "<LogonTrigger>" in p.task_xml


def test_install_prefers_the_systemd_timer_over_cron(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "WHICH", lambda name: "/usr/bin/" + name)
    message = schedule.install(schedule.plan(tmp_path / "a.db"), config_home=tmp_path / "cfg")
    assert "systemd" in message and not any(c[0] == "crontab" for c, _ in fake.calls)


def test_cli_install_reports_when_nothing_works(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "WHICH", lambda name: None)
    result = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "backup", "schedule", "--install"])
    assert result.exit_code == 1 and "未能自动安装" in result.output and "Traceback" not in result.output
    assert "schtasks /Create" in result.output
    monkeypatch.setattr(schedule, "WHICH", lambda name: "/usr/bin/" + name)
    fake.fail = {"systemctl --user"}
    ok = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "backup", "schedule", "--install"])
    assert ok.exit_code == 0 and "已加入 crontab" in ok.output
