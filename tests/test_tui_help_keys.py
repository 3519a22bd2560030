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


def _palettes() -> dict[str, tuple[type, list]]:
    """Every screen class with a PALETTE, by "module:Class"."""
    found = {}
    for info in pkgutil.iter_modules(tui.screens.__path__):
        module = importlib.import_module(f"tui.screens.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and cls.__dict__.get("PALETTE"):
                found[f"{info.name}:{name}"] = (cls, cls.PALETTE)
    return found


@pytest.mark.parametrize("name", sorted(_palettes()))
def test_every_palette_action_is_a_binding_and_its_text_names_no_key(name):
    """The palette shows the key from the bindings (tui/palette.py binding_of); a key typed by hand into
    a palette text would drift from the real one."""
    import re

    cls, entries = _palettes()[name]
    actions = {b.action for c in [cls, *_with_bindings().values()] for k in type.mro(c)
               for b in k.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)}
    for title, text, action in entries:
        assert action in actions, (title, action)
        assert not re.search(r"（(?:[A-Za-z0-9]|F\d+|Enter|Ctrl\+\w)[，）]", text), (title, text)


async def test_the_palette_shows_each_commands_key_from_the_bindings(demo_db):
    from tests.conftest import DEMO_TODAY
    from tests.screen_walk import settle
    from tui.app import make_app
    from tui.palette import palette_commands
    from tui.screens.cases import CasesScreen

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, CasesScreen)
        texts = {c.title: c.help for c in palette_commands(app, app.screen)}
    assert texts["只看跟进逾期"] == "筛选下次跟进已过期的对象（o）"  # the case browser's binding
    assert texts["只看未分片的对象"] == "没有片区的对象，再按一次显示全部（u）"
    assert texts["新增排查对象"].endswith("（n）")  # the screen's own binding
    assert texts["排查对象"] == "对象列表，筛选与排序（F4）"  # the app's
