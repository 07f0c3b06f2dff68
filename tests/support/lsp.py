"""A small Language Server Protocol client: the real yaml-language-server (the server behind
VS Code's "YAML" extension, pinned in package-lock.json) over stdio, given the settings an
editor would give it, asked for nothing but the diagnostics of the files it is shown.

Only what an editor does to get diagnostics is here: `initialize`, the settings (the server
asks for them with `workspace/configuration` after `workspace/didChangeConfiguration`),
`textDocument/didOpen`, then `textDocument/publishDiagnostics` collected until every file
has had its say and the server has been quiet a moment (it validates after a delay, and
again when its settings arrive).
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tests.support import REPO

SERVER = REPO / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic, with its 1-based line and column as sopsite's problems have them."""

    line: int
    column: int
    message: str
    source: str


def nested(settings: Mapping[str, Any]) -> dict[str, Any]:
    """VS Code's flat settings (`"yaml.schemas": ...`) as the sections a server asks for
    (`{"yaml": {"schemas": ...}}`)."""
    tree: dict[str, Any] = {}
    for key, value in settings.items():
        *parents, leaf = key.split(".")
        node = tree
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return tree


class YamlLanguageServer:
    """The server, started in ``root`` as a workspace folder, with ``settings`` (flat, as in
    .vscode/settings.json). Use as a context manager; it is shut down on leaving."""

    def __init__(self, root: Path, settings: Mapping[str, Any]) -> None:
        node = shutil.which("node")
        assert node, "Node.js is needed to run yaml-language-server; install nodejs"
        assert SERVER.is_file(), "yaml-language-server is not installed; run `npm ci`"
        self.root = root
        self.settings = nested(settings)
        self._process = subprocess.Popen(
            [node, str(SERVER), "--stdio"], cwd=root, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._next_id = 0
        assert self._process.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self._process.stdout,),
                                        daemon=True)
        self._reader.start()

    # --- the wire: JSON-RPC messages with a Content-Length header ----------------------

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = 0
            while (header := stream.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not header or not length:
                self._messages.put(None)
                return
            self._messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self._process.stdin is not None
        self._process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self._process.stdin.flush()

    def _request(self, method: str, params: Any) -> int:
        self._next_id += 1
        self._send({"id": self._next_id, "method": method, "params": params})
        return self._next_id

    def _notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def _answer(self, message: dict[str, Any]) -> None:
        """Answer a request from the server: its settings when it asks for them, an empty
        result for the rest (registering capabilities, progress)."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), {})
                      for item in message["params"]["items"]]
        self._send({"id": message["id"], "result": result})

    def _next(self, timeout: float) -> dict[str, Any] | None:
        """The next message that is not a request of the server's (those are answered)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                return None
            assert message is not None, "yaml-language-server stopped"
            if "method" in message and "id" in message:
                self._answer(message)
                continue
            return message
        return None

    # --- what an editor does ------------------------------------------------------------

    def __enter__(self) -> YamlLanguageServer:
        uri = self.root.as_uri()
        asked = self._request("initialize", {
            "processId": None, "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": self.root.name}],
            "capabilities": {"workspace": {"configuration": True,
                                           "didChangeConfiguration": {"dynamicRegistration": True}},
                             "textDocument": {"publishDiagnostics": {}}},
        })
        while (message := self._next(30)) is not None and message.get("id") != asked:
            pass
        assert message is not None, "yaml-language-server did not answer initialize"
        self._notify("initialized", {})
        self._notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return self

    def diagnostics(self, files: Iterable[Path], *, quiet: float = 1.0,
                    timeout: float = 60) -> dict[Path, list[Diagnostic]]:
        """Open ``files`` (under the root) and return each one's last diagnostics, once every
        file has had some and nothing has come for ``quiet`` seconds."""
        opened = {file.resolve().as_uri(): file for file in files}
        for uri, file in opened.items():
            self._notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "yaml", "version": 1,
                "text": file.read_text("utf-8")}})
        found: dict[Path, list[Diagnostic]] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._next(quiet)
            if message is None:
                if len(found) == len(opened):
                    return found
                continue
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] in opened:
                    found[opened[params["uri"]]] = [
                        Diagnostic(d["range"]["start"]["line"] + 1,
                                   d["range"]["start"]["character"] + 1, d["message"],
                                   d.get("source", "")) for d in params["diagnostics"]]
        missing = sorted(str(f) for uri, f in opened.items() if f not in found)
        raise AssertionError(f"no diagnostics from yaml-language-server for {missing}")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            asked = self._request("shutdown", None)
            while (message := self._next(5)) is not None and message.get("id") != asked:
                pass
            self._notify("exit", None)
            self._process.wait(timeout=5)
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            self._reader.join(timeout=5)
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    pipe.close()
