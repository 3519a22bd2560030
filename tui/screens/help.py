"""F1: every key, screen by screen, and the pace rule of the dashboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.dashboard import PACE_RULE_TEXT

from ..text import pad

KEYS = [
    ("全局（任何界面）", [
        ("F1", "帮助（本页）"), ("F2", "电话回访：快速记录一次回访或走访"), ("F3", "总览"), ("F4", "排查对象列表"),
        ("/", "搜索：姓名、拼音首字母（如 lzm）、全拼、身份证号后4-6位、电话"),
        ("F6", "人员与工作量"), ("F7", "抽查"), ("F8", "问题与整改"), ("Ctrl+P", "命令面板：所有操作和各村（居）"),
        ("Esc", "返回上一界面"), ("Ctrl+Q", "退出"),
    ]),
    ("总览", [("Enter", "打开所选村（居），或逾期事项对应的对象"), ("Tab", "在村（居）表和逾期事项间切换"), ("F5", "刷新")]),
    ("村（居）", [("p", "本村包片：片区、负责人、关键词、自动分片"), ("r", "本村验收、满意度测评、通报约谈"),
                ("Tab", "在片区、人员、对象表间切换")]),
    ("排查对象 / 村（居） / 包片的对象表", [
        ("上下、PgUp、PgDn", "移动光标、翻页"), ("Home、End", "第一条、最后一条"), ("Enter", "打开对象详情"),
        ("v", "按村（居）筛选"), ("z", "按片区筛选"), ("m", "按负责人筛选"), ("c", "按类别筛选"), ("s", "按状态筛选"),
        ("o", "只看跟进逾期"), ("j", "研判结论：符合/不符合/全部"), ("f", "筛选栏：姓名或拼音首字母"),
        ("x", "清除全部筛选"), ("1-8", "按第几列排序，再按一次倒序"),
        ("u", "只看未分片的对象（再按一次显示全部）"), ("空格", "标记或取消标记光标所在的对象"),
        ("a", "把标记的对象（没有标记时为当前筛选的全部）分到片区"),
    ]),
    ("包片（村（居）里按 p）", [
        ("n", "新增片区"), ("e", "修改片区：名称、负责人、地址关键词"), ("d", "删除片区（其中的对象变为未分片）"),
        ("p", "按地址关键词自动分片：先看预览，按 y 确认后才修改"),
        ("Tab", "在片区表和对象表间切换"),
    ]),
    ("人员（F6）", [
        ("a", "新增人员"), ("e", "修改"), ("t", "停用或重新启用（记录保留）"), ("d", "删除（有记录的人员不能删除）"),
        ("c", "把光标所在的驻村干部设为某村（居）的驻村干部"),
    ]),
    ("抽查（F7）", [
        ("n", "新一轮抽查：填好参数按 Ctrl+S 看样本，再按 Ctrl+S 保存"),
        ("Enter", "记录所选轮次的结果"), ("r", "用保存的种子和参数重新推算，核对样本"), ("d", "删除尚未记录结果的轮次"),
    ]),
    ("抽查记录", [
        ("1", "合格"), ("2", "不合格：填写发现的问题，生成问题和整改（期限15天）"), ("3", "无法核实"),
        ("f", "填写或修改发现的问题"), ("x", "清除结果"), ("o", "打开对象详情"),
    ]),
    ("问题与整改（F8）", [
        ("n", "新增问题"), ("e", "修改问题"), ("r", "整改：措施、责任人、期限、进展、完成日期、佐证"),
        ("v", "按村（居）筛选"), ("o", "只看整改逾期"), ("Enter", "打开问题对应的对象"),
    ]),
    ("验收测评（村（居）里按 r）", [("a", "验收"), ("s", "满意度测评"), ("t", "通报或约谈"), ("d", "删除一条记录")]),
    ("对象详情", [
        ("i", "显示完整身份证号30秒（记入修改记录）"), ("e", "修改人员信息"), ("j", "研判：符合或不符合"),
        ("b", "新增救助申请"), ("n", "推进救助办理环节"), ("d", "删除一条联系记录"), ("F2", "为本对象记录回访"),
        ("p", "登记或修改信访"), ("y", "信访延期（一次，最多30天，须写理由）"), ("c", "信访办结"),
        ("q", "登记或修改本对象的问题"), ("r", "填写整改"),
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
        lines += [f"  {pad(key, 18)}{what}" for key, what in keys]
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
