"""Villages in an import: one village however a list spells it, 待确认 for the unknown, the clerk's
mapping and confirmed new villages under their plain names, and re-imports that change nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from importers.context import VillageChoices
from main import app
from store.db import close_db, open_db
from store.schema import Person, Village, VillageAlias
from store.town.villages import create_village, init_town
from tests import import_fixtures as fx
from tests.import_helpers import do_import, ident, rows_of

HEAD = ["序号", "姓名", "身份证号", "村(居)"]
# three ways of writing each of two villages, the town (and district) in front in some
SPELLINGS = ["后龙村委会", "后龙村民委员会", "泉港区后龙镇后龙村", "礁头社区居委会", "礁头社区居民委员会", "后龙镇礁头社区"]
runner = CliRunner()


def messy_list(path: Path, n: int = 36, shift: int = 0) -> Path:
    """A list of n persons whose village cells use the six spellings in turn; shift: each person's
    village written another of its three ways."""
    def cell(i: int) -> str:
        j = i % 6
        return SPELLINGS[j // 3 * 3 + (j + shift) % 3]

    rows = [HEAD] + [[i, f"张{i}", ident(i), cell(i)] for i in range(1, n + 1)]
    return fx.write_csv(path, rows, "utf-8")


def village_names() -> list[str]:
    """Every village name in the registry, sorted."""
    return sorted(v.name for v in Village.select())


def test_three_spellings_make_one_village_and_a_reimport_changes_nothing(db_path, tmp_path):
    init_town("后龙镇", "泉港区")
    path = messy_list(tmp_path / "低保.csv")
    dry = do_import(path, category=5, dry_run=True, create_villages=True)
    assert dry.new_villages == ["后龙村", "礁头社区"] and village_names() == []  # a dry run writes nothing
    first = do_import(path, category=5, create_villages=True)
    assert rows_of(first)[:3] == (36, 36, 0) and village_names() == ["后龙村", "礁头社区"]
    kinds = {v.name: v.kind for v in Village.select()}
    assert kinds == {"后龙村": "村", "礁头社区": "社区"}
    per_village = {v.name: Person.select().where(Person.village == v).count() for v in Village.select()}
    assert per_village == {"后龙村": 18, "礁头社区": 18}
    again = do_import(path, category=5)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 36, 0)
    other = messy_list(tmp_path / "救助信访.csv", shift=1)  # each person's village spelled another way
    moved = do_import(other, category=5)
    assert (moved.inserted, moved.updated, moved.same_file, len(village_names())) == (0, 0, [], 2)


def test_unknown_villages_are_listed_with_their_rows_and_never_created(db_path, tmp_path):
    init_town("后龙镇", "泉港区")
    create_village("后龙村")
    rows = [HEAD, [1, "张一", ident(1), "后龙村委会"], [2, "张二", ident(2), "新兴村委会"],
            [3, "张三", ident(3), "新兴村委会"], [4, "张四", ident(4), "东岭社区居委会"]]
    path = fx.write_csv(tmp_path / "a.csv", rows, "utf-8")
    summary = do_import(path, category=5, dry_run=True)
    assert [(u["name"], u["rows"], u["plain"]) for u in summary.unknown_villages] == [
        ("新兴村委会", 2, "新兴村"), ("东岭社区居委会", 1, "东岭社区")]
    assert (summary.inserted, summary.rejected) == (1, 3) and village_names() == ["后龙村"]
    real = do_import(path, category=5)
    assert real.unknown_villages == summary.unknown_villages and village_names() == ["后龙村"]
    assert "待确认" in real.outcomes[1].reasons[0]


def test_map_village_and_save_it_as_an_alias(db_path, tmp_path):
    init_town("后龙镇", "泉港区")
    target = create_village("上西村")
    rows = [HEAD, [1, "张一", ident(1), "西埔村委会"], [2, "张二", ident(2), "西埔村委会"]]
    path = fx.write_csv(tmp_path / "a.csv", rows, "utf-8")
    choices = VillageChoices.of({"西埔村委会": target.id}, save_aliases=True)
    summary = do_import(path, category=5, villages=choices)
    assert (summary.inserted, summary.unknown_villages) == (2, [])
    assert {p.village_id for p in Person.select()} == {target.id}
    assert [a.alias for a in VillageAlias.select()] == ["西埔村委会"]
    later = fx.write_csv(tmp_path / "b.csv", [HEAD, [1, "张五", ident(5), "西埔村民委员会"]], "utf-8")
    assert do_import(later, category=5).inserted == 1  # the alias matches by key too


def test_ambiguous_spelling_goes_to_be_confirmed(db_path, tmp_path):
    init_town("后龙镇", "泉港区")
    create_village("后龙村")
    create_village("后龙社区")
    rows = [HEAD, [1, "张一", ident(1), "后龙"], [2, "张二", ident(2), "后龙居委会"]]
    summary = do_import(fx.write_csv(tmp_path / "a.csv", rows, "utf-8"), category=5, create_villages=True)
    assert summary.unknown_villages == [{"name": "后龙", "rows": 1, "plain": "后龙", "candidates": ["后龙村", "后龙社区"],
                                         "reason": "可能是后龙村、后龙社区中的任一个", "can_create": True}]
    assert summary.inserted == 1 and len(village_names()) == 2  # never a guess, never a new village


def test_another_town_in_front_is_not_ours(db_path, tmp_path):
    init_town("后龙镇", "泉港区")
    ours = create_village("后龙村")
    rows = [HEAD, [1, "张一", ident(1), "泉港区后龙镇后龙村"], [2, "张二", ident(2), "界山镇后龙村委会"],
            [3, "张三", ident(3), "惠安县后龙镇后龙村"]]
    summary = do_import(fx.write_csv(tmp_path / "a.csv", rows, "utf-8"), category=5, create_villages=True)
    assert [(u["name"], u["reason"], u["can_create"]) for u in summary.unknown_villages] == [
        ("惠安县后龙镇后龙村", "写的是惠安县，不是本镇", False), ("界山镇后龙村委会", "写的是界山镇，不是本镇", False)]
    assert summary.inserted == 1 and village_names() == ["后龙村"]
    assert {p.village_id for p in Person.select()} == {ours.id}


def cli(*args):
    """Run the CLI in-process; close the connection afterwards."""
    result = runner.invoke(app, [str(a) for a in args])
    close_db()
    return result


def test_cli_dry_run_lists_unknown_names_and_map_village_imports_them(tmp_path):
    db = tmp_path / "t.db"
    open_db(db)
    init_town("后龙镇", "泉港区")
    create_village("后龙村")
    close_db()
    rows = [HEAD, [1, "张一", ident(1), "西埔村委会"], [2, "张二", ident(2), "西埔村委会"], [3, "张三", ident(3), "后龙村"]]
    path = fx.write_csv(tmp_path / "a.csv", rows, "utf-8")
    dry = cli("--db", db, "import", path, "--category", 5, "--dry-run")
    assert dry.exit_code == 0 and "待确认" in dry.stdout and "「西埔村委会」2行：不在本镇村（居）名单中，新建时名为「西埔村」" in dry.stdout
    data = json.loads(cli("--db", db, "import", path, "--category", 5, "--dry-run", "--json").stdout)
    assert data["unknown_villages"][0]["name"] == "西埔村委会" and data["unknown_villages"][0]["rows"] == 2
    bad = cli("--db", db, "import", path, "--category", 5, "--map-village", "西埔村委会=西埔村")
    assert bad.exit_code == 1 and "找不到村（居）：西埔村" in bad.output
    done = cli("--db", db, "import", path, "--category", 5, "--map-village", "西埔村委会=后龙村", "--save-alias", "--json")
    data = json.loads(done.stdout)
    assert (data["inserted"], data["unknown_villages"]) == (3, [])
    listed = json.loads(cli("--db", db, "village", "list", "--json").stdout)
    assert [(v["name"], v["persons"], v["aliases"]) for v in listed] == [("后龙村", 3, ["西埔村委会"])]


def test_cli_create_villages_uses_plain_names(tmp_path):
    db = tmp_path / "t.db"
    assert cli("--db", db, "init", "--town", "后龙镇", "--district", "泉港区").exit_code == 0
    path = messy_list(tmp_path / "a.csv", 12)
    result = cli("--db", db, "import", path, "--category", 5, "--create-villages")
    assert result.exit_code == 0 and "已新建村（居）：后龙村、礁头社区" in result.stdout
    again = json.loads(cli("--db", db, "import", path, "--category", 5, "--json").stdout)
    assert (again["inserted"], again["updated"], again["new_villages"]) == (0, 0, [])
