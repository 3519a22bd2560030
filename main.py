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

    from peewee import DatabaseError as PeeweeDatabaseError

    if isinstance(exc, (sqlite3.Error, PeeweeDatabaseError)):
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

    def open(self, *, create: bool = True, readonly: bool = False):
        """Open (and migrate) the database, set up the log file; readonly: no write at all."""
        from store.db import open_db
        from store.logfile import setup_logging

        if self.opened is None:
            self.opened = open_db(self.db_path, create=create, verify=True, readonly=readonly)
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


WT_HINT = ("提示：当前不是在 Windows Terminal（Windows 终端）中运行，中文和表格可能显示错位。"
           "建议从「开始」菜单打开「终端」后再运行 yingbao。")


def terminal_hint(env: dict | None = None, platform: str | None = None) -> str | None:
    """On Windows outside Windows Terminal (no WT_SESSION): a Chinese hint; else None."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform.startswith("win") and not env.get("WT_SESSION"):
        return WT_HINT
    return None


def run_tui(st: State) -> None:
    """Open the TUI on the database (exit status 1 when it had to close on an error).

    When another window holds the database's lock, it is opened read-only (no migration, no
    pragma write); the app then asks 「程序已在运行」: read-only or quit.
    """
    from store.errors import DatabaseDamaged, StoreError
    from store.lock import is_locked

    readonly = is_locked(st.db_path)
    try:
        st.open(readonly=readonly)
    except DatabaseDamaged:
        raise
    except StoreError:
        if not readonly or is_locked(st.db_path):
            raise
        st.open()  # the other window closed meanwhile: open normally
    from tui.app import make_app

    hint = terminal_hint()
    if hint:
        typer.echo(hint, err=True)
    app = make_app(st.db_path)
    app.run()
    if app.return_code:
        raise typer.Exit(app.return_code)


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

# --- backup, restore, check ----------------------------------------------------------------

backup_app = typer.Typer(help="备份数据库（不带子命令时立即备份一次）。")
app.add_typer(backup_app, name="backup")
DIR_HELP = "备份文件夹（默认：设置中的备份文件夹，否则数据库旁的「备份」文件夹）"


def human_size(size: int) -> str:
    """A file size for people: 71.9 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


@backup_app.callback(invoke_without_command=True)
def backup(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Option(None, "--dir", help=DIR_HELP),
    keep_daily: int = typer.Option(14, "--keep-daily", min=1, help="保留最近几天的每日备份"),
    keep_weekly: int = typer.Option(8, "--keep-weekly", min=0, help="保留最近几周的每周备份"),
    keep_monthly: int = typer.Option(12, "--keep-monthly", min=0, help="保留最近几个月的每月备份"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """立即备份一次：一致的副本，校验通过后保存，并按保留规则清理旧备份。"""
    if ctx.invoked_subcommand is not None:
        return
    from store.backup import make_backup

    st = state(ctx)
    st.open(create=False)
    res = make_backup(st.db_path, folder, keep_daily=keep_daily, keep_weekly=keep_weekly, keep_monthly=keep_monthly)
    if as_json:
        emit_json({"path": str(res.path), "size": res.size, "verified": res.verified, "recorded": res.recorded,
                   "pruned": [str(p) for p in res.pruned], "counts": res.counts})
    else:
        typer.echo(f"已备份并校验：{res.path}（{human_size(res.size)}）")
        if res.pruned:
            typer.echo(f"按保留规则删除了 {len(res.pruned)} 个旧备份")
    if not res.recorded:
        typer.echo("提示：数据库正被其他程序占用，未能记录本次备份时间（备份文件本身完好）", err=True)


@backup_app.command("list")
def backup_list(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Option(None, "--dir", help=DIR_HELP),
    check_files: bool = typer.Option(False, "--check", help="逐个快速校验备份文件"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """列出备份：时间、大小、是否通过校验。"""
    from store.backup import default_backup_dir
    from store.backup_files import list_backups

    where = folder or default_backup_dir(state(ctx).db_path)
    infos = list_backups(where, check=check_files)
    if as_json:
        emit_json([{"path": str(i.path), "time": i.time.isoformat(), "size": i.size, "verified": i.verified,
                    "problem": i.problem} for i in infos])
        return
    if not infos:
        fail(f"备份文件夹中没有备份：{where}", 1)
    typer.echo(f"备份文件夹：{where}")
    marks = {True: "已校验", False: "损坏", None: "备份时已校验"}
    for i in infos:
        typer.echo(f"{i.time:%Y-%m-%d %H:%M:%S}  {human_size(i.size):>9}  {marks[i.verified]}  {i.path.name}"
                   + (f"  {i.problem}" if i.problem else ""))


@backup_app.command("schedule")
def backup_schedule(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Option(None, "--dir", help=DIR_HELP),
    install: bool = typer.Option(False, "--install", help="直接安装到本机（crontab、systemd 或 Windows 计划任务）"),
) -> None:
    """显示（或安装）每晚自动备份的设置。"""
    from store import schedule

    plan = schedule.plan(state(ctx).db_path, folder)
    typer.echo(plan.text())
    if install:
        try:
            typer.echo(schedule.install(plan))
        except OSError as exc:
            fail(f"未能自动安装：{exc}", 1)


@app.command()
def restore(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="备份文件；或 latest：备份文件夹中最新的已校验备份"),
    folder: Optional[Path] = typer.Option(None, "--dir", help=DIR_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="不再询问，直接恢复"),
) -> None:
    """从备份恢复数据库（先校验备份，当前数据库另存一份在旁边）。"""
    from store.backup_files import check_backup_file, resolve_source
    from store.restore import restore as do_restore

    st = state(ctx)
    source = resolve_source(file, folder, st.db_path)
    check_backup_file(source, full=False)
    if not yes:
        typer.confirm(f"用备份 {source} 恢复数据库 {st.db_path}？当前数据库会先另存一份", abort=True)
    res = do_restore(source, st.db_path)
    typer.echo(f"已从备份恢复：{res.source.name} -> {res.db_path}")
    for kept in res.aside[:1]:
        typer.echo(f"恢复前的数据库已另存为：{kept}")
    if res.upgrade_copy:
        typer.echo(f"备份为旧结构版本 {res.backup_version}，已升级到新结构")


@app.command()
def check(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="输出JSON")) -> None:
    """检查数据库：完整性、外键、结构版本、孤立记录、身份证号校验位。无问题时退出码为0。"""
    from store.check import check_database

    report = check_database(state(ctx).db_path)
    if as_json:
        emit_json(report.as_dict())
    else:
        typer.echo(report.text())
    raise typer.Exit(0 if report.clean else 1)


# --- spotcheck, overdue ---------------------------------------------------------------------

spotcheck_app = typer.Typer(help="抽查：按村和类别分层随机抽取排查对象。", no_args_is_help=True)
app.add_typer(spotcheck_app, name="spotcheck")


def _parse_day(text: Optional[str]):
    """A YYYY-MM-DD option as a date (None: today); bad text exits with one Chinese line."""
    import datetime as dt

    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"日期格式不正确：{text}（应为 YYYY-MM-DD，如 2026-09-30）", 2)


@spotcheck_app.command("draw")
def spotcheck_draw(
    ctx: typer.Context,
    seed: int = typer.Option(..., "--seed", help="随机种子（相同数据、参数和种子抽出相同对象）"),
    ratio: str = typer.Option("0.3", "--ratio", help="抽查比例，如 0.3 或 30%"),
    count: Optional[int] = typer.Option(None, "--count", help="抽查数量（给出时不按比例）"),
    village: Optional[list[str]] = typer.Option(None, "--village", help="只抽这些村（居），可重复"),
    population: str = typer.Option("all", "--population", help="范围：all 全部 / visited 已走访 / assessed 已研判"),
    save: bool = typer.Option(False, "--save", help="保存为一轮抽查（不加则只显示，不写入）"),
    date: Optional[str] = typer.Option(None, "--date", help="抽查日期 YYYY-MM-DD（默认今天）"),
    checker: Optional[str] = typer.Option(None, "--checker", help="抽查人"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON"),
) -> None:
    """抽取本轮抽查对象并显示；加 --save 保存。"""
    from store.cases import require_campaign
    from store.spotcheck import DrawParams, draw
    from store.spotcheck_rounds import save_round
    from store.villages import village_ids

    state(ctx).open(create=False)
    day = _parse_day(date)
    params = DrawParams(seed=seed, ratio=ratio, count=count, villages=tuple(village_ids(village or [])),
                        population=population)
    if save:
        rnd, result = save_round(params, date=day, checker=checker)
    else:
        rnd, result = None, draw(params, require_campaign().id)
    if as_json:
        emit_json(_draw_json(result, rnd))
        return
    _print_draw(result, rnd)


def _draw_json(result, rnd) -> dict:
    """A draw as JSON: parameters, strata and the sample (ID numbers masked)."""
    from store.ids import mask_id

    p = result.params
    return {
        "round_id": rnd.id if rnd else None, "seed": p.seed, "ratio": p.ratio, "count": p.count,
        "population": p.population, "population_size": result.population, "sample_size": len(result.sample),
        "strata": [{"village": s.village, "category": s.code, "size": s.size, "quota": round(float(s.quota), 3),
                    "drawn": s.drawn} for s in result.strata],
        "sample": [{"case_id": d.case_id, "village": d.village, "name": d.person, "id_number": mask_id(d.id_number),
                    "categories": d.categories, "status": d.status} for d in result.sample],
    }


def _print_draw(result, rnd) -> None:
    """A draw as a Chinese table and a summary line."""
    from rich.console import Console
    from rich.table import Table

    from store.ids import mask_id
    from store.spotcheck import POPULATIONS

    table = Table("序号", "村（居）", "姓名", "身份证号", "类别", "状态")
    for i, d in enumerate(result.sample, 1):
        table.add_row(str(i), d.village, d.person, mask_id(d.id_number), d.categories, d.status)
    con = Console()
    con.print(table)
    p = result.params
    how = f"按数量 {p.count} 个" if p.count is not None else f"按比例 {p.ratio} "
    con.print(f"抽查范围（{POPULATIONS[p.population]}）{result.population} 个对象，{how}抽取 "
              f"{len(result.sample)} 个，分 {len(result.strata)} 层（村 x 类别），随机种子 {p.seed}")
    con.print(f"已保存为第 {rnd.id} 轮抽查" if rnd else "未保存（加 --save 保存本轮抽查）")


@app.command()
def overdue(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="输出JSON列表"),
    date: Optional[str] = typer.Option(None, "--date", help="按哪一天计算 YYYY-MM-DD（默认今天）"),
) -> None:
    """今天逾期的事项（信访告知、信访办结、跟进、整改），按村（居）分组。"""
    from store.cases import require_campaign
    from store.overdue import overdue_items

    state(ctx).open(create=False)
    day = _parse_day(date)
    items = overdue_items(require_campaign().id, day)
    seqs = {v.id: v.seq for v in village_rows_plain()}
    items.sort(key=lambda i: (seqs.get(i.village_id, 1 << 30), i.village))  # stable: keeps the rest of the order
    if as_json:
        emit_json([{"kind": i.kind, "label": i.label, "village": i.village, "person": i.person,
                    "case_id": i.case_id, "problem_id": i.problem_id, "due": i.due.isoformat(),
                    "days_over": i.days_over} for i in items])
        return
    if not items:
        typer.echo(f"{day.isoformat()} 没有逾期事项")
        return
    _print_overdue(items, day)


def village_rows_plain():
    """Every village (id, seq), for ordering the overdue groups as the village list is ordered."""
    from store.schema import Village

    return Village.select(Village.id, Village.seq)


def _print_overdue(items, day) -> None:
    """Overdue items as one table, a section per village."""
    from rich.console import Console
    from rich.table import Table

    table = Table("村（居）", "事项", "姓名", "到期日", "逾期天数", title=f"{day.isoformat()} 逾期事项 {len(items)} 项")
    last = None
    for i in items:
        if last is not None and i.village != last:
            table.add_section()
        table.add_row(i.village if i.village != last else "", i.label, i.person, i.due.isoformat(), str(i.days_over))
        last = i.village
    Console().print(table)


# --- export --------------------------------------------------------------------------------

EXPORT_KINDS = ["progress", "lists", "ledger", "spotcheck", "petitions", "report"]


@app.command()
def export(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="progress（进度表）、lists（三项清单）、ledger（台账）、"
                                         "spotcheck（抽查记录）、petitions（信访）、report（书面报告）"),
    out: Path = typer.Option(..., "--out", help="输出文件（.xlsx；report 为 .docx）"),
    village: Optional[list[str]] = typer.Option(None, "--village", help="只导出这个村（居），可重复"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="统计截至日期，如 2026-11-29（默认今天）"),
    no_mask: bool = typer.Option(False, "--no-mask", help="身份证号、电话不打码（记入修改记录）"),
    as_json: bool = typer.Option(False, "--json", help="输出JSON：{path, kind, rows, masked}"),
) -> None:
    """导出打印用的表格和书面报告。"""
    from exports.atomic import ExportError
    from exports.common import parse_as_of, write_export

    if kind not in EXPORT_KINDS:
        fail(f"未知的导出种类：{kind}（可选 {'、'.join(EXPORT_KINDS)}）", 2)
    try:
        day = parse_as_of(as_of)
    except ValueError as exc:
        fail(f"截至日期有误：{exc}", 2)
    state(ctx).open(create=False)
    try:
        result = write_export(kind, out, villages=village or None, as_of=day, mask=not no_mask)
    except ExportError as exc:
        fail(exc.message, 1)
    if as_json:
        emit_json(result.as_json())
        return
    typer.echo(f"已导出{result.rows}行：{result.path}" + ("" if result.masked else "（未打码，已记入修改记录）"))


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
        prep = prepare(path, sheet=sheet, overrides=_parse_maps(maps), category=category,
                       read_ahead=not dry_run)  # the import follows at once
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
