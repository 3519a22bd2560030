"""What every form shares: Ctrl+S saves through a store function in a worker, a validation
error shows under its field with the cursor there and nothing typed lost, Esc asks before
throwing typed text away."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual import events, work
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea
from textual.worker import Worker

from store.errors import StoreError, ValidationError
from store.schema import db

from ..errors import retry_locked
from ..messages import DataChanged
from ..widgets.chrome import FitFooter
from ..widgets.fields import EnterMovesOn, Field, FieldError, NoteArea
from .base import LoadsInThread
from .confirm import ConfirmScreen


class FormScreen(EnterMovesOn, LoadsInThread, ModalScreen[object]):
    """A modal form; subclasses give PREFIX, `values()` and `write(values)` (runs in a thread)."""

    PREFIX = "form"
    BINDINGS = [
        Binding("ctrl+s", "save", "保存", key_display="Ctrl+S", priority=True),
        Binding("escape", "cancel", "取消", key_display="Esc"),
    ]
    saving = False

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """In read-only mode a form cannot save."""
        return not (action == "save" and getattr(self.app, "read_only", False))

    def _on_mount(self, event: events.Mount) -> None:
        """A footer under every form: the keys that work here (Ctrl+S, Esc, the form's own) and F1."""
        self.mount(FitFooter())

    def values(self) -> dict:
        """The typed values."""
        return {}

    def write(self, values: dict) -> object:
        """Call the store function (in a worker thread); return what dismiss gets."""
        raise NotImplementedError

    def changed_case(self) -> int | None:
        """The case the write touched, for the screens to reload."""
        return getattr(self, "case_id", None)

    def dirty(self) -> bool:
        """True when anything was typed."""
        boxes: list[Input | TextArea] = [*self.query(Input), *self.query(TextArea)]
        return any((w.text if isinstance(w, TextArea) else w.value).strip()
                   for w in boxes if not getattr(w, "prefilled", False))

    def action_save(self) -> None:
        """Ctrl+S: clear old errors, then save in a worker."""
        if self.saving:
            return
        for err in self.query(FieldError):
            err.set(None)
        try:
            values = self.values()
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.saving = True
        self.save(values)

    # Stays a hand-written worker (not write_then_show): a refusal keeps the form open with the
    # message under its field, and each retry on a lock is said while the clerk waits.
    @work(thread=True, exclusive=True, exit_on_error=False, group="form-save")
    def save(self, values: dict) -> None:
        """Write through the store, retrying on a lock."""
        try:
            with db.connection_context():
                result = retry_locked(lambda: self.write(values), on_retry=self._retrying)
        except ValidationError as exc:
            self.app.call_from_thread(self.show_error, exc)
            return
        except StoreError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._saved, result)

    def _retrying(self, attempt: int) -> None:
        """Called from the worker when a save met a lock: say so while waiting."""
        self.app.call_from_thread(self.notify, f"数据库正被其他程序占用，正在重试（第{attempt}次）...",
                                  severity="warning")

    def worker_failed(self, worker: Worker) -> None:
        """An unexpected error while saving: the form stays, so does everything typed."""
        self.saving = False

    def _failed(self, message: str) -> None:
        """A write that did not go through: say so, keep the form."""
        self.saving = False
        self.notify(message, title="未保存", severity="error", timeout=10)

    def _saved(self, result) -> None:
        """Close and let every screen reload."""
        self.saving = False
        self.app.post_message(DataChanged(self.changed_case()))
        self.dismiss(result)

    def show_error(self, exc: ValidationError) -> None:
        """The message under its field, the cursor in that field."""
        self.saving = False
        field = exc.field or "form"
        errors = self.query(f"#{self.PREFIX}-{field}-error")
        target = errors.first(FieldError) if errors else self.query_one(f"#{self.PREFIX}-form-error", FieldError)
        target.set(exc.message)
        widgets = self.query(f"#{self.PREFIX}-{field}")
        if widgets:
            widgets.first().focus()

    def action_cancel(self) -> None:
        """Esc: close; ask first when something was typed."""
        if not self.dirty():
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmScreen("放弃已输入的内容？"), lambda yes: yes and self.dismiss(None))


def labelled(prefix: str, name: str, label: str, value: str = "", placeholder: str = "",
             area: bool = False) -> Iterator[Widget]:
    """A label, a field (one line, or a note area) holding `value`, and the field's error line."""
    yield Label(label)
    box: Field | NoteArea
    if area:
        box = NoteArea(value or "", id=f"{prefix}-{name}")
    else:
        box = Field(value or "", placeholder=placeholder, id=f"{prefix}-{name}")
    box.prefilled = bool(value)
    yield box
    yield FieldError(id=f"{prefix}-{name}-error")


def text_of(screen: Widget, prefix: str, name: str) -> str:
    """The text typed in a form's field or note area."""
    widget = screen.query_one(f"#{prefix}-{name}")
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Input):
        return widget.value
    raise TypeError(f"#{prefix}-{name} is no text field")


def chosen(screen: Widget, prefix: str, name: str) -> Any:
    """A Select's value, None when nothing is chosen."""
    value = screen.query_one(f"#{prefix}-{name}", Select).value
    return None if value is Select.NULL else value
