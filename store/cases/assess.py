"""研判 (the eligibility conclusion), benefits with their status steps, and the data hints."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from store import audit
from store.cases.cases import save_case, get_case
from store.errors import NotFound, ValidationError
from store.people.people import age_of
from store.schema import Benefit, BenefitStep, db

# Spelled as the demo and the importers store them.
BENEFIT_TYPES = ["低保", "低保单人户", "特困集中", "特困分散", "孤儿", "事实无人抚养儿童",
                 "临时救助急难型", "临时救助支出型", "低保边缘"]
STEPS = ["申请", "调查", "初审", "公示", "审核确认", "纳入"]
END_STATES = ["不予纳入", "停发"]
# never on a list meant for posting (公示)
NOT_POSTED = {"事实无人抚养儿童"}
ADVANCE_TYPE = "临时救助急难型"  # may be granted first (先行救助) and documented after


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
        save_case(case, before)
    return created


def _open_benefit(case_id: int, btype: str, on: dt.date, amount=None) -> Benefit:
    """A benefit in 申请 with its first step, audited (caller holds the transaction)."""
    b = Benefit.create(case=case_id, type=btype, status="申请", applied_on=on, status_on=on, amount=amount)
    audit.log_row("create", b)
    step = BenefitStep.create(benefit=b.id, status="申请", date=on)
    audit.log_row("create", step)
    return b


def add_benefit(case_id: int, btype: str, *, on: dt.date | None = None, amount=None,
                advance: bool = False) -> Benefit:
    """Open one more benefit application; 临时救助 needs its amount. `advance` (先行救助, 急难型
    临时救助 only) grants it at once: status 纳入, the earlier steps completed after."""
    on = on or dt.date.today()
    _check_types([btype])
    if btype.startswith("临时救助") and not amount:
        raise ValidationError("临时救助请填写金额", field="amount")
    if advance and btype != ADVANCE_TYPE:
        raise ValidationError(f"只有「{ADVANCE_TYPE}」可以先行救助", field="advance")
    with db.atomic():
        get_case(case_id)
        if advance:
            return _grant_first(case_id, btype, on, amount)
        return _open_benefit(case_id, btype, on, amount)


def _grant_first(case_id: int, btype: str, on: dt.date, amount) -> Benefit:
    """先行救助: the benefit granted (纳入) on the day, flagged; the case 已纳入 (all audited)."""
    b = Benefit.create(case=case_id, type=btype, status="纳入", applied_on=on, status_on=on, amount=amount,
                       advance=True, note="先行救助")
    audit.log_row("create", b)
    audit.log_row("create", BenefitStep.create(benefit=b.id, status="纳入", date=on, note="先行救助"))
    case = get_case(case_id)
    before = audit.snapshot(case)
    case.status = "已纳入"
    save_case(case, before)
    return b


def missing_steps(benefit: Benefit) -> list[str]:
    """The steps before 纳入 a 先行救助 benefit has not completed yet (补办), in order."""
    if not benefit.advance:
        return []
    done = {s.status for s in BenefitStep.select(BenefitStep.status).where(BenefitStep.benefit == benefit.id)}
    return [s for s in STEPS[:-1] if s not in done and not (s == "公示" and benefit.type == ADVANCE_TYPE)]


def _complete_step(b: Benefit, status: str, on: dt.date, note: str | None) -> Benefit:
    """补办 one step of a 先行救助 benefit: recorded, the status stays 纳入."""
    if status not in missing_steps(b):
        raise ValidationError(f"「{status}」无需补办或已补办", field="status")
    step = BenefitStep.create(benefit=b.id, status=status, date=on, note=note or "补办")
    audit.log_row("create", step)
    return b


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
        if b.advance and status in STEPS and b.status == "纳入":
            return _complete_step(b, status, on, note)
        if status == "审核确认":
            note = check_publicity(b, on, note)
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
            save_case(case, case_before)
    return b


def check_publicity(b: Benefit, on: dt.date, note: str | None) -> str | None:
    """审核确认 comes at least the campaign's 公示 period after the 公示 step (民发〔2021〕57号: 7
    days); earlier needs a reason, which is returned as the step's note and audited on its own."""
    from store.campaign.benefit_rules import publicity_days

    shown = (BenefitStep.select().where(BenefitStep.benefit == b.id, BenefitStep.status == "公示")
             .order_by(BenefitStep.date.desc()).first())
    if shown is None or shown.date is None:
        return note
    days = publicity_days(get_case(b.case_id).campaign_id)
    if (on - shown.date).days >= days:
        return note
    reason = (note or "").strip()
    if not reason:
        raise ValidationError(f"公示期应不少于{days}天（{shown.date}公示，{shown.date + dt.timedelta(days)}"
                              "起方可审核确认）；如确需提前，请填写理由", field="note")
    audit.log("publicity_short", "benefit", b.id, None, {
        "公示": shown.date.isoformat(), "审核确认": on.isoformat(), "days": (on - shown.date).days,
        "required": days, "reason": reason})
    return f"公示未满{days}天，理由：{reason}"


def next_steps(current: str, benefit: Benefit | None = None) -> list[str]:
    """The statuses a benefit may move to from its current one (a 先行救助 one: the steps to 补办)."""
    if benefit is not None and benefit.advance and current == "纳入":
        return missing_steps(benefit) + END_STATES
    if current in END_STATES:
        return []
    later = STEPS[STEPS.index(current) + 1:] if current in STEPS else []
    return later + END_STATES


def hints(case_id: int, today: dt.date | None = None) -> list[str]:
    """What the data suggests the clerk check: 单人户 for severe disability, 三、四级 智力/精神
    disability and 重病, large self-paid costs on a category-2/3 list, children's benefits, the
    household's income against the 低保 standard, 先行救助 steps still to complete."""
    from store.people.households import household_of, income_hint

    case = get_case(case_id)
    person = case.person
    today = today or dt.date.today()
    live = list(Benefit.select().where((Benefit.case == case.id) & Benefit.deleted_at.is_null()
                                       & (Benefit.status != "不予纳入")))
    types = {b.type for b in live}
    from store.rosters.coverage import coverage_of

    types |= {c.kind for c in coverage_of([person.id]).get(person.id, [])}  # already 在保 on a roster
    out = _single_hints(person, types, case.id)
    age = age_of(person, today)
    if age is not None and age < 18 and not types & {"孤儿", "事实无人抚养儿童"}:
        out.append(f"未满18周岁（{age}岁）：请核实是否属于孤儿或事实无人抚养儿童")
    income = income_hint(household_of(person.id), today)
    if income:
        out.append(income)
    for b in live:
        todo = missing_steps(b)
        if todo:
            out.append(f"「{b.type}」为先行救助，尚待补办：{'、'.join(todo)}（n 补办）")
    return out


def _single_hints(person, types: set[str], case_id: int) -> list[str]:
    """单人户 (单列施保) hints: disability, 重病, and large self-paid costs on a category-2/3 list."""
    if types & {"低保", "低保单人户"}:
        return []
    grade, cat = person.disability_grade, person.disability_category
    if grade in (1, 2) or (grade == 3 and cat in (5, 6)):
        return ["一级、二级残疾或三级智力、精神残疾，尚未纳入低保：可考虑「低保单人户」（单列施保）"]
    out = []
    if grade == 4 and cat in (5, 6):
        out.append("四级智力、精神残疾：家庭属低保边缘的，可考虑「低保单人户」（单列施保）")
    if person.serious_illness:
        out.append("重病患者，尚未纳入低保：家庭属低保边缘的，可考虑「低保单人户」（单列施保）")
    else:
        paid = _large_self_paid(case_id)
        if paid:
            out.append(f"名单显示自付医疗费用{paid}元（第2、3类）：请核实是否属重病（人员信息 e 中标记），"
                       "重病患者可考虑「低保单人户」")
    return out


def _large_self_paid(case_id: int):
    """The largest self-paid cost of the case's category-2/3 list rows at or above their threshold."""
    from store.schema import Category, RosterEntry

    row = (RosterEntry.select(RosterEntry.self_paid).join(Category)
           .where(RosterEntry.case == case_id, Category.code.in_((2, 3)), RosterEntry.self_paid.is_null(False),
                  (Category.threshold.is_null()) | (RosterEntry.self_paid >= Category.threshold))
           .order_by(RosterEntry.self_paid.desc()).first())
    return row.self_paid if row else None
