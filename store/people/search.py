"""Search keys (every pinyin reading of a name) and the look-up used by the TUI and `find`.

Each person has rows in ``person_key``: initials (``zs``) and full pinyin (``zhangsan``) for
every combination of readings, so ``zj`` and ``cj`` both find 曾江, and the given name
(``志明`` finds 林志明). Look-ups are index range
scans: a key prefix, a name prefix, a reversed ID number (tail search) or a phone.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_KEY_COMBOS = 16
# Surnames whose reading as a surname differs from the common one; listed first.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie", "朴": "piao", "查": "zha",
    "盖": "ge", "缪": "miao", "覃": "qin", "召": "shao", "华": "hua", "任": "ren", "乐": "yue",
    "翟": "zhai", "尉": "yu", "员": "yun", "种": "chong", "秘": "bi", "折": "she", "燕": "yan",
}
NAME_DOTS = "·•・‧・"


@lru_cache(maxsize=None)
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless pinyin reading of one character (the character itself if none)."""
    from pypinyin import Style, pinyin

    if not ("\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f"):
        return (ch.lower(),) if ch.isalnum() else ()
    got = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="default")
    readings = tuple(dict.fromkeys(r for r in got[0] if r.isascii() and r.isalpha()))
    return readings or (ch,)


def name_keys(name: str) -> tuple[str, str, list[str]]:
    """(primary initials, primary full pinyin, every distinct key) for a name."""
    chars = [c for c in (name or "").strip() if c not in NAME_DOTS and not c.isspace()]
    options: list[tuple[str, ...]] = []
    for i, ch in enumerate(chars):
        readings = char_readings(ch)
        if not readings:
            continue
        if i == 0 and ch in SURNAME_READINGS:
            first = SURNAME_READINGS[ch]
            readings = (first,) + tuple(r for r in readings if r != first)
        options.append(readings)
    if not options:
        return "", "", []
    keys: dict[str, None] = {}
    for combo in itertools.islice(itertools.product(*options), MAX_KEY_COMBOS):
        keys["".join(r[0] for r in combo)] = None
        keys["".join(combo)] = None
    if len(chars) >= 2:
        keys["".join(chars[1:]).lower()] = None  # the given name, so 志明 finds 林志明
    primary = [o[0] for o in options]
    return "".join(r[0] for r in primary), "".join(primary), list(keys)


def warm_up() -> None:
    """Load pypinyin's tables and word segmenter (0.15 s the first time in a process), e.g. on an idle
    core while a large list is parsed, before its new persons need their keys."""
    name_keys("张三")


def reverse(text: str | None) -> str | None:
    """The reversed string (tail searches become prefix searches on an index)."""
    return text[::-1] if text else None


def normalize_query(query: str) -> str:
    """NFKC, strip, lower-case; full-width digits and letters become ASCII."""
    return unicodedata.normalize("NFKC", query or "").strip().lower().replace(" ", "")


def classify(query: str) -> str:
    """What a query looks like: 'digits', 'letters', 'name' or 'empty'."""
    q = normalize_query(query)
    if not q:
        return "empty"
    if all(c.isdigit() or c == "x" for c in q) and any(c.isdigit() for c in q):
        return "digits"
    if q.isascii() and q.isalpha():
        return "letters"
    return "name"


@dataclass(frozen=True)
class Hit:
    """One person found, with the case of the active campaign if any."""

    person_id: int
    name: str
    id_number: str | None
    phone: str | None
    village: str | None
    case_id: int | None
    case_status: str | None


CANDIDATES = 200
_HIGH = "\U0010ffff"


def _ids(sql: str, params: tuple) -> list[int]:
    """Run a query returning person ids."""
    from store.schema import db

    return [r[0] for r in db.execute_sql(sql, params).fetchall()]


def _range(column: str, table: str, prefix: str, high: str, n: int, id_col: str = "id") -> list[int]:
    """Ids whose column starts with prefix, by an index range scan."""
    return _ids(
        f'SELECT {id_col} FROM "{table}" WHERE {column} >= ? AND {column} < ? ORDER BY {column} LIMIT ?',
        (prefix, prefix + high, n),
    )


def _candidates(kind: str, q: str) -> list[int]:
    """Person ids that may match, best first, possibly with repeats."""
    if kind == "letters":
        exact = _ids('SELECT person_id FROM "person_key" WHERE key = ? LIMIT ?', (q, CANDIDATES))
        return exact + _range("key", "person_key", q, "\x7f", CANDIDATES, "person_id")
    if kind == "digits":
        if len(q) < 4:
            return []
        up = q.upper()
        found = _ids('SELECT id FROM "person" WHERE id_number = ?', (up,)) if len(q) >= 15 else []
        found += _range("id_rev", "person", up[::-1], "~", CANDIDATES)
        found += _range("phone_rev", "person", q[::-1], "~", CANDIDATES)
        if len(q) >= 7:
            found += _range("phone", "person", q, ":", CANDIDATES)
        return found
    found = _ids('SELECT id FROM "person" WHERE name = ? LIMIT ?', (q, CANDIDATES))
    found += _range("name", "person", q, _HIGH, CANDIDATES)
    return found + _range("key", "person_key", q, _HIGH, CANDIDATES, "person_id")


def find(query: str, *, limit: int = 20, campaign_id: int | None = None) -> list[Hit]:
    """Persons matching a name, pinyin initials or full pinyin, ID tail or phone."""
    from store.campaign.active import active_campaign_id
    from store.schema import db

    kind, q = classify(query), normalize_query(query)
    if kind == "empty" or limit <= 0:
        return []
    ids = list(dict.fromkeys(_candidates(kind, q)))[:CANDIDATES]
    if not ids:
        return []
    cid = campaign_id if campaign_id is not None else active_campaign_id()
    marks = ",".join("?" * len(ids))
    rows = db.execute_sql(
        f'SELECT p.id, p.name, p.id_number, p.phone, v.name, c.id, c.status FROM "person" p '
        f'LEFT JOIN "village" v ON v.id = p.village_id '
        f'LEFT JOIN "case" c ON c.person_id = p.id AND c.campaign_id = ? AND c.deleted_at IS NULL '
        f"WHERE p.id IN ({marks}) AND p.deleted_at IS NULL",
        (cid, *ids),
    ).fetchall()
    rank = {pid: i for i, pid in enumerate(ids)}
    rows.sort(key=lambda r: (r[5] is None, rank[r[0]]))
    return [Hit(*r) for r in rows[:limit]]
