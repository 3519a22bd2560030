"""Messages the screens and widgets send each other."""

from __future__ import annotations

from textual.message import Message


class OpenCase(Message):
    """Open the detail screen of a case."""

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id


class OpenVillage(Message):
    """Open the screen of one village."""

    def __init__(self, village_id: int) -> None:
        super().__init__()
        self.village_id = village_id


class DataChanged(Message):
    """A write went through: screens showing data reload it."""

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id
