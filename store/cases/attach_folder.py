"""「从文件夹添加附件」: village cadres send photos in bulk, named by person or ID tail
(张三.jpg, 张三入户1.jpg, 1234.jpg, 后龙村-35050519...123X.pdf). The preview decides which file goes
to which case (read-only); `apply` attaches exactly the previewed matches after confirmation.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from peewee import JOIN

from store.cases.attachments import KINDS, MAX_BYTES, attach
from store.cases.cases import require_campaign
from store.errors import ValidationError
from store.ids import mask_id
from store.schema import Case, Person, Village, db

_TAIL = re.compile(r"(\d{3,17}[\dXx])")


@dataclass(frozen=True)
class FileMatch:
    """One file of the folder and the case it goes to (None: unmatched or ambiguous)."""

    path: Path
    case_id: int | None
    person: str  # 「张三（后龙村，350505********123X）」, or why nothing matched
    how: str  # 姓名 / 身份证号后N位 / 未匹配 / 多人同名 / 不能添加


@dataclass
class FolderPreview:
    """What `apply` will do: matched files, and the ones it will leave alone."""

    matched: list[FileMatch] = field(default_factory=list)
    left: list[FileMatch] = field(default_factory=list)


def _people(campaign_id: int, village_id: int | None) -> list[tuple[int, str, str | None, str]]:
    """(case id, name, ID number, village) of every live case of the campaign (one village or all)."""
    q = (Case.select(Case.id, Person.name, Person.id_number, Village.name.alias("vname")).join(Person)
         .join(Village, JOIN.LEFT_OUTER, on=(Village.id == Person.village))
         .where(Case.campaign == campaign_id, Case.deleted_at.is_null(), Person.deleted_at.is_null()))
    if village_id:
        q = q.where(Person.village == village_id)
    return [(r["id"], r["name"], r["id_number"], r["vname"] or "") for r in q.dicts()]


def _match(stem: str, people: list) -> tuple[list, str]:
    """The people a file name points at, and how: an ID tail first (4+ digits), then a name."""
    for tail in sorted(_TAIL.findall(stem.upper()), key=len, reverse=True):
        if len(tail) >= 4:
            hits = [p for p in people if p[2] and p[2].endswith(tail)]
            if hits:
                return hits, f"身份证号后{len(tail)}位"
    names = [p for p in people if len(p[1]) >= 2 and p[1] in stem]
    longest = max((len(p[1]) for p in names), default=0)
    return [p for p in names if len(p[1]) == longest], "姓名"


def preview_folder(path: str | os.PathLike, village_id: int | None = None) -> FolderPreview:
    """Match every file of a folder (not its sub-folders) to a case; writes nothing."""
    base = Path(str(path).strip().strip('"')).expanduser()
    if not base.is_dir():
        raise ValidationError(f"找不到文件夹：{base}", field="folder")
    camp = require_campaign()
    people = _people(camp.id, village_id)
    out = FolderPreview()
    for f in sorted(p for p in base.iterdir() if p.is_file()):
        if f.suffix.lower() not in KINDS or f.stat().st_size > MAX_BYTES or f.stat().st_size == 0:
            out.left.append(FileMatch(f, None, "文件类型不对、太大或是空文件", "不能添加"))
            continue
        hits, how = _match(unicodedata.normalize("NFKC", f.stem), people)
        if len(hits) == 1:
            case_id, name, number, village = hits[0]
            out.matched.append(FileMatch(f, case_id, f"{name}（{village}，{mask_id(number) if number else '无身份证号'}）", how))
        elif hits:
            out.left.append(FileMatch(f, None, "、".join(f"{h[1]}（{h[3]}）" for h in hits[:4]), "多人同名"))
        else:
            out.left.append(FileMatch(f, None, "文件名里没有找到对象的姓名或身份证号后4-6位", "未匹配"))
    return out


def apply(matches: list[FileMatch]) -> int:
    """Attach the previewed matches to their cases; all or nothing for the rows (files are content-named)."""
    with db.atomic():
        for m in matches:
            if m.case_id is not None:
                attach(m.path, case_id=m.case_id, note="从文件夹添加")
    return sum(m.case_id is not None for m in matches)
