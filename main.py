"""yingbao (应保尽保): the command line. With no command it opens the TUI.

Every command prints Chinese and exits non-zero with a one-line reason on bad input; details
of unexpected errors go to the log file beside the database, never a traceback on screen.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

try:  # typer vendors click from 0.2x on; older versions use click itself
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import UsageError

APP_NAME = "yingbao"
USAGE_WORDS = [
    ("No such option", "没有这个选项"), ("No such command", "没有这个命令"),
    ("Missing argument", "缺少参数"), ("Missing command", "缺少命令"), ("Missing option", "缺少选项"), ("Invalid value", "取值无效"),
    ("Got unexpected extra argument", "多余的参数"), ("requires an argument", "需要一个值"),
    ("is not a valid", "不是有效的"), ("Did you mean", "是否想输入"),
]


def fix_console_encoding() -> None:
    """Make Chinese printable where the locale is not UTF-8 (LANG=C, old Windows code pages)."""
    os.environ.setdefault("PYTHONUTF8", "1")
    if "utf" not in (os.environ.get("LANG", "") + os.environ.get("LC_ALL", "")).lower():
        os.environ["LANG"] = "C.UTF-8"
        os.environ.pop("LC_ALL", None)
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


def fail(message: str, code: int = 1) -> None:
    """Print a one-line Chinese reason to stderr and exit."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _usage_zh(exc: UsageError) -> str:
    """A Chinese rendering of click's usage error."""
    text = exc.format_message()
    for en, zh in USAGE_WORDS:
        text = text.replace(en, zh)
    return f"命令用法有误：{text}（运行 yingbao --help 查看用法）"


class ChineseGroup(TyperGroup):
    """Runs the CLI, turning every error into a one-line Chinese message and an exit status."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from store.errors import StoreError

        fix_console_encoding()
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except UsageError as exc:
            typer.echo(_usage_zh(exc), err=True)
            sys.exit(2)
        except typer.Abort:
            typer.echo("已取消", err=True)
            sys.exit(1)
        except StoreError as exc:
            typer.echo(exc.message, err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            typer.echo("已中断", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - last line of defence: log it, say it plainly
            sys.exit(_unexpected(exc))
        sys.exit(rv if isinstance(rv, int) else 0)


def _unexpected(exc: BaseException) -> int:
    """Log an unexpected error with its traceback (redacted) and say where it went."""
    from store.db import translate
    from store.logfile import get_logger

    import sqlite3

    if isinstance(exc, sqlite3.Error):
        typer.echo(translate(exc).message, err=True)
        return 1
    get_logger("cli").exception("unexpected error")
    typer.echo(f"程序出错（{exc.__class__.__name__}），详情已写入日志文件 yingbao.log", err=True)
    return 1


app = typer.Typer(
    cls=ChineseGroup, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
    help="应保尽保：困难群众「漏保」「漏救」问题整治工作台。不带命令时打开界面。",
)


class State:
    """What every command needs: the database path, opened on first use."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.opened = None

    def open(self, *, create: bool = True):
        """Open (and migrate) the database, set up the log file."""
        from store.db import open_db
        from store.logfile import setup_logging

        if self.opened is None:
            self.opened = open_db(self.db_path, create=create)
            setup_logging(self.db_path)
            if self.opened.upgrade_copy:
                typer.echo(f"数据库已升级到新结构，升级前的副本保存在：{self.opened.upgrade_copy}", err=True)
        return self.opened


def default_db_path() -> Path:
    """The default database: yingbao.db in the user's data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "yingbao.db"


def state(ctx: typer.Context) -> State:
    """The State set by the callback."""
    return ctx.ensure_object(State)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: Optional[Path] = typer.Option(None, "--db", envvar="YINGBAO_DB", help="数据库文件（默认在用户数据文件夹）"),
) -> None:
    """应保尽保：困难群众「漏保」「漏救」问题整治工作台。"""
    ctx.obj = State(db or default_db_path())
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj)


def run_tui(st: State) -> None:
    """Open the TUI on the database."""
    st.open()
    from tui.app import make_app

    make_app(st.db_path).run()


def emit_json(data: Any) -> None:
    """Print one JSON document (Chinese kept readable)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --- init, info --------------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    town: str = typer.Option(..., "--town", help="乡镇名称，如 后龙镇"),
    district: str = typer.Option(..., "--district", help="区（县）名称，如 泉港区"),
    operator: Optional[str] = typer.Option(None, "--operator", help="操作员姓名（写入修改记录）"),
) -> None:
    """设置本镇名称（可重复运行）。"""
    from store.villages import init_town

    st = state(ctx)
    st.open()
    changed = init_town(town, district, operator)
    typer.echo(f"{'已设置' if changed else '无变化'}：{district}{town}  数据库：{st.db_path}")


@app.command()
def info(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="输出JSON")) -> None:
    """数据库位置、结构版本、乡镇、整治工作和各类数量。"""
    from store import queries

    st = state(ctx)
    st.open(create=False)
    camp = queries.active_campaign()
    data = {
        "db": str(st.db_path), "schema_version": queries.schema_version(), **queries.town_info(),
        "campaign": camp.name if camp else None, "campaign_year": camp.year if camp else None,
        "report_due": camp.report_due if camp else None, "counts": queries.counts(),
    }
    if as_json:
        emit_json({**data, **data["counts"]})
        return
    _print_info(data)


def _print_info(data: dict) -> None:
    """The info command's Chinese table."""
    from rich.console import Console
    from rich.table import Table

    from store.queries import COUNTED

    labels = {"villages": "村（居）", "members": "工作人员", "zones": "片区", "persons": "人员",
              "cases": "排查对象", "roster_entries": "名单记录", "contacts": "走访/回访",
              "benefits": "救助", "petitions": "信访", "spot_checks": "抽查", "problems": "问题",
              "import_batches": "导入批次", "audit_log": "修改记录"}
    con = Console()
    con.print(f"数据库：{data['db']}（结构版本 {data['schema_version']}）")
    con.print(f"乡镇：{data['district'] or ''}{data['town'] or '（未设置，运行 yingbao init）'}")
    con.print(f"整治工作：{data['campaign'] or '无'}  报告截止：{data['report_due'] or ''}")
    table = Table("项目", "数量")
    for key in COUNTED:
        table.add_row(labels[key], str(data["counts"][key]))
    con.print(table)


# --- find ----------------------------------------------------------------------------------


@app.command()
def find(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="姓名、拼音首字母或全拼、身份证号后4-6位、电话"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON（含完整身份证号）"),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="最多显示几人"),
) -> None:
    """查找人员，与界面中的搜索相同。"""
    from store import audit
    from store.ids import mask_id, mask_phone
    from store.schema import db
    from store.search import find as do_find

    state(ctx).open(create=False)
    hits = do_find(query, limit=limit)
    if as_json:
        with db.atomic():
            audit.log("reveal", "person", None, None, {"via": "find --json", "query": query, "count": len(hits)})
        emit_json([{"name": h.name, "id_number": h.id_number, "phone": h.phone, "village": h.village,
                    "case_id": h.case_id, "case_status": h.case_status, "person_id": h.person_id} for h in hits])
        return
    if not hits:
        fail(f"没有找到：{query}", 1)
    from rich.console import Console
    from rich.table import Table

    table = Table("姓名", "身份证号", "电话", "村（居）", "状态")
    for h in hits:
        table.add_row(h.name, mask_id(h.id_number), mask_phone((h.phone or "").split("/")[0]),
                      h.village or "", h.case_status or "（非排查对象）")
    Console().print(table)


# --- demo ----------------------------------------------------------------------------------


@app.command()
def demo(
    ctx: typer.Context,
    seed: int = typer.Option(1, "--seed", help="随机种子（相同种子生成相同数据）"),
    size: str = typer.Option("small", "--size", help="规模：small（约3000人）或 town（10万人）"),
    force: bool = typer.Option(False, "--force", help="清空已有数据后重建"),
) -> None:
    """生成演示用的虚构乡镇数据。"""
    from rich.progress import Progress

    from store.demo import build_demo

    if size not in ("small", "town"):
        fail(f"未知的规模：{size}（可选 small、town）", 2)
    st = state(ctx)
    st.open()
    with Progress(transient=True) as bar:
        task = bar.add_task("生成演示数据", total=1.0)
        written = build_demo(seed, size, force=force,
                             progress=lambda label, frac: bar.update(task, completed=frac, description=label))
    typer.echo(f"已生成演示数据：{written['villages']} 个村（居），{written['persons']} 人，"
               f"{written['cases']} 个排查对象（规模 {size}，种子 {seed}）")


# --- import --------------------------------------------------------------------------------


class ImportGroup(TyperGroup):
    """`import FILE ...` runs the hidden `file` command; `import undo N` and `import list` are commands."""

    def parse_args(self, ctx, args):
        """Route anything that is not a sub-command name (or --help) to `file`."""
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(cls=ImportGroup, add_completion=False, rich_markup_mode=None,
                         help="导入区里下发的对象清单。\n\n"
                              "import 文件 [--category N] [--sheet 工作表] [--map 表头=字段 ...] [--dry-run] "
                              "[--create-villages] [--report 路径] [--json]（选项说明：import 文件 --help）；"
                              "import undo 批次号；import list [--json]")
app.add_typer(import_app, name="import")


def _parse_maps(maps: list[str] | None) -> dict[str, str]:
    """--map 表头=字段 pairs as a dict."""
    out = {}
    for item in maps or []:
        head, sep, target = item.partition("=")
        if not sep or not head.strip():
            fail(f"--map 的格式应为 表头=字段，实际为：{item}", 2)
        out[head.strip()] = target.strip()
    return out


@import_app.command("file", hidden=True)
def import_file(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="名单文件（xlsx、xls、ods、csv）"),
    category: Optional[int] = typer.Option(None, "--category", help="排查类别1-7（不填则按标题判断）"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="工作表名称（不填则自动识别）"),
    maps: Optional[list[str]] = typer.Option(None, "--map", help="指定列：表头=字段，可重复"),
    dry_run: bool = typer.Option(False, "--dry-run", help="试导入：只统计，不写入"),
    create_villages: bool = typer.Option(False, "--create-villages", help="名单中的新村（居）自动新建"),
    report: Optional[Path] = typer.Option(None, "--report", help="导入报告保存位置"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """导入一个名单文件。"""
    from importers.errors import ImportFileError
    from importers.load import prepare
    from store.imports import ImportCancelled

    state(ctx).open()
    try:
        prep = prepare(path, sheet=sheet, overrides=_parse_maps(maps), category=category)
        for note in (prep.found.note, "已套用上次导入同样格式名单时的选择（工作表、表头、列对应）" if prep.recalled else None):
            if note:  # stderr: with --json, stdout holds the one JSON object
                typer.echo(note, err=True)
        summary = _run_import(prep, dry_run, create_villages, report, show_bar=not as_json)
    except ImportFileError as exc:
        fail(exc.message, 2)
    except ImportCancelled:
        fail("已取消导入，数据库未作任何改动", 1)
    except OSError as exc:
        fail(str(exc), 1)
    if as_json:
        if summary.same_file:
            typer.echo(f"该文件此前已导入过（第{'、'.join(map(str, summary.same_file))}批）", err=True)
        emit_json(summary.as_json())
    else:
        _print_import(prep, summary, dry_run)


def _run_import(prep, dry_run: bool, create_villages: bool, report: Optional[Path], show_bar: bool):
    """Run the import, with a Rich progress bar on stderr for long lists."""
    from rich.console import Console
    from rich.progress import Progress

    from importers.load import run

    if not show_bar or len(prep.data_rows) < 3000:
        return run(prep, dry_run=dry_run, create_villages=create_villages, report_path=report)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("导入中", total=1)
        return run(prep, dry_run=dry_run, create_villages=create_villages, report_path=report,
                   progress=lambda done, total: bar.update(task, completed=done, total=total))


def _print_import(prep, summary, dry_run: bool) -> None:
    """The Chinese summary of an import."""
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"文件：{prep.path.name}  工作表：{prep.sheet.name}  {prep.header_label}  排查类别：{prep.category}")
    table = Table("项目", "行数")
    labels = [("rows", "数据行"), ("inserted", "新增人员"), ("updated", "更新"), ("unchanged", "无变化"),
              ("rejected", "未导入（见报告）"), ("skipped", "跳过（合计行、外镇）"), ("warnings", "有提示")]
    for key, label in labels:
        table.add_row(label, str(getattr(summary, key)))
    con.print(table)
    if summary.same_file:
        con.print(f"该文件此前已导入过（第{'、'.join(map(str, summary.same_file))}批），重复的行计为无变化")
    if dry_run:
        con.print("试导入：以上为统计结果，未写入数据库")
    else:
        con.print(f"导入批次：第{summary.batch_id}批（撤销：yingbao import undo {summary.batch_id}）")
    if summary.report:
        con.print(f"导入报告：{summary.report}")


@import_app.command("undo")
def import_undo(ctx: typer.Context, batch_id: int = typer.Argument(..., help="批次号（见 import list）")) -> None:
    """撤销一次导入（之后没有依赖它的记录时）。"""
    from store.import_undo import undo_import

    state(ctx).open(create=False)
    removed = undo_import(batch_id)
    typer.echo(f"已撤销第{batch_id}批导入：删除名单记录{removed.get('roster_entry', 0)}条、"
               f"人员{removed.get('person', 0)}人、排查对象{removed.get('case', 0)}个，"
               f"恢复修改过的人员{removed.get('restored', 0)}人")


@import_app.command("list")
def import_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="输出JSON")) -> None:
    """列出历次导入。"""
    from rich.console import Console
    from rich.table import Table

    from store.imports import list_batches

    state(ctx).open(create=False)
    batches = list_batches()
    if as_json:
        emit_json(batches)
        return
    table = Table("批次", "时间", "文件", "类别", "数据行", "新增/更新/无变化", "未导入/跳过", "状态")
    table.columns[2].overflow = "fold"
    for b in batches:
        table.add_row(str(b["id"]), f"{b['created_at']:%m-%d %H:%M}", b["file_name"], str(b["category"] or ""),
                      str(b["rows"]), f"{b['inserted']}/{b['updated']}/{b['unchanged']}",
                      f"{b['rejected']}/{b['skipped']}", "已撤销" if b["undone_at"] else "有效")
    Console().print(table if batches else "还没有导入过名单")


def run() -> None:
    """Console-script entry point: `yingbao`."""
    app()


if __name__ == "__main__":
    run()
