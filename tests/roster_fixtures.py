"""在保名单 files in the shapes the civil-affairs system exports: a household file (title, date line,
户主 then members with 与户主关系, 保障人数, 月保障金) and a person file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.import_fixtures import write_xlsx
from tests.import_helpers import ident

HOUSEHOLD_HEADER = ["序号", "所属村居", "户主姓名", "户主身份证号", "成员姓名", "身份证号码", "与户主关系", "保障人数",
                    "月保障金（元）", "保障类别", "纳入时间"]


def household_roster(path: Path, households: list[dict], *, title_date: dt.date | None = dt.date(2026, 6, 30)) -> Path:
    """A 低保 household roster. Each household: {"head": (name, id), "members": [(name, id, relation)],
    "since": date, "amount": yuan, "kind": "农村低保", "village": "后龙村"}; members carry no 纳入时间."""
    rows: list[list] = [["泉港区后龙镇最低生活保障家庭成员花名册"],
                        [f"导出日期：{title_date:%Y年%m月%d日}" if title_date else "导出：社会救助信息系统"],
                        HOUSEHOLD_HEADER]
    seq = 0
    for h in households:
        head_name, head_id = h["head"]
        size = 1 + len(h.get("members", []))
        seq += 1
        rows.append([seq, h.get("village", "后龙村"), head_name, head_id, head_name, head_id, "户主", size,
                     h.get("amount", 1500), h.get("kind", "农村低保"), h.get("since")])
        for name, number, relation in h.get("members", []):
            seq += 1
            rows.append([seq, h.get("village", "后龙村"), head_name, head_id, name, number, relation, size,
                         h.get("amount", 1500), h.get("kind", "农村低保"), None])
    rows.append(["合计", "", "", "", "", "", "", "", "", "", ""])
    return write_xlsx(path, {"低保花名册": rows})


def person_roster(path: Path, people: list[tuple], *, kind_col: str | None = None) -> Path:
    """A person-level roster: (name, id, since) rows under a title, no date line."""
    header = ["序号", "姓名", "公民身份号码", "村(居)", "批准日期"] + ([kind_col] if kind_col else [])
    rows: list[list] = [["在保人员名单"], header]
    for i, (name, number, since, *rest) in enumerate(people, 1):
        rows.append([i, name, number, "后龙村", since, *rest])
    return write_xlsx(path, {"Sheet1": rows})


def big_household_roster(path: Path, n_rows: int) -> Path:
    """A 低保 household roster of n_rows people (households of 3) for the bench."""
    from tests.import_fixtures import write_big_xlsx

    def make_row(i: int) -> list:
        head = i - i % 3
        rel = "户主" if i == head else ("配偶" if i % 3 == 1 else "子女")
        return [i + 1, "后龙村", f"户主{head}", _id(head), f"成员{i}", _id(i), rel, 3, 1200.0, "农村低保",
                "2020-03-01"]

    return write_big_xlsx(path, HOUSEHOLD_HEADER, n_rows, make_row)


def _id(i: int) -> str:
    """A valid ID number for bench row i (many birth days, so sequence numbers stay short)."""
    born = dt.date(1940, 1, 1) + dt.timedelta(days=i // 900)
    return ident(i % 900, born.strftime("%Y%m%d"))
