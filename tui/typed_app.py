"""The running app with its own type, for code that reads YingbaoApp's attributes (today, villages, ...).

Textual types ``node.app`` as ``App``; screens and widgets of this program only ever run inside
YingbaoApp, so one cast here replaces a cast or an ignore at every use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from .app import YingbaoApp


def app_of(node: DOMNode) -> YingbaoApp:
    """``node.app`` as the YingbaoApp it is."""
    return cast("YingbaoApp", node.app)
