"""Why rows were not imported, grouped for the wizard's screen: each reason with its count and
the first rows that have it (the report file lists every row; a dry run writes none)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from store.ids import mask_personal

_ROW_DETAIL = re.compile(r"第\d+行")  # the part of a reason that names another row
FIRST_ROWS = 5


@dataclass(frozen=True)
class ReasonGroup:
    """One reason, how many rows have it, the first rows (Excel row numbers)."""

    status: str  # rejected / skipped
    reason: str
    count: int
    rows: tuple[int, ...]


def reason_groups(outcomes: list[Any], first: int = FIRST_ROWS) -> list[ReasonGroup]:
    """Rejected and skipped rows grouped by reason, most frequent first; personal numbers masked."""
    groups: dict[tuple[str, str], list[int]] = {}
    for o in outcomes:
        if o.final not in ("rejected", "skipped"):
            continue
        reason = o.reasons[0] if o.reasons else ("已跳过" if o.final == "skipped" else "未导入")
        head = _ROW_DETAIL.sub("另一行", reason).split("，")[0]  # 校验位错误，应为 7: the kind, not the digit
        key = (o.final, mask_personal(head))
        groups.setdefault(key, []).append(o.source_row)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][0] != "rejected", -len(kv[1]), kv[1][0]))
    return [ReasonGroup(status, reason, len(rows), tuple(sorted(rows)[:first])) for (status, reason), rows in ordered]


def reason_lines(outcomes: list[Any], limit: int = 8) -> list[str]:
    """The wizard's lines: 「未导入 12行：身份证号：校验位不对（第3、5、9行等）」."""
    lines = []
    groups = reason_groups(outcomes)
    for g in groups[:limit]:
        rows = "、".join(map(str, g.rows)) + ("等" if g.count > len(g.rows) else "")
        lines.append(f"{'未导入' if g.status == 'rejected' else '跳过'} {g.count}行：{g.reason}（第{rows}行）")
    if len(groups) > limit:
        lines.append(f"另有{len(groups) - limit}种原因，见导入报告")
    return lines
