"""The rows of a prepared list, normalised chunk by chunk: all at once for a dry run, or as a
generator the store writes from while the next chunk is read (store/imports/merge.py load)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterator

from importers.dedupe import id_key, merge_duplicates
from importers.id_override import id_column
from importers.context import RowContext, raw_keys
from importers.rows import Outcome, normalise, ok_rows
from store.ids import is_clean
from store.imports.merge import BatchMeta, ImportCancelled, ImportRow

if TYPE_CHECKING:
    from importers.load import Prepared

CHUNK = 5000


def normalise_all(prep: Prepared, ctx: RowContext, progress, cancelled) -> list[Outcome]:
    """Normalise every data row in chunks (progress and cancel between chunks), then merge repeats."""
    outcomes, total = [], len(prep.data_rows)
    for start in range(0, total, CHUNK):
        if cancelled():
            raise ImportCancelled()
        for index in prep.data_rows[start:start + CHUNK]:
            outcomes.append(normalise(prep.sheet.rows[index], index, prep.match, ctx))
        progress(min(start + CHUNK, total), total)
    merge_duplicates(outcomes)
    return outcomes


def id_keys(prep: Prepared) -> list[str | None]:
    """The ID number each data row names (dedupe.id_key), read before any row is normalised."""
    col = id_column(prep.match)
    rows = prep.sheet.rows
    if col is None:
        return [None] * len(prep.data_rows)
    cells = [rows[i][col] if col < len(rows[i]) else None for i in prep.data_rows]
    return [v if is_clean(v) else id_key(v) for v in cells]  # is_clean: id_key's own first test, without a call


def read_chunks(prep: Prepared, ctx: RowContext, keys: list[str | None], counts: Counter, outcomes: list[Outcome],
                meta: BatchMeta, progress, cancelled) -> Iterator[list[ImportRow]]:
    """The valid rows, normalised CHUNK at a time while the previous chunk is written (every outcome
    lands in `outcomes`); counts: how many rows name each ID number (keys). Rows whose number the
    file names more than once wait for the last chunk: merging them may fill an earlier row from a
    later one."""
    held: list[Outcome] = []
    total = len(prep.data_rows)
    rows, match = prep.sheet.rows, prep.match
    for start in range(0, total, CHUNK):
        if cancelled():
            raise ImportCancelled()
        ready: list[Outcome] = []
        for index, key in zip(prep.data_rows[start:start + CHUNK], keys[start:start + CHUNK]):
            out = normalise(rows[index], index, match, ctx)
            outcomes.append(out)
            if out.status == "ok":
                (held if counts[key] > 1 else ready).append(out)
        progress(min(start + CHUNK, total), total + 1)  # the last step: the writes' end, the report
        yield ok_rows(ready)
    merge_duplicates(held)
    count_outcomes(meta, outcomes)
    yield ok_rows(held)


def batch_meta(prep: Prepared) -> BatchMeta:
    """The batch row's data (count_outcomes fills in the counts once every row is read)."""
    width = max((len(prep.sheet.rows[i]) for i in prep.data_rows), default=0)
    head = next((c for c, name in prep.match.columns.items() if name == "head_id_number"), None)
    assert prep.category is not None  # importers.load.run refuses a list without its category
    return BatchMeta(prep.path.name, str(prep.path.resolve()), prep.sha256, prep.sheet.name, prep.category,
                     0, 0, 0, 0, raw_keys=raw_keys(prep.match.headers, width), head_column=head)


def count_outcomes(meta: BatchMeta, outcomes: list[Outcome]) -> None:
    """The read counts of the batch."""
    count = lambda s: sum(1 for o in outcomes if o.status == s)  # noqa: E731
    meta.rows, meta.rejected, meta.skipped = len(outcomes), count("rejected"), count("skipped")
    meta.warnings = sum(1 for o in outcomes if o.warnings and o.status in ("ok", "merged"))
