"""F1: every key, screen by screen, and the pace rule of the dashboard."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.reports.dashboard import PACE_RULE_TEXT


KEYS = [
    ("全局（任何界面）", [
        ("F1", "帮助（本页）"), ("F2", "电话回访：快速记录一次回访或走访"), ("F3", "总览"), ("F4", "排查对象列表"),
        ("/", "搜索：姓名、拼音首字母（如 lzm）、全拼、身份证号后4-6位、电话；「非排查对象」按 Enter、新人按 F5，新增为排查对象"), ("Ctrl+P", "命令面板：所有操作和各村（居）"),
        ("Esc", "返回上一界面"), ("Ctrl+Q", "退出（当天还没有备份时先自动备份并校验）"),
        ("F6", "抽查"), ("F7", "问题与整改"), ("F8", "导入名单（Excel、WPS、CSV）"),
        ("F9", "导出/打印：进度表、三项清单、台账、报告、村级公示表"), ("F10", "设置：操作员、备份文件夹、立即备份、备份列表"),
        ("Ctrl+N", "人员与工作量"), ("Ctrl+L", "修改记录：全镇的修改，已删除记录的恢复"),
    ]),
    ("总览", [("Enter", "打开所选村（居），或逾期事项对应的对象"), ("Tab", "在村（居）表和逾期事项间切换"), ("F5", "刷新")]),
    ("村（居）", [("p", "本村包片：片区、负责人、关键词、自动分片"), ("r", "本村验收、满意度测评、通报约谈"),
                ("Tab", "在片区、人员、对象表间切换")]),
    ("排查对象 / 村（居） / 包片的对象表", [
        ("上下、PgUp、PgDn", "移动光标、翻页"), ("Home、End、g、G", "第一条、最后一条"), ("Enter", "打开对象详情"),
        ("v", "按村（居）筛选"), ("z", "按片区筛选"), ("m", "按负责人筛选"), ("c", "按类别筛选"), ("s", "按状态筛选"),
        ("o", "只看跟进逾期"), ("j", "研判结论：符合/不符合/全部"), ("f", "筛选栏：姓名或拼音首字母"),
        ("b", "按在保情况筛选：未在保、在保、某类在保（对照导入的在保名单）"),
        ("x", "清除全部筛选"), ("1-9", "按第几列排序，再按一次倒序"),
        ("u", "只看未分片的对象（再按一次显示全部）"), ("空格", "标记或取消标记光标所在的对象"),
        ("a", "把标记的对象（没有标记时为当前筛选的全部）分到片区"),
        ("t", "入户调查表：标记的对象（没有标记时为当前筛选的全部）所在的户，每户一页"),
        ("n", "新增排查对象（名单以外的人，如第7类 其他困难群众；记下发现人和方式）"),
        ("w", "从文件夹添加附件：照片按姓名或身份证号后4-6位对应到人，先预览再添加"),
    ]),
    ("包片（村（居）里按 p）", [
        ("n", "新增片区"), ("e", "修改片区：名称、负责人、地址关键词"), ("d", "删除片区（其中的对象变为未分片）"),
        ("p", "按地址关键词自动分片：先看预览，按 y 确认后才修改"),
        ("Tab", "在片区表和对象表间切换"),
    ]),
    ("人员（Ctrl+N）", [
        ("a", "新增人员"), ("e", "修改"), ("t", "停用或重新启用（记录保留）"), ("d", "删除（有记录的人员不能删除）"),
        ("c", "把光标所在的驻村干部设为某村（居）的驻村干部"),
    ]),
    ("抽查（F6）", [
        ("n", "新一轮抽查：填好参数按 Ctrl+S 看样本，再按 Ctrl+S 保存"),
        ("Enter", "记录所选轮次的结果"), ("r", "用保存的种子和参数重新推算，核对样本"), ("d", "删除尚未记录结果的轮次"),
    ]),
    ("抽查记录", [
        ("1", "合格"), ("2", "不合格：填写发现的问题，生成问题和整改（期限15天）"), ("3", "无法核实"),
        ("f", "填写或修改发现的问题"), ("x", "清除结果"), ("o", "打开对象详情"),
    ]),
    ("在保对照（Ctrl+P 「漏保」疑似对象、「漏救」检查、名单核对）", [
        ("Tab", "在「漏保」疑似对象、「漏救」检查、与在保名单不一致三张表间切换"), ("Enter", "打开对象详情"),
        ("a", "一步分派「漏保」疑似对象：按住址分入片区，交给片区负责人（已有负责人的不变）"),
        ("m", "把「漏保」疑似对象全部交给一名工作人员"), ("v", "按村（居）筛选"), ("F5", "刷新"),
        ("在保名单", "F8 导入时排查类别选「在保名单：低保」等；对象表按 b 筛选未在保、在保或某类在保"),
    ]),
    ("问题与整改（F7）", [
        ("n", "新增问题"), ("e", "修改问题"), ("r", "整改：措施、责任人、期限、进展、完成日期、佐证"),
        ("v", "按村（居）筛选"), ("o", "只看整改逾期"), ("Enter", "打开问题对应的对象"),
    ]),
    ("验收测评（村（居）里按 r）", [("a", "验收"), ("s", "满意度测评"), ("t", "通报或约谈"), ("d", "删除一条记录")]),
    ("对象详情", [
        ("i", "显示完整身份证号30秒（记入修改记录）"), ("e", "修改人员信息，含家庭（户主、家庭人口、年人均收入、住房和财产）和是否重病"),
        ("g", "添加家庭成员（先在 e 中设置户主）"), ("j", "研判：符合或不符合"),
        ("b", "新增救助申请（急难型临时救助可先行救助）"),
        ("n", "推进救助办理环节（公示未满期限审核确认须填理由；先行救助的补办手续）"), ("d", "删除一条联系记录"), ("F2", "为本对象记录回访"),
        ("p", "登记或修改信访"), ("y", "信访延期（一次，最多30天，须写理由）"), ("c", "信访办结"),
        ("q", "登记或修改本对象的问题"), ("r", "填写整改"),
        ("h", "此人的修改记录（人员、排查对象、联系记录）"),
        ("f", "附件（照片、佐证材料）：a 添加、o 打开、d 删除、s 已删除、r 恢复"),
    ]),
    ("电话回访（F2）", [
        ("Ctrl+S", "保存并关闭"), ("Esc", "放弃（已输入内容时先确认）"),
        ("F5、F6、F7、F8", "方式：电话回访、入户走访、来访、微信"),
        ("Ctrl+G、Ctrl+R、Ctrl+T", "下次跟进：7天、15天、30天后（也可在日期栏输入 +7、+15、+30）"),
        ("日期", "走访或联系的日期，默认今天；补记以前的写实际日期或 -2（2天前），不能晚于今天"),
        ("参加人员", "空格选择，可多选（包片干部、村干部、驻村干部、经办人），本村人员在前；入户走访自动选上负责人"),
        ("日期格式", "可写作 2021-03-05、2021/3/5、2021.3.5、2021年3月5日、20210305、+N、-N"),
        ("状态", "入户走访后为「已走访」；电话、微信、来访只算「已联系」，不计入走访率；保存不改变负责人"),
    ]),
    ("表单", [("Ctrl+S", "保存"), ("Tab、Shift+Tab", "下一项、上一项"), ("Esc", "取消")]),
    ("修改记录（Ctrl+L，详情页 h）", [
        ("上下", "选择一条，下方显示修改前后的每一项（身份证号、电话已打码）"), ("PgUp、PgDn", "上一页、下一页"),
        ("o", "按操作员筛选"), ("t", "按类别筛选（人员、排查对象、走访等）"), ("d", "按日期范围筛选"),
        ("x", "清除筛选"), ("s", "已删除的记录（30天内）与修改记录之间切换"), ("r", "恢复所选的已删除记录（先确认）"),
    ]),
    ("设置（F10）", [("Ctrl+S", "保存操作员和备份文件夹"), ("F5", "立即备份并校验"), ("F6", "备份列表（其中 c 逐个校验）"),
                  ("F7", "整治工作（年度）"), ("F4", "村（居）名单")]),
    ("村（居）名单（设置里 F4，或命令面板）", [
        ("a", "新增村（居）（写成「后龙村委会」也按「后龙村」保存）"), ("e", "改名（原名称保留为别名）"),
        ("c", "区划代码"), ("k、j", "上移、下移（总览和各表按此顺序）"),
        ("l、x", "加别名、删别名（名单里的另一种写法）"),
        ("m", "合并到另一个村（居）：选目标，看预览，按 y 确认"), ("d", "删除（只能删除没有任何记录的）"),
    ]),
    ("整治工作（设置里 F7，或命令面板）", [
        ("Ctrl+S", "保存名称、文号、年度、报告截止和阶段"), ("Tab", "在栏目和各表格间移动"),
        ("a、e、d", "在阶段、排查类别、低保标准表里：新增、修改、删除（有对象的类别为停用，再按 d 恢复）"),
        ("k、j", "阶段上移、下移"), ("n", "按模板新建一年的整治工作"), ("c", "在整治工作表里：设为当前"),
        ("Enter", "整治工作表：查看和修改该项；未完成事项表：打开对象"),
    ]),
    ("导入名单（F8）", [("Enter", "读取输入的文件"), ("F5", "试导入（不写入）"), ("Ctrl+S", "确认导入"),
                     ("Esc", "取消正在进行的导入，或返回")]),
    ("导出/打印（F9）", [("Ctrl+S", "导出"), ("Ctrl+T", "导出并送到默认打印机"), ("Ctrl+O", "用默认程序打开导出的文件"),
                      ("Ctrl+E", "打印设置：主送单位、监督电话、制表人、审核人"), ("Esc", "返回")]),
    ("程序已在运行", [("r", "以只读方式打开（状态行显示「只读」，所有修改的按键不可用）"), ("q、Esc", "退出本窗口")]),
    ("首次使用", [("Ctrl+S", "保存乡镇、区（县）和操作员"), ("Ctrl+D", "载入演示数据（先试用，之后可清除）"),
               ("F8", "导入名单"), ("F5", "整治工作：名称、文号、阶段、排查类别")]),
    ("搜索（/）", [("上下", "在结果中移动"), ("Enter", "打开所选对象；「非排查对象」新增为排查对象"),
                 ("F5", "新增排查对象（查不到的新人）"), ("Esc", "返回")]),
    ("附件（对象详情里按 f）", [("a", "添加"), ("o", "用默认程序打开"), ("d", "删除"), ("s", "已删除的附件"),
                         ("r", "恢复所选的已删除附件")]),
    ("从文件夹添加附件（对象表里按 w）", [("Ctrl+S", "先预览对应关系，再按一次添加"), ("Esc", "返回")]),
    ("自动分片预览（包片里按 p）", [("y", "应用以上修改（先确认）"), ("Tab", "在两张表间切换"), ("Esc", "关闭，不修改")]),
    ("抽查样本（新一轮抽查里按 Ctrl+S）", [("Ctrl+S、y", "保存本轮"), ("Esc", "返回修改参数")]),
    ("备份列表（设置里 F6）", [("c", "逐个快速校验备份文件"), ("Esc", "返回")]),
    ("退出前备份", [("Enter", "备份后退出"), ("Esc", "返回程序")]),
    ("确认", [("y、Enter", "是"), ("n、Esc", "否")]),
    ("选择列表", [("上下", "移动"), ("Enter", "选定"), ("Esc", "取消")]),
    ("帮助（F1）", [("Esc、F1、q", "关闭本页")]),
]

# Which screens' and widgets' BINDINGS each section describes ("module:Class", module under tui/screens or
# tui/widgets; "app:YingbaoApp" is the app). tests/test_tui_help_keys.py fails when a binding of any of them
# is missing from its section, or when a class with bindings is in no section.
SECTION_BINDINGS: dict[str, tuple[str, ...]] = {
    "全局（任何界面）": ("app:YingbaoApp",),
    "总览": ("dashboard:DashboardScreen",),
    "村（居）": ("village:VillageScreen",),
    "排查对象 / 村（居） / 包片的对象表": ("cases:CasesScreen", "case_browser:CaseBrowser", "paged_table:PagedTable"),
    "包片（村（居）里按 p）": ("zones:ZonesScreen",),
    "人员（Ctrl+N）": ("members:MembersScreen",),
    "抽查（F6）": ("spotcheck:SpotCheckScreen",),
    "抽查记录": ("spotcheck_record:RecordScreen",),
    "在保对照（Ctrl+P 「漏保」疑似对象、「漏救」检查、名单核对）": ("rosters:RostersScreen",),
    "问题与整改（F7）": ("problems:ProblemsScreen",),
    "验收测评（村（居）里按 r）": ("reviews:ReviewsScreen",),
    "对象详情": ("case_detail:CaseDetailScreen",),
    "电话回访（F2）": ("followup:FollowupScreen",),
    "表单": ("form:FormScreen", "date_range:DateRangeScreen"),
    "修改记录（Ctrl+L，详情页 h）": ("history:HistoryScreen",),
    "设置（F10）": ("settings:SettingsScreen",),
    "村（居）名单（设置里 F4，或命令面板）": ("villages:VillagesScreen",),
    "整治工作（设置里 F7，或命令面板）": ("campaign:CampaignScreen",),
    "导入名单（F8）": ("import_wizard:ImportWizard",),
    "导出/打印（F9）": ("export:ExportScreen",),
    "程序已在运行": ("already_running:AlreadyRunningScreen",),
    "首次使用": ("welcome:WelcomeScreen",),
    "搜索（/）": ("search:SearchScreen",),
    "附件（对象详情里按 f）": ("attachments:AttachmentsScreen",),
    "从文件夹添加附件（对象表里按 w）": ("attach_folder:AttachFolderScreen",),
    "自动分片预览（包片里按 p）": ("zone_preview:ZonePreviewScreen",),
    "抽查样本（新一轮抽查里按 Ctrl+S）": ("spotcheck_draw:SampleScreen",),
    "备份列表（设置里 F6）": ("backup_list:BackupListScreen",),
    "退出前备份": ("exit_backup:ExitBackupScreen",),
    "确认": ("confirm:ConfirmScreen",),
    "选择列表": ("pick:PickScreen",),
    "帮助（F1）": ("help:HelpScreen",),
}


def key_label(key: str) -> str:
    """How help writes a key Textual names ``key``: ctrl+s is Ctrl+S, f5 is F5, a letter is itself."""
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    if len(key) > 1 and key[0] == "f" and key[1:].isdigit():
        return key.upper()
    return key


def _keys_grid(keys: list[tuple[str, str]]) -> Table:
    """One section's keys: a long description wraps in its own column, not under the keys."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=1)  # the indent under the section title
    grid.add_column(width=17, overflow="fold")  # fold, never an ellipsis (an ambiguous-width glyph)
    grid.add_column(ratio=1, overflow="fold")
    for key, what in keys:
        grid.add_row("", Text(key if cell_len(key) <= 17 else key.replace("、", "、\n")), Text(what))
    return grid


def help_body() -> Group:
    """Every key, section by section, then the dashboard's pace rule and the benefit abbreviations."""
    parts: list = []
    for title, keys in KEYS:
        parts += [Text(title, style="bold"), _keys_grid(keys), Text("")]
    parts += [Text("总览的「落后」标记", style="bold"), Padding(Text(PACE_RULE_TEXT), (0, 0, 0, 2)), Text(""),
              Text("新纳入的简称", style="bold"),
              Padding(Text("低：低保  单：低保单人户  特：特困  孤：孤儿  事：事实无人抚养儿童  临：临时救助  边：低保边缘"),
                      (0, 0, 0, 2))]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """The key list."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,q", "close", "关闭", key_display="Esc")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static("按键说明（Esc 关闭）", id="help-title")
            yield Static(help_body(), id="help-text")

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss(None)
