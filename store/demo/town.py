"""A realistic synthetic town (演示数据), shared by `yingbao demo` and the benchmark.

Deterministic for a (seed, today) pair. The source campaign's dates are shifted so that today
falls inside the 推动落实 phase; every village is marked as demo data. Rows are written with
``executemany`` in one transaction: the town size (100,000 persons) takes seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from typing import Callable

from store import audit, settings
from store.demo.data import SURNAMES, given_name
from store.errors import StoreError
from store.ids import check_char
from store.migrations import SOURCE_PHASES, seed_source_campaign
from store.campaign.active import active_campaign_id
from store.reports.queries import holds_data
from store.schema import db

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Size:
    """How big a synthetic town is."""

    villages: int
    persons: int
    cases: int
    contacts: int


SIZES = {
    "small": Size(villages=12, persons=3_000, cases=1_200, contacts=2_400),
    "town": Size(villages=30, persons=100_000, cases=20_000, contacts=60_000),
    "district": Size(villages=300, persons=1_000_000, cases=200_000, contacts=600_000),
}
# Deleted children first so foreign keys never stop the wipe.
WIPE_ORDER = [
    "audit_log", "notice", "satisfaction_survey", "acceptance", "rectification", "problem",
    "spot_check", "spot_check_round", "petition", "benefit_step", "benefit", "contact",
    "case_category", "attachment", "contact_member", "case_origin", "roster_entry", "case", "import_batch",
    "covered_person", "roster", "person_key", "person", "household", "zone", "member", "village_alias",
    "village", "category", "phase", "campaign",
]
STATUS_FLOW = ["待排查", "已联系", "已走访", "已研判", "办理中", "已纳入", "动态监测", "已办结"]


@dataclass
class Town:
    """What has been built so far, for the later steps."""

    rng: random.Random
    today: dt.date
    campaign_id: int
    start: dt.date
    villages: list[tuple[int, str, float]] = field(default_factory=list)  # id, name, pace
    zones: dict[int, list[tuple[int, str, int]]] = field(default_factory=dict)  # village -> zones
    members: dict[int, list[int]] = field(default_factory=dict)
    persons: list[tuple] = field(default_factory=list)  # id, village, zone, birth, name
    cases: list[dict] = field(default_factory=list)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        """A random day in [first, last] (first if the range is empty)."""
        span = (last - first).days
        return first + dt.timedelta(days=self.rng.randint(0, span)) if span > 0 else first


def wipe() -> None:
    """Delete every row of every data table (settings kept), in the caller's transaction."""
    for table in WIPE_ORDER:
        db.execute_sql(f'DELETE FROM "{table}"')


def _shift_campaign(today: dt.date) -> tuple[int, dt.date]:
    """Move the source campaign so today is in 推动落实; return (campaign id, its start)."""
    cid = active_campaign_id() or seed_source_campaign()
    p2_start = dt.date.fromisoformat(SOURCE_PHASES[1][2])
    offset = today - dt.timedelta(days=24) - p2_start
    for seq, _name, start, end in SOURCE_PHASES:
        db.execute_sql(
            'UPDATE "phase" SET start = ?, "end" = ? WHERE campaign_id = ? AND seq = ?',
            (str(dt.date.fromisoformat(start) + offset), str(dt.date.fromisoformat(end) + offset), cid, seq),
        )
    due = dt.date(2022, 9, 30) + offset
    db.execute_sql('UPDATE "campaign" SET year = ?, report_due = ? WHERE id = ?', (due.year, str(due), cid))
    db.execute_sql(
        'UPDATE "campaign" SET name = name || \'（演示）\' WHERE id = ? AND name NOT LIKE \'%（演示）\'', (cid,)
    )
    return cid, dt.date.fromisoformat(SOURCE_PHASES[0][2]) + offset


def build_demo(seed: int = 1, size: str = "small", *, force: bool = False,
               today: dt.date | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Fill the open database with a synthetic town; returns the row counts written."""
    from store.demo import build as demo_build

    if size not in SIZES:
        raise StoreError(f"未知的规模：{size}（可选 small、town）")
    today = today or dt.date.today()
    report = progress or (lambda _step, _frac: None)
    wiped = False
    with db.atomic("IMMEDIATE"):
        if holds_data():
            if not force:
                raise StoreError("数据库中已有数据，演示数据不会覆盖它；确需清空重建请加 --force")
            wipe()
            wiped = True
        if not settings.get(settings.TOWN):
            settings.put(settings.TOWN, "后龙镇")
            settings.put(settings.DISTRICT, "泉港区")
        settings.put(settings.DEMO, "1")
        cid, start = _shift_campaign(today)
        town = Town(random.Random(seed), today, cid, start)
        written = demo_build.build(town, SIZES[size], report)
        audit.log("demo", "*", None, None, {"seed": seed, "size": size, **written})
    if wiped:  # the wiped rows' photos and papers: no row names them any more (personal data)
        from store.cases.attachments import folder

        shutil.rmtree(folder(), ignore_errors=True)
    return written


def make_id(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    """A valid, unused 18-digit ID number for a birth date and sex."""
    region = "350521" if birth.year < 1960 and rng.random() < 0.4 else "350505"
    while True:
        seq = rng.randrange(0, 1000)
        if (seq % 2 == 1) != male:
            seq = (seq + 1) % 1000
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        number = first17 + check_char(first17)
        if number not in used:
            used.add(number)
            return number


def person_name(rng: random.Random) -> str:
    """A plausible name of the region."""
    return rng.choices(SURNAMES[0], SURNAMES[1])[0] + given_name(rng)

