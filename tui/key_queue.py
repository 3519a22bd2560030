"""Keys typed while a screen opens wait for it, in order.

The clerk presses F2 and types the name in the same instant. Textual forwards each key to the
focused widget's queue at once, so the name's keys reach the old screen before the F2 there has
opened the form (or the form before it has focused its first field) and are lost. The app sends
one key at a time: the next waits until the widget has handled the previous one (a callback
queued behind it) and until the current screen can take keys (mounted and focused). Keys wait in
order, so nothing is reordered either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    _App = App  # the mixin is only ever mixed into YingbaoApp, before textual's App
else:
    _App = object

MAX_TRIES = 60  # refreshes to wait for a screen that focuses nothing; then the keys go anyway
SETTLE_TRIES = 3  # a screen with no focus: its focus chain is only known once it has been laid out
WATCHDOG_S = 0.5  # a key whose widget vanished (a screen closed by it) never reports back


class KeyQueueMixin(_App):
    """Mixed into the App before textual's App: one key at a time, each to a ready screen."""

    _held_keys: list[events.Key] | None = None
    _key_token = 0
    _key_busy = False
    _watchdog: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        """A key from the terminal waits behind earlier keys and for an opening screen."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
        elif self._key_busy or self._held_keys or not self.screen_ready():
            self._hold(event)
        else:
            await self._send_key(event)

    def screen_ready(self, tries: int = 0) -> bool:
        """True when the current screen can take a key: it has focus, or (laid out) nothing to focus."""
        screen = self.screen
        if screen.focused is not None:
            return True
        return tries >= SETTLE_TRIES and screen.is_mounted and not screen.focus_chain

    def _hold(self, event: events.Key) -> None:
        """Keep the key; when nothing is under way, start releasing."""
        if self._held_keys is None:
            self._held_keys = []
        self._held_keys.append(event)
        if not self._key_busy and len(self._held_keys) == 1:
            self.call_after_refresh(self._release_keys, 0)

    async def _send_key(self, event: events.Key) -> None:
        """Hand the key to Textual; the widget that gets it reports back once it has handled it."""
        self._key_busy = True
        self._key_token += 1
        token, target = self._key_token, self.focused or self.screen
        await super().on_event(event)
        self._watchdog = self.set_timer(WATCHDOG_S, lambda: self._key_done(token))
        self._follow_key(token, target)

    def _follow_key(self, token: int, node) -> None:
        """Queue behind the key at this node, then at each parent up to the app: the key (or the
        copy that bubbled up) has been handled everywhere, its binding run, once the app is reached."""
        if token != self._key_token:
            return
        if node is None:
            self._key_done(token)
            return
        if node is self:  # behind whatever bubbled up to the app
            self.call_later(self._key_done, token)
            return
        if not node.is_attached:  # removed: its queue will not run our callback
            self._follow_key(token, node._parent)
            return
        try:
            node.call_later(self._follow_key, token, node._parent)
        except Exception:  # noqa: BLE001 - the widget is gone: the watchdog reports instead
            pass

    def pop_screen(self):
        """A key that closes a screen is done then: the callbacks queued on its widgets never run."""
        done = super().pop_screen()
        if self._key_busy:
            self.call_later(self._key_done, self._key_token)
        return done

    def switch_screen(self, screen):
        """As pop_screen: the old screen's widgets are gone."""
        done = super().switch_screen(screen)
        if self._key_busy:
            self.call_later(self._key_done, self._key_token)
        return done

    def _key_done(self, token: int) -> None:
        """The key was handled: the next one may go (once the screen is ready)."""
        if token != self._key_token or not self._key_busy:
            return
        self._key_busy = False
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None
        if self._held_keys:
            self.call_later(self._release_keys, 0)

    async def _release_keys(self, tries: int) -> None:
        """Send the first held key when the screen is ready (it reports back for the next)."""
        if self._key_busy or not self._held_keys:
            return
        if not self.screen_ready(tries) and tries < MAX_TRIES:
            self.call_after_refresh(self._release_keys, tries + 1)
            return
        await self._send_key(self._held_keys.pop(0))
