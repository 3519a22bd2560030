"""The CLI's help in Chinese: typer's and click's own English words (Usage, Options, Show this
message and exit., [default: ...], metavars) translated in the rendered help text.

Pure text, no click import: main.py hands every command's help through chinese_help(). The
vendored click of typer 0.2x has no gettext hooks left, so the finished text is translated.
"""

from __future__ import annotations

import re

# Argument names as click prints them (usage line and the 参数 list).
ARGUMENTS = {
    "batch_id": "批次号", "campaign_id": "整治工作编号", "roster_id": "名单编号", "id_number": "身份证号",
    "attachment": "附件编号", "query": "查找内容", "kind": "种类", "files": "文件", "file": "文件",
    "folder": "文件夹", "path": "路径", "name": "名称", "old": "原名", "new": "新名", "target": "目标",
    "alias": "别名", "amount": "金额", "case": "排查对象编号", "source": "来源",
}
METAVARS = {
    "<int range>": "<整数>", "<int>": "<整数>", "<float range>": "<数字>", "<float>": "<数字>",
    "<str>": "<文字>", "<text>": "<文字>", "<path>": "<路径>", "<boolean>": "<是/否>", "<file>": "<文件>",
}
PHRASES = [
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."), ("[ARGS]...", "[参数]..."),
]
HEADINGS = {"Usage:": "用法：", "Options:": "选项：", "Commands:": "命令：", "Arguments:": "参数："}
_ARG = re.compile(r"(?<![\w-])\{?(" + "|".join(sorted(ARGUMENTS, key=len, reverse=True)) + r")\}?(\.\.\.)?(?![\w-])")
_BRACKET = re.compile(r"\[(default|env var): ([^\]]*?)(?:; ([^\]]*))?\]|\[(required)\]|\[(x[<>]=[^\]]+|\d+<=x<=\d+)\]")
_RANGE = re.compile(r"^(?:(-?\d+)<=x<=(-?\d+)|x>=(-?\d+)|x<=(-?\d+))$")


def _range(text: str) -> str:
    """click's 1<=x<=500, x>=1 as 1至500, 不小于1."""
    m = _RANGE.match(text.strip())
    if not m:
        return text
    low, high, at_least, at_most = m.groups()
    return f"{low}至{high}" if low else f"不小于{at_least}" if at_least else f"不大于{at_most}"


def _bracket(m: re.Match) -> str:
    """[default: 14; x>=1] -> [默认：14；不小于1]; [env var: X] -> [环境变量：X]; [required] -> [必填]."""
    if m.group(4):
        return "[必填]"
    if m.group(5):
        return f"[{_range(m.group(5))}]"
    label = "默认" if m.group(1) == "default" else "环境变量"
    tail = f"；{_range(m.group(3))}" if m.group(3) else ""
    return f"[{label}：{m.group(2)}{tail}]"


def _line(line: str, in_args: bool) -> str:
    """One line of help: headings, phrases, metavars, bracketed notes; argument names where they are."""
    stripped = line.strip()
    if stripped in HEADINGS:
        return line.replace(stripped, HEADINGS[stripped])
    if stripped.startswith("Usage: "):
        line = line.replace("Usage: ", "用法：", 1)
        in_args = True
    for en, zh in PHRASES:
        line = line.replace(en, zh)
    for en, zh in METAVARS.items():
        line = line.replace(en, zh)
    line = _BRACKET.sub(_bracket, line)
    if in_args:
        line = _ARG.sub(lambda m: ARGUMENTS[m.group(1)] + (m.group(2) or ""), line, count=0)
    return line


def _entries(lines: list[str]) -> list[list[str]]:
    """The two columns of a section's lines (name, help), continuation lines joined to their entry."""
    rows: list[list[str]] = []
    for line in lines:
        if line.startswith("  ") and not line.startswith("   ") or not rows:
            head, _, rest = line.strip().partition("  ")
            rows.append([head, rest.strip()])
        else:
            rows[-1][1] += " " + line.strip() if rows[-1][1] else line.strip()
    return rows


def _table(lines: list[str], width: int, in_args: bool) -> list[str]:
    """A section laid out again by display width (a CJK char is two cells), help wrapped to width."""
    from rich.cells import cell_len
    from rich.text import Text

    rows = [[_line(h, in_args), _line(r, False)] for h, r in _entries(lines)]
    col = min(max(cell_len(h) for h, _ in rows) + 4, max(12, width // 3))
    out = []
    for head, rest in rows:
        wrapped = [str(t) for t in Text(rest).wrap(_console(), max(20, width - col))] if rest else [""]
        if cell_len(head) + 4 > col:
            out.append("  " + head)
            out.extend(" " * col + w for w in wrapped if w)
            continue
        out.append(("  " + head + " " * (col - 2 - cell_len(head)) + wrapped[0]).rstrip())
        out.extend(" " * col + w for w in wrapped[1:])
    return out


def _console():
    """A plain rich console for wrapping (no terminal needed)."""
    from rich.console import Console

    return Console(width=1000, no_color=True)


def chinese_help(text: str, width: int = 80) -> str:
    """A command's rendered --help (rendered unwrapped) with click's and typer's English in Chinese,
    its option and command columns aligned by display width."""
    out: list[str] = []
    section, body = "", []
    for line in text.split("\n") + [""]:
        stripped = line.strip()
        if section and line.startswith("  "):
            body.append(line)
            continue
        if body:
            out.extend(_table(body, width, section == "Arguments:"))
            body = []
        section = stripped if stripped in HEADINGS and stripped != "Usage:" else ""
        if line.startswith("  ") and not section:  # a paragraph of the description
            from rich.text import Text

            out.extend("  " + str(t) for t in Text(stripped).wrap(_console(), max(20, width - 2)))
            continue
        out.append(_line(line, stripped.startswith("Usage: ")))
    return "\n".join(out[:-1])
