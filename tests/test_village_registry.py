"""The village registry: add, rename, code, order, aliases, merging fragments and removing an empty
village, in the store and through `village ...` on the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from main import app
from store.safety import history
from store.db import close_db, open_db
from store.errors import StoreError, ValidationError
from store.town.members import add_member
from store.checks.problems import create_problem
from store.checks.reviews import record_acceptance, record_notice, record_survey
from store.schema import AuditLog, Case, Member, Person, Problem, Village, VillageAlias, Zone
from store.town.village_merge import merge_villages, plan_merge, remove_village
from store.town.villages import (add_alias, create_village, find_village, init_town, move_village, registry_rows,
                            remove_alias, rename_village, set_code)
from store.town.zones import create_zone
from tests import import_fixtures as fx
from tests.import_helpers import do_import, ident

HEAD = ["姓名", "身份证号", "村(居)"]
runner = CliRunner()


def fragments(tmp_path, n: int = 30) -> tuple[Village, Village]:
    """A database the old import left with two fragments of 后龙村 (one per spelling), persons in each,
    a zone of the same name in both, a member, a problem, an acceptance, a survey and a notice."""
    init_town("后龙镇", "泉港区")
    a, b = Village.create(name="后龙村委会", kind="村", seq=1), Village.create(name="后龙村民委员会", kind="村", seq=2)
    rows = [HEAD] + [[f"张{i}", ident(i), ("后龙村委会", "后龙村民委员会")[i % 2]] for i in range(1, n + 1)]
    assert do_import(fx.write_csv(tmp_path / "a.csv", rows, "utf-8"), category=5).inserted == n
    for village in (a, b):
        create_zone(village.id, "1组")
    add_member("林一", "书记", village_id=a.id)
    create_problem(source="自查", kind="台账不全", description="缺照片", found_on="2026-08-01", village_id=a.id)
    record_acceptance(a.id, "2026-09-01", "合格")
    record_survey(a.id, "2026-09-01", 10, 8, 1, 1)
    record_notice(a.id, "2026-09-02", "通报", "进度慢")
    return a, b


def test_merge_moves_everything_in_one_go_and_is_audited(db_path, tmp_path):
    a, b = fragments(tmp_path)
    plan = plan_merge(a.id, b.id)
    assert plan.counts == {"person": 15, "case": 15, "zone": 1, "member": 1, "problem": 1, "acceptance": 1,
                           "satisfaction_survey": 1, "notice": 1}
    assert "片区「1组」改名为「1组（后龙村委会）」（「后龙村民委员会」已有同名片区）" in plan.lines()
    assert Village.select().count() == 2  # a preview writes nothing
    merge_villages(a.id, b.id)
    assert [v.name for v in Village.select()] == ["后龙村民委员会"]
    assert Person.select().where(Person.village == b.id).count() == 30 and Case.select().count() == 30
    assert sorted(z.name for z in Zone.select().where(Zone.village == b.id)) == ["1组", "1组（后龙村委会）"]
    assert Member.get().village_id == b.id and Problem.get().village_id == b.id
    assert [(x.alias, x.village_id) for x in VillageAlias.select()] == [("后龙村委会", b.id)]
    moved = AuditLog.select().where((AuditLog.action == "merge") & (AuditLog.table == "person")).count()
    summary = AuditLog.get((AuditLog.action == "merge") & (AuditLog.table == "village"))
    assert moved == 15 and json.loads(summary.after)["persons"] == 15
    page = history.town_history(action="merge", table="village")
    assert [c.action_label for c in page.items] == ["合并"]
    one = Person.select().where(Person.name == "张2").get()  # was in 后龙村委会
    assert history.person_history(one.id)[0].action_label == "合并"


def test_a_repaired_database_reimports_without_moving_anyone(db_path, tmp_path):
    a, b = fragments(tmp_path)
    merge_villages(a.id, b.id)
    rename_village(b.id, "后龙村")
    rows = [HEAD] + [[f"张{i}", ident(i), ("后龙村委会", "后龙村民委员会", "后龙村")[i % 3]] for i in range(1, 31)]
    again = do_import(fx.write_csv(tmp_path / "b.csv", rows, "utf-8"), category=5)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 30, 0)


def test_remove_only_an_empty_village(db_path, tmp_path):
    a, _b = fragments(tmp_path)
    with pytest.raises(StoreError) as err:
        remove_village(a.id)
    assert "「后龙村委会」还有人员15人、排查对象15个、片区1个、工作人员1人" in err.value.message
    empty = create_village("上西村")
    add_alias(empty.id, "西埔")
    assert remove_village(empty.id) == "上西村" and VillageAlias.select().count() == 0
    assert AuditLog.select().where((AuditLog.action == "delete") & (AuditLog.table == "village")).count() == 1


def test_add_rename_alias_code_and_order(db_path):
    init_town("后龙镇", "泉港区")
    v = create_village("泉港区后龙镇后龙村委会")
    assert (v.name, v.kind) == ("后龙村", "村")  # the plain name, never the suffix
    with pytest.raises(ValidationError, match="就是已有的「后龙村」"):
        create_village("后龙村民委员会")
    assert create_village("后龙社区").kind == "社区"  # a community of the same stem is another village
    shang = create_village("上西村")
    add_alias(shang.id, "西埔 村")
    with pytest.raises(ValidationError, match="已是该村（居）的别名"):
        add_alias(shang.id, "西埔村")
    with pytest.raises(ValidationError, match="已有村（居）叫「后龙村」"):
        add_alias(shang.id, "后龙村")
    assert find_village("西埔村").id == shang.id
    renamed = rename_village(shang.id, "上西社区")
    assert (renamed.name, renamed.kind) == ("上西社区", "社区") and find_village("上西村").id == shang.id  # alias kept
    remove_alias(shang.id, "西埔村")
    with pytest.raises(StoreError):
        find_village("西埔村")
    set_code(v.id, " 350505102201 ")
    assert move_village(shang.id, -5)[0] == shang.id
    rows = registry_rows()
    assert [r["name"] for r in rows] == ["上西社区", "后龙村", "后龙社区"] and rows[1]["code"] == "350505102201"


def cli(*args):
    """Run the CLI in-process; close the connection afterwards."""
    result = runner.invoke(app, [str(a) for a in args])
    close_db()
    return result


def test_village_commands(tmp_path):
    db = tmp_path / "t.db"
    open_db(db)
    a, b = fragments(tmp_path, 10)
    close_db()
    preview = cli("--db", db, "village", "merge", "后龙村委会", "后龙村民委员会")
    assert preview.exit_code == 0 and "人员5人" in preview.stdout and "--yes" in preview.stdout
    refused = cli("--db", db, "village", "remove", "后龙村委会")
    assert refused.exit_code == 1 and "不能删除" in refused.output
    done = cli("--db", db, "village", "merge", "后龙村委会", "后龙村民委员会", "--yes")
    assert done.exit_code == 0 and "已把「后龙村委会」合并到「后龙村民委员会」" in done.stdout
    assert cli("--db", db, "village", "rename", "后龙村民委员会", "后龙村").exit_code == 0
    assert cli("--db", db, "village", "add", "礁头社区居委会", "--code", "350505102202").exit_code == 0
    assert cli("--db", db, "village", "alias", "礁头社区", "礁头居").exit_code == 0
    assert cli("--db", db, "village", "set", "礁头社区", "--position", "1").exit_code == 0
    listed = json.loads(cli("--db", db, "village", "list", "--json").stdout)
    assert [(v["name"], v["persons"], v["code"]) for v in listed] == [("礁头社区", 0, "350505102202"),
                                                                      ("后龙村", 10, None)]
    assert listed[1]["aliases"] == ["后龙村委会", "后龙村民委员会"] and listed[0]["aliases"] == ["礁头居"]
    assert cli("--db", db, "village", "remove", "礁头社区").exit_code == 0
    missing = cli("--db", db, "village", "merge", "西埔村", "后龙村")
    assert missing.exit_code == 1 and "找不到村（居）：西埔村" in missing.output
    assert cli("--db", db, "village", "add", "新兴村").exit_code == 0
    loose = cli("--db", db, "village", "remove", "新兴村委会")  # removing takes the exact name (or an alias)
    assert loose.exit_code == 1 and "找不到村（居）：新兴村委会" in loose.output


def test_a_village_of_another_town_is_refused_in_chinese(db_path):
    """界山镇后龙村 names another town's village: a clear refusal, not a TypeError."""
    init_town("后龙镇", "泉港区")
    create_village("后龙村")
    with pytest.raises(ValidationError, match="写的是界山镇，不是本镇"):
        find_village("界山镇后龙村")
