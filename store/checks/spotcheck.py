"""Spot-check rounds (抽查): a reproducible stratified draw, stored with its seed and parameters.

The draw:
- population: live cases (case and person not deleted) of the campaign in the chosen villages;
  「visited」 keeps those with a 入户走访 (store/cases/visits.py), 「assessed」 those with a conclusion;
- strata: village x category. A case hit by several categories counts in the stratum of its
  lowest category code (a case without a category is in stratum 0);
- size: ratio (default 0.3) or count. Each stratum's quota is its size x ratio (count / population
  for a count); the total is the quota sum rounded half up (at least 1), spread by the largest
  remainder, ties by stratum order, so every stratum is within one case of its quota;
- sampling: strata in order (village seq, village id, category code), each stratum's cases sorted
  by case id, one random.Random(seed) for the whole draw. The same database, parameters and seed
  always give the same sample.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from store.common import category_text
from store.errors import ValidationError
from store.schema import Village, db
from store.cases.visits import HOME_VISITED_SQL

POPULATIONS = {"all": "全部", "visited": "已走访", "assessed": "已研判"}
STRATUM_RULE = "多类别对象按最小类别代码分层"
DEFAULT_RATIO = "0.3"


@dataclass(frozen=True)
class DrawParams:
    """What a draw needs; villages empty means every village (resolved to ids when drawn)."""

    seed: int
    ratio: str | None = DEFAULT_RATIO
    count: int | None = None
    villages: tuple[int, ...] = ()
    population: str = "all"


@dataclass(frozen=True)
class Drawn:
    """One sampled case."""

    case_id: int
    village_id: int
    village: str
    person: str
    id_number: str | None
    categories: str
    stratum: int
    status: str


@dataclass(frozen=True)
class Stratum:
    """One village x category stratum: its size, quota and how many were drawn."""

    village_id: int
    village: str
    code: int
    size: int
    quota: Fraction
    drawn: int


@dataclass
class Draw:
    """The result of a draw: the resolved villages, population size, strata and the sample."""

    params: DrawParams
    villages: list[int]
    population: int
    strata: list[Stratum] = field(default_factory=list)
    sample: list[Drawn] = field(default_factory=list)


def parse_ratio(value: Any) -> Fraction:
    """A ratio in (0, 1] as an exact fraction, from 0.3, '0.3' or '30%'."""
    text = str(value).strip()
    try:
        number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(f"抽查比例无效：{value}（应为 0 到 1 之间的小数，如 0.3）", field="ratio")
    if not 0 < number <= 1:
        raise ValidationError(f"抽查比例应大于 0 且不超过 1：{value}", field="ratio")
    return Fraction(number)


def check_params(p: DrawParams) -> DrawParams:
    """Validated, normalised parameters (ratio text, population key, sorted unique villages)."""
    if p.population not in POPULATIONS:
        raise ValidationError(f"无效的抽查范围：{p.population}（可选 all、visited、assessed）", field="population")
    if not isinstance(p.seed, int) or isinstance(p.seed, bool) or not 0 <= p.seed < 2**63:
        raise ValidationError("随机种子应为 0 或正整数（不超过 19 位）", field="seed")
    ratio = None
    if p.count is None:
        fr = parse_ratio(p.ratio or DEFAULT_RATIO)
        ratio = str((Decimal(fr.numerator) / Decimal(fr.denominator)).normalize())
    elif int(p.count) < 1:
        raise ValidationError("抽查数量应至少为 1", field="count")
    return DrawParams(p.seed, ratio, None if p.count is None else int(p.count),
                      tuple(sorted(set(int(v) for v in p.villages))), p.population)


def _villages(ids: tuple[int, ...]) -> list[tuple[int, str, int]]:
    """(id, name, seq) of the chosen villages (all when none chosen), in order."""
    rows = db.execute_sql('SELECT id, name, seq FROM "village" ORDER BY seq, id').fetchall()
    if not ids:
        return rows
    known = {r[0] for r in rows}
    missing = [v for v in ids if v not in known]
    if missing:
        raise ValidationError(f"找不到村（居）：编号 {'、'.join(map(str, missing))}", field="villages")
    return [r for r in rows if r[0] in set(ids)]


_POP_SQL = (
    'SELECT c.id, p.village_id, p.name, p.id_number, c.status FROM "case" c JOIN "person" p ON p.id = c.person_id '
    "WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ?"
)
_POP_FILTER = {"all": "", "visited": " AND " + HOME_VISITED_SQL, "assessed": " AND c.conclusion IS NOT NULL"}
_CATS_SQL = ('SELECT cc.case_id, c.code, c.short_name FROM "case_category" cc JOIN "category" c '
             "ON c.id = cc.category_id WHERE c.campaign_id = ? ORDER BY cc.case_id, c.code")


def _categories(campaign_id: int) -> dict[int, list[tuple[int, str]]]:
    """(code, short name) categories of every case of the campaign, in code order (one query)."""
    out: dict[int, list[tuple[int, str]]] = {}
    for case_id, code, short in db.execute_sql(_CATS_SQL, (campaign_id,)).fetchall():
        out.setdefault(case_id, []).append((code, short))
    return out


def _population(campaign_id: int, villages: list[tuple[int, str, int]], population: str) -> tuple[dict, dict]:
    """Strata keyed by (village order, village id, code) -> sorted case rows; and the cases' categories."""
    order = {vid: i for i, (vid, _name, _seq) in enumerate(villages)}
    cats = _categories(campaign_id)
    strata: dict[tuple, list] = {}
    for r in db.execute_sql(_POP_SQL + _POP_FILTER[population], (campaign_id,)).fetchall():
        if r[1] in order:
            found = cats.get(r[0])
            strata.setdefault((order[r[1]], r[1], found[0][0] if found else 0), []).append(r)
    return {k: sorted(strata[k]) for k in sorted(strata)}, cats


def allocate(sizes: list[int], fraction: Fraction) -> tuple[list[int], list[Fraction]]:
    """Largest-remainder allocation of round-half-up(sum of quotas) over strata of these sizes."""
    quotas = [n * fraction for n in sizes]
    total = sum(quotas, Fraction(0))
    target = int(total + Fraction(1, 2)) if total else 0
    target = max(target, 1) if sum(sizes) else 0
    counts = [int(q) for q in quotas]
    order = sorted(range(len(sizes)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: target - sum(counts)]:
        counts[i] = min(sizes[i], counts[i] + 1)
    return counts, quotas


def draw(params: DrawParams, campaign_id: int) -> Draw:
    """Draw a sample (reads only): reproducible for the same database, parameters and seed."""
    p = check_params(params)
    villages = _villages(p.villages)
    strata, cats = _population(campaign_id, villages, p.population)
    keys, sizes = list(strata), [len(rows) for rows in strata.values()]
    pop = sum(sizes)
    if p.count is not None and p.count > pop:
        raise ValidationError(f"抽查数量（{p.count}）超过抽查范围内的对象数（{pop}）", field="count")
    fraction = Fraction(p.count, pop) if p.count is not None and pop else parse_ratio(p.ratio or DEFAULT_RATIO)
    counts, quotas = allocate(sizes, fraction)
    rng, names = random.Random(p.seed), {v[0]: v[1] for v in villages}
    out = Draw(p, [v[0] for v in villages], pop)
    for key, k, quota in zip(keys, counts, quotas):
        _order, vid, code = key
        out.strata.append(Stratum(vid, names[vid], code, len(strata[key]), quota, k))
        for r in rng.sample(strata[key], k):
            out.sample.append(Drawn(r[0], vid, names[vid], r[2], r[3], category_text(cats.get(r[0], [])), code, r[4]))
    order = {v[0]: i for i, v in enumerate(villages)}
    out.sample.sort(key=lambda d: (order[d.village_id], d.stratum, d.case_id))
    return out


def params_json(d: Draw) -> str:
    """The round's stored parameters: enough to re-derive the sample."""
    p = d.params
    names = dict(Village.select(Village.id, Village.name).where(Village.id.in_(d.villages)).tuples())
    return json.dumps({
        "version": 1, "seed": p.seed, "ratio": p.ratio, "count": p.count, "population": p.population,
        "villages": d.villages, "village_names": [names[v] for v in d.villages], "strata": ["村", "类别"],
        "stratum_rule": STRATUM_RULE, "population_size": d.population, "sample_size": len(d.sample),
    }, ensure_ascii=False)


def params_from_json(text: str) -> DrawParams:
    """DrawParams from a round's stored JSON."""
    data = json.loads(text or "{}")
    return DrawParams(int(data["seed"]), data.get("ratio"), data.get("count"),
                      tuple(data.get("villages") or ()), data.get("population", "all"))
