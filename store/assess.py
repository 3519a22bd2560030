"""研判 (the eligibility conclusion), benefits with their status steps, and the data hints."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from . import audit
from .cases import _save_case, get_case
from .errors import NotFound, ValidationError
from .people import age_of
from .schema import Benefit, BenefitStep, db

# Spelled as the demo and the importers store them.
BENEFIT_TYPES = ["低保", "低保单人户", "特困集中", "特困分散", "孤儿", "事实无人抚养儿童",
                 "临时救助急难型", "临时救助支出型", "低保边缘"]
STEPS = ["申请", "调查", "初审", "公示", "审核确认", "纳入"]
END_STATES = ["不予纳入", "停发"]
# never on a list meant for posting (公示)
NOT_POSTED = {"事实无人抚养儿童"}


def _check_types(types: Iterable[str]) -> list[str]:
    """Known benefit types, de-duplicated; at least one."""
    out = list(dict.fromkeys(types))
    bad = [t for t in out if t not in BENEFIT_TYPES]
    if bad:
        raise ValidationError(f"无效的救助类型：{'、'.join(bad)}", field="benefits")
    if not out:
        raise ValidationError("认定符合时请至少选择一种救助类型", field="benefits")
    return out


def assess(case_id: int, conclusion: str, *, benefit_types: Iterable[str] = (), reason: str = "",
           next_check: dt.date | None = None, on: dt.date | None = None) -> list[Benefit]:
    """Record 符合 (opening an application per benefit type) or 不符合 (reason and next check)."""
    on = on or dt.date.today()
    if conclusion not in ("符合", "不符合"):
        raise ValidationError("请选择「符合」或「不符合」", field="conclusion")
    reason = (reason or "").strip()
    if conclusion == "符合":
        types = _check_types(benefit_types)
    else:
        if not reason:
            raise ValidationError("认定不符合时必须填写原因", field="reason")
        if next_check is None:
            raise ValidationError("请填写下次核查日期（动态监测）", field="next_check")
        if next_check < on:
            raise ValidationError("下次核查日期不能早于今天", field="next_check")
    with db.atomic():
        case = get_case(case_id)
        before = audit.snapshot(case)
        case.conclusion, case.assessed_on = conclusion, on
        case.conclusion_reason = reason or None
        if conclusion == "符合":
            case.status = "办理中"
            created = [_open_benefit(case.id, t, on) for t in types]
        else:
            case.status, case.next_followup, created = "动态监测", next_check, []
        _save_case(case, before)
    return created


def _open_benefit(case_id: int, btype: str, on: dt.date, amount=None) -> Benefit:
    """A benefit in 申请 with its first step, audited (caller holds the transaction)."""
    b = Benefit.create(case=case_id, type=btype, status="申请", applied_on=on, status_on=on, amount=amount)
    audit.log_row("create", b)
    step = BenefitStep.create(benefit=b.id, status="申请", date=on)
    audit.log_row("create", step)
    return b


def add_benefit(case_id: int, btype: str, *, on: dt.date | None = None, amount=None) -> Benefit:
    """Open one more benefit application; 临时救助 needs its amount."""
    on = on or dt.date.today()
    _check_types([btype])
    if btype.startswith("临时救助") and not amount:
        raise ValidationError("临时救助请填写金额", field="amount")
    with db.atomic():
        get_case(case_id)
        return _open_benefit(case_id, btype, on, amount)


def advance_benefit(benefit_id: int, status: str, *, on: dt.date | None = None, amount=None,
                    note: str | None = None) -> Benefit:
    """Move a benefit to a later step (or 不予纳入/停发), recording the step; 纳入 closes the case."""
    on = on or dt.date.today()
    with db.atomic():
        b = Benefit.get_or_none((Benefit.id == benefit_id) & Benefit.deleted_at.is_null())
        if b is None:
            raise NotFound("找不到该救助记录")
        if status not in STEPS + END_STATES:
            raise ValidationError(f"无效的办理环节：{status}", field="status")
        if status in STEPS and b.status in STEPS and STEPS.index(status) <= STEPS.index(b.status):
            raise ValidationError(f"当前已是「{b.status}」，只能往后推进", field="status")
        if b.status in END_STATES:
            raise ValidationError(f"该救助已「{b.status}」，不能再推进", field="status")
        before = audit.snapshot(b)
        b.status, b.status_on = status, on
        if amount is not None:
            b.amount = amount
        b.save()
        audit.log_row("update", b, before)
        audit.log_row("create", BenefitStep.create(benefit=b.id, status=status, date=on, note=note))
        if status == "纳入":
            case = get_case(b.case_id)
            case_before = audit.snapshot(case)
            case.status = "已纳入"
            _save_case(case, case_before)
    return b


def next_steps(current: str) -> list[str]:
    """The statuses a benefit may move to from its current one."""
    if current in END_STATES:
        return []
    later = STEPS[STEPS.index(current) + 1:] if current in STEPS else []
    return later + END_STATES


def hints(case_id: int, today: dt.date | None = None) -> list[str]:
    """What the data suggests the clerk check: 单人户 for severe disability, children's benefits."""
    case = get_case(case_id)
    person = case.person
    types = {b.type for b in Benefit.select(Benefit.type).where(
        (Benefit.case == case.id) & Benefit.deleted_at.is_null() & (Benefit.status != "不予纳入"))}
    out = []
    grade, cat = person.disability_grade, person.disability_category
    severe = grade in (1, 2) or (grade == 3 and cat in (5, 6))
    if severe and not types & {"低保", "低保单人户"}:
        out.append("一级、二级残疾或三级智力、精神残疾，尚未纳入低保：可考虑「低保单人户」（单列施保）")
    age = age_of(person, today or dt.date.today())
    if age is not None and age < 18 and not types & {"孤儿", "事实无人抚养儿童"}:
        out.append(f"未满18周岁（{age}岁）：请核实是否属于孤儿或事实无人抚养儿童")
    return out
