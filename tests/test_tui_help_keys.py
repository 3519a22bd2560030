"""F1 help cannot drift from the real keys: every binding of every screen and widget appears in its help section."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.widget import Widget

import tui.screens
import tui.widgets
from tui.app import YingbaoApp
from tui.screens.help import KEYS, SECTION_BINDINGS, key_label

NAMED = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "空格", "pageup": "PgUp", "pagedown": "PgDn",
         "home": "Home", "end": "End", "up": "上下", "down": "上下", "slash": "/"}


def _with_bindings() -> dict[str, type]:
    """Every screen and widget class of tui/ that declares its own BINDINGS, by "module:Class"."""
    found: dict[str, type] = {"app:YingbaoApp": YingbaoApp}
    for package in (tui.screens, tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, Widget) and cls.__dict__.get("BINDINGS"):
                    found[f"{info.name}:{name}"] = cls
    return found


def _section_tokens(title: str) -> set[str]:
    """The key labels a help section names: 「k、j」 is two, 「1-9」 is nine."""
    tokens: set[str] = set()
    for keys, _what in dict(KEYS)[title]:
        for token in keys.split("、"):
            if token == "1-9":
                tokens.update(str(i) for i in range(1, 10))
            tokens.add(token)
    return tokens


def _labels(binding: Binding) -> set[str]:
    """What help must show for a binding: its key_display, or every key of it as typed on the keyboard."""
    if binding.key_display:
        return {binding.key_display}
    return {NAMED.get(key, key_label(key)) for key in binding.key.split(",")}


def test_every_class_with_bindings_has_a_help_section():
    mapped = {name for names in SECTION_BINDINGS.values() for name in names}
    assert sorted(set(_with_bindings()) - mapped) == []
    assert sorted(mapped - set(_with_bindings())) == []
    assert sorted(set(SECTION_BINDINGS) - set(dict(KEYS))) == []


@pytest.mark.parametrize("title", sorted(SECTION_BINDINGS))
def test_every_binding_is_in_its_help_section(title):
    classes = _with_bindings()
    tokens = _section_tokens(title) | {"Esc"}  # 「Esc 返回上一界面」 is said once, in the global section
    missing = []
    for name in SECTION_BINDINGS[title]:
        for binding in classes[name].__dict__["BINDINGS"]:
            binding = binding if isinstance(binding, Binding) else Binding(*binding)
            missing += [f"{name} {label}" for label in _labels(binding) - tokens]
    assert missing == []


def test_a_binding_missing_from_help_is_caught(monkeypatch):
    """The check above really fails when a screen gains a key help does not name."""
    from tui.screens.dashboard import DashboardScreen

    monkeypatch.setattr(DashboardScreen, "BINDINGS", [*DashboardScreen.BINDINGS,
                                                      Binding("k", "refresh", "刷新", key_display="k")])
    with pytest.raises(AssertionError):
        test_every_binding_is_in_its_help_section("总览")
