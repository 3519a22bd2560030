"""Normalise single cell values: dates, amounts, text, names, villages, sex, disability codes.

Parsers raise ValueError with a Chinese message for values they cannot accept; they never guess a
default (no "today" for a bad date, no zero for a bad amount).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from store.town.village_names import stem

EXCEL_EPOCH_1900 = date(1899, 12, 30)
EXCEL_EPOCH_1904 = date(1904, 1, 1)
MAX_SERIAL = 73_415  # 2100-12-31, the end of the accepted year range
YMD = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
TIME_TAIL = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
UNIT_FACTORS = {"元": 1, "万元": 10_000, "万": 10_000, "千元": 1_000}
AMOUNT = re.compile(r"^([-+]?\d+(?:\.\d+)?)(元|万元|万|千元)?$")
CENT = Decimal("0.01")
FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]").search  # a char FULLWIDTH translates
STRIP_CHARS = " \t\r\n\u3000\u00a0\ufeff\u200b\u200c\u200d\u2060"
DOTS = "\u2022\u30fb\u2027\uff65\u2219\u22c5\u0387\u2e31\u00b7"
# Invisible characters: zero-width spaces and joiners, direction marks and overrides, soft hyphen,
# BOM, and control codes. A name holding one is never found by `find` (and may reorder or colour a
# terminal): they are removed from names, and the row is flagged.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
INVISIBLE_NOTE = "姓名中有不可见字符（如零宽空格、方向控制符），已删除"
TOTAL_WORDS = re.compile(r"^(合计|小计|总计|共计)")
SEX = {"男": "男", "男性": "男", "1": "男", "m": "男", "male": "男",
       "女": "女", "女性": "女", "2": "女", "f": "女", "female": "女"}
GRADE_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "壹": 1, "贰": 2, "叁": 3, "肆": 4,
               "1": 1, "2": 2, "3": 3, "4": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}
GRADE = re.compile(r"^(iv|iii|ii|i|[一二三四壹贰叁肆1-4])(?:级|等)?(?:残疾)?(?:\(.*\))?$")
CATEGORIES = {"视力": 1, "听力": 2, "言语": 3, "语言": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}


def parse_date(value: Any, *, datemode: int = 0) -> date:
    """A date from a date/datetime, an Excel serial number or a whitelisted text format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError("日期为空" if value is None else f"无法识别的日期：{value}")
    if isinstance(value, (time, timedelta)):  # a date cell before 1900 (or a time) reads as a time of day
        raise ValueError(f"不是日期（Excel 中这一格是时间 {value}，或是早于1900年的日期）。"
                         "请在 Excel 中核对，日期请写成 2021-03-05 这样")
    if isinstance(value, (int, float)):
        return _number_date(value, datemode)
    return _text_date(str(value), datemode)


def _number_date(value: float, datemode: int) -> date:
    """An Excel serial number, or a yyyymmdd number like 20210305."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"无法识别的日期：{value}")
    compact = YMD_COMPACT.match(str(int(value))) if float(value).is_integer() else None
    if 19_000_101 <= value <= 21_001_231 and compact:
        return _ymd(str(int(value)), *compact.groups())
    serial = int(math.floor(value))
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"日期数值超出范围：{value}")
    if datemode == 1:
        return EXCEL_EPOCH_1904 + timedelta(days=serial)
    if serial == 60:
        raise ValueError("日期无效：Excel序列号60对应不存在的1900年2月29日")
    return EXCEL_EPOCH_1900 + timedelta(days=serial + (1 if serial < 60 else 0))


def _text_date(raw: str, datemode: int) -> date:
    """A date written as text in one of the whitelisted formats."""
    text = TIME_TAIL.sub("", unicodedata.normalize("NFKC", raw).strip())
    text = re.sub(r"\s+", "", text)
    if not text:
        raise ValueError("日期为空")
    if match := YMD.match(text) or YMD_COMPACT.match(text):
        return _ymd(raw.strip(), *match.groups())
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _number_date(float(text), datemode)
    raise ValueError(f"无法识别的日期格式：{raw.strip()}（可用格式如2021-03-05、2021年3月5日）")


def _ymd(raw: str, year: str, month: str, day: str) -> date:
    """Build a date, with a Chinese message for an impossible one."""
    try:
        result = date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"日期不存在：{raw}") from None
    if not 1900 <= result.year <= 2100:
        raise ValueError(f"日期年份超出范围：{raw}")
    return result


def parse_amount(value: Any, unit: str | None = None) -> Decimal:
    """An amount in yuan (Decimal rounded to 0.01) from a number or text, using the column unit."""
    factor = _unit_factor(unit)
    if isinstance(value, bool) or value is None:
        raise ValueError("金额为空" if value is None else f"无法识别的金额：{value}")
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"无法识别的金额：{value}")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        number, factor = _text_amount(str(value), factor)
    return (number * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def _unit_factor(unit: str | None) -> int:
    """The multiplier of a column unit (None means yuan)."""
    if not unit:
        return 1
    key = unicodedata.normalize("NFKC", unit).strip()
    if key not in UNIT_FACTORS:
        raise ValueError(f"未知的金额单位：{unit}")
    return UNIT_FACTORS[key]


def _text_amount(raw: str, factor: int) -> tuple[Decimal, int]:
    """Parse '1,234.50', '1.2万元', '¥300 元'; a unit in the text overrides the column's."""
    text = re.sub(r"[\s,¥$]|人民币", "", unicodedata.normalize("NFKC", raw))
    if not text:
        raise ValueError("金额为空")
    match = AMOUNT.match(text)
    if not match:
        raise ValueError(f"无法识别的金额：{raw.strip()}")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        raise ValueError(f"无法识别的金额：{raw.strip()}") from None
    return number, UNIT_FACTORS[match.group(2)] if match.group(2) else factor


def clean_text(value: Any) -> str:
    """Cell value as trimmed text: whole numbers without '.0', full-width ASCII made half-width."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).translate(FULLWIDTH).strip(STRIP_CHARS)


def _float_text(value: float) -> str:
    """A float as text; whole numbers lose '.0' unless digits may have been lost (>= 1e15)."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def clean_name(value: Any) -> str:
    """A person's name: trimmed, alignment spaces between CJK removed, middle dots unified."""
    if value.__class__ is str and value.isalpha() and HAS_FULLWIDTH(value) is None:
        return value  # letters only, none full-width: nothing to trim, join or unify (most names)
    text = str(value).strip(STRIP_CHARS) if isinstance(value, str) else clean_text(value)
    text = INVISIBLE.sub("", text)
    text = re.sub(r"(?<=[^\x00-\x7f])[\s\u3000]+(?=[^\x00-\x7f])", "", text)
    text = re.sub(f"\\s*[{DOTS}]\\s*", "\u00b7", text)
    return text.translate(FULLWIDTH).strip(STRIP_CHARS)


def village_key(name: Any) -> str:
    """A village's loosest comparison key (后龙村委会 -> 后龙); the rule lives in store/town/village_names.py."""
    return stem(clean_text(name))


def is_total_row(cells: list[Any]) -> bool:
    """True for a 合计/小计/总计 row (judged by its first two non-empty cells)."""
    texts = [re.sub(r"\s+", "", clean_text(v)) for v in cells if clean_text(v)][:2]
    return any(TOTAL_WORDS.match(t) for t in texts)


def parse_sex(value: Any) -> str | None:
    """'男' or '女' from 男/女/男性/1/2/M/F, else None."""
    return SEX.get(clean_text(value).casefold())


def parse_disability_grade(value: Any) -> int | None:
    """Disability grade 1-4 from 一级/1级/1/Ⅰ级/三级..., else None."""
    text = unicodedata.normalize("NFKC", clean_text(value)).casefold().replace(" ", "")
    match = GRADE.match(text)
    return GRADE_WORDS[match.group(1)] if match else None


def parse_disability_category(value: Any) -> int | None:
    """Disability category 1-7 (视力 听力 言语 肢体 智力 精神 多重) from a word or code, else None."""
    text = clean_text(value)
    if text in {str(i) for i in range(1, 8)}:
        return int(text)
    found = {code for word, code in CATEGORIES.items() if word in text}
    if len(found) > 1:
        return 7
    return found.pop() if found else None
