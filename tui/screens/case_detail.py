"""One case: the person, household, categories with the source lists' values, contacts newest
first, benefits with their steps, petitions, spot checks, problems; every part editable."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.cases.cases import delete_contact as soft_delete_contact
from store.cases.detail import CaseDetail, reveal_id
from store.cases.detail import load as load_detail

from ..text import day
from ..typed_app import app_of
from . import case_org
from .assess_form import AssessForm
from .attachments import AttachmentsScreen
from .base import AppScreen
from .benefit_form import AdvanceForm, BenefitForm
from .confirm import ConfirmScreen
from .history import HistoryScreen
from .household_member_form import HouseholdMemberForm
from .person_form import PersonForm
from .pick import PickScreen

REVEAL_SECONDS = 30


def section(title: str, lines: list[str], empty: str = "（无）") -> str:
    """A titled block of lines (markup escaped)."""
    body = "\n".join(f"  {escape(x)}" for x in lines) if lines else f"  {empty}"
    return f"[b]{title}[/b]\n{body}"


class CaseDetailScreen(case_org.CaseOrgActions, AppScreen):
    """对象详情."""

    CSS_PATH = "case_detail.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("i", "reveal", "显示证件号", key_display="i"),
        Binding("e", "edit_person", "修改", key_display="e"),
        Binding("j", "assess", "研判", key_display="j"),
        Binding("b", "add_benefit", "新增救助", key_display="b"),
        Binding("n", "advance", "推进救助", key_display="n", show=False),
        Binding("d", "delete_contact", "删联系记录", key_display="d", show=False),
        *case_org.BINDINGS,
        Binding("h", "history", "修改记录", key_display="h", show=False),
        Binding("g", "add_member", "添加家庭成员", key_display="g", show=False),
        Binding("f", "attachments", "附件", key_display="f"),
    ]
    WRITE_ACTIONS = frozenset({"reveal", "edit_person", "assess", "add_benefit", "advance", "delete_contact", "add_member",
                               *case_org.WRITE_ACTIONS})
    PALETTE = [("显示完整身份证号", "30秒后自动隐藏，记入修改记录", "reveal"), ("研判", "符合或不符合", "assess"),
               ("新增救助申请", "", "add_benefit"), ("推进救助办理环节", "", "advance"),
               ("修改人员信息", "", "edit_person"), ("删除联系记录", "", "delete_contact"),
               ("添加家庭成员", "为此人所在的户登记一名成员", "add_member"),
               ("本人修改记录", "此人及其排查对象、联系记录的全部修改", "history"),
               ("附件", "照片、佐证材料：添加、打开、删除、恢复", "attachments"),
               *case_org.PALETTE]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.revealed: str | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="cd-scroll"):
            yield Static("正在读取...", id="cd-person")
            yield Static("", id="cd-hints")
            yield Static("", id="cd-parts")

    def on_mount(self) -> None:
        """Load the case."""
        self.query_one("#cd-scroll").focus()
        self.reload()

    def reload(self) -> None:
        """Read the case again."""
        self.load()

    def load(self) -> None:
        """Everything of the case, off the UI thread."""
        today = app_of(self).today()

        def fetch() -> tuple[CaseDetail, tuple[list, dict, list]]:
            """The case and its petitions and problems (in the worker)."""
            return load_detail(self.case_id, today), case_org.org_rows(self.case_id, today)

        self.load_then_show("case-detail", fetch, lambda got: self.show(*got))

    def show(self, d: CaseDetail, org: tuple[list, dict, list] | None = None) -> None:
        """Render every part."""
        self.detail = d
        self.pets, self.pet_fields, self.probs = org or ([], {}, [])
        self._person()
        hints = "\n".join(f"提示：{h}" for h in d.hints)
        self.query_one("#cd-hints", Static).update(hints)
        self.query_one("#cd-hints").display = bool(hints)
        parts = [
            section("排查类别", [*d.categories, *([f"来源：{d.origin}"] if d.origin else [])]),
            section("名单信息", d.roster),
            section("联系记录（最新在前）", [f"{day(c['date'])} {c['kind']} {c['who'] or '（未填参加人员）'}：{c['findings']}"
                                    f"{'（' + c['outcome'] + '）' if c['outcome'] else ''}"
                                    f"{'  附件' + str(c['files']) + '个' if c['files'] else ''}" for c in d.contacts]),
            section("附件：照片、佐证材料（f 查看、添加、打开）", d.attachments),
            section("救助", [f"{b['type']}{'（先行救助）' if b.get('advance') else ''}  当前：{b['status']}"
                           f"{'  金额' + str(b['amount']) + '元' if b['amount'] else ''}"
                           f"  环节：{'，'.join(b['steps'])}" for b in d.benefits]),
            section("信访（p 登记或修改，y 延期，c 办结）", [case_org.petition_line(r) for r in self.pets]),
            section("抽查", d.spot_checks),
            section("问题与整改（q 登记或修改，r 整改）", [case_org.problem_line(r) for r in self.probs]),
        ]
        self.query_one("#cd-parts", Static).update("\n\n".join(parts))

    def _person(self) -> None:
        """The person block, the ID shown in full only while revealed."""
        d = self.detail
        if d is None:
            return
        number = self.revealed or d.id_masked or "（无）"
        conclusion = f"{d.conclusion}{'：' + d.conclusion_reason if d.conclusion_reason else ''}" or "未研判"
        lines = [
            f"[b]{escape(d.name)}[/b]  {d.sex}  {d.age if d.age is not None else ''}岁  身份证号：{number}"
            + ("  [red]（已显示，30秒后隐藏）[/red]" if self.revealed else "  （按 i 显示）"),
            *([f"[yellow]{escape(d.id_note)}[/yellow]"] if d.id_note else []),
            f"村（居）：{escape(d.village)}  片区：{escape(d.zone)}  负责人：{escape(d.member)}  电话：{d.phone_masked}",
            f"住址：{escape(d.address)}  残疾：{d.disability or '无'}{'  重病' if d.serious_illness else ''}",
            f"在保：{escape(d.coverage)}",
            f"状态：[b]{d.status}[/b]  研判：{escape(conclusion)}  下次跟进：{day(d.next_followup) or '未定'}",
            f"家庭（户）：{escape(d.household) or '（未设置户主，按 e 填写）'}",
            f"家庭情况：{escape(d.household_note) or '（未填写）'}",
        ]
        self.query_one("#cd-person", Static).update("\n".join(lines))

    def action_back(self) -> None:
        """Esc: back where you were."""
        self.app.pop_screen()

    def action_reveal(self) -> None:
        """i: the full ID for 30 seconds, written to the audit log."""
        if self.detail:
            self.reveal(self.detail.person_id)

    def reveal(self, person_id: int) -> None:
        """Fetch the number (audited), then show it."""
        self.write_then_show("reveal", lambda: reveal_id(person_id), self._revealed, changed=False)

    def _revealed(self, number: str) -> None:
        """Show it, and hide it again later."""
        self.revealed = number or None
        self._person()
        self.set_timer(REVEAL_SECONDS, self._hide)

    def _hide(self) -> None:
        """Mask the number again."""
        self.revealed = None
        if self.detail:
            self._person()

    def action_assess(self) -> None:
        """j: 研判."""
        self.app.push_screen(AssessForm(self.case_id))

    def action_add_member(self) -> None:
        """g: enter a member of the person's household by hand."""
        if self.detail is not None:
            self.app.push_screen(HouseholdMemberForm(self.case_id, self.detail.person_id))

    def action_add_benefit(self) -> None:
        """b: a new benefit application."""
        self.app.push_screen(BenefitForm(self.case_id))

    def action_advance(self) -> None:
        """n: move a benefit to its next step (pick which first when there are several)."""
        benefits = self.detail.benefits if self.detail else []
        open_ones = [b for b in benefits if b["status"] not in ("不予纳入", "停发")]
        if not open_ones:
            self.notify("没有可推进的救助，按 b 新增", severity="warning")
            return
        if len(open_ones) == 1:
            self.app.push_screen(AdvanceForm(self.case_id, open_ones[0]))
            return
        choices: list[tuple[object, str]] = [(b["id"], f"{b['type']}（当前：{b['status']}）") for b in open_ones]
        by_id = {b["id"]: b for b in open_ones}

        def picked(bid: Any) -> None:
            """Advance the benefit picked."""
            if bid:
                self.app.push_screen(AdvanceForm(self.case_id, by_id[bid]))

        self.app.push_screen(PickScreen("选择要推进的救助", choices, allow_all=False), picked)

    def action_edit_person(self) -> None:
        """e: edit the person."""
        if self.detail:
            self.app.push_screen(PersonForm(self.case_id, self.detail.person_id))

    def action_delete_contact(self) -> None:
        """d: pick a contact, confirm, soft-delete it."""
        contacts = self.detail.contacts if self.detail else []
        if not contacts:
            self.notify("没有联系记录", severity="warning")
            return
        choices: list[tuple[object, str]] = [(c["id"], f"{day(c['date'])} {c['kind']} {c['findings'][:20]}")
                                             for c in contacts]

        def picked(cid: Any) -> None:
            """Ask before deleting the chosen contact."""
            if cid:
                self.app.push_screen(ConfirmScreen("删除这条联系记录？（可在修改记录中恢复）"),
                                     lambda yes: self.delete_contact(cid) if yes else None)

        self.app.push_screen(PickScreen("选择要删除的联系记录", choices, allow_all=False), picked)

    def delete_contact(self, contact_id: int) -> None:
        """Soft-delete (audited), then every screen reloads."""
        self.write_then_show("case-write", lambda: soft_delete_contact(contact_id),
                             lambda _contact: self.notify("已删除联系记录"))

    def action_history(self) -> None:
        """h: every change of this person, their cases and contacts."""
        if self.detail:
            self.app.push_screen(HistoryScreen(self.detail.person_id, self.detail.name))

    def action_attachments(self) -> None:
        """f: the case's photos and papers."""
        if self.detail:
            self.app.push_screen(AttachmentsScreen(self.case_id, self.detail.name))
