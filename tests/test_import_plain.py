"""The fast path for plain rows (importers/rows.py normalise_plain) against the full path (normalise_fully).

What a clerk would notice if they differed: a row imported by the fast path that the full path would
have rejected, warned about or skipped, or stored values that differ (a phone, an amount in fen, a
village). Every row is normalised three ways: the full path, and normalise() twice (caches cold,
then warm, as later rows of a list find them); all three must agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from importers.context import RowContext
from importers.headers import match_row
from importers.rows import PlainAt, normalise, normalise_fully, normalise_plain
from store.ids import check_char

HEADER = ["序号", "乡镇", "村(居)", "姓名", "性别", "身份证号", "出生日期", "联系电话", "家庭住址", "与户主关系",
          "就诊医院", "医疗总费用", "报销金额", "自付金额(元)", "备注"]
VILLAGES = [(1, "后龙村"), (2, "上西村"), (3, "礁头社区")]
TODAY = dt.date(2026, 11, 29)


def ident(birth: str, seq: int) -> str:
    """A valid ID number."""
    first17 = f"350505{birth}{seq:03d}"
    return first17 + check_char(first17)


def context(category: int, match, create_villages: bool = False) -> RowContext:
    """A row context for the test town (no database needed)."""
    threshold = Decimal("42000") if category == 3 else Decimal("10000") if category == 2 else None
    data = {"town": "后龙镇", "villages": VILLAGES, "threshold": threshold}
    return RowContext.build(category, data, match, create_villages=create_villages, today=TODAY)


def ident_cells() -> st.SearchStrategy:
    """(usual, unusual) ID cells: clean numbers of both sexes, and the shapes the full path handles."""
    births = st.sampled_from(["19800101", "19550228", "20010911", "20300101", "19801301"])
    clean = st.builds(ident, births, st.integers(1, 999))
    return clean, st.one_of(
        clean.map(lambda n: n[:17] + ("0" if n[17] != "0" else "1")),  # wrong check char
        clean.map(lambda n: n.lower() if n.endswith("X") else " " + n),
        clean.map(lambda n: n[:6] + n[8:17]),  # 15 digits
        st.sampled_from(["", None, 3.5050519800101e17, "abc", "３５０５０５１９８００１０１００１Ｘ"]),
    )


AMOUNT = (st.integers(0, 20_000_000).map(lambda fen: fen / 100),  # two decimals, as lists hold them
          st.one_of(st.floats(0, 1e7, allow_nan=False), st.integers(0, 200_000),
                    st.sampled_from(["", None, "1,234.5元", "abc", -5.0, 0.0, "  ", 41999.99, 9999.99])))


def columns(born: str, digits: str) -> list[tuple[st.SearchStrategy, st.SearchStrategy]]:
    """(usual, unusual) values of each column but the ID number."""
    excel_day = dt.datetime.fromisoformat(born) if born[5:7] <= "12" and born[8:10] <= "28" else born
    other_day = dt.datetime(int(digits[6:10]), 1, 1) if digits[6:10].isdigit() else None
    pick = st.sampled_from
    return [
        (pick([1.0, 2]), pick(["", None, "合计", "小计："])),
        (pick(["后龙镇"]), pick(["后龙", "峰尾镇", "", None, " 后龙镇 ", 3.0])),
        (pick(["后龙村", "后龙村委会", "上西村", "礁头社区居委会"]), pick(["前亭村", "", None, " 后龙村 ", 5.0])),
        (pick(["张三", "李四", "王五"]), pick(["李 四", "", None, "王五 ", "Ａｂ", 12.0, "赵·六", "合计"])),
        (pick(["男", "女"]), pick(["1", "2", "", None, "未知", " 男", 1.0])),
        None,  # the ID number
        (pick([born, excel_day]), pick(["", None, "1980-01-02", "  ", 19800101.0, other_day])),
        (pick(["13812345678", ""]), pick([None, 13812345678.0, "0595-1234567", "138 1234 5678", "12345",
                                          "13812345678/13912345678"])),
        (pick(["后龙村1号", ""]), pick([None, "  ", 5.0, "ＡＢ路"])),
        (pick(["户主", "配偶", ""]), pick([None, 1.0])),
        (pick(["泉港区医院", ""]), pick([None])),
        AMOUNT, AMOUNT, AMOUNT,
        (pick(["", "备注"]), pick([None])),
    ]


@st.composite
def rows(draw) -> list:
    """A plain row with up to two unusual cells (most rows of a real list are plain)."""
    usual_id, unusual_id = ident_cells()
    unusual = set(draw(st.lists(st.integers(0, len(HEADER) - 1), max_size=2)))
    number = draw(unusual_id if 5 in unusual else usual_id)
    digits = number if isinstance(number, str) and len(number) == 18 else "350505198001010010"
    born = f"{digits[6:10]}-{digits[10:12]}-{digits[12:14]}"
    cells = []
    for i, choice in enumerate(columns(born, digits)):
        cells.append(number if choice is None else draw(choice[1] if i in unusual else choice[0]))
    return cells


def seen(out) -> tuple:
    """Everything of an outcome the import uses."""
    data = out.data
    row = None if data is None else (data.source_row, data.id_number, data.id_original, data.name,
                                     list(data.person.items()), list(data.entry.items()), data.raw, data.warning,
                                     data.new_village, data.id_override)
    return out.source_row, out.cells, out.status, list(out.reasons), out.warnings, row


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=8), st.sampled_from([1, 2, 3]), st.booleans())
def test_the_fast_path_gives_what_the_full_path_gives(cells_list, category, create_villages):
    match = match_row(HEADER, 0)
    full, fast = context(category, match, create_villages), context(category, match, create_villages)
    for ctx in (full, fast):  # rows read before: every usual spelling already met (warm caches)
        for i, (village, sex) in enumerate(zip(["后龙村", "后龙村委会", "上西村", "礁头社区居委会"], "男女男女")):
            number = ident("19800101", i * 2 + (sex == "男"))
            normalise([1.0, "后龙镇", village, "张三", sex, number, "", "", "", "", "", 60000.0, 1.0, 50000.0, ""],
                      0, match, ctx)
    for index, cells in enumerate(cells_list, start=1):
        expected = seen(normalise_fully(cells, index, match, full))
        assert seen(normalise(cells, index, match, fast)) == expected  # caches cold
        assert seen(normalise(cells, index, match, fast)) == expected  # warm


def test_a_plain_row_takes_the_fast_path():
    match = match_row(HEADER, 0)
    ctx = context(3, match)
    number = ident("19800101", 1)
    cells = [1.0, "后龙镇", "后龙村委会", "张三", "男", number, "1980-01-01", "13812345678", "后龙村1号", "户主",
             "泉港区医院", 100000.5, 50000.25, 50000.25, ""]
    normalise(cells, 1, match, ctx)  # the first row meets each spelling: the full path
    at = PlainAt.of(ctx.layout(match), ctx)
    out = normalise_plain(cells, 2, ctx, ctx.layout(match), at)
    assert out is not None and out.data.person == {"sex": "男", "birth_date": "1980-01-01", "village_id": 1,
                                                  "phone": "13812345678", "address": "后龙村1号", "relation": "户主"}
    assert out.data.entry == {"medical_total": 10000050, "reimbursed": 5000025, "self_paid": 5000025}


def test_lists_with_other_category_columns_take_the_full_path():
    match = match_row(HEADER[:10] + ["残疾类别", "信访日期"], 0)
    ctx = context(4, match)
    assert PlainAt.of(ctx.layout(match), ctx) is None
