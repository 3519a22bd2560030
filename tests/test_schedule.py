"""backup schedule: the exact lines, and --install with faked crontab/systemctl/schtasks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store import schedule

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
    assert p.argv[0] == sys.executable and p.argv[1].endswith("main.py")
    assert p.argv[2:] == ["--db", str((tmp_path / "我的 数据.db").resolve()), "backup", "--dir",
                          str((tmp_path / "U盘").resolve())]
    assert p.schtasks[:9] == ["schtasks", "/Create", "/SC", "DAILY", "/ST", "21:00", "/TN", "yingbao-backup", "/TR"]
    assert p.cron.startswith("0 21 * * * ") and p.cron.endswith("# yingbao-backup")
    assert f"'{(tmp_path / '我的 数据.db').resolve()}'" in p.cron  # quoted: the path has a space
    assert "OnCalendar=*-*-* 21:00:00" in p.timer and "Persistent=true" in p.timer
    assert f'"{(tmp_path / "我的 数据.db").resolve()}"' in p.service
    text = p.text()
    assert "schtasks /Create" in text and "crontab -e" in text and "systemctl --user" in text


def test_install_crontab_keeps_other_lines_and_replaces_ours(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "WHICH", lambda name: "/usr/bin/" + name)
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
    assert "计划任务" in schedule.install(p)
    assert fake.calls == [(p.schtasks, None)]


def test_cli_install_reports_when_nothing_works(fake, monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "WHICH", lambda name: None)
    result = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "backup", "schedule", "--install"])
    assert result.exit_code == 1 and "未能自动安装" in result.output and "Traceback" not in result.output
    assert "schtasks /Create" in result.output
    monkeypatch.setattr(schedule, "WHICH", lambda name: "/usr/bin/" + name)
    ok = runner.invoke(app, ["--db", str(tmp_path / "a.db"), "backup", "schedule", "--install"])
    assert ok.exit_code == 0 and "已加入 crontab" in ok.output
