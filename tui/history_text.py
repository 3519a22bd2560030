"""How the history screen words a change: Chinese field names, before and after, cut to fit."""

from __future__ import annotations

import re

from .text import cut

FIELD_LABELS = {
    "name": "姓名", "sex": "性别", "birth_date": "出生日期", "id_number": "身份证号", "id_original": "原证件号",
    "phone": "电话", "village": "村（居）", "village_id": "村（居）", "zone": "片区", "zone_id": "片区",
    "address": "住址", "household_code": "户号", "relation": "与户主关系", "disability_category": "残疾类别",
    "disability_grade": "残疾等级", "disability_cert": "残疾证号", "household_note": "家庭情况",
    "status": "状态", "member": "负责人", "member_id": "负责人", "conclusion": "研判结论",
    "conclusion_reason": "研判理由", "assessed_on": "研判日期", "next_followup": "下次跟进", "note": "备注",
    "kind": "方式", "date": "日期", "findings": "了解到的情况", "needs": "需求", "outcome": "结果",
    "deleted_at": "删除时间", "created_at": "创建时间", "updated_at": "修改时间", "case": "排查对象",
    "case_id": "排查对象", "person": "人员", "person_id": "人员", "category": "类别", "type": "救助类型",
    "amount": "金额", "file": "文件", "size": "大小", "via": "途径", "town": "乡镇", "district": "区（县）",
    "operator": "操作员", "backup_dir": "备份文件夹", "last_backup": "上次备份", "rows": "行数",
    "seed": "种子", "villages": "村（居）数", "persons": "人数", "cases": "排查对象数", "contacts": "联系记录数",
    "members": "工作人员数", "zones": "片区数", "benefits": "救助数", "petitions": "信访数", "problems": "问题数",
    "spot_checks": "抽查数", "roster_entries": "名单记录数", "batch": "批次", "reason": "原因", "demo": "演示数据",
    "problem": "校验结果", "id_override": "身份证号核实记录",
    "query": "查询内容", "count": "找到人数", "person_ids": "涉及人员（编号）",
    "alias": "别名", "code": "代码", "seq": "顺序", "acceptances": "验收次数", "surveys": "测评次数",
    "notices": "通报约谈次数", "aliases": "别名数", "zone_renames": "片区改名",
    "contact": "走访记录", "contact_id": "走访记录", "rectification": "整改", "rectification_id": "整改",
    "sha256": "校验值", "found_by": "发现人", "found_how": "发现方式", "found_on": "发现日期",
}
ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})")
SKIP = {"py_initials", "py_full", "id_rev", "phone_rev", "updated_at"}


# a field that means something else in one table (a village's name is not a person's 姓名)
TABLE_FIELD_LABELS = {"village": {"name": "名称", "kind": "类型", "cadre": "驻村干部", "cadre_id": "驻村干部",
                                  "is_demo": "演示数据", "village": "村（居）"},
                      "village_alias": {"village": "村（居）", "village_id": "村（居）"},
                      "attachment": {"name": "文件名", "member": "工作人员"},
                      "contact_member": {"member": "参加人员", "member_id": "参加人员"},
                      "roster": {"kind": "名单类别", "as_of": "名单日期", "file_name": "文件", "sheet": "工作表",
                                 "households": "户数", "rejected": "未导入行数", "warnings": "有提示行数",
                                 "replaced": "替换的名单", "history": "只作历史", "replaced_by": "被替换为",
                                 "replaced_by_id": "被替换为"}}


def label(field: str, table: str | None = None) -> str:
    """A field's Chinese name (the code name when there is none)."""
    special = TABLE_FIELD_LABELS.get(table or "")
    if special and field in special:
        return special[field]
    return FIELD_LABELS.get(field, field)


# values stored as code words (CLI choices, flags) and how the screen says them
VALUE_WORDS = {"small": "小（约3000人）", "town": "全镇规模（约10万人）", "True": "是", "False": "否",
               "true": "是", "false": "否"}


def shown(value) -> str:
    """A stored value as text; empty shown as （空）, code words in Chinese."""
    if value in (None, ""):
        return "（空）"
    text = str(value)
    return VALUE_WORDS.get(text, ISO_TIME.sub(r"\1 \2", text))


def field_lines(change) -> list[str]:
    """Every field of a change: 「字段：原值 改为 新值」 (new or deleted rows: just the value)."""
    lines = []
    for field, before, after in change.fields():
        if field in SKIP or before == after:
            continue
        if change.before is None:
            lines.append(f"{label(field, change.table)}：{shown(after)}")
        elif change.after is None:
            lines.append(f"{label(field, change.table)}：{shown(before)}")
        else:
            lines.append(f"{label(field, change.table)}：{shown(before)} 改为 {shown(after)}")
    return lines


def summary(change, width: int = 60) -> str:
    """The fields of a change on one line, cut to width."""
    return cut("；".join(field_lines(change)), width)
