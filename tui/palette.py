"""The command palette in Chinese: its placeholder, its messages, every action and village."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandInput, CommandList, CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets.option_list import Option

from .messages import OpenVillage


class ChinesePalette(CommandPalette):
    """Textual's command palette with Chinese text."""

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="输入命令或村名，回车执行，Esc 关闭", **kwargs)

    def on_mount(self) -> None:
        """A steady cursor (no blinking repaint under the IME window)."""
        self.query_one(CommandInput).cursor_blink = False

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Say 「没有匹配的命令」 instead of the English line."""
        self._stop_no_matches_countdown()

        def show() -> None:
            """Add the Chinese no-match line."""
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text("没有匹配的命令", style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


def _campaign_screen():
    """The 整治工作 screen (imported when chosen)."""
    from .screens.campaign import CampaignScreen

    return CampaignScreen()


def _villages_screen():
    """The 村（居）名单 screen (imported when chosen)."""
    from .screens.villages import VillagesScreen

    return VillagesScreen()


def _rosters_screen(view: str):
    """The 在保对照 screen on one of its lists (imported when chosen)."""
    from .screens.rosters import RostersScreen

    return RostersScreen(view)


def _export_screen(app, kind: str):
    """The export screen with a kind chosen."""
    from .screens.export import ExportScreen

    return ExportScreen(app.today(), kind=kind)


def _keyed(app, text: str, action: str) -> str:
    """``text`` with the key that runs ``action``, read from the app's BINDINGS (the footer's and F1's source)."""
    for binding in app.BINDINGS:
        if isinstance(binding, Binding) and binding.action == action:
            return f"{text}（{binding.key_display or binding.key}）"
    return text


def binding_of(screen: Screen, action: str) -> tuple[DOMNode, str | None]:
    """Where a screen's palette action runs and the key that runs it, read from the BINDINGS of the screen
    and of every widget in it (the footer's and F1 help's source): a widget's own action (the case
    browser's 「overdue」) runs on that widget. No binding: the screen runs it, with no key shown."""
    for node in [screen, *screen.query("*")]:
        for cls in type(node).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.action == action:
                    return node, binding.key_display or binding.key
    return screen, None


def palette_commands(app, screen) -> list[SystemCommand]:
    """Every action of the app, this screen's actions, then every village by name."""
    from .screens.reviews import ReviewsScreen
    from .screens.zones import ZonesScreen

    run = app.run_action
    cmds = [
        SystemCommand("总览", _keyed(app, "各村进度与逾期事项", "dashboard"), lambda: run("dashboard")),
        SystemCommand("排查对象", _keyed(app, "对象列表，筛选与排序", "cases"), lambda: run("cases")),
        SystemCommand("搜索", _keyed(app, "按姓名、拼音首字母、身份证号后几位或电话查找", "search"), lambda: run("search")),
        SystemCommand("电话回访", _keyed(app, "快速记录一次回访或走访", "followup"), lambda: run("followup")),
        SystemCommand("人员与工作量", _keyed(app, "两委成员、驻村干部等，新增、修改、停用", "members"), lambda: run("members")),
        SystemCommand("抽查", _keyed(app, "抽查轮次：抽取、记录结果、重新推算", "spotchecks"), lambda: run("spotchecks")),
        SystemCommand("问题与整改", _keyed(app, "问题清单和整改清单", "problems"), lambda: run("problems")),
        SystemCommand("导入名单", _keyed(app, "从Excel或CSV名单导入排查对象", "import_list"), lambda: run("import_list")),
        SystemCommand("导出/打印", _keyed(app, "进度表、名单、台账、报告等", "export"), lambda: run("export")),
        SystemCommand("入户调查表", "每户一页的入户调查表（.docx）：按村（居）、片区，预填或空白（对象表里按 t 为标记的对象）",
                      lambda: app.push_screen(_export_screen(app, "survey"))),
        SystemCommand("「漏保」疑似对象", "未在保而名单信息显示可能符合条件的对象，按可能性排序并说明原因，可一步分派",
                      lambda: app.push_screen(_rosters_screen("suspects"))),
        SystemCommand("「漏救」检查", "低保对象自付医疗费用高、在保家庭有新增残疾人，未记录临时救助",
                      lambda: app.push_screen(_rosters_screen("gaps"))),
        SystemCommand("名单核对", "本系统的纳入与现行在保名单不一致的对象（导入新名单后核对）",
                      lambda: app.push_screen(_rosters_screen("mismatches"))),
        SystemCommand("修改记录", _keyed(app, "全镇修改记录，按操作员、类别、日期筛选；恢复已删除的记录", "history"), lambda: run("history")),
        SystemCommand("设置", _keyed(app, "操作员、备份文件夹、立即备份、备份列表", "settings"), lambda: run("settings")),
        SystemCommand("立即备份", "备份并校验数据库（设置里 F5）", lambda: run("backup_now")),
        SystemCommand("整治工作", "年度、文号、阶段、排查类别、低保标准，新建或切换整治工作（设置里 F7）",
                      lambda: app.push_screen(_campaign_screen())),
        SystemCommand("村（居）名单", "新增、改名、代码、顺序、别名，合并重复的村（居）（设置里 F4）",
                      lambda: app.push_screen(_villages_screen())),
        SystemCommand("帮助", _keyed(app, "所有按键", "help"), lambda: run("help")),
        SystemCommand("退出", _keyed(app, "退出程序，当天未备份时先备份", "quit"), lambda: run("quit")),
    ]
    for title, help_text, action in getattr(screen, "PALETTE", []):
        node, key = binding_of(screen, action)
        shown = f"{help_text}（{key}）" if key else help_text
        cmds.append(SystemCommand(title, shown, lambda a=action, n=node: n.run_action(a)))
    for vid, name in app.villages:
        cmds.append(SystemCommand(f"村（居）：{name}", "打开该村（居）的片区、人员和排查对象",
                                  lambda v=vid: app.post_message(OpenVillage(v)), discover=False))
        cmds.append(SystemCommand(f"包片：{name}", "该村（居）的片区，分片和自动分片",
                                  lambda v=vid, n=name: app.push_screen(ZonesScreen(v, n)), discover=False))
        cmds.append(SystemCommand(f"验收测评：{name}", "该村（居）的验收、满意度测评、通报约谈",
                                  lambda v=vid, n=name: app.push_screen(ReviewsScreen(v, n)), discover=False))
    return cmds
