"""How a spelling names a village of the town: the one home of the village matching rule.

District lists write one village several ways: 后龙村, 后龙村委会, 后龙村民委员会, 后龙镇后龙村,
泉港区后龙镇后龙村委会; 礁头社区, 礁头社区居委会, 礁头社区居民委员会. A spelling is compared after NFKC
and space removal (``spelling``), then without the district and town in front and with the
committee's suffix turned back into 村 or 社区 (``plain_name``: 后龙村委会 -> 后龙村), then without
村 / 社区 at all (``stem``: 后龙). An exact name or alias always wins; a plain name is kind-aware
(后龙村 and 后龙社区 stay two villages); two villages equally close make the spelling ambiguous,
and an ambiguous or unknown spelling goes to 待确认, never to a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

ADMIN_PREFIX = re.compile(r"^[^省市区县镇乡]{2,8}?(?:省|自治区|市|(?<!社)区|县|镇|乡|街道)")
COMMITTEE = re.compile(r"(社区居民委员会|社区居委会|社区委员会|社区委会|村民委员会|村委会|村委|居民委员会|居委会)$")
KIND_SUFFIX = re.compile(r"(社区|村)$")
ADMIN_LEVEL = re.compile(r"(人民政府|街道办事处|街道|镇|乡|区|县)$")
TOWN_LEVEL = re.compile(r"(镇|乡|街道)$")
DISTRICT_LEVEL = re.compile(r"(?<!社)(区|县)$")
SPACES = re.compile(r"\s+")


def spelling(text: Any) -> str:
    """A cell as compared: NFKC (full-width letters and digits, U+3000), no spaces at all."""
    if text is None:
        return ""
    return SPACES.sub("", unicodedata.normalize("NFKC", str(text)))


def _no_prefix(text: str) -> str:
    """Without the province, district and town in front (泉港区后龙镇后龙村 -> 后龙村)."""
    return _split_prefix(text)[1]


def _split_prefix(text: str) -> tuple[list[str], str]:
    """(the province / city / district / town names in front, the rest)."""
    found = []
    while (prefix := ADMIN_PREFIX.match(text)) and len(text) - prefix.end() >= 2:
        found.append(text[:prefix.end()])
        text = text[prefix.end():]
    return found, text


def _admin_key(name: str) -> str:
    """A district's or town's name without its level (后龙镇 -> 后龙, 泉港区 -> 泉港)."""
    return ADMIN_LEVEL.sub("", spelling(name)) or spelling(name)


def plain_name(text: Any) -> str:
    """The village's own name: no prefix, the committee suffix back to 村 / 社区
    (后龙村委会 -> 后龙村, 礁头社区居民委员会 -> 礁头社区, 礁头居委会 -> 礁头社区)."""
    name = _no_prefix(spelling(text))
    found = COMMITTEE.search(name)
    if not found or found.start() == 0:
        return name
    base, suffix = name[:found.start()], found.group(1)
    kind = "村" if suffix.startswith("村") else "社区"
    if base.endswith(("村", "社区")):  # 后龙村村民委员会, 礁头社区居委会
        return base
    return base + kind


def stem(text: Any) -> str:
    """The plain name without 村 / 社区 (后龙村委会 -> 后龙), the loosest comparison."""
    name = plain_name(text)
    return KIND_SUFFIX.sub("", name) or name


def kind_of(name: str) -> str:
    """社区 for a community's name, else 村."""
    return "社区" if plain_name(name).endswith("社区") else "村"


@dataclass(frozen=True)
class Ambiguous:
    """A spelling that fits several villages equally well: the clerk decides (待确认)."""

    names: tuple[str, ...]

    @property
    def reason(self) -> str:
        """Why it is not matched, in Chinese."""
        return f"可能是{'、'.join(self.names)}中的任一个"


@dataclass(frozen=True)
class Elsewhere:
    """A spelling with another town or district in front (界山镇后龙村): not one of ours, even when
    the town has a village of that name; the clerk decides (待确认), it is never created."""

    place: str

    @property
    def reason(self) -> str:
        """Why it is not matched, in Chinese."""
        return f"写的是{self.place}，不是本镇"


@dataclass
class VillageIndex:
    """Every village and alias of the town, indexed three ways; match() is pure and cheap, callers
    cache it per spelling."""

    exact: dict[str, tuple[int, str]] = field(default_factory=dict)
    plain: dict[str, dict[int, str]] = field(default_factory=dict)
    stems: dict[str, dict[int, str]] = field(default_factory=dict)
    town: str = ""  # the town's and district's names without their level (后龙, 泉港); empty: not checked
    district: str = ""

    @classmethod
    def of(cls, villages: Iterable[tuple[int, str]], aliases: Iterable[tuple[int, str]] = (),
           town: str | None = None, district: str | None = None) -> "VillageIndex":
        """From (id, name) of the villages, (village id, alias) of their aliases, and the town and
        district (a spelling naming another one in front is not matched)."""
        index = cls(town=_admin_key(town) if town else "", district=_admin_key(district) if district else "")
        names = {vid: name for vid, name in villages}
        spellings = [(vid, name, name) for vid, name in names.items()]
        spellings += [(vid, alias, names[vid]) for vid, alias in aliases if vid in names]
        for vid, text, name in spellings:
            index.exact.setdefault(spelling(text), (vid, name))
        for vid, text, name in spellings:
            index.plain.setdefault(plain_name(text), {})[vid] = name
            index.stems.setdefault(stem(text), {})[vid] = name
        return index

    def match(self, text: Any) -> tuple[int, str] | Ambiguous | Elsewhere | None:
        """(id, name) of the village a spelling names, Ambiguous, Elsewhere, or None when none fits."""
        key = spelling(text)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        if other := self._elsewhere(key):
            return other
        plain = plain_name(key)
        if plain in self.exact:  # kind-aware: 后龙村委会 is 后龙村 even when 后龙社区 exists
            return self.exact[plain]
        for table, wanted in ((self.plain, plain), (self.stems, stem(plain))):
            found = table.get(wanted)
            if found:
                return _one(found)
        return None


    def _elsewhere(self, key: str) -> Elsewhere | None:
        """Elsewhere when a town or district in front is not ours."""
        for place in _split_prefix(key)[0]:
            if self.town and TOWN_LEVEL.search(place) and _admin_key(place) != self.town:
                return Elsewhere(place)
            if self.district and DISTRICT_LEVEL.search(place) and _admin_key(place) != self.district:
                return Elsewhere(place)
        return None


def _one(found: dict[int, str]) -> tuple[int, str] | Ambiguous:
    """The only village found, else Ambiguous."""
    if len(found) == 1:
        return next(iter(found.items()))
    return Ambiguous(tuple(sorted(found.values())))


def load_index() -> VillageIndex:
    """The index of the database's villages and aliases (one query each), with the town's names."""
    from store import settings
    from store.schema import db

    villages = db.execute_sql('SELECT id, name FROM "village" ORDER BY seq, id').fetchall()
    aliases = db.execute_sql('SELECT village_id, alias FROM "village_alias" ORDER BY id').fetchall()
    return VillageIndex.of(villages, aliases, settings.get(settings.TOWN), settings.get(settings.DISTRICT))
