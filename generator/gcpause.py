"""Keep CPython's cycle collector from walking what a check or a live server keeps alive.

Loading builds millions of small objects (values, positions, models) that all live until the
check ends and hold no reference cycles. The cycle collector cannot know that: each time
allocations pass its threshold it rescans everything alive, and with a growing heap a check of
1000 documents ran 33 full collections that freed nothing, 60% of its time. Reference counting
still frees every acyclic object at once, so pausing the collector for the duration costs no
memory; it runs again as usual afterwards.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector for the block, restoring whatever state it had."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class SessionFreeze:
    """Keep a live server's cycle collections from walking the handbook on every save.

    `sopsite serve` holds the parsed handbook, its kept pages and findings for the whole
    session: millions of objects that every full collection walked (0.5 s at 1000
    documents), and one fell inside every second or third rebuild after a save. At the end
    of the first build, what survived is collected once and frozen (`gc.freeze`): later
    collections walk only what is newer, a few hundredths of a second.

    What a later build replaces of the frozen objects is freed by reference counting, as
    acyclic objects always are; only the first build's reference cycles (MkDocs' page tree)
    are kept, once, until the server stops.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen = False

    def built(self) -> None:
        """A build ended (or failed); after the first, freeze what is alive."""
        with self._lock:
            if not self._frozen:
                self._frozen = True
                gc.collect()
                gc.freeze()
