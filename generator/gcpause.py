"""Keep CPython's cycle collector out of checks and out of a live server's rebuilds.

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


class IdleCollection:
    """Keep the cycle collector out of a live server's rebuilds; collect once the page is out.

    `sopsite serve` holds the whole handbook and MkDocs' last build alive: millions of objects
    that a full collection walks (0.5 to 0.7 s at 1000 documents), and one fell inside every
    second or third rebuild after a save. So:

    - the first build runs with the collector as usual (it makes most of the garbage), and
      at its end what survived is collected and frozen (`gc.freeze`): the parsed handbook
      and the kept pages stay for the session, and no later collection walks them again;
    - every later build runs with the collector off, and one collection runs ``delay``
      seconds after it, when the browser has its page, unless another build has begun. It
      walks only what is newer than the freeze: a few hundredths of a second.

    What a later build replaces of the frozen objects is freed by reference counting, as
    acyclic objects always are; only the first build's reference cycles (MkDocs' page tree)
    are kept, once, until the server stops.
    """

    def __init__(self, delay: float = 1.0) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._frozen = False

    def building(self) -> None:
        """A build starts: cancel a pending collection; after the first, pause the collector."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._frozen:
                gc.disable()

    def built(self) -> None:
        """A build ended (or failed): freeze after the first, else collect after the delay."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._frozen:
                gc.collect()
                gc.freeze()
                self._frozen = True
                return
            self._timer = threading.Timer(self.delay, self._collect)
            self._timer.daemon = True
            self._timer.start()

    def _collect(self) -> None:
        with self._lock:
            if self._timer is not threading.current_thread():
                return  # cancelled, or replaced by a later build's timer
            self._timer = None
            gc.collect()
            gc.enable()
