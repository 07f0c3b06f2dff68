"""One run of sopsite, and everything it keeps from one build to the next.

A one-off command (`check`, `build`, `export`) makes a session, runs the pipeline once and
drops it. `sopsite serve` keeps one for the whole server (the plugin makes it when MkDocs
starts), so that a save re-parses the file that changed, re-runs the local rules on it,
reads git's log only after a commit and re-renders only the pages whose inputs changed.

Nothing derived from a handbook is kept anywhere else. The stage functions (load, check,
history, generate, write) take what they may reuse as arguments and are otherwise functions
of their inputs; a test that makes a new session starts cold, and one that drops it forgets
everything. What models work out from themselves (a fingerprint, a step graph) lives on the
model, as long as the model does. A few pure functions of small arguments memoize their
result (compiled patterns, the closest id to a typo): those cannot be stale.

The session also owns the cycle collector's policy. Loading makes millions of small objects
(values, positions, models) that live until the run ends and hold no reference cycles; the
collector cannot know that, and each time allocations pass its threshold it walks them all.
Reference counting still frees every acyclic object at once, so pausing it costs no memory.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from generator.checks import Findings
from generator.git.history import Logs
from generator.load.handbook import ParseCache
from generator.render import cache
from generator.render.cache import PageCache
from generator.write import Written

if TYPE_CHECKING:
    from generator.render.core import Renderer


class Session:
    """The caches, memos and collector policy of one run (or one live server)."""

    def __init__(self, *, serving: bool = False) -> None:
        self.serving = serving
        """A live server: keep what a next build can reuse (a one-off run keeps nothing
        it need not, since the memory is better spent on MkDocs' own pages)."""
        self.parsed = ParseCache()
        """Files parsed and validated, by path, with the size, mtime and inode they had."""
        self.findings = Findings()
        """What the local rules found in each entry, per day and settings."""
        self.logs = Logs()
        """git's log of the handbook folder, by HEAD commit: it changes only with one."""
        self.pages = PageCache()
        """Generated pages, each with the digest of exactly the inputs it was made from."""
        self.written = Written()
        """What a live server wrote to each cache folder, and when."""
        self._renderers: dict[str, Renderer] = {}
        self._software = ""
        self._settled = False

    def software(self) -> str:
        """The digest of the software that makes the pages (`render.cache.software_digest`),
        worked out once per session: every kept page is salted with it."""
        if not self._software:
            self._software = cache.software_digest()
        return self._software

    def page_cache(self, store: Path | None) -> PageCache | None:
        """Where a build's pages are looked up and kept: a live server's memory (and
        ``store`` on disk, the build cache's `pages/`); for a one-off build only ``store``,
        or nothing."""
        if self.serving:
            if store is not None:
                self.pages.store, self.pages.salt = store, self.software()
            return self.pages
        return PageCache(store, self.software(), keep=False) if store is not None else None

    def renderer(self, template_dir: Path | None) -> Renderer:
        """The Jinja environment for ``template_dir``: each template is compiled once per
        session, not once per build."""
        from generator.render.core import Renderer  # Jinja: not for `sopsite check`

        key = str(template_dir)
        if key not in self._renderers:
            self._renderers[key] = Renderer(template_dir)
        return self._renderers[key]

    @contextmanager
    def working(self, *, kept: bool = False) -> Iterator[None]:
        """Pause the cycle collector for the block (loading and checking), restoring
        whatever state it had.

        ``kept``: what the block made stays alive until the process ends (a check command),
        so it is frozen at the end of the block; the first collection after it would
        otherwise walk every object the block made, since none was collected meanwhile.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if kept:
                gc.freeze()
            if was_enabled:
                gc.enable()

    def settle(self) -> None:
        """After a live server's first build: collect once, then freeze what is alive.

        The parsed handbook, its models, findings and pages stay for the whole session,
        while MkDocs has made none of its pages yet; frozen, they are never walked by a
        later collection, which would otherwise fall inside a rebuild now and then.
        Frozen objects are still freed by reference counting when a later build replaces
        them, as they hold no cycles. A one-off run does nothing here.
        """
        if self.serving and not self._settled:
            gc.collect()
            gc.freeze()
            self._settled = True

    def release(self) -> None:
        """Forget everything but the compiled templates: a one-off build calls this once
        its pages are written, before MkDocs renders the HTML and needs the memory."""
        self.parsed = ParseCache()
        self.findings = Findings()
        self.logs = Logs()
        self.pages = PageCache()

    def close(self) -> None:
        """The session ends (a server stops): forget everything, and thaw what `settle`
        froze, so that collections walk it again and free what is garbage now."""
        self.release()
        self._renderers.clear()
        if self._settled:
            gc.unfreeze()
            self._settled = False

    @staticmethod
    def end_process() -> None:
        """The command is about to exit: freeze what is alive, so that the interpreter's
        last collection need not walk a large handbook to free memory the operating system
        takes back anyway."""
        gc.freeze()
