"""F1: every key, screen by screen, and the pace rule of the dashboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.dashboard import PACE_RULE_TEXT

KEYS = [
    ("全局（任何界面）", [
        ("F1", "帮助（本页）"), ("F2", "电话回访：快速记录一次回访或走访"), ("F3", "总览"), ("F4", "排查对象列表"),
        ("/", "搜索：姓名、拼音首字母（如 lzm）、全拼、身份证号后4-6位、电话"), ("Ctrl+P", "命令面板：所有操作和各村（居）"),
        ("Esc", "返回上一界面"), ("Ctrl+Q", "退出"),
    ]),
    ("总览", [("Enter", "打开所选村（居），或逾期事项对应的对象"), ("Tab", "在村（居）表和逾期事项间切换"), ("F5", "刷新")]),
    ("排查对象 / 村（居）", [
        ("上下、PgUp、PgDn", "移动光标、翻页"), ("Home、End", "第一条、最后一条"), ("Enter", "打开对象详情"),
        ("v", "按村（居）筛选"), ("z", "按片区筛选"), ("m", "按负责人筛选"), ("c", "按类别筛选"), ("s", "按状态筛选"),
        ("o", "只看跟进逾期"), ("j", "研判结论：符合/不符合/全部"), ("f", "筛选栏：姓名或拼音首字母"),
        ("x", "清除全部筛选"), ("1-8", "按第几列排序，再按一次倒序"),
    ]),
    ("对象详情", [
        ("i", "显示完整身份证号30秒（记入修改记录）"), ("e", "修改人员信息"), ("j", "研判：符合或不符合"),
        ("b", "新增救助申请"), ("n", "推进救助办理环节"), ("d", "删除一条联系记录"), ("F2", "为本对象记录回访"),
    ]),
    ("电话回访（F2）", [
        ("Ctrl+S", "保存并关闭"), ("Esc", "放弃（已输入内容时先确认）"),
        ("F5、F6、F7、F8", "方式：电话回访、入户走访、来访、微信"),
        ("Ctrl+G、Ctrl+R、Ctrl+T", "下次跟进：7天、15天、30天后（也可在日期栏输入 +7、+15、+30）"),
        ("日期", "可写作 2021-03-05、2021/3/5、2021.3.5、2021年3月5日、20210305"),
    ]),
    ("表单", [("Ctrl+S", "保存"), ("Tab、Shift+Tab", "下一项、上一项"), ("Esc", "取消")]),
]


def help_text() -> str:
    """Every key as plain text, section by section."""
    lines = []
    for title, keys in KEYS:
        lines.append(f"[b]{title}[/b]")
        lines += [f"  {key:<18}{what}" for key, what in keys]
        lines.append("")
    lines += ["[b]总览的「落后」标记[/b]", "  " + PACE_RULE_TEXT, "",
              "[b]新纳入的简称[/b]", "  低：低保  单：低保单人户  特：特困  孤：孤儿  事：事实无人抚养儿童  临：临时救助  边：低保边缘"]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """The key list."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,q", "close", "关闭", key_display="Esc")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static("按键说明（Esc 关闭）", id="help-title")
            yield Static(help_text(), id="help-text")

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss(None)
