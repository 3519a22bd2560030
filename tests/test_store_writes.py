"""Write functions: validation, audit rows in the same transaction, soft delete, search keys."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store import audit
from store.cases import cases
from store.people import people
from store.town import villages
from store.errors import ValidationError
from store.schema import AuditLog, Case, Contact, Person, PersonKey, db
from store.people.search import find

ID_A = "11010519491231002X"
ID_B = "110101199003074477"


def audit_rows(table: str, row_id: int) -> list[AuditLog]:
    return list(AuditLog.select().where((AuditLog.table == table) & (AuditLog.row_id == row_id)).order_by(AuditLog.id))


def test_create_person_normalises_and_audits(db_path):
    v = villages.create_village("后龙村")
    p = people.create_person(name=" 张三\u3000", id_number="１１０１０５１９４９１２３１００２x", phone=13700003333, village=v.id)
    assert (p.name, p.id_number, p.sex, str(p.birth_date), p.phone) == ("张三", ID_A, "女", "1949-12-31", "13700003333")
    rows = audit_rows("person", p.id)
    assert [r.action for r in rows] == ["create"]
    assert json.loads(rows[0].after)["name"] == "张三"
    assert rows[0].operator == "测试员"


def test_bad_id_is_refused_with_field_and_nothing_written(db_path):
    with pytest.raises(ValidationError) as info:
        people.create_person(name="李四", id_number="110105194912310021")
    assert info.value.field == "id_number" and "校验" in info.value.message
    assert Person.select().count() == 0 and AuditLog.select().where(AuditLog.table == "person").count() == 0


def test_empty_name_and_duplicate_id_are_refused(db_path):
    with pytest.raises(ValidationError):
        people.create_person(name="  ", id_number=ID_A)
    people.create_person(name="张三", id_number=ID_A)
    with pytest.raises(ValidationError) as info:
        people.create_person(name="张三丰", id_number=ID_A)
    assert "张三" in info.value.message


def test_update_records_before_and_after_and_keeps_keys_current(db_path):
    p = people.create_person(name="张三", id_number=ID_A)
    people.update_person(p.id, name="曾江")
    row = audit_rows("person", p.id)[-1]
    assert row.action == "update"
    assert json.loads(row.before)["name"] == "张三" and json.loads(row.after)["name"] == "曾江"
    keys = {k.key for k in PersonKey.select().where(PersonKey.person == p.id)}
    assert {"zj", "cj", "zengjiang", "cengjiang"} <= keys and "zs" not in keys
    assert Person.get_by_id(p.id).py_initials == "zj"


def test_update_with_no_change_writes_no_audit_row(db_path):
    p = people.create_person(name="张三", id_number=ID_A)
    people.update_person(p.id, name="张三")
    assert [r.action for r in audit_rows("person", p.id)] == ["create"]


def test_failed_write_rolls_back_audit_too(db_path, monkeypatch):
    p = people.create_person(name="张三", id_number=ID_A)

    def boom(*a, **k):
        raise RuntimeError("disk")

    monkeypatch.setattr(audit, "log_row", boom)
    with pytest.raises(RuntimeError):
        people.update_person(p.id, name="李四")
    assert Person.get_by_id(p.id).name == "张三"


def test_soft_delete_and_restore_person(db_path):
    p = people.create_person(name="张三", id_number=ID_A)
    people.delete_person(p.id)
    assert Person.get_by_id(p.id).deleted_at is not None
    assert find("zs") == []
    people.restore_person(p.id)
    assert [h.name for h in find("zs")] == ["张三"]
    assert [r.action for r in audit_rows("person", p.id)] == ["create", "delete", "restore"]


def test_case_contact_moves_status_and_is_audited(db_path):
    p = people.create_person(name="张三", id_number=ID_A)
    case = cases.open_case(p.id, [2, 4])
    assert case.status == "待排查"
    again = cases.open_case(p.id, [4, 7], source="自行发现")
    assert again.id == case.id
    codes = sorted(cc.category.code for cc in case.case_categories)
    assert codes == [2, 4, 7]
    follow = dt.date.today() + dt.timedelta(days=7)
    cases.record_contact(case.id, kind="电话回访", date=dt.date.today(), findings="本人在家", next_followup=follow)
    fresh = Case.get_by_id(case.id)
    assert fresh.status == "已联系" and fresh.next_followup == follow  # a call is no home visit
    cases.record_contact(case.id, kind="入户走访", date=dt.date.today() - dt.timedelta(days=2), findings="入户")
    assert Case.get_by_id(case.id).status == "已走访"
    assert Contact.select().where(Contact.case == case.id).count() == 2
    assert {"create", "update"} <= {r.action for r in audit_rows("case", case.id)}


def test_contact_validation_keeps_database_unchanged(db_path):
    p = people.create_person(name="张三", id_number=ID_A)
    case = cases.open_case(p.id, [1])
    with pytest.raises(ValidationError) as info:
        cases.record_contact(case.id, kind="飞鸽", date=dt.date.today())
    assert info.value.field == "kind"
    with pytest.raises(ValidationError):
        cases.record_contact(case.id, kind="来访", date=dt.date.today() + dt.timedelta(days=1))
    assert Contact.select().count() == 0 and Case.get_by_id(case.id).status == "待排查"


def test_soft_delete_case_and_contact(db_path):
    p = people.create_person(name="张三", id_number=ID_A)
    case = cases.open_case(p.id, [1])
    contact = cases.record_contact(case.id, kind="微信", date=dt.date.today())
    cases.delete_contact(contact.id)
    cases.delete_case(case.id)
    assert Case.get_by_id(case.id).deleted_at and Contact.get_by_id(contact.id).deleted_at
    assert find("zs")[0].case_id is None
    cases.restore_case(case.id)
    assert find("zs")[0].case_id == case.id


def test_village_names_unique_and_init_idempotent(db_path):
    villages.create_village("后龙村")
    with pytest.raises(ValidationError):
        villages.create_village("后龙村")
    assert villages.init_town("后龙镇", "泉港区", "小林") is True
    assert villages.init_town("后龙镇", "泉港区", "小林") is False
    assert villages.create_village("礁头社区").kind == "社区"


def test_amounts_are_exact(db_path):
    from decimal import Decimal

    from store.schema import Category

    cat = Category.get(Category.code == 2)
    cat.threshold = Decimal("10000.005")
    cat.save()
    assert Category.get_by_id(cat.id).threshold == Decimal("10000.01")
    assert db.execute_sql("SELECT threshold FROM category WHERE id = ?", (cat.id,)).fetchone()[0] == 1000001
