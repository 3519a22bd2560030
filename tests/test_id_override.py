"""BAD_INPUTS row 6 in the store: an ID number failing only its checksum or birth date is accepted with
a reason (audited as 「id_override」); shape errors never are; everything derived from it degrades."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store import ids
from store.audit import ACTION_LABELS
from store.errors import IdNeedsReason, ValidationError
from store.people.people import age_of, create_person, id_override_reason, update_person
from store.schema import AuditLog, Case, Person
from tests.import_helpers import bad_checksum, ident
from tests.conftest import DEMO_TODAY

GOOD = ident(1)  # 350505199001010011 + check char, male
WRONG = bad_checksum(GOOD)
BAD_DATE = "35050519901301001" + ids.check_char("35050519901301001")  # month 13, right check char
REASON = "与户口簿核对一致，系公安制证错误"


def overrides() -> list[dict]:
    """The after-values of every id_override audit row."""
    return [json.loads(a.after) for a in AuditLog.select().where(AuditLog.action == "id_override").order_by(AuditLog.id)]


def test_parse_id_override_keeps_the_failure_and_still_refuses_shapes():
    parsed = ids.parse_id(f" {WRONG[:9]} {WRONG[9:]} ", override=True)
    assert parsed.number == WRONG and parsed.problem.startswith("校验位错误")
    assert ids.parse_id(GOOD, override=True).problem == ""
    legacy = ids.parse_id("350505901301001", override=True)  # 15 digits, month 13: upgraded, date kept bad
    assert legacy.number == BAD_DATE and legacy.converted and legacy.problem.startswith("出生日期无效")
    for shape in ("35050519900101001", "3505051990010100AB", "3.50505199001011e17", WRONG + ".0",
                  3.50505199001011e17, 350505199001010011, "35050X199001010011"):
        with pytest.raises(ids.IdError):
            ids.parse_id(shape, override=True)
    assert not ids.is_valid_id(WRONG) and not ids.is_valid_id(BAD_DATE)


def test_derived_values_degrade_instead_of_crashing():
    assert ids.birth_date(BAD_DATE) is None and ids.sex_of(BAD_DATE) == "男"
    assert ids.birth_date("350505901301001") is None
    assert ids.birth_date(WRONG) == dt.date(1990, 1, 1) and ids.age_on(WRONG, dt.date(2020, 1, 1)) == 30
    with pytest.raises(ValueError):
        ids.age_on(BAD_DATE, dt.date(2020, 1, 1))


def test_without_a_reason_nothing_is_written(db_path):
    with pytest.raises(IdNeedsReason) as err:
        create_person(name="赵六", id_number=WRONG)
    assert err.value.field == "id_number" and "校验位错误" in err.value.message and "核实说明" in err.value.message
    with pytest.raises(ValidationError) as blank:
        create_person(name="赵六", id_number=WRONG, id_override_reason=" \u3000 ")
    assert blank.value.field == "id_number" and "必须填写核实说明" in blank.value.message
    assert Person.select().count() == 0 and AuditLog.select().count() == 0


@pytest.mark.parametrize("shape", ["35050519900101001", "3505051990010100A1", "3.50505199001011e17",
                                   WRONG + ".0", 3.50505199001011e17, 350505199001010011])
def test_shape_errors_are_never_overridable(db_path, shape):
    with pytest.raises(ValidationError) as err:
        create_person(name="赵六", id_number=shape, id_override_reason=REASON)
    assert not isinstance(err.value, IdNeedsReason) and err.value.field == "id_number"
    assert Person.select().count() == 0


def test_checksum_override_stores_the_cleaned_number_and_audits_the_reason(db_path):
    typed = "３５０５０５ " + WRONG[6:].lower()  # full-width digits, a space: cleaned like any ID
    p = create_person(name="赵六", id_number=typed, id_override_reason=f"  {REASON} ")
    stored = Person.get_by_id(p.id)
    assert stored.id_number == WRONG and stored.id_rev == WRONG[::-1] and stored.id_original is None
    assert stored.sex == "男" and stored.birth_date == dt.date(1990, 1, 1)
    assert overrides() == [{"id_number": WRONG, "problem": ids.parse_id(WRONG, override=True).problem,
                            "reason": REASON}]
    log = AuditLog.get(AuditLog.action == "id_override")
    assert log.table == "person" and log.row_id == p.id and log.operator == "测试员"
    assert ACTION_LABELS["id_override"] == "身份证号核实"
    assert id_override_reason(p.id, WRONG) == REASON


def test_bad_birth_date_override_leaves_the_birth_date_unknown(db_path):
    p = create_person(name="钱七", id_number="350505901301001", id_override_reason=REASON)
    stored = Person.get_by_id(p.id)
    assert stored.id_number == BAD_DATE and stored.id_original == "350505901301001"
    assert stored.birth_date is None and stored.sex == "男" and age_of(stored, DEMO_TODAY) is None
    assert overrides()[0]["problem"].startswith("出生日期无效")


def test_future_birth_date_override(db_path):
    future = dt.date.today().year + 1
    first17 = f"350505{future}0101001"
    p = create_person(name="孙八", id_number=first17 + ids.check_char(first17), id_override_reason=REASON)
    assert Person.get_by_id(p.id).birth_date is None and age_of(Person.get_by_id(p.id)) is None


def test_update_with_an_override_and_a_valid_number(db_path):
    p = create_person(name="李四", id_number=GOOD)
    with pytest.raises(IdNeedsReason):
        update_person(p.id, id_number=WRONG)
    assert Person.get_by_id(p.id).id_number == GOOD and id_override_reason(p.id, GOOD) is None
    update_person(p.id, id_number=WRONG, id_override_reason=REASON)
    update = AuditLog.select().where(AuditLog.action == "update").get()
    assert json.loads(update.after)["id_number"] == WRONG and len(overrides()) == 1
    assert id_override_reason(p.id, WRONG) == REASON
    update_person(p.id, id_number=ident(3), id_override_reason="不需要")  # a valid number: no override row
    assert len(overrides()) == 1 and id_override_reason(p.id, ident(3)) is None
    with pytest.raises(ValidationError, match="已属于"):
        create_person(name="王五", id_number=ident(3), id_override_reason=REASON)


def test_search_history_and_check_know_an_accepted_number(db_path):
    from store.safety.check import check_database
    from store.db import close_db
    from store.safety.history import person_history
    from store.people.search import find

    p = create_person(name="赵六", id_number=WRONG, id_override_reason=REASON)
    assert [h.person_id for h in find(WRONG[-6:])] == [p.id]
    changes = person_history(p.id)
    override = next(c for c in changes if c.action == "id_override")
    assert override.action_label == "身份证号核实" and override.after["id_number"] == ids.mask_id(WRONG)
    assert override.after["reason"] == REASON
    close_db()
    report = check_database(db_path)
    assert report.clean and any("已核实（有核实说明）：1 人" in n for n in report.notes)


def test_case_detail_export_and_hints_with_a_bad_date_number(demo_db, tmp_path):
    from exports.common import write_export
    from store.cases.assess import hints
    from store.cases.detail import load

    case = Case.select().where(Case.deleted_at.is_null()).first()
    update_person(case.person_id, id_number=BAD_DATE, id_override_reason=REASON)
    d = load(case.id, DEMO_TODAY)
    assert d.age is None and d.id_masked == ids.mask_id(BAD_DATE)
    assert d.id_note == f"身份证号未通过校验（已核实：{REASON}）"
    assert not any("未满18周岁" in h for h in hints(case.id, DEMO_TODAY))  # age unknown: no age hint
    for kind in ("ledger", "lists"):
        assert write_export(kind, tmp_path / f"{kind}.xlsx", as_of=DEMO_TODAY).path.exists()
