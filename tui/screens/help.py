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
        ("/", "搜索：姓名、拼音首字母（如 lzm）、全拼、身份证号后4-6位、电话"), ("Ctrl+P", "命令面板：所有操作和各村（居）"),
        ("Esc", "返回上一界面"), ("Ctrl+Q", "退出（当天还没有备份时先自动备份并校验）"),
        ("F6", "导入名单（Excel、WPS、CSV）"), ("F7", "导出/打印：进度表、名单、台账、报告"),
        ("F8", "修改记录：全镇的修改，已删除记录的恢复"), ("F9", "设置：操作员、备份文件夹、立即备份、备份列表"),
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
        ("h", "此人的修改记录（人员、排查对象、联系记录）"),
    ]),
    ("电话回访（F2）", [
        ("Ctrl+S", "保存并关闭"), ("Esc", "放弃（已输入内容时先确认）"),
        ("F5、F6、F7、F8", "方式：电话回访、入户走访、来访、微信"),
        ("Ctrl+G、Ctrl+R、Ctrl+T", "下次跟进：7天、15天、30天后（也可在日期栏输入 +7、+15、+30）"),
        ("日期", "可写作 2021-03-05、2021/3/5、2021.3.5、2021年3月5日、20210305"),
    ]),
    ("表单", [("Ctrl+S", "保存"), ("Tab、Shift+Tab", "下一项、上一项"), ("Esc", "取消")]),
    ("修改记录（F8，详情页 h）", [
        ("上下", "选择一条，下方显示修改前后的每一项（身份证号、电话已打码）"), ("PgUp、PgDn", "上一页、下一页"),
        ("o", "按操作员筛选"), ("t", "按类别筛选（人员、排查对象、走访等）"), ("d", "按日期范围筛选"),
        ("x", "清除筛选"), ("s", "已删除的记录（30天内）与修改记录之间切换"), ("r", "恢复所选的已删除记录（先确认）"),
    ]),
    ("设置（F9）", [("Ctrl+S", "保存操作员和备份文件夹"), ("F5", "立即备份并校验"), ("F6", "备份列表（其中 c 逐个校验）")]),
    ("导入名单（F6）", [("Enter", "读取输入的文件"), ("F5", "试导入（不写入）"), ("Ctrl+S", "确认导入"),
                     ("Esc", "取消正在进行的导入，或返回")]),
    ("导出/打印（F7）", [("Ctrl+S", "导出"), ("Ctrl+O", "用默认程序打开导出的文件"), ("Esc", "返回")]),
    ("程序已在运行", [("r", "以只读方式打开（状态行显示「只读」，所有修改的按键不可用）"), ("q、Esc", "退出本窗口")]),
]


def help_text() -> str:
    """Every key as plain text, section by section."""
    lines = []
    for title, keys in KEYS:
        lines.append(f"[b]{title}[/b]")
        lines += [f"  {pad(key, 18)}{what}" for key, what in keys]  # cells, not characters (、 is wide)
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
