"""The F8 wizard's 在保名单 option: the same file, sheet and dry run, stored as a roster of a kind.

Mixed into ImportWizard: choosing 「在保名单：低保」 (or another kind) in the category box routes the
dry run and the import here instead of the list pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Button, Input, ProgressBar, Select, Static

from importers.roster import earlier_imports, prepare_roster, write_report
from importers.roster import run_roster as import_roster
from store.errors import StoreError
from store.campaign.active import active_campaign_id
from store.rosters.checks import confirm
from store.rosters.rosters import KINDS, PARTS
from store.schema import db

from ..messages import DataChanged

if TYPE_CHECKING:  # the mixin only ever runs inside ImportWizard, a Screen; a runtime base would be a second one
    from textual.screen import Screen as WizardHost
else:
    WizardHost = object

ROSTER = "roster:"  # prefix of the category box's roster values: roster:低保


def roster_options() -> list[tuple[str, str]]:
    """The category box's roster choices."""
    kinds = [x for k in KINDS for x in (k, *(p for p, whole in PARTS.items() if whole == k))]
    return [(f"在保名单：{k}", ROSTER + k) for k in kinds]


class RosterImportMixin(WizardHost):
    """Dry run and import of a roster from the wizard (worker group "import")."""

    if TYPE_CHECKING:  # given by ImportWizard
        checked: bool

        def show_error(self, exc: BaseException) -> None:
            """One Chinese line for the clerk."""

    def start_roster(self, category: str, dry_run: bool) -> None:
        """Read the file as a roster of the chosen kind, off the UI thread."""
        path = self.query_one("#iw-path", Input).value.strip()
        sheet = self.query_one("#iw-sheet", Select).value
        self.query_one("#iw-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#iw-summary", Static).update("试导入中..." if dry_run else "正在导入在保名单...")
        self.run_roster(path, category.removeprefix(ROSTER), sheet if isinstance(sheet, str) else None, dry_run)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_roster(self, path: str, kind: str, sheet: str | None, dry_run: bool) -> None:
        """prepare_roster, then store it unless a dry run; a file imported before is refused."""
        try:
            with db.connection_context():
                prep = prepare_roster(path, kind, sheet=sheet)
                earlier = earlier_imports(prep)
                if earlier and not dry_run:
                    raise StoreError(f"该文件已作为{prep.roster_kind}名单导入过（第{'、'.join(map(str, earlier))}份），未重复导入")
                report = write_report(prep)
                saved = import_roster(prep, dry_run=dry_run)
                cid = active_campaign_id()
                check = confirm(cid) if saved and cid else None
        except Exception as exc:  # noqa: BLE001 - every failure becomes one Chinese line
            plain = isinstance(exc, ValueError) and not getattr(exc, "message", None)  # its text is the message
            self.app.call_from_thread(self.show_error, StoreError(str(exc)) if plain else exc)
            return
        self.app.call_from_thread(self.show_roster, prep, saved, check, dry_run, report)

    def show_roster(self, prep: Any, saved: Any, check: Any, dry_run: bool, report: str | None = None) -> None:
        """The counts of a roster dry run or import, and what the new roster confirms."""
        households = len({r.household or r.id_number for r in prep.rows})
        text = (f"{prep.roster_kind}在保名单，名单日期 {prep.as_of.isoformat()}：数据行 {len(prep.outcomes)}，"
                f"在保 {len(prep.rows)} 人（{households} 户），未导入 {prep.count('rejected')}，"
                f"跳过 {prep.count('skipped')}，有提示 {prep.warned}")
        if prep.as_of_note:
            text += f"\n{prep.as_of_note}"
        bar = self.query_one("#iw-progress", ProgressBar)
        bar.update(total=1, progress=1)
        go = self.query_one("#iw-go", Button)
        if dry_run:
            self.checked, go.disabled = True, False
            text = "试导入（未写入）：" + text + "\n确认无误后按「确认导入」"
        else:
            self.checked, go.disabled = False, True
            state = "只作历史（已有日期更新的名单）" if saved.history else "现为该类在保名单"
            text = f"已导入为第{saved.roster_id}份在保名单，{state}：" + text
            if check:
                text += (f"\n名单核对：本系统纳入的 {check.confirmed} 人已确认，{check.pending} 人待确认，"
                         f"不一致 {len(check.mismatches)} 人（Ctrl+P 名单核对）")
            self.notify(f"在保名单已导入：第{saved.roster_id}份", title="导入")
            self.app.post_message(DataChanged())
        if report:
            text += f"\n导入报告：{report}"
        self.query_one("#iw-summary", Static).update(text)
