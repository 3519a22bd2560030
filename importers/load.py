"""The import pipeline shared by the CLI and the TUI: prepare (read, find the header) then run.

`prepare(path, ...)` reads the file and finds the sheet, header row, mapping and category; it raises
ImportFileError (one Chinese line) when the file cannot be read at all. `run(prepared, ...)`
normalises the rows, merges them into the store in one transaction (or only plans, for a dry run)
and writes the report of rejected, skipped and warned rows.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from importers import report as report_mod
from importers.context import RowContext, VillageChoices
from importers.errors import ImportFileError
from importers.headers import HeaderMatch, apply_overrides, infer_category, pick_sheet, sheet_and_header, title_texts
from importers.formulas import formula_cells_without_value, parts_with_formulas
from importers.read import SheetData, SheetInfo, fill_merged, read_sheets
from importers.rows import Outcome, is_blank_row, ok_rows
from importers.sniff import Sniffed, sniff
from importers.stream import batch_meta, count_outcomes, id_keys, normalise_all, read_chunks
from importers.templates import recall, remember, template_key
from store.imports.ahead import PersonsAhead
from store.imports.plan import plan_import
from store.imports.merge import batches_with_sha, context_data, load
from store.imports.write import batch_counts
from store.db import timestamp
from store.schema import db
from store.people.search import warm_up
from store.town.village_names import Ambiguous, Elsewhere, plain_name
from store.town.villages import save_aliases

if TYPE_CHECKING:
    from importers.roster import RosterOutcome, RosterPrep

MSG_NO_ROWS = "未发现数据行"
MSG_NO_HEADER = "未找到可识别的表头（至少需要姓名、身份证号等列），请检查文件"


class CategoryNeeded(ImportFileError):
    """The category could not be inferred from the file: the clerk must choose it."""


@dataclass
class Prepared:
    """A read file: its sheets, the data sheet, header match, data rows and category."""

    path: Path
    found: Sniffed
    sheets: list[SheetInfo]
    sheet: SheetData
    match: HeaderMatch
    data_rows: list[int]  # 0-based indexes of the non-blank rows under the header
    category: int | None
    sha256: str
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    template: str = ""  # fingerprint of the list's layout (importers/templates.py)
    choices: dict[str, Any] = field(default_factory=dict)  # sheet, overrides, category, header_row used
    recalled: bool = False  # True when the choices came from an earlier import of this template
    ahead: PersonsAhead | None = field(default=None, repr=False)  # every person, read during the parse

    @property
    def header_label(self) -> str:
        """「表头在第3行」 as the preview shows it."""
        return f"表头在第{self.match.row_index + 1}行"


@dataclass
class Summary:
    """What an import did (or would do): the counts, the batch and the report."""

    rows: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int
    warnings: int
    batch_id: int | None
    report: str | None
    same_file: list[int] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list, repr=False)
    unknown_villages: list[dict[str, Any]] = field(default_factory=list)  # 待确认: name, rows, plain, candidates, reason
    new_villages: list[str] = field(default_factory=list)  # names of the villages created (or to be)

    def as_json(self) -> dict[str, Any]:
        """The CLI's --json object."""
        keys = ("rows", "inserted", "updated", "unchanged", "rejected", "skipped", "warnings", "batch_id", "report",
                "unknown_villages", "new_villages")
        return {k: getattr(self, k) for k in keys}


@contextmanager
def no_gc():
    """Pause the cyclic garbage collector while a bulk job creates millions of acyclic objects.

    Each full collection walks every cell read so far; an import makes no cycles worth collecting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # the job's objects would all sit in the youngest generation: its first collection after
        # enable() would walk every one of them (0.15 s for 50,000 rows). Move them to the oldest
        # generation untouched instead; most are freed by reference counting long before it runs.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def prepare(path: str | Path, *, sheet: str | None = None, overrides: dict[str, str] | None = None,
            category: int | None = None, header_row: int | None = None, read_ahead: bool = False) -> Prepared:
    """Read a list file and find everything needed to import it; ImportFileError when unreadable.

    Without options, the choices remembered for the file's template (if any) are applied.
    read_ahead: run() follows at once (the CLI): a large list's parse also reads every stored person
    (store/imports/ahead.py); run() takes them or closes the read.
    """
    path = Path(path)
    found = sniff(path)
    ahead = PersonsAhead.start(db.database, path.stat().st_size) if read_ahead else None
    try:
        prep = _prepare(path, found, sheet, overrides, category, header_row, ahead)
    except BaseException:
        if ahead is not None:
            ahead.close()
        raise
    prep.ahead = ahead
    return prep


def _prepare(path: Path, found: Sniffed, sheet: str | None, overrides: dict[str, str] | None,
             category: int | None, header_row: int | None, ahead: PersonsAhead | None = None) -> Prepared:
    """prepare() once the file is sniffed; ahead: also read the stored persons and load the pinyin
    tables the import's new persons need (a large list: its parse takes longer).

    That work runs on one thread beside calamine's parse, one job after another: a third busy thread
    on two cores would take the parse's core part of the time. The hash and the formula pass come
    first, since the parse's end waits for them; the read ahead and the warm-up may run on into run(),
    which waits for the read where it needs it."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="prepare")
    try:
        with no_gc():
            digest = pool.submit(_sha256, path)
            formulas_job = pool.submit(parts_with_formulas, path) if found.kind == "xlsx" else None
            if ahead is not None:
                ahead.begin(pool)
                pool.submit(warm_up)
            sheets = read_sheets(path, found)
            with_formulas = formulas_job.result() if formulas_job else None
            sha256 = digest.result()
    finally:
        pool.shutdown(wait=False)
    key = template_key([s.name for s in sheets], pick_sheet(sheets))
    choices: dict[str, Any] = {"sheet": sheet, "overrides": overrides or None, "header_row": header_row}
    recalled = None if any(choices.values()) else recall(key)
    choices.update(recalled or {})
    choices["category"] = category
    data, match = _match(sheets, choices)
    fill_merged(data, match.first_data_row)
    formulas = formula_cells_without_value(path, data.name, with_formulas, found.trims) if found.kind == "xlsx" else set()
    formula_rows = {r for r, _c in formulas}
    rows = [i for i in range(match.first_data_row, len(data.rows))
            if i in formula_rows or not is_blank_row(data.rows[i])]
    if not rows:
        raise ImportFileError(MSG_NO_ROWS)
    infos = [SheetInfo(s.name, s.hidden, len(s.rows)) for s in sheets]
    return Prepared(path, found, infos, data, match, rows, _category(choices["category"], data, match, path),
                    sha256, formulas, key, choices, bool(recalled))


def _match(sheets: list[SheetData], choices: dict[str, Any]) -> tuple[SheetData, HeaderMatch]:
    """The data sheet and its header after the sheet, header row and column choices."""
    data, match = sheet_and_header(sheets, choices["sheet"], MSG_NO_HEADER)
    if choices["header_row"] is not None:
        match = _header_at(data, int(choices["header_row"]))
    if choices["overrides"]:
        try:
            match = apply_overrides(match, choices["overrides"])
        except ValueError as exc:
            raise ImportFileError(str(exc)) from None
    if match.missing_required:
        raise ImportFileError(f"缺少必需的列：{'、'.join(match.missing_required)}（可用 --map 表头=字段 指定）")
    return data, match


def _header_at(sheet: SheetData, row: int) -> HeaderMatch:
    """The header taken from a row the clerk chose (1-based)."""
    from importers.headers import match_row

    if not 1 <= row <= len(sheet.rows):
        raise ImportFileError(f"表头行号超出范围：{row}")
    return match_row(sheet.rows[row - 1], row - 1)


def _category(given: int | None, sheet: SheetData, match: HeaderMatch, path: Path) -> int | None:
    """The category given, or inferred from the titles, file name and fields."""
    if given is not None:
        if not 1 <= given <= 7:
            raise ImportFileError(f"排查类别应为1-7，实际为{given}")
        return given
    return infer_category(title_texts(sheet.rows, match.row_index) + [path.stem], match.fields)


def _sha256(path: Path) -> str:
    """The file's sha256 in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def default_report_path(path: Path) -> Path:
    """<stem>_导入报告.xlsx next to the source file."""
    return path.with_name(f"{path.stem}_导入报告.xlsx")


def run(prep: Prepared, *, dry_run: bool = False, create_villages: bool = False,
        report_path: str | Path | None = None, progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None, villages: VillageChoices | None = None) -> Summary:
    """Import a prepared file (or plan it, for a dry run); the database is untouched on any error.

    villages: the clerk's choices for unknown village spellings (mapped, created, saved as aliases);
    create_villages: create every unknown one under its plain name (--create-villages)."""
    try:
        if prep.category is None:
            raise CategoryNeeded("无法从文件标题或表头判断排查类别，请用 --category 1-7 指定")
        choices = villages or VillageChoices()
        choices = replace(choices, create_all=choices.create_all or create_villages)
        with no_gc():
            return _run(prep, dry_run, choices, report_path, progress or (lambda _d, _t: None),
                        cancelled or (lambda: False))
    finally:
        if prep.ahead is not None:  # taken by the import, or of no more use
            prep.ahead.close()


def _run(prep: Prepared, dry_run: bool, choices: VillageChoices, report_path: str | Path | None,
         progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Summary:
    """run() with the defaults filled in."""
    category = prep.category
    assert category is not None  # run() refused a list without its category
    ctx = RowContext.build(category, context_data(category), prep.match,
                           choices=choices, formula_cells=prep.formula_cells, datemode=prep.found.datemode)
    meta = batch_meta(prep)
    if dry_run:
        outcomes = normalise_all(prep, ctx, progress, cancelled)
        count_outcomes(meta, outcomes)
        with db.atomic():
            plan = plan_import(ok_rows(outcomes), category)
        return _summary(outcomes, batch_counts(plan, meta), None, None, prep, ctx, plan)
    target = Path(report_path) if report_path else default_report_path(prep.path)
    keys = id_keys(prep)
    counts = Counter(filter(None, keys))  # rows naming each ID number
    outcomes = []  # read_chunks adds every row's outcome
    chunks = read_chunks(prep, ctx, keys, counts, outcomes, meta, progress, cancelled)
    total = len(prep.data_rows)
    batch_id, plan = load(chunks, counts.keys(), meta, cancelled=cancelled,
                          written=lambda: progress(total + 1, total + 1),
                          report=lambda _plan: report_rejections(prep, outcomes, target, not report_path),
                          before_commit=lambda _plan: _before_commit(prep, choices),
                          ahead=prep.ahead)
    return _summary(outcomes, batch_counts(plan, meta), batch_id, meta.report_path, prep, ctx, plan)


def _before_commit(prep: Prepared, choices: VillageChoices) -> None:
    """In the import's transaction: remember the template's choices, keep mapped spellings as aliases."""
    if not prep.recalled:
        remember(prep.template, prep.choices)
    if choices.save_aliases and choices.mapped:
        save_aliases(choices.mapped)


def fallback_report_path(target: Path, sha256: str) -> Path:
    """<database folder>/导入报告/<report name>_<file hash>_<time>.xlsx: a folder the office's own
    program can write; the hash and time keep two lists of the same name from sharing a report."""
    name = f"{target.stem}_{sha256[:8]}_{timestamp()}{target.suffix}"
    return Path(db.database).resolve().parent / "导入报告" / name


def report_rejections(prep: Prepared | RosterPrep, outcomes: list[Outcome] | list[RosterOutcome], target: Path,
                      default: bool) -> str | None:
    """Write the report when any row was rejected, skipped or warned; its path, else None."""
    if not any(report_mod.needs_report(o) for o in outcomes):
        return None
    try:
        report_mod.write_report(target, prep, outcomes)
    except OSError:
        if not default:
            raise  # the clerk chose this path (--report): say so rather than write elsewhere
        # beside the list failed (a read-only share, a write-protected USB stick, the old report open
        # in Excel): the database's own folder
        target = fallback_report_path(target, prep.sha256)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # it holds ID numbers
        report_mod.write_report(target, prep, outcomes)
    return str(target)


def _summary(outcomes: list[Outcome], counts: dict[str, int], batch_id: int | None, report: str | None,
             prep: Prepared, ctx: RowContext, plan: Any) -> Summary:
    """The Summary of a run, with the village spellings still 待确认 and the villages created."""
    same = [b for b in batches_with_sha(prep.sha256) if b != batch_id]
    index = ctx.villages
    unknown = []
    for text, rows in sorted(ctx.unknown.items(), key=lambda kv: (-kv[1], kv[0])):
        found = index.match(text)
        unknown.append({"name": text, "rows": rows, "plain": plain_name(text),
                        "candidates": list(found.names) if isinstance(found, Ambiguous) else [],
                        "reason": found.reason if isinstance(found, (Ambiguous, Elsewhere)) else "不在本镇村（居）名单中",
                        "can_create": not isinstance(found, Elsewhere)})
    new = sorted({r.new_village for r in plan.rows if r.new_village})
    return Summary(**counts, batch_id=batch_id, report=report, same_file=same, outcomes=outcomes,
                   unknown_villages=unknown, new_villages=new)
