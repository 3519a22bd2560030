"""Peewee models for the whole data model (DESIGN.md section 3).

The tables themselves are created by the frozen SQL of store/migrations.py, never by
``create_tables``: a model may change, an old migration may not. A test checks that the
models and the migrated database agree column for column.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, overload
from decimal import ROUND_HALF_UP, Decimal

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)
from peewee import DateField as PeeweeDateField

# Deferred: open_db() initialises it with the file and its pragmas.
db = SqliteDatabase(None)

CENT = Decimal("0.01")


class DateField(PeeweeDateField):
    """A date. A stored value that is no date (written by another tool: 2026-02-30, text, a number)
    reads as None instead of the raw value, which broke sorting, arithmetic and exports with
    ValueError/TypeError; `yingbao check` lists such values."""

    def python_value(self, value):
        out = super().python_value(value)
        return out if out is None or isinstance(out, dt.date) else None

    if TYPE_CHECKING:  # what mypy cannot see through peewee: a row's attribute holds the date
        @overload
        def __get__(self, instance: None, owner: Any) -> DateField: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> dt.date | None: ...
        def __get__(self, instance: object, owner: Any) -> Any: ...
        def __set__(self, instance: object, value: dt.date | None) -> None: ...


class AmountField(IntegerField):
    """Money in yuan as Decimal in Python, stored as integer fen so sums are exact."""

    def db_value(self, value):
        if value is None:
            return None
        return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


def now() -> dt.datetime:
    """Local time without microseconds, as the audit log and timestamps store it."""
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    """Every table lives in the one campaign database."""

    class Meta:
        database = db
        legacy_table_names = False
        # save() writes only the fields set since the row was read: a value it cannot read (a date
        # another tool wrote as 2026-02-30 reads as None) is never overwritten by an unrelated edit
        only_save_dirty = True


class Setting(BaseModel):
    """Key/value settings: town, district, operator, masking, backup dir, 低保 standards."""

    key = CharField(primary_key=True)
    value = TextField(null=True)


class Campaign(BaseModel):
    """One campaign (整治工作), e.g. the 2022 one of 龙政〔2022〕63号."""

    name = TextField()
    year = IntegerField()
    doc_number = TextField(null=True)
    report_due = DateField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)


class Phase(BaseModel):
    """A phase of a campaign: 谋划部署, 推动落实, 总结评价."""

    campaign = ForeignKeyField(Campaign, backref="phases", on_delete="CASCADE")
    seq = IntegerField()
    name = TextField()
    start = DateField()
    end = DateField()


class Category(BaseModel):
    """A screening category (排查重点) of a campaign, codes 1-7."""

    campaign = ForeignKeyField(Campaign, backref="categories", on_delete="CASCADE")
    code = IntegerField()
    name = TextField()
    short_name = TextField()
    rule = TextField(null=True)
    threshold = AmountField(null=True)
    since = DateField(null=True)

    class Meta:
        indexes = ((("campaign", "code"), True),)


class Village(BaseModel):
    """A village (村) or community (社区) of the town."""

    name = TextField(unique=True)
    code = TextField(null=True)
    seq = IntegerField(default=0)
    kind = TextField(default="村")
    cadre = DeferredForeignKey("Member", null=True, on_delete="SET NULL")
    is_demo = BooleanField(default=False)
    created_at = DateTimeField(default=now)


class VillageAlias(BaseModel):
    """Another spelling of a village (stored as compared: NFKC, no spaces), e.g. a merged village's name."""

    village = ForeignKeyField(Village, backref="aliases", on_delete="CASCADE")
    alias = TextField(unique=True)
    created_at = DateTimeField(default=now)


class Member(BaseModel):
    """A person who does the work: 两委 member, 驻村干部, town staff, 协理员."""

    name = TextField()
    phone = TextField(null=True)
    role = TextField()
    village = ForeignKeyField(Village, null=True, backref="members", on_delete="SET NULL")
    active = BooleanField(default=True)
    note = TextField(null=True)


class Zone(BaseModel):
    """A zone (包片) of a village with its member in charge and address keywords."""

    village = ForeignKeyField(Village, backref="zones", on_delete="CASCADE")
    name = TextField()
    member = ForeignKeyField(Member, null=True, backref="zones", on_delete="SET NULL")
    keywords = TextField(null=True)
    seq = IntegerField(default=0)


class Person(BaseModel):
    """A resident; unique by ID number when one is known. Soft-deleted."""

    id_number = TextField(null=True, unique=True)
    id_original = TextField(null=True)
    id_rev = TextField(null=True, index=True)
    name = TextField(index=True)
    sex = TextField(null=True)
    birth_date = DateField(null=True)
    phone = TextField(null=True, index=True)
    phone_rev = TextField(null=True, index=True)
    village = ForeignKeyField(Village, null=True, backref="persons", on_delete="SET NULL")
    zone = ForeignKeyField(Zone, null=True, backref="persons", on_delete="SET NULL")
    address = TextField(null=True)
    household_code = TextField(null=True)
    relation = TextField(null=True)
    disability_category = IntegerField(null=True)
    disability_grade = IntegerField(null=True)
    disability_cert = TextField(null=True)
    household_note = TextField(null=True)
    serious_illness = BooleanField(default=False)  # 重病 (重特大疾病), set by the clerk
    py_initials = TextField(null=True)
    py_full = TextField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)


class PersonKey(BaseModel):
    """One search key of a person: every pinyin reading (initials and full) of the name."""

    person = ForeignKeyField(Person, backref="keys", on_delete="CASCADE")
    key = TextField(index=True)


class ImportBatch(BaseModel):
    """One import of one district list file."""

    file_name = TextField()
    file_path = TextField(null=True)
    sha256 = TextField(index=True)
    sheet = TextField(null=True)
    category = ForeignKeyField(Category, null=True, on_delete="SET NULL")
    rows = IntegerField(default=0)
    inserted = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    rejected = IntegerField(default=0)
    skipped = IntegerField(default=0)
    warnings = IntegerField(default=0)
    report_path = TextField(null=True)
    operator = TextField(null=True)
    created_at = DateTimeField(default=now)
    undone_at = DateTimeField(null=True)
    raw_keys = TextField(null=True)  # JSON array: the list's headers, once for all its roster entries


class Case(BaseModel):
    """排查对象: one per person per campaign. Soft-deleted."""

    campaign = ForeignKeyField(Campaign, backref="cases", on_delete="CASCADE", index=False)  # see Meta.indexes
    person = ForeignKeyField(Person, backref="cases", on_delete="CASCADE")
    status = TextField(default="待排查", index=True)
    member = ForeignKeyField(Member, null=True, backref="cases", on_delete="SET NULL")
    conclusion = TextField(null=True)
    conclusion_reason = TextField(null=True)
    assessed_on = DateField(null=True)
    next_followup = DateField(null=True, index=True)
    source = TextField(default="名单")
    note = TextField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("campaign", "person"), True),)


class RosterEntry(BaseModel):
    """One imported source row with its raw values and the category data it carries."""

    batch = ForeignKeyField(ImportBatch, null=True, backref="entries", on_delete="CASCADE")
    category = ForeignKeyField(Category, backref="entries", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="roster_entries", on_delete="CASCADE")
    case = ForeignKeyField(Case, null=True, backref="roster_entries", on_delete="SET NULL")
    source_row = IntegerField(null=True)
    raw = TextField(null=True)
    medical_total = AmountField(null=True)
    reimbursed = AmountField(null=True)
    self_paid = AmountField(null=True)
    disability_category = IntegerField(null=True)
    disability_grade = IntegerField(null=True)
    disability_cert = TextField(null=True)
    petition_date = DateField(null=True)
    petition_content = TextField(null=True)
    petition_reply = TextField(null=True)
    monitor_category = TextField(null=True)
    warning = TextField(null=True)
    created_at = DateTimeField(default=now)


class CaseCategory(BaseModel):
    """Which categories hit a case: from roster entries, or by hand (category 7)."""

    case = ForeignKeyField(Case, backref="case_categories", on_delete="CASCADE", index=False)  # see Meta.indexes
    category = ForeignKeyField(Category, on_delete="CASCADE")
    source = TextField(default="名单")

    class Meta:
        indexes = ((("case", "category"), True),)


class Contact(BaseModel):
    """A visit or a call: 入户走访 / 电话回访 / 来访 / 微信. Soft-deleted."""

    case = ForeignKeyField(Case, backref="contacts", on_delete="CASCADE")
    kind = TextField()
    date = DateField(index=True)
    member = ForeignKeyField(Member, null=True, on_delete="SET NULL")
    findings = TextField(null=True)
    needs = TextField(null=True)
    outcome = TextField(null=True)
    photos = TextField(null=True)
    next_followup = DateField(null=True)
    operator = TextField(null=True)
    created_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)


class CaseOrigin(BaseModel):
    """How a hand-made case (第7类 and the like) came about: who found the person, how, when."""

    case = ForeignKeyField(Case, unique=True, backref="origins", on_delete="CASCADE")
    found_by = TextField(null=True)
    found_how = TextField(null=True)
    found_on = DateField(null=True)


class ContactMember(BaseModel):
    """Who took part in a contact: one or more members (包片干部, 村干部, 驻村干部, the office's 经办人)."""

    contact = ForeignKeyField(Contact, backref="participants", on_delete="CASCADE", index=False)  # see Meta
    member = ForeignKeyField(Member, on_delete="CASCADE")

    class Meta:
        indexes = ((("contact", "member"), True),)


class Benefit(BaseModel):
    """An assistance the case applies for or receives, with its current status."""

    case = ForeignKeyField(Case, backref="benefits", on_delete="CASCADE")
    type = TextField()
    status = TextField(default="申请")
    applied_on = DateField(null=True)
    status_on = DateField(null=True)
    amount = AmountField(null=True)
    decision_no = TextField(null=True)
    note = TextField(null=True)
    advance = BooleanField(default=False)  # 先行救助: granted first, its steps completed after
    created_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)


class BenefitStep(BaseModel):
    """One status step of a benefit (申请, 调查, 初审, 公示, 审核确认, 纳入 ...)."""

    benefit = ForeignKeyField(Benefit, backref="steps", on_delete="CASCADE")
    status = TextField()
    date = DateField()
    note = TextField(null=True)


class Petition(BaseModel):
    """信访: kind, dates and deadlines (信访工作条例 2022), outcome and reply."""

    case = ForeignKeyField(Case, backref="petitions", on_delete="CASCADE")
    kind = TextField(default="申诉求决")
    received = DateField(null=True)
    accepted = DateField(null=True)
    notice_due = DateField(null=True)
    notice_sent = DateField(null=True)
    close_due = DateField(null=True)
    extension_days = IntegerField(default=0)
    extension_reason = TextField(null=True)
    closed = DateField(null=True)
    outcome = TextField(null=True)
    summary = TextField(null=True)
    reply = TextField(null=True)
    review_on = DateField(null=True)
    recheck_on = DateField(null=True)
    deleted_at = DateTimeField(null=True)
    # the category-5 list row it was made from (None when entered by hand); undoing that import removes it
    entry = ForeignKeyField(RosterEntry, null=True, backref="petitions", on_delete="CASCADE")


class SpotCheckRound(BaseModel):
    """A round of spot checks (抽查) with the parameters and seed of its draw."""

    campaign = ForeignKeyField(Campaign, backref="spot_rounds", on_delete="CASCADE")
    date = DateField()
    checker = TextField(null=True)
    population = TextField(default="全部")
    ratio = TextField(null=True)
    count = IntegerField(null=True)
    seed = IntegerField()
    params = TextField(null=True)
    created_at = DateTimeField(default=now)


class SpotCheck(BaseModel):
    """One sampled case of a round and its result (合格 / 不合格 / 无法核实)."""

    round = ForeignKeyField(SpotCheckRound, backref="checks", on_delete="CASCADE")
    case = ForeignKeyField(Case, backref="spot_checks", on_delete="CASCADE")
    result = TextField(null=True)
    findings = TextField(null=True)
    date = DateField(null=True)


class Problem(BaseModel):
    """问题清单: a problem found in a village, maybe tied to a case and a spot check."""

    campaign = ForeignKeyField(Campaign, backref="problems", on_delete="CASCADE")
    village = ForeignKeyField(Village, backref="problems", on_delete="CASCADE")
    case = ForeignKeyField(Case, null=True, backref="problems", on_delete="SET NULL")
    spot_check = ForeignKeyField(SpotCheck, null=True, backref="problems", on_delete="SET NULL")
    source = TextField()
    kind = TextField()
    description = TextField()
    found_on = DateField()
    found_by = TextField(null=True)
    created_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)


class Rectification(BaseModel):
    """整改: the measure taken for one problem, its deadline and completion."""

    problem = ForeignKeyField(Problem, unique=True, backref="rectifications", on_delete="CASCADE")
    measure = TextField(null=True)
    member = ForeignKeyField(Member, null=True, on_delete="SET NULL")
    deadline = DateField(null=True)
    progress = TextField(null=True)
    done_on = DateField(null=True)
    evidence = TextField(null=True)


class Attachment(BaseModel):
    """A file (照片、佐证材料) of a contact, a case or a rectification, kept under its content hash."""

    case = ForeignKeyField(Case, null=True, backref="attachments", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, backref="attachments", on_delete="CASCADE")
    rectification = ForeignKeyField(Rectification, null=True, backref="attachments", on_delete="CASCADE")
    sha256 = TextField(index=True)
    name = TextField()  # the original file name, as data
    size = IntegerField()
    note = TextField(null=True)
    operator = TextField(null=True)
    created_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)


class Acceptance(BaseModel):
    """验收 of a village's work."""

    village = ForeignKeyField(Village, backref="acceptances", on_delete="CASCADE")
    date = DateField()
    result = TextField()
    notes = TextField(null=True)


class SatisfactionSurvey(BaseModel):
    """群众满意度测评 of a village."""

    village = ForeignKeyField(Village, backref="surveys", on_delete="CASCADE")
    date = DateField()
    surveyed = IntegerField()
    satisfied = IntegerField()
    basically = IntegerField()
    unsatisfied = IntegerField()


class Notice(BaseModel):
    """通报 or 约谈 of a lagging village."""

    village = ForeignKeyField(Village, backref="notices", on_delete="CASCADE")
    date = DateField()
    kind = TextField()
    reason = TextField(null=True)


class AuditLog(BaseModel):
    """Every change: time, operator, action, table, row, before/after as JSON."""

    time = DateTimeField(default=now, index=True)
    operator = TextField(null=True)
    action = TextField()
    table = TextField()
    row_id = IntegerField(null=True)
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        indexes = ((("table", "row_id"), False),)


class Roster(BaseModel):
    """在保名单: the beneficiaries of one kind as of a date; a newer one of the kind replaces it."""

    kind = TextField(index=True)
    as_of = DateField()
    file_name = TextField()
    sha256 = TextField()
    sheet = TextField(null=True)
    rows = IntegerField(default=0)
    persons = IntegerField(default=0)
    households = IntegerField(default=0)
    rejected = IntegerField(default=0)
    warnings = IntegerField(default=0)
    replaced_by = ForeignKeyField("self", null=True, backref="replaced", on_delete="SET NULL")
    operator = TextField(null=True)
    created_at = DateTimeField(default=now)


class CoveredPerson(BaseModel):
    """One person of a roster: ID number, the household (key, head, relation, size) and the amount."""

    roster = ForeignKeyField(Roster, backref="people", on_delete="CASCADE")
    id_number = TextField(index=True)
    name = TextField(null=True)
    kind = TextField(null=True)
    since = DateField(null=True)
    household = TextField(null=True)
    head_id_number = TextField(null=True)
    relation = TextField(null=True)
    persons = IntegerField(null=True)
    amount = AmountField(null=True)
    source_row = IntegerField(null=True)


class Household(BaseModel):
    """A household (户), keyed by the code its members carry in person.household_code (the head's ID
    number when a list gives it); its size counts members not entered as persons too."""

    code = TextField(unique=True)
    village = ForeignKeyField(Village, null=True, backref="households", on_delete="SET NULL")
    size = IntegerField(null=True)  # 家庭人口; None: as many as its persons
    income = AmountField(null=True)  # 家庭年人均收入 (元)
    housing = TextField(null=True)  # 住房情况
    assets = TextField(null=True)  # 财产情况 (车辆、存款、经营等)
    note = TextField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


MODELS = [
    Setting, Campaign, Phase, Category, Village, Member, Zone, Person, PersonKey, ImportBatch,
    Case, RosterEntry, CaseCategory, Contact, Benefit, BenefitStep, Petition, SpotCheckRound,
    SpotCheck, Problem, Rectification, Acceptance, SatisfactionSurvey, Notice, AuditLog, VillageAlias,
    Roster, CoveredPerson, CaseOrigin, ContactMember, Attachment, Household,
]
