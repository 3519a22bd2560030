"""A file the system refuses (a folder, no permission, a full disk ...) is said in Chinese by one
helper, store.fsio.os_error_text, wherever it reaches the clerk: never 「Is a directory」."""

from __future__ import annotations

import errno

import openpyxl
import pytest

from store.fsio import os_error_text
from tests.day_one import cli, ok
from tests.import_helpers import ident


@pytest.mark.parametrize(("exc", "text"), [
    (PermissionError(errno.EACCES, "Permission denied", "/x/表.xlsx"), "权限不足"),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "/x/报告"), "是一个文件夹"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
    (OSError(errno.ENAMETOOLONG, "File name too long", "/x/" + "长" * 300), "文件名太长"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/没有/表.xlsx"), "找不到"),
    (OSError(errno.EBUSY, "Device or resource busy"), "文件被占用"),
])
def test_errno_is_said_in_chinese(exc, text):
    message = os_error_text(exc)
    assert text in message and exc.strerror not in message
    if exc.filename:
        assert message.endswith(exc.filename)


def test_windows_sharing_violation_and_our_own_chinese_errors():
    locked = OSError(None, "The process cannot access the file", "D:/表.xlsx")
    locked.winerror = 32
    assert "文件被占用" in os_error_text(locked)
    assert os_error_text(OSError("无法写入导入报告：D:/报告.xlsx")) == "无法写入导入报告：D:/报告.xlsx"
    assert "Weird" not in os_error_text(OSError(errno.EIO, "Weird English"))


def test_roster_report_to_a_folder_is_said_in_chinese(tmp_path):
    db = str(tmp_path / "town.db")
    ok("--db", db, "init", "--town", "后龙镇", "--district", "泉港区", "--operator", "小林")
    ok("--db", db, "village", "add", "后龙村")
    path = tmp_path / "特困.xlsx"
    wb = openpyxl.Workbook()
    for row in [["在保人员名单"], ["姓名", "身份证号", "批准日期", "村(居)"],
                ["甲", ident(601, "19700101"), "2021-03-05", "后龙村"], ["乙", "123", "2021-03-05", "后龙村"]]:
        wb.active.append(row)
    wb.save(path)
    folder = tmp_path / "报告"
    folder.mkdir()
    result = cli("--db", db, "roster", "import", str(path), "--kind", "特困", "--as-of", "2026-07-01",
                 "--report", str(folder))
    assert result.exit_code == 1 and "Is a directory" not in result.output, result.output
    assert "是一个文件夹" in result.output and "无法写入导入报告" in result.output
    assert "特困" not in cli("--db", db, "roster", "list").output


def test_a_worker_that_meets_a_refused_file_says_why_in_chinese(tmp_path):
    from tui.errors import message_for

    message = message_for(IsADirectoryError(errno.EISDIR, "Is a directory", str(tmp_path)))
    assert message == f"文件操作失败：是一个文件夹：{tmp_path}，本次操作未完成"
