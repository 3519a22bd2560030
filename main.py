"""yingbao (应保尽保): the command line. With no command it opens the TUI.

Every command prints Chinese and exits non-zero with a one-line reason on bad input; details
of unexpected errors go to the log file beside the database, never a traceback on screen.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional, Protocol

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from store.db import Opened

# click's UsageError, reached through typer's public BadParameter (its subclass): typer 0.2x vendors click
# as the private typer._click, older versions use click itself; this name works with both.
UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

APP_NAME = "yingbao"
USAGE_WORDS = [
    ("No such option", "没有这个选项"), ("No such command", "没有这个命令"),
    ("Input should be a valid integer, unable to parse string as an integer", "应为整数，如 3"),
    ("Input should be a valid integer", "应为整数"), ("Input should be a valid number", "应为数字"),
    ("is not a valid integer", "不是整数"), ("is not a valid int.", "不是整数。"), ("is not a valid int", "不是整数"),
    ("is not a valid float.", "不是数字。"), ("Invalid value for", "取值无效，参数"),
    ("Missing argument", "缺少参数"), ("Missing command", "缺少命令"), ("Missing option", "缺少选项"), ("Invalid value", "取值无效"),
    ("Got unexpected extra argument", "多余的参数"), ("requires an argument", "需要一个值"),
    ("is not a valid", "不是有效的"), ("Did you mean", "是否想输入"), ("Possible options", "可用的选项"),
    ("is not in the range", "不在允许的范围"),
]


def confirm_zh(question: str) -> None:
    """Ask y/n in Chinese; anything but y (是) cancels, with no English 「Error: invalid input」."""
    answer = typer.prompt(f"{question}（y 确认，n 取消）", default="n", show_default=False)
    if answer.strip().lower() not in ("y", "yes", "是"):
        raise typer.Abort()


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


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line Chinese reason to stderr and exit (control codes from a file or an argument
    shown as \\x1b, never acting on the terminal)."""
    from store.common import printable

    typer.echo(printable(message), err=True)
    raise typer.Exit(code)


class _UsageMessage(Protocol):
    """What _usage_zh reads of click's UsageError (a class found at run time, above)."""

    def format_message(self) -> str: ...


def _usage_zh(exc: _UsageMessage) -> str:
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
            from store.common import printable

            typer.echo(printable(_usage_zh(exc)), err=True)
            sys.exit(2)
        except typer.Abort:
            typer.echo("已取消", err=True)
            sys.exit(1)
        except StoreError as exc:
            from store.common import printable

            typer.echo(printable(exc.message), err=True)
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
    if isinstance(exc, OverflowError):
        typer.echo("输入的数字太大，没有这样的编号。请用 list 类命令查看编号后重试", err=True)
        return 1
    get_logger("cli").exception("unexpected error")
    typer.echo(f"程序出错（{exc.__class__.__name__}），详情已写入日志文件 yingbao.log", err=True)
    return 1


def _chinese_help_everywhere() -> None:
    """Every command's --help in Chinese (typer's and click's own words too), laid out by display width."""
    import shutil

    from typer.core import TyperCommand, TyperGroup

    from store.cli_text import chinese_help

    for cls in (TyperCommand, TyperGroup):
        def get_help(self, ctx, _plain=cls.get_help) -> str:
            ctx.terminal_width = ctx.max_content_width = 10_000  # chinese_help wraps, by cells
            return chinese_help(_plain(self, ctx), shutil.get_terminal_size((80, 24)).columns)

        cls.get_help = get_help  # type: ignore[method-assign]  # the deliberate patch of typer's classes


_chinese_help_everywhere()
app = typer.Typer(
    cls=ChineseGroup, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
    help="应保尽保：困难群众「漏保」「漏救」问题整治工作台。不带命令时打开界面。",
)


class State:
    """What every command needs: the database path, opened on first use."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.opened: Opened | None = None

    def open(self, *, create: bool = True, readonly: bool = False) -> Opened:
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
    db: Annotated[Optional[Path], typer.Option("--db", envvar="YINGBAO_DB", help="数据库文件（默认在用户数据文件夹）")] = None,
) -> None:
    """应保尽保：困难群众「漏保」「漏救」问题整治工作台。"""
    from store import lock

    ctx.obj = State(db or default_db_path())
    lock.on_gate_wait = lambda text: typer.echo(text, err=True)  # a restore or a writer to wait for: say so
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj)


WT_HINT = ("提示：当前不是在 Windows Terminal（Windows 终端）中运行，中文和表格可能显示错位。"
           "建议从「开始」菜单打开「终端」后再运行 yingbao。")


def terminal_hint(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
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

    from store import lock

    lock.on_gate_wait = None  # from here on the screen is the app's: nothing is printed under it
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
    town: Annotated[str, typer.Option("--town", help="乡镇名称，如 后龙镇")],
    district: Annotated[str, typer.Option("--district", help="区（县）名称，如 泉港区")],
    operator: Annotated[Optional[str], typer.Option("--operator", help="操作员姓名（写入修改记录）")] = None,
) -> None:
    """设置本镇名称（可重复运行）。"""
    from store.town.villages import init_town

    st = state(ctx)
    st.open()
    changed = init_town(town, district, operator)
    typer.echo(f"{'已设置' if changed else '无变化'}：{district}{town}  数据库：{st.db_path}")
    _this_years_campaign()


def _this_years_campaign() -> None:
    """On a new install, make this year's campaign from the source plan and say how to change it."""
    from store.campaign.campaigns import start_this_year

    view = start_this_year()
    if view is None:
        return
    typer.echo(f"已按龙政〔2022〕63号的结构新建本年度整治工作（第 {view.id} 号）：{view.name}，"
               f"{view.phases[0].start} 至 {view.phases[-1].end}，报告截止 {view.report_due}")
    typer.echo("日期、文号和类别请按本年度的实施方案修改：campaign edit --help")


@app.command()
def info(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """数据库位置、结构版本、乡镇、整治工作和各类数量。"""
    from store.reports import queries

    st = state(ctx)
    st.open(create=False)
    camp = queries.active_campaign()
    data: dict[str, Any] = {
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

    from store.reports.queries import COUNTED

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
    query: Annotated[str, typer.Argument(help="姓名、拼音首字母或全拼、身份证号后4-6位、电话")],
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON（含完整身份证号）")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="最多显示几人")] = 20,
) -> None:
    """查找人员，与界面中的搜索相同。"""
    from store import audit
    from store.ids import mask_id, mask_phone
    from store.people.search import find as do_find

    state(ctx).open(create=False)
    hits = do_find(query, limit=limit)
    from store.rosters.coverage import coverage_of

    covered = coverage_of([h.person_id for h in hits])
    if as_json:
        audit.log_reveal("find --json", query, [h.person_id for h in hits])
        emit_json([{"name": h.name, "id_number": h.id_number, "phone": h.phone, "village": h.village,
                    "case_id": h.case_id, "case_status": h.case_status, "person_id": h.person_id,
                    "coverage": [c.as_json() for c in covered.get(h.person_id, [])]} for h in hits])
        return
    if not hits:
        fail(f"没有找到：{query}", 1)
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from store.common import printable

    table = Table("姓名", "身份证号", "电话", "村（居）", "状态", "在保")
    for h in hits:
        table.add_row(escape(printable(h.name)), mask_id(h.id_number), mask_phone((h.phone or "").split("/")[0]),
                      escape(printable(h.village or "")), h.case_status or "（非排查对象）",
                      "、".join(c.kind for c in covered.get(h.person_id, [])))
    Console().print(table)


# --- demo ----------------------------------------------------------------------------------


@app.command()
def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（相同种子生成相同数据）")] = 1,
    size: Annotated[str, typer.Option("--size", help="规模：small（约3000人）或 town（10万人）")] = "small",
    force: Annotated[bool, typer.Option("--force", help="清空已有数据后重建")] = False,
) -> None:
    """生成演示用的虚构乡镇数据。"""
    from rich.progress import Progress

    from store.demo.town import build_demo

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


def human_size(size: float) -> str:
    """A file size for people: 71.9 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


@backup_app.callback(invoke_without_command=True)
def backup(
    ctx: typer.Context,
    folder: Annotated[Optional[Path], typer.Option("--dir", help=DIR_HELP)] = None,
    keep_daily: Annotated[int, typer.Option("--keep-daily", min=1, help="保留最近几天的每日备份")] = 14,
    keep_weekly: Annotated[int, typer.Option("--keep-weekly", min=0, help="保留最近几周的每周备份")] = 8,
    keep_monthly: Annotated[int, typer.Option("--keep-monthly", min=0, help="保留最近几个月的每月备份")] = 12,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """立即备份一次：一致的副本，校验通过后保存，并按保留规则清理旧备份。"""
    if ctx.invoked_subcommand is not None:
        return
    from store.safety.backup import make_backup

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
    folder: Annotated[Optional[Path], typer.Option("--dir", help=DIR_HELP)] = None,
    check_files: Annotated[bool, typer.Option("--check", help="逐个快速校验备份文件")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """列出备份：时间、大小、是否通过校验。"""
    from store.safety.backup import default_backup_dir
    from store.safety.copies import list_backups

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
    folder: Annotated[Optional[Path], typer.Option("--dir", help=DIR_HELP)] = None,
    install: Annotated[bool, typer.Option("--install", help="直接安装到本机（crontab、systemd 或 Windows 计划任务）")] = False,
) -> None:
    """显示（或安装）每晚自动备份的设置。"""
    from store.safety import schedule

    plan = schedule.plan(state(ctx).db_path, folder)
    typer.echo(plan.text())
    if install:
        try:
            typer.echo(schedule.install(plan))
        except OSError as exc:
            from store.fsio import os_error_text

            fail(f"未能自动安装：{os_error_text(exc)}", 1)


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="备份文件；或 latest：备份文件夹中最新的已校验备份")],
    folder: Annotated[Optional[Path], typer.Option("--dir", help=DIR_HELP)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不再询问，直接恢复")] = False,
) -> None:
    """从备份恢复数据库（先校验备份，当前数据库另存一份在旁边）。"""
    from store.safety.copies import check_backup_file, describe, resolve_source
    from store.safety.restore import restore as do_restore

    st = state(ctx)
    notes: list[str] = []
    source = resolve_source(file, folder, st.db_path, notes)
    for note in notes:
        typer.echo(note, err=True)
    check_backup_file(source, full=False)
    typer.echo(f"将使用备份：{describe(source)}")
    if not yes:
        confirm_zh(f"用这个备份恢复数据库 {st.db_path}？当前数据库会先另存一份")
    res = do_restore(source, st.db_path)
    typer.echo(f"已从备份恢复：{res.source.name} -> {res.db_path}")
    for kept in res.aside[:1]:
        typer.echo(f"恢复前的数据库已另存为：{kept}")
    if res.upgrade_copy:
        typer.echo(f"备份为旧结构版本 {res.backup_version}，已升级到新结构")


@app.command()
def check(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """检查数据库：完整性、外键、结构版本、孤立记录、身份证号校验位。无问题时退出码为0。"""
    from store.safety.check import check_database

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
    """A date option (None: today) through the one date parser, store.followup.parse_date (the F2
    formats, +N included); bad text exits with one Chinese line."""
    import datetime as dt

    from store.errors import ValidationError
    from store.followup import parse_date

    try:
        return parse_date(text or "") or dt.date.today()
    except ValidationError as exc:
        fail(f"日期格式不正确：{text}（{exc.message}）", 2)


@spotcheck_app.command("draw")
def spotcheck_draw(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（相同数据、参数和种子抽出相同对象）")],
    ratio: Annotated[str, typer.Option("--ratio", help="抽查比例，如 0.3 或 30%")] = "0.3",
    count: Annotated[Optional[int], typer.Option("--count", help="抽查数量（给出时不按比例）")] = None,
    village: Annotated[Optional[list[str]], typer.Option("--village", help="只抽这些村（居），可重复")] = None,
    population: Annotated[str, typer.Option("--population", help="范围：all 全部 / visited 已走访 / assessed 已研判")] = "all",
    save: Annotated[bool, typer.Option("--save", help="保存为一轮抽查（不加则只显示，不写入）")] = False,
    date: Annotated[Optional[str], typer.Option("--date", help="抽查日期 YYYY-MM-DD（默认今天）")] = None,
    checker: Annotated[Optional[str], typer.Option("--checker", help="抽查人")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """抽取本轮抽查对象并显示；加 --save 保存。"""
    from store.cases.cases import require_campaign
    from store.checks.spotcheck import DrawParams, draw
    from store.checks.spotcheck_rounds import save_round
    from store.town.villages import village_ids

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
    from store.checks.spotcheck import POPULATIONS

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
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON列表")] = False,
    date: Annotated[Optional[str], typer.Option("--date", help="按哪一天计算 YYYY-MM-DD（默认今天）")] = None,
) -> None:
    """今天逾期的事项（信访告知、信访办结、跟进、整改），按村（居）分组。"""
    from store.cases.cases import require_campaign
    from store.cases.overdue import overdue_items

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

EXPORT_KINDS = ["progress", "lists", "ledger", "spotcheck", "petitions", "report", "notice", "survey"]


@app.command()
def export(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="progress（进度表）、lists（三项清单）、ledger（台账）、"
                                         "spotcheck（抽查记录）、petitions（信访）、report（书面报告）、"
                                         "notice（村级公示表，可张贴）、survey（入户调查表，每户一页）")],
    out: Annotated[Path, typer.Option("--out", help="输出文件（.xlsx；report、survey 为 .docx）")],
    village: Annotated[Optional[list[str]], typer.Option("--village", help="只导出这个村（居），可重复")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="统计截至日期，如 2026-11-29（默认今天）")] = None,
    no_mask: Annotated[bool, typer.Option("--no-mask", help="身份证号、电话不打码（记入修改记录）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON：{path, kind, rows, masked}")] = False,
    campaign: Annotated[Optional[int], typer.Option("--campaign", help="整治工作编号（默认当前，见 campaign list）")] = None,
    to_printer: Annotated[bool, typer.Option("--print", help="导出后发送到默认打印机（文件同时保存）")] = False,
    zone: Annotated[Optional[str], typer.Option("--zone", help="survey：只导出这个片区（同名片区请同时用 --village）")] = None,
    case_ids: Annotated[Optional[list[int]], typer.Option("--case", help="survey：只导出这些排查对象所在的户，可重复")] = None,
    blank: Annotated[bool, typer.Option("--blank", help="survey：空白表（只填村、片区、户主和住址）")] = False,
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
    options: dict[str, Any] = {} if campaign is None else {"campaign_id": _campaign_id(campaign)}
    if kind == "survey":
        options.update(zone=zone, case_ids=case_ids or None, blank=blank)
    elif zone or case_ids or blank:
        fail("--zone、--case、--blank 只用于 survey（入户调查表）", 2)
    try:
        result = write_export(kind, out, villages=village or None, as_of=day, mask=not no_mask, **options)
    except ExportError as exc:
        fail(exc.message, 1)
    problem = None
    if to_printer:
        from exports.printing import print_file

        problem = print_file(result.path)
    if as_json:
        emit_json({**result.as_json(), **({"printed": problem is None} if to_printer else {})})
    else:
        typer.echo(f"已导出{result.rows}行：{result.path}" + ("" if result.masked else "（未打码，已记入修改记录）")
                   + ("，已发送到默认打印机" if to_printer and problem is None else ""))
    if problem:
        fail(problem, 1)


@app.command()
def paper(
    ctx: typer.Context,
    report_to: Annotated[Optional[str], typer.Option("--report-to", help="书面报告的主送单位，如 泉港区民政局")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="村级公示表上的监督电话")] = None,
    preparer: Annotated[Optional[str], typer.Option("--preparer", help="表格的制表人（默认操作员）")] = None,
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", help="表格的审核人")] = None,
) -> None:
    """打印设置：主送单位、监督电话、制表人、审核人（不带选项时显示当前设置，空字符串清除）。"""
    from store.reports import paper as paper_settings
    from store.errors import StoreError

    state(ctx).open(create=False)
    given = {paper_settings.REPORT_TO: report_to, paper_settings.SUPERVISION_PHONE: phone,
             paper_settings.PREPARER: preparer, paper_settings.REVIEWER: reviewer}
    try:
        for key, value in given.items():
            if value is not None:
                paper_settings.set_paper(key, value)
    except StoreError as exc:
        fail(exc.message, 1)
    for key, value in paper_settings.paper_settings().items():
        typer.echo(f"{paper_settings.LABELS[key]}：{value or '（未设置）'}")


# --- campaign (整治工作) --------------------------------------------------------------------

campaign_app = typer.Typer(help="整治工作（年度）：新建、修改、切换，低保标准，上年度遗留事项。", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")


def _campaign_table(views) -> None:
    """Campaigns as one Chinese table."""
    from rich.console import Console
    from rich.table import Table

    from store.campaign.phases import shown_day

    table = Table("编号", "年度", "名称", "文号", "阶段", "报告截止", "对象数", "当前")
    for v in views:
        span = f"{shown_day(v.phases[0].start)} 至 {shown_day(v.phases[-1].end)}" if v.phases else ""
        table.add_row(str(v.id), str(v.year), v.name, v.doc_number or "", span, str(v.report_due or ""),
                      str(v.cases), "当前" if v.active else "")
    Console().print(table)


def _print_campaign(view) -> None:
    """One campaign: its facts, phases and categories."""
    from rich.console import Console
    from rich.table import Table

    from store.campaign.phases import shown_day

    con = Console()
    con.print(f"第 {view.id} 号整治工作{'（当前）' if view.active else ''}：{view.name}（{view.year} 年度）")
    con.print(f"文号：{view.doc_number or '（未填）'}  报告截止：{view.report_due or '（未填）'}  排查对象：{view.cases}")
    from store.campaign.benefit_rules import publicity_days

    con.print(f"公示天数：{publicity_days(view.id)}天（公示后满这么多天才能审核确认，见 campaign edit --publicity-days）")
    phases = Table("序号", "阶段", "开始", "结束")
    for i, p in enumerate(view.phases, 1):
        phases.add_row(str(i), p.name, shown_day(p.start), shown_day(p.end))
    con.print(phases)
    cats = Table("代码", "类别", "简称", "门槛（元）", "起算日期", "对象数", "状态")
    for c in view.categories:
        cats.add_row(str(c.code), c.name, c.short_name, "" if c.threshold is None else f"{c.threshold:,.2f}",
                     str(c.since or ""), str(c.cases), f"{c.retired_on} 停用" if c.retired_on else "在用")
    con.print(cats)


def _say_carryover(campaign_id: int) -> None:
    """How many open items earlier campaigns leave (one line), when there are any."""
    from store.campaign.carryover import KIND_LABELS, carry_counts

    counts = carry_counts(campaign_id)
    if sum(counts.values()):
        parts = "、".join(f"{KIND_LABELS[k]} {n} 项" for k, n in counts.items() if n)
        typer.echo(f"以前整治工作的未完成事项：{parts}（campaign carryover 查看；记录留在原整治工作中）")


def _campaign_id(given: Optional[int]) -> int:
    """The given campaign id or the active one."""
    from store.campaign.campaigns import get_campaign

    return get_campaign(given).id


@campaign_app.command("list")
def campaign_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """列出全部整治工作（当前的一项标为「当前」）。"""
    from store.campaign.campaigns import list_campaigns

    state(ctx).open(create=False)
    views = list_campaigns()
    if as_json:
        emit_json([v.as_json() for v in views])
        return
    _campaign_table(views)


@campaign_app.command("show")
def campaign_show(ctx: typer.Context, campaign_id: Annotated[Optional[int], typer.Argument(help="编号（默认当前）")] = None,
                  as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """一项整治工作的阶段和排查类别。"""
    from store.campaign.campaigns import get_campaign

    state(ctx).open(create=False)
    view = get_campaign(campaign_id)
    if as_json:
        emit_json(view.as_json())
        return
    _print_campaign(view)


@campaign_app.command("new")
def campaign_new(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="年度，如 2026")],
    template: Annotated[str, typer.Option("--from", help="模板：latest 最近一次整治工作，source 龙政〔2022〕63号")] = "latest",
    name: Annotated[Optional[str], typer.Option("--name", help="名称（默认按模板名称加年度）")] = None,
    doc_number: Annotated[Optional[str], typer.Option("--doc-number", help="文号，如 龙政〔2026〕12号")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="开始日期（各阶段随之平移），如 2026-08-01")] = None,
    report_due: Annotated[Optional[str], typer.Option("--report-due", help="报告截止日期，如 2026年9月30日")] = None,
) -> None:
    """按模板新建一年的整治工作（阶段、类别和日期移到该年度），并设为当前。"""
    from store.campaign.campaigns import new_campaign

    state(ctx).open()
    view = new_campaign(year, template, name=name, doc_number=doc_number, start=start, report_due=report_due)
    typer.echo(f"已新建第 {view.id} 号整治工作并设为当前：{view.name}")
    _print_campaign(view)
    _say_carryover(view.id)


def _split_spec(text: str, size: int, what: str, example: str) -> list[str]:
    """「名称,开始,结束」 split on ASCII or full-width commas, padded to size."""
    parts = [p.strip() for p in text.replace("，", ",").split(",")]
    if len(parts) > size or not any(parts):
        fail(f"{what}写法不对：{text}（应为 {example}）", 2)
    return parts + [""] * (size - len(parts))


def _category_values(spec: str, current) -> tuple[dict[str, Any], Any]:
    """--category 「代码,名称,门槛元,起算日期[,简称]」 over the current values (empty keeps, 无 clears)."""
    code, name, threshold, since, short = _split_spec(spec, 5, "--category", "8,其他困难群众,10000,2025-01-01")
    old = current.get(code.strip()) if code.strip().isdigit() else None

    def pick(typed: str, kept):
        return None if typed == "无" else (typed if typed else kept)

    return {"code": code, "name": pick(name, old and old.name), "short_name": pick(short, old and old.short_name),
            "rule": old.rule if old else None, "threshold": pick(threshold, old and old.threshold),
            "since": pick(since, old and old.since)}, old


@campaign_app.command("edit")
def campaign_edit(
    ctx: typer.Context,
    campaign_id: Annotated[Optional[int], typer.Argument(help="编号（默认当前）")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="名称")] = None,
    doc_number: Annotated[Optional[str], typer.Option("--doc-number", help="文号")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="年度")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="开始日期：各阶段（和报告截止）一起平移；与 --phase 同用时只改第一个阶段的开始")] = None,
    report_due: Annotated[Optional[str], typer.Option("--report-due", help="报告截止日期")] = None,
    phase: Annotated[Optional[list[str]], typer.Option("--phase", help="阶段「名称,开始,结束」，可重复；给出时替换全部阶段")] = None,
    category: Annotated[Optional[list[str]], typer.Option("--category", help="类别「代码,名称,门槛元,起算日期[,简称]」，可重复；代码已有则修改（空项不变，写「无」清空），否则新增")] = None,
    retire: Annotated[Optional[list[int]], typer.Option("--retire", help="停用这一代码的类别（没有对象的直接删除），可重复")] = None,
    reinstate: Annotated[Optional[list[int]], typer.Option("--reinstate", help="恢复使用已停用的这一代码的类别，可重复")] = None,
    publicity_days: Annotated[Optional[int], typer.Option("--publicity-days", help="低保等公示天数（公示后至少这么多天才能审核确认，默认7天）")] = None,
) -> None:
    """修改整治工作：名称、文号、年度、日期、阶段和排查类别。"""
    from store.campaign.campaigns import edit_campaign, get_campaign
    from store.campaign.categories import reinstate_category, retire_category, save_category
    from store.schema import db

    state(ctx).open(create=False)
    cid = _campaign_id(campaign_id)
    given = {"name": name, "doc_number": doc_number, "year": year, "start": start, "report_due": report_due}
    changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if phase:
        changes["phases"] = [tuple(_split_spec(p, 3, "--phase", "推动落实,2026-08-11,2026-09-20")) for p in phase]
    with db.atomic():
        view = edit_campaign(cid, **changes) if changes else get_campaign(cid)
        for spec in category or []:
            values, old = _category_values(spec, {str(c.code): c for c in view.categories})
            save_category(cid, values, old.id if old else None)
        for code in retire or []:
            hit = next((c for c in get_campaign(cid).categories if c.code == code), None)
            if hit is None:
                fail(f"本次整治工作没有第 {code} 类", 1)
            typer.echo(f"第 {code} 类{retire_category(hit.id)}：{hit.name}")
        for code in reinstate or []:
            hit = next((c for c in get_campaign(cid).categories if c.code == code and c.retired_on), None)
            if hit is None:
                fail(f"本次整治工作没有已停用的第 {code} 类", 1)
            reinstate_category(hit.id)
            typer.echo(f"第 {code} 类已恢复使用：{hit.name}")
        if publicity_days is not None:
            from store.campaign.benefit_rules import set_publicity_days

            typer.echo(f"公示天数：{set_publicity_days(cid, publicity_days)}天")
    typer.echo("已保存" if changes or category or retire or reinstate or publicity_days is not None else "没有要修改的内容（见 campaign edit --help）")
    _print_campaign(get_campaign(cid))


@campaign_app.command("use")
def campaign_use(ctx: typer.Context, campaign_id: Annotated[int, typer.Argument(help="编号（见 campaign list）")]) -> None:
    """把这项整治工作设为当前（界面、统计和导出都以它为准）。"""
    from store.campaign.campaigns import get_campaign, use_campaign

    state(ctx).open(create=False)
    changed = use_campaign(campaign_id)
    view = get_campaign(campaign_id)
    typer.echo(f"{'已切换到' if changed else '已经是'}当前整治工作：第 {view.id} 号 {view.name}")
    _say_carryover(view.id)


@campaign_app.command("carryover")
def campaign_carryover(ctx: typer.Context, campaign_id: Annotated[Optional[int], typer.Argument(help="编号（默认当前）")] = None,
                       as_json: Annotated[bool, typer.Option("--json", help="输出JSON列表")] = False) -> None:
    """以前整治工作留下的未完成事项：动态监测、未完成整改、未办结信访。"""
    from rich.console import Console
    from rich.table import Table

    from store.campaign.carryover import carried_over

    state(ctx).open(create=False)
    items = carried_over(_campaign_id(campaign_id))
    if as_json:
        emit_json([i.as_json() for i in items])
        return
    if not items:
        typer.echo("以前的整治工作没有未完成事项")
        return
    table = Table("事项", "村（居）", "姓名", "期限", "原整治工作", "内容", title=f"以前整治工作的未完成事项 {len(items)} 项")
    for i in items:
        table.add_row(i.label, i.village, i.person, str(i.due or ""), i.campaign, i.text[:30])
    Console().print(table)


standard_app = typer.Typer(help="低保标准（城市、农村，元/人/月，按执行日期）。", no_args_is_help=True)
campaign_app.add_typer(standard_app, name="standard")


@standard_app.command("list")
def standard_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """全部低保标准和今天执行的标准、低保边缘线。"""
    from store.campaign.standards import KINDS, dibao_standard, edge_line, standards

    state(ctx).open(create=False)
    rows = standards()
    if as_json:
        emit_json([s.as_json() for s in rows])
        return
    if not rows:
        typer.echo("还没有低保标准（campaign standard set 城市 900 --since 2026-01-01）")
        return
    for s in rows:
        typer.echo(f"{s.kind}  {s.since} 起  {s.amount} 元/人/月")
    for kind in KINDS:
        std = dibao_standard(kind)
        if std is not None:
            typer.echo(f"今天执行的{kind}低保标准 {std} 元，低保边缘线（1.5倍）{edge_line(kind)} 元")


@standard_app.command("set")
def standard_set(ctx: typer.Context, kind: Annotated[str, typer.Argument(help="城市 或 农村")],
                 amount: Annotated[str, typer.Argument(help="元/人/月，如 900")],
                 since: Annotated[str, typer.Option("--since", help="执行日期，如 2026-01-01")]) -> None:
    """新增或修改一条低保标准。"""
    from store.campaign.standards import set_standard

    state(ctx).open(create=False)
    s = set_standard(kind, amount, since)
    typer.echo(f"已保存：{s.kind}低保标准 {s.amount} 元/人/月，{s.since} 起执行")


@standard_app.command("remove")
def standard_remove(ctx: typer.Context, kind: Annotated[str, typer.Argument(help="城市 或 农村")],
                    since: Annotated[str, typer.Option("--since", help="执行日期")]) -> None:
    """删除一条低保标准。"""
    from store.campaign.standards import remove_standard

    state(ctx).open(create=False)
    s = remove_standard(kind, since)
    typer.echo(f"已删除：{s.kind}低保标准 {s.amount} 元/人/月（{s.since} 起）")


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
                              "[--map-village 原名=村名 ...] [--save-alias] [--create-villages] [--report 路径] [--json]"
                              "（选项说明：import 文件 --help）；"
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
    path: Annotated[Path, typer.Argument(help="名单文件（xlsx、xls、ods、csv）")],
    category: Annotated[Optional[int], typer.Option("--category", help="排查类别1-7（不填则按标题判断）")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="工作表名称（不填则自动识别）")] = None,
    maps: Annotated[Optional[list[str]], typer.Option("--map", help="指定列：表头=字段，可重复")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="试导入：只统计，不写入")] = False,
    create_villages: Annotated[bool, typer.Option("--create-villages", help="待确认的新村（居）按规范名称新建（后龙村委会 -> 后龙村）")] = False,
    map_villages: Annotated[Optional[list[str]], typer.Option("--map-village", help="名单中的村（居）写法对应到已有村（居）：原名=村名，可重复")] = None,
    save_alias: Annotated[bool, typer.Option("--save-alias", help="把 --map-village 的原名保存为该村（居）的别名")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="导入报告保存位置")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """导入一个名单文件。"""
    from importers.context import VillageChoices
    from importers.errors import ImportFileError
    from importers.load import prepare
    from store.imports.merge import ImportCancelled

    state(ctx).open()
    choices = VillageChoices.of(_village_maps(map_villages), save_aliases=save_alias)
    try:
        prep = prepare(path, sheet=sheet, overrides=_parse_maps(maps), category=category,
                       read_ahead=not dry_run)  # the import follows at once
        for note in (prep.found.note, "已套用上次导入同样格式名单时的选择（工作表、表头、列对应）" if prep.recalled else None):
            if note:  # stderr: with --json, stdout holds the one JSON object
                typer.echo(note, err=True)
        summary = _run_import(prep, dry_run, create_villages, report, show_bar=not as_json, villages=choices)
    except ImportFileError as exc:
        fail(exc.message, 2)
    except ImportCancelled:
        fail("已取消导入，数据库未作任何改动", 1)
    except OSError as exc:
        from store.fsio import os_error_text

        fail(os_error_text(exc), 1)
    if as_json:
        if summary.same_file:
            typer.echo(f"该文件此前已导入过（第{'、'.join(map(str, summary.same_file))}批）", err=True)
        emit_json(summary.as_json())
    else:
        _print_import(prep, summary, dry_run)


def _village_maps(items: list[str] | None) -> dict[str, int]:
    """--map-village 原名=村名 pairs as spelling -> village id (the village must exist)."""
    from store.town.villages import find_village

    out = {}
    for item in items or []:
        raw, sep, name = item.partition("=")
        if not sep or not raw.strip() or not name.strip():
            fail(f"--map-village 的格式应为 原名=村名，实际为：{item}", 2)
        out[raw.strip()] = find_village(name).id
    return out


def _run_import(prep, dry_run: bool, create_villages: bool, report: Optional[Path], show_bar: bool, villages=None):
    """Run the import, with a Rich progress bar on stderr for long lists."""
    from rich.console import Console
    from rich.progress import Progress

    from importers.load import run

    if not show_bar or len(prep.data_rows) < 3000:
        return run(prep, dry_run=dry_run, create_villages=create_villages, report_path=report, villages=villages)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("导入中", total=1)
        return run(prep, dry_run=dry_run, create_villages=create_villages, report_path=report, villages=villages,
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
    _print_villages(con, summary, dry_run)
    if dry_run:
        con.print("试导入：以上为统计结果，未写入数据库")
    else:
        con.print(f"导入批次：第{summary.batch_id}批（撤销：yingbao import undo {summary.batch_id}）")
    if summary.report:
        con.print(f"导入报告：{summary.report}")


def _print_villages(con, summary, dry_run: bool) -> None:
    """The village spellings still 待确认 (with their rows) and the villages created."""
    if summary.new_villages:
        con.print(f"{'将' if dry_run else '已'}新建村（居）：{'、'.join(summary.new_villages)}")
    if not summary.unknown_villages:
        return
    con.print("待确认的村（居）（这些行未导入）：", highlight=False)
    groups: dict[tuple, list[dict]] = {}
    for item in summary.unknown_villages:  # the spellings of one village together
        why = item["reason"] + (f"，新建时名为「{item['plain']}」" if item["can_create"] and not item["candidates"] else "")
        groups.setdefault((item["plain"], why), []).append(item)
    for (_plain, why), items in groups.items():
        spelled = "、".join(f"「{i['name']}」{i['rows']}行" for i in items)
        con.print(f"  {spelled}：{why}", highlight=False)
    con.print("  对应到已有村（居）：--map-village 原名=村名（加 --save-alias 记为别名）", highlight=False)
    con.print("  确为新村（居）：--create-villages（按规范名称新建）", highlight=False)


@import_app.command("undo")
def import_undo(ctx: typer.Context, batch_id: Annotated[int, typer.Argument(help="批次号（见 import list）")]) -> None:
    """撤销一次导入（之后没有依赖它的记录时）。"""
    from store.imports.undo import undo_import

    state(ctx).open(create=False)
    removed = undo_import(batch_id)
    typer.echo(f"已撤销第{batch_id}批导入：删除名单记录{removed.get('roster_entry', 0)}条、"
               f"人员{removed.get('person', 0)}人、排查对象{removed.get('case', 0)}个，"
               f"恢复修改过的人员{removed.get('restored', 0)}人")


@import_app.command("list")
def import_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """列出历次导入。"""
    from rich.console import Console
    from rich.table import Table

    from store.imports.merge import list_batches

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


# --- roster: 在保名单, coverage, 漏保 suspects, 漏救 checks, confirmation ------------------------

roster_app = typer.Typer(help="在保名单（低保、特困、孤儿、事实无人抚养儿童、低保边缘、临时救助）：导入、查看，"
                              "「漏保」疑似对象、「漏救」检查、名单核对。", no_args_is_help=True)
app.add_typer(roster_app, name="roster")


@roster_app.command("import")
def roster_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="在保名单文件（xlsx、xls、ods、csv），按户或按人")],
    kind: Annotated[str, typer.Option("--kind", help="名单类别：低保、特困、孤儿、事实无人抚养儿童、低保边缘、临时救助"
                                                "（也可写 城市低保、农村低保、集中供养、分散供养）")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="名单日期 YYYY-MM-DD（不填则取标题或文件名中的日期，再没有则取文件修改日期）")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="工作表名称（不填则自动识别）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="试导入：只统计，不写入")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="导入报告保存位置（有未导入或有提示的行时生成）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """导入一份在保名单：同类别的新名单替换旧名单，旧名单留作历史。"""
    from importers.errors import ImportFileError
    from importers.roster import earlier_imports, prepare_roster, run_roster, write_report

    day = _parse_day(as_of) if as_of else None
    state(ctx).open()
    try:
        prep = prepare_roster(path, kind, as_of=day, sheet=sheet)
        earlier = earlier_imports(prep)
        if earlier and not dry_run:
            fail(f"该文件已作为{prep.roster_kind}名单导入过（第{'、'.join(map(str, earlier))}份），未重复导入", 1)
        written = write_report(prep, report)  # first: a report that cannot be written stores nothing
        saved = run_roster(prep, dry_run=dry_run)
    except ImportFileError as exc:
        fail(exc.message, 2)
    except OSError as exc:
        from store.fsio import os_error_text

        fail(os_error_text(exc), 1)
    _say_roster(prep, saved, written, dry_run, as_json)


def _say_roster(prep, saved, report: Optional[str], dry_run: bool, as_json: bool) -> None:
    """The import's summary, and what the new roster confirms or contradicts."""
    from store.rosters.checks import confirm
    from store.campaign.active import active_campaign_id

    if prep.as_of_note:
        typer.echo(prep.as_of_note, err=True)
    households = len({r.household or r.id_number for r in prep.rows})
    data = {"kind": prep.roster_kind, "as_of": prep.as_of.isoformat(), "rows": len(prep.outcomes), "persons": len(prep.rows),
            "households": households, "rejected": prep.count("rejected"), "skipped": prep.count("skipped"),
            "warnings": prep.warned, "roster_id": saved.roster_id if saved else None,
            "replaced": saved.replaced if saved else [], "history": saved.history if saved else False,
            "report": report}
    cid = active_campaign_id()
    check = confirm(cid) if cid and saved else None
    if check:
        data.update(confirmed=check.confirmed, pending=check.pending, mismatches=len(check.mismatches))
    if as_json:
        emit_json(data)
        return
    typer.echo(f"文件：{prep.path.name}  工作表：{prep.sheet.name}  {prep.header_label}  "
               f"类别：{prep.roster_kind}  名单日期：{data['as_of']}")
    typer.echo(f"数据行 {data['rows']}：在保 {data['persons']} 人（{households} 户），未导入 {data['rejected']} 行，"
               f"跳过 {data['skipped']} 行，有提示 {data['warnings']} 行")
    if dry_run:
        typer.echo("试导入：以上为统计结果，未写入数据库")
    elif saved.history:
        typer.echo(f"已保存为第{saved.roster_id}份名单；已有日期更新的{prep.roster_kind}名单，本名单只作历史")
    else:
        old = f"，替换第{'、'.join(map(str, saved.replaced))}份（留作历史）" if saved.replaced else ""
        typer.echo(f"已导入为第{saved.roster_id}份名单，现为{prep.roster_kind}在保名单{old}")
    if check:
        typer.echo(f"名单核对：本系统纳入的 {check.confirmed} 人已由名单确认，{check.pending} 人待下一份名单确认，"
                   f"不一致 {len(check.mismatches)} 人（yingbao roster confirm）")
    if report:
        typer.echo(f"导入报告：{report}")


@roster_app.command("list")
def roster_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """列出各类在保名单：名单日期、人数、户数（现行的在前，历史在后）。"""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from store.rosters.rosters import list_rosters

    state(ctx).open(create=False)
    views = list_rosters()
    if as_json:
        emit_json([v.as_json() for v in views])
        return
    if not views:
        typer.echo("还没有导入在保名单（yingbao roster import 文件 --kind 低保）")
        return
    table = Table("编号", "类别", "名单日期", "人数", "户数", "数据行", "未导入", "状态", "文件")
    table.columns[8].overflow = "fold"
    for v in views:
        table.add_row(str(v.id), v.kind, str(v.as_of or ""), str(v.persons), str(v.households), str(v.rows),
                      str(v.rejected), "现行" if v.current else "历史", escape(v.file_name))
    Console().print(table)


@roster_app.command("remove")
def roster_remove(ctx: typer.Context, roster_id: Annotated[int, typer.Argument(help="名单编号（见 roster list）")]) -> None:
    """删除一份导错的在保名单（它替换的旧名单恢复为现行）。"""
    from store.rosters.rosters import remove_roster

    state(ctx).open(create=False)
    people = remove_roster(roster_id)
    typer.echo(f"已删除第{roster_id}份在保名单（{people}人）")


def _flag_table(items, title: str, why: str = "原因") -> None:
    """A worklist as a Chinese table (IDs masked)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table("序", "对象号", "村（居）", "姓名", "身份证号", why, title=title)
    table.columns[5].overflow = "fold"
    for i, item in enumerate(items, 1):
        table.add_row(str(i), str(item.case_id), escape(item.village), escape(item.name), item.id_masked,
                      escape(item.why))
    Console().print(table)


@roster_app.command("suspects")
def roster_suspects(
    ctx: typer.Context,
    village: Annotated[Optional[str], typer.Option("--village", help="只看一个村（居）")] = None,
    assign: Annotated[bool, typer.Option("--assign", help="一步分派：按住址分入片区，交给片区负责人")] = False,
    member: Annotated[Optional[int], typer.Option("--member", help="与 --assign 同用：全部交给这名工作人员（编号）")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="只看前几名（0 为全部）")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """「漏保」疑似对象：未在保而名单信息显示可能符合条件的排查对象，按可能性排序，逐条说明原因。"""
    from store.rosters.coverage import has_rosters
    from store.rosters.suspects import assign_suspects, suspects
    from store.town.villages import find_village

    state(ctx).open(create=False)
    cid = _campaign_id(None)
    vid = find_village(village).id if village else None
    items = suspects(cid, village_id=vid)
    items = items[:limit] if limit else items
    note = None if has_rosters() else "还没有导入在保名单：所有对象都按未在保计（yingbao roster import）"
    if note:
        typer.echo(note, err=True)
    done = assign_suspects([s.case_id for s in items], member) if assign and items else None
    if as_json:
        emit_json({"suspects": [s.as_json() for s in items],
                   "assigned": done.__dict__ if done else None})
        return
    if not items:
        typer.echo("没有「漏保」疑似对象")
        return
    _flag_table(items, f"「漏保」疑似对象 {len(items)} 人")
    if done:
        typer.echo(f"已分派：分入片区 {done.zoned} 人，交给负责人 {done.members_set} 人，仍无负责人 {done.unassigned} 人")


@roster_app.command("gaps")
def roster_gaps(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """「漏救」检查：低保对象自付医疗费用高、在保家庭有新增残疾人，而本次整治未记录临时救助。"""
    from store.rosters.checks import relief_gaps

    state(ctx).open(create=False)
    items = relief_gaps(_campaign_id(None))
    if as_json:
        emit_json([f.as_json() for f in items])
        return
    if not items:
        typer.echo("没有「漏救」检查发现的对象")
        return
    _flag_table(items, f"「漏救」检查 {len(items)} 人")


@roster_app.command("confirm")
def roster_confirm(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """名单核对：本系统的纳入是否已在现行在保名单中，以及与名单不一致的对象。"""
    from store.rosters.checks import GRACE_DAYS, confirm

    state(ctx).open(create=False)
    result = confirm(_campaign_id(None))
    if as_json:
        emit_json({"confirmed": result.confirmed, "pending": result.pending,
                   "mismatches": [f.as_json() for f in result.mismatches]})
        return
    typer.echo(f"本系统纳入的对象：已由名单确认 {result.confirmed} 人，待下一份名单确认 {result.pending} 人"
               f"（纳入后 {GRACE_DAYS} 天内的名单未见不算不一致）")
    if result.mismatches:
        _flag_table(result.mismatches, f"与在保名单不一致 {len(result.mismatches)} 人", "不一致之处")
    else:
        typer.echo("没有与在保名单不一致的对象")


# --- village: the town's registry of villages ------------------------------------------------
village_app = typer.Typer(help="村（居）名单：查看、新增、改名、代码和顺序、别名、合并、删除。", no_args_is_help=True)
app.add_typer(village_app, name="village")


@village_app.command("list")
def village_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False) -> None:
    """列出全部村（居）：顺序、名称、代码、人数、排查对象、片区、工作人员、别名。"""
    from rich.console import Console
    from rich.table import Table

    from store.town.villages import registry_rows

    state(ctx).open(create=False)
    rows = registry_rows()
    if as_json:
        emit_json(rows)
        return
    table = Table("顺序", "村（居）", "类型", "代码", "人员", "排查对象", "片区", "工作人员", "别名")
    for col in (1, 3, 8):
        table.columns[col].overflow = "fold"
    for i, r in enumerate(rows, start=1):
        table.add_row(str(i), r["name"], r["kind"], r["code"] or "", str(r["persons"]), str(r["cases"]),
                      str(r["zones"]), str(r["members"]), "、".join(r["aliases"]))
    Console().print(table if rows else "还没有村（居）：用 village add 村名 新增，或导入名单时确认新建")


@village_app.command("add")
def village_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="村（居）名称，如 后龙村、礁头社区")],
    code: Annotated[Optional[str], typer.Option("--code", help="统计用区划代码")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="村 或 社区（不填按名称判断）")] = None,
) -> None:
    """新增一个村（居）（名称按规范写法保存：后龙村委会 -> 后龙村）。"""
    from store.town.villages import create_village

    state(ctx).open()
    village = create_village(name, code=(code or "").strip() or None, kind=kind)
    typer.echo(f"已新增{village.kind}：{village.name}")


@village_app.command("rename")
def village_rename(ctx: typer.Context, old: Annotated[str, typer.Argument(help="现在的名称")],
                   new: Annotated[str, typer.Argument(help="新名称")]) -> None:
    """村（居）改名；原名称保留为别名，名单里仍这样写的也能对应上。"""
    from store.town.villages import find_village, rename_village

    state(ctx).open(create=False)
    village = find_village(old)
    was = village.name
    village = rename_village(village.id, new)
    typer.echo(f"已把「{was}」改名为「{village.name}」，原名称保留为别名")


@village_app.command("set")
def village_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="村（居）名称")],
    code: Annotated[Optional[str], typer.Option("--code", help="区划代码（写空字符串 \"\" 为清除）")] = None,
    position: Annotated[Optional[int], typer.Option("--position", help="排在第几位（1 为第一个）")] = None,
) -> None:
    """修改村（居）的代码或在名单中的顺序。"""
    from store.town.villages import find_village, move_village, set_code

    state(ctx).open(create=False)
    village = find_village(name)
    if code is None and position is None:
        fail("请写 --code 或 --position", 2)
    if code is not None:
        set_code(village.id, code)
        typer.echo(f"「{village.name}」的代码：{code.strip() or '（已清除）'}")
    if position is not None:
        from store.town.villages import registry_rows

        now_at = [r["id"] for r in registry_rows()].index(village.id) + 1
        order = move_village(village.id, position - now_at)
        typer.echo(f"「{village.name}」现在排第{order.index(village.id) + 1}位")


@village_app.command("alias")
def village_alias(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="村（居）名称")],
    alias: Annotated[str, typer.Argument(help="别名：名单中的另一种写法")],
    remove: Annotated[bool, typer.Option("--remove", help="删除这个别名")] = False,
) -> None:
    """给村（居）加一个别名（名单里这样写时就对应到它），或用 --remove 删除。"""
    from store.town.villages import add_alias, find_village, remove_alias

    state(ctx).open(create=False)
    village = find_village(name)
    if remove:
        remove_alias(village.id, alias)
        typer.echo(f"已删除「{village.name}」的别名「{alias}」")
    else:
        row = add_alias(village.id, alias)
        typer.echo(f"已给「{village.name}」加别名「{row.alias}」")


@village_app.command("merge")
def village_merge(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="要并掉的村（居），如 后龙村委会")],
    target: Annotated[str, typer.Argument(help="并入的村（居），如 后龙村")],
    yes: Annotated[bool, typer.Option("--yes", help="确认合并（不加只显示要转移的记录）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """把一个村（居）合并到另一个：人员、排查对象、片区、工作人员、问题、验收测评等全部转过去。"""
    from store.town.village_merge import merge_villages, plan_merge
    from store.town.villages import find_village

    state(ctx).open(create=False)
    src, dst = find_village(source, exact=True), find_village(target)
    plan = merge_villages(src.id, dst.id) if yes else plan_merge(src.id, dst.id)
    if as_json:
        emit_json({"source": plan.source, "target": plan.target, "counts": plan.counts, "merged": yes,
                   "zone_renames": list(plan.zone_names.values())})
        return
    typer.echo(plan.text() if not yes else f"已把「{plan.source}」合并到「{plan.target}」，「{plan.source}」已删除并记为别名")
    for line in plan.lines():
        typer.echo(f"  {line}")
    if not yes:
        typer.echo(f"以上为预览，未作改动；确认合并请加 --yes：yingbao village merge {plan.source} {plan.target} --yes")


@village_app.command("remove")
def village_remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="村（居）名称")]) -> None:
    """删除一个没有任何记录的村（居）（有记录的请合并）。"""
    from store.town.village_merge import remove_village
    from store.town.villages import find_village

    state(ctx).open(create=False)
    typer.echo(f"已删除村（居）：{remove_village(find_village(name, exact=True).id)}")


# --- case add (第7类), attachments (照片、佐证材料) ----------------------------------------------

case_app = typer.Typer(help="排查对象：手工添加（如第7类 其他困难群众）。", no_args_is_help=True)
app.add_typer(case_app, name="case")


@case_app.command("add")
def case_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="姓名")],
    found_by: Annotated[str, typer.Option("--found-by", help="发现人")],
    id_number: Annotated[Optional[str], typer.Option("--id", help="身份证号（已登记的人员按号码找到）")] = None,
    village: Annotated[Optional[str], typer.Option("--village", help="村（居）名称（新人员必填）")] = None,
    category: Annotated[Optional[list[int]], typer.Option("--category", help="排查类别代码，可重复（默认 7 其他困难群众）")] = None,
    how: Annotated[str, typer.Option("--how", help="发现方式：入户排查/群众反映/村（居）上报/部门推送/来访求助/其他")] = "入户排查",
    date: Annotated[Optional[str], typer.Option("--date", help="发现日期（默认今天）")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="电话")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="住址")] = None,
    id_reason: Annotated[Optional[str], typer.Option("--id-reason", help="身份证号未通过校验但已核实时的核实说明（记入修改记录）")] = None,
) -> None:
    """添加一个排查对象（人员不在名单上，如村里自行发现的困难群众）。"""
    from store.cases.add import NewPerson, add_case
    from store.errors import IdNeedsReason

    category = category or [7]
    state(ctx).open(create=False)
    try:
        case = add_case(codes=category, found_by=found_by, found_how=how, found_on=_parse_day(date) if date else None,
                        new=NewPerson(name, id_number, village, phone, address, id_reason))
    except IdNeedsReason as exc:
        fail(f"{exc.message}（用 --id-reason 写明核实情况）", 1)
    typer.echo(f"已添加排查对象：{case.person.name}（对象编号 {case.id}，类别 {'、'.join(map(str, sorted(set(category))))}）")


attach_app = typer.Typer(help="附件（照片、佐证材料）：添加、列出、打开、删除、恢复、从文件夹添加。",
                         no_args_is_help=True)
app.add_typer(attach_app, name="attach")


@attach_app.command("add")
def attach_add(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="文件（可多个）")],
    case: Annotated[Optional[int], typer.Option("--case", help="排查对象编号")] = None,
    contact: Annotated[Optional[int], typer.Option("--contact", help="走访记录编号")] = None,
    rectification: Annotated[Optional[int], typer.Option("--rectification", help="整改编号")] = None,
) -> None:
    """把文件添加为附件（复制到数据库旁边的附件文件夹，原文件不动）。"""
    from store.cases.attachments import attach

    state(ctx).open(create=False)
    for f in files:
        row = attach(f, case_id=case, contact_id=contact, rectification_id=rectification)
        typer.echo(f"已添加附件 {row.id}：{row.name}")


@attach_app.command("list")
def attach_list(
    ctx: typer.Context,
    case: Annotated[int, typer.Argument(help="排查对象编号")],
    deleted: Annotated[bool, typer.Option("--deleted", help="也列出已删除的")] = False,
) -> None:
    """列出一个排查对象的附件。"""
    from store.cases.attachments import case_attachments

    state(ctx).open(create=False)
    rows = case_attachments(case, deleted=deleted)
    for r in rows:
        typer.echo(f"{r.id}\t{r.name}\t{r.size_text}\t{r.added}\t{r.to}{'（已删除）' if r.deleted else ''}")
    if not rows:
        typer.echo("没有附件")


@attach_app.command("open")
def attach_open(ctx: typer.Context, attachment: Annotated[int, typer.Argument(help="附件编号")]) -> None:
    """用系统默认程序打开附件。"""
    from store.cases.attachments import file_of, open_with_system

    state(ctx).open(create=False)
    open_with_system(file_of(attachment))


@attach_app.command("delete")
def attach_delete(ctx: typer.Context, attachment: Annotated[int, typer.Argument(help="附件编号")]) -> None:
    """删除附件（可恢复）。"""
    from store.cases.attachments import delete_attachment

    state(ctx).open(create=False)
    typer.echo(f"已删除附件：{delete_attachment(attachment).name}（attach restore {attachment} 可恢复）")


@attach_app.command("restore")
def attach_restore(ctx: typer.Context, attachment: Annotated[int, typer.Argument(help="附件编号")]) -> None:
    """恢复删除的附件。"""
    from store.cases.attachments import restore_attachment

    state(ctx).open(create=False)
    typer.echo(f"已恢复附件：{restore_attachment(attachment).name}")


@attach_app.command("folder")
def attach_folder(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="文件夹（照片按姓名或身份证号后4-6位命名）")],
    village: Annotated[Optional[str], typer.Option("--village", help="只匹配这个村（居）的对象")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不再询问，直接添加")] = False,
) -> None:
    """从文件夹添加附件：先列出每个文件对应的人，确认后才添加。"""
    from store.cases import attach_folder as af
    from store.cases.add import village_id_by_name

    state(ctx).open(create=False)
    preview = af.preview_folder(folder, village_id_by_name(village) if village else None)
    for m in preview.matched:
        typer.echo(f"{m.path.name} -> {m.person}（按{m.how}）")
    for m in preview.left:
        typer.echo(f"{m.path.name}：{m.how}，不添加（{m.person}）")
    if not preview.matched:
        fail("没有可以添加的文件", 1)
    if not yes:
        confirm_zh(f"添加以上 {len(preview.matched)} 个文件？")
    typer.echo(f"已添加 {af.apply(preview.matched)} 个附件")


# --- households (户): head, relation, size, income, housing, members ----------------------------

household_app = typer.Typer(help="家庭（户）：户主和与户主关系、家庭人口、年人均收入、住房和财产、添加成员。",
                            no_args_is_help=True)
app.add_typer(household_app, name="household")


def _person_by_id(id_number: str):
    """The live person with this ID number, or a Chinese failure."""
    from store.ids import IdError, parse_id
    from store.schema import Person

    try:
        number = parse_id(id_number, override=True).number
    except IdError as exc:
        fail(f"身份证号有误：{exc.message}", 2)
    person = Person.get_or_none((Person.id_number == number) & Person.deleted_at.is_null())
    if person is None:
        fail(f"没有身份证号为 {id_number} 的人员", 1)
    return person


@household_app.command("set")
def household_set(
    ctx: typer.Context,
    id_number: Annotated[str, typer.Argument(help="人员的身份证号")],
    head: Annotated[str, typer.Option("--head", help="户主：「本人」或户主的身份证号；空字符串表示移出所在的户")],
    relation: Annotated[Optional[str], typer.Option("--relation", help="与户主关系，如 配偶、子女、父母")] = None,
) -> None:
    """设置人员所在的户（户主和与户主关系）。"""
    from store.people.households import household_of, set_household

    state(ctx).open(create=False)
    person = _person_by_id(id_number)
    hh = set_household(person.id, head, relation)
    if hh is None:
        typer.echo(f"{person.name} 已不属于任何户")
        return
    view = household_of(person.id)
    assert view is not None  # set_household has just put the person in a household
    typer.echo(f"{person.name} 属于户主为 {view.head or '（户主未登记）'} 的户（家庭人口 {view.persons} 人）")


@household_app.command("edit")
def household_edit(
    ctx: typer.Context,
    id_number: Annotated[str, typer.Argument(help="户中任一人员的身份证号")],
    size: Annotated[Optional[str], typer.Option("--size", help="家庭人口（含未登记为人员的成员）")] = None,
    income: Annotated[Optional[str], typer.Option("--income", help="家庭年人均收入（元）")] = None,
    housing: Annotated[Optional[str], typer.Option("--housing", help="住房情况")] = None,
    assets: Annotated[Optional[str], typer.Option("--assets", help="财产情况（车辆、存款、经营等）")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注")] = None,
) -> None:
    """修改户的家庭人口、年人均收入、住房和财产情况。"""
    from store.people.households import save_household

    state(ctx).open(create=False)
    person = _person_by_id(id_number)
    if not person.household_code:
        fail(f"{person.name} 尚未设置所在的户，请先用 household set 设置户主", 1)
    given = {"size": size, "income": income, "housing": housing, "assets": assets, "note": note}
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        fail("没有要修改的内容（见 household edit --help）", 2)
    save_household(person.household_code, **changes)
    _print_household(person.id)


@household_app.command("add-member")
def household_add_member(
    ctx: typer.Context,
    id_number: Annotated[str, typer.Argument(help="户中任一人员的身份证号")],
    name: Annotated[str, typer.Option("--name", help="成员姓名")],
    relation: Annotated[str, typer.Option("--relation", help="与户主关系，如 配偶、子女、父母")],
    member_id: Annotated[Optional[str], typer.Option("--id", help="成员的身份证号（可不填）")] = None,
    id_reason: Annotated[Optional[str], typer.Option("--id-reason", help="身份证号未通过校验但已核实时的核实说明")] = None,
) -> None:
    """为户添加一名成员（登记为人员）。"""
    from store.people.households import add_member

    state(ctx).open(create=False)
    person = _person_by_id(id_number)
    if not person.household_code:
        fail(f"{person.name} 尚未设置所在的户，请先用 household set 设置户主", 1)
    add_member(person.household_code, name=name, relation=relation, id_number=member_id,
               id_override_reason=id_reason)
    _print_household(person.id)


@household_app.command("show")
def household_show(ctx: typer.Context, id_number: Annotated[str, typer.Argument(help="户中任一人员的身份证号")]) -> None:
    """显示人员所在的户：成员、家庭人口、收入、住房和财产，以及对照低保标准的提示。"""
    state(ctx).open(create=False)
    _print_household(_person_by_id(id_number).id)


def _print_household(person_id: int) -> None:
    """The household of a person, members masked, with the income hint."""
    import datetime as dt

    from store.people.households import household_of, income_hint

    view = household_of(person_id)
    if view is None:
        typer.echo("该人员尚未设置所在的户")
        return
    typer.echo(f"户主：{view.head or '（未登记）'}  家庭人口：{view.persons}人  "
               f"年人均收入：{'未填' if view.income is None else str(view.income) + '元'}")
    typer.echo(f"住房：{view.housing or '未填'}  财产：{view.assets or '未填'}")
    for m in view.members:
        typer.echo(f"  {m.name}  {m.relation or '（关系未填）'}  {m.id_masked}  {m.disability}{'  重病' if m.serious_illness else ''}")
    hint = income_hint(view, dt.date.today())
    if hint:
        typer.echo(f"提示：{hint}")


def run() -> None:
    """Console-script entry point: `yingbao`."""
    app()


if __name__ == "__main__":
    run()
