"""Problems (问题清单) and their rectification (整改清单): create, edit, soft-delete, progress notes,
done date and evidence files. Every problem gets exactly one Rectification row at creation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from store import audit
from store.cases.cases import set_deleted, get_case, require_campaign
from store.common import (DEFAULT_DEADLINE_DAYS, as_date, get_row, one_of, optional, required, update_row)
from store.errors import ValidationError
from store.town.members import require_active
from store.schema import Problem, Rectification, SpotCheck, Village, db

SOURCES = ["抽查", "自查", "信访", "上级反馈"]
KINDS = ["漏保", "漏救", "信访未答复", "台账不全", "其他"]


def _village_of(case_id: int | None, village_id: int | None) -> int:
    """The problem's village: the given one, else the case person's village."""
    if village_id is not None:
        return get_row(Village, village_id, "村（居）", live=False).id
    if case_id is not None and get_case(case_id).person.village_id:
        return get_case(case_id).person.village_id
    raise ValidationError("请选择问题所在的村（居）", field="village")


def create_problem(*, source: str, kind: str, description: str, found_on: Any,
                   village_id: int | None = None, case_id: int | None = None, found_by: str | None = None,
                   spot_check_id: int | None = None, measure: str | None = None,
                   member_id: int | None = None, deadline: Any = None,
                   campaign_id: int | None = None) -> Problem:
    """Add a problem with its rectification (deadline defaults to found date + 15 days)."""
    source = one_of(source, SOURCES, "source", "问题来源")
    kind = one_of(kind, KINDS, "kind", "问题类型")
    description = required(description, "description", "问题描述")
    found = as_date(found_on, "found_on", "发现日期")
    due = as_date(deadline, "deadline", "整改期限", allow_none=True) or found + dt.timedelta(DEFAULT_DEADLINE_DAYS)
    if due < found:
        raise ValidationError("整改期限不能早于发现日期", field="deadline")
    with db.atomic():
        camp = require_campaign(campaign_id)
        if spot_check_id is not None:
            get_row(SpotCheck, spot_check_id, "抽查记录", live=False)
        problem = Problem.create(campaign=camp.id, village=_village_of(case_id, village_id), case=case_id,
                                 spot_check=spot_check_id, source=source, kind=kind, description=description,
                                 found_on=found, found_by=optional(found_by))
        audit.log_row("create", problem)
        fix = Rectification.create(problem=problem.id, measure=optional(measure), deadline=due,
                                   member=require_active(member_id))
        audit.log_row("create", fix)
    return problem


def edit_problem(problem_id: int, **changes: Any) -> Problem:
    """Change a problem's kind, source, description, found date/by, village or case."""
    allowed = {"kind", "source", "description", "found_on", "found_by", "village_id", "case_id"}
    if set(changes) - allowed:
        raise ValidationError(f"未知字段：{'、'.join(sorted(set(changes) - allowed))}")
    data: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "kind":
            data[key] = one_of(value, KINDS, key, "问题类型")
        elif key == "source":
            data[key] = one_of(value, SOURCES, key, "问题来源")
        elif key == "description":
            data[key] = required(value, key, "问题描述")
        elif key == "found_on":
            data[key] = as_date(value, key, "发现日期")
        elif key == "found_by":
            data[key] = optional(value)
        elif key == "village_id":
            data["village"] = get_row(Village, value, "村（居）", live=False).id
        else:
            data["case"] = get_case(value).id if value is not None else None
    with db.atomic():
        return update_row(get_row(Problem, problem_id, "问题"), data)


def delete_problem(problem_id: int) -> Problem:
    """Soft-delete a problem (its rectification leaves the lists with it); restorable."""
    return set_deleted(Problem, problem_id, restore=False)


def restore_problem(problem_id: int) -> Problem:
    """Undo a soft delete."""
    return set_deleted(Problem, problem_id, restore=True)


def _fix(problem_id: int) -> Rectification:
    """The live problem's rectification row."""
    get_row(Problem, problem_id, "问题")
    return Rectification.get(Rectification.problem == problem_id)


def edit_rectification(problem_id: int, **changes: Any) -> Rectification:
    """Set the measure, the member responsible or the deadline."""
    if set(changes) - {"measure", "member_id", "deadline"}:
        raise ValidationError(f"未知字段：{'、'.join(sorted(set(changes) - {'measure', 'member_id', 'deadline'}))}")
    with db.atomic():
        fix = _fix(problem_id)
        data: dict[str, Any] = {}
        if "measure" in changes:
            data["measure"] = optional(changes["measure"])
        if "member_id" in changes:
            data["member"] = require_active(changes["member_id"])
        if "deadline" in changes:
            data["deadline"] = as_date(changes["deadline"], "deadline", "整改期限")
            if data["deadline"] < fix.problem.found_on:
                raise ValidationError("整改期限不能早于发现日期", field="deadline")
        return update_row(fix, data)


def add_progress(problem_id: int, note: str, on: Any = None) -> Rectification:
    """Append a dated progress note (one line 「YYYY-MM-DD 内容」)."""
    note = required(note, "progress", "整改进展").replace("\n", " ")
    day = as_date(on, "date", "日期", allow_none=True) or dt.date.today()
    with db.atomic():
        fix = _fix(problem_id)
        line = f"{day.isoformat()} {note}"
        return update_row(fix, {"progress": f"{fix.progress}\n{line}" if fix.progress else line})


def set_done(problem_id: int, done_on: Any) -> Rectification:
    """Record (or clear with None) the date the rectification was completed."""
    day = as_date(done_on, "done_on", "完成日期", allow_none=True)
    with db.atomic():
        fix = _fix(problem_id)
        if day and day < fix.problem.found_on:
            raise ValidationError("完成日期不能早于发现日期", field="done_on")
        if day and day > dt.date.today():
            raise ValidationError("完成日期不能晚于今天", field="done_on")
        return update_row(fix, {"done_on": day})


def evidence_paths(text: str | list[str] | None) -> list[str]:
    """Evidence file paths from newline-separated text (or a list), blanks dropped, order kept."""
    items = text.splitlines() if isinstance(text, str) else list(text or [])
    return list(dict.fromkeys(p.strip().strip('"') for p in items if p and p.strip()))


def set_evidence(problem_id: int, paths: str | list[str] | None) -> list[str]:
    """Store the evidence paths; return Chinese warnings for files that do not exist (kept anyway)."""
    items = evidence_paths(paths)
    with db.atomic():
        update_row(_fix(problem_id), {"evidence": "\n".join(items) or None})
    return missing_evidence(items)


def save_rectification(problem_id: int, *, measure: str | None, member_id: int | None, deadline: dt.date,
                       progress: str, today: dt.date, done_on: dt.date | None, evidence: str | None) -> list[str]:
    """The rectification form's every part in one transaction (measure, who, deadline, a progress note,
    the day done, the evidence); returns the warnings for evidence files that were not found."""
    with db.atomic():
        edit_rectification(problem_id, measure=measure, member_id=member_id, deadline=deadline)
        if progress:
            add_progress(problem_id, progress, today)
        set_done(problem_id, done_on)
        return set_evidence(problem_id, evidence)


def missing_evidence(paths: list[str]) -> list[str]:
    """A warning per path that is not an existing file."""
    return [f"找不到佐证材料文件：{p}" for p in paths if not Path(p).expanduser().is_file()]
