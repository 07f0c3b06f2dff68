"""The last good site a new `sopsite serve` shows: only what was built here, unchanged.

`generator.mkdocs.lastsite` signs a site folder's listing with a key kept in the user's
cache folder. These tests make real folders and records and then try to have a site
shown that was not built here: files changed after the build (bytes, times, new files,
links, a pipe), a record copied to another folder, another user's key, forged or damaged
records. The request paths a browser (or an attacker's page) can send must reach regular
files inside the folder only.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.mkdocs import lastsite
from generator.mkdocs.lastsite import RECORD, ServeSite, Shown, last_good, listing, record

MOUNT = "/"


def _site(root: Path) -> Path:
    for name, text in {"index.html": "<html><body>home</body></html>",
                       "a/index.html": "<html><body>page a</body></html>",
                       "assets/site.css": "body{}",
                       "404.html": "<html><body>missing</body></html>"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project" / ".git").mkdir(parents=True)
    return tmp_path / "project"


@pytest.fixture
def records(project: Path) -> Path:
    return project / ".sopsite-build-cache" / "mkdocs" / "mkdocs"


@pytest.fixture
def site(project: Path, records: Path) -> Path:
    built = _site(project / "site")
    record(records, False, built, MOUNT, project)
    return built


def test_a_site_recorded_here_is_found_again(site: Path, records: Path,
                                              project: Path) -> None:
    shown = last_good(records, False, MOUNT, project)
    assert shown is not None
    assert shown.root == site
    assert last_good(records, True, MOUNT, project) is None  # the server's own is apart
    assert oct((Path(os.environ["XDG_CACHE_HOME"]) / "sopsite" / "last-site.key")
               .stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("change", [
    "bytes", "time", "bytes, same size and time", "new file", "removed file", "new folder",
    "link inside", "pipe",
])
def test_a_site_changed_after_its_build_is_not_shown(site: Path, records: Path,
                                                     project: Path, change: str) -> None:
    page = site / "a" / "index.html"
    if change == "bytes":
        page.write_text("<html><body>page a<script>alert(1)</script></body></html>", "utf-8")
    elif change == "time":  # same bytes, as a checkout of the same content leaves them
        stat = page.stat()
        os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    elif change == "bytes, same size and time":  # as tar or rsync -a leave them
        stat = page.stat()
        page.write_text("<html><body>page b</body></html>", "utf-8")
        os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    elif change == "new file":
        (site / "a" / "extra.html").write_text("<script>alert(1)</script>", "utf-8")
    elif change == "removed file":
        (site / "404.html").unlink()
    elif change == "new folder":
        (site / "b").mkdir()
    elif change == "link inside":
        (site / "b.html").symlink_to(page)
    else:
        os.mkfifo(site / "a" / "pipe.html")
    assert last_good(records, False, MOUNT, project) is None


def test_a_record_names_its_own_folder_only(site: Path, records: Path, project: Path) -> None:
    """A copy that keeps every time and size does not list as the folder that was signed
    (its files' change times are new), and the very folder moved elsewhere is not it."""
    copy = project / "copy"
    shutil.copytree(site, copy, copy_function=shutil.copy2)
    for path in [copy, *copy.rglob("*")]:
        os.utime(path, ns=(0, (site / path.relative_to(copy)).stat().st_mtime_ns))
    assert listing(copy) != listing(site)
    moved, signed = project / "moved", listing(site)
    site.rename(moved)
    assert listing(moved) == signed
    path = records / RECORD[False]
    fields = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**fields, "site": str(moved)}), "utf-8")
    assert last_good(records, False, MOUNT, project) is None


def test_another_users_key_or_a_forged_record_is_not_trusted(
        site: Path, records: Path, project: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert last_good(records, False, MOUNT, project) is None
    monkeypatch.undo()
    assert last_good(records, False, MOUNT, project) is not None
    path = records / RECORD[False]
    fields = json.loads(path.read_text("utf-8"))
    for forged in ({**fields, "signature": "0" * 64}, {**fields, "built": "2030-01-01T00:00"},
                   {k: v for k, v in fields.items() if k != "signature"}):
        path.write_text(json.dumps(forged), "utf-8")
        assert last_good(records, False, MOUNT, project) is None, forged


@pytest.mark.parametrize("text", ["not json", "[]", "{}", '{"signature": 1}', "\udcff",
                                  '{"signature": "x", "site": ["a"]}'])
def test_a_damaged_record_is_not_read(site: Path, records: Path, project: Path,
                                      text: str) -> None:
    (records / RECORD[False]).write_bytes(text.encode("utf-8", "surrogateescape"))
    assert last_good(records, False, MOUNT, project) is None


def test_a_record_is_for_the_address_it_was_built_for(site: Path, records: Path,
                                                      project: Path) -> None:
    assert last_good(records, False, "/handbook/", project) is None


def test_a_site_out_of_the_project_is_not_recorded(tmp_path: Path, project: Path,
                                                   records: Path) -> None:
    record(records, False, _site(tmp_path / "elsewhere"), MOUNT, project)
    assert not (records / RECORD[False]).exists()
    (project / "linked").symlink_to(tmp_path / "elsewhere")
    record(records, False, project / "linked", MOUNT, project)
    assert not (records / RECORD[False]).exists()


def _shown(records: Path, project: Path) -> Shown:
    shown = last_good(records, False, MOUNT, project)
    assert shown is not None
    return shown


def test_requests_reach_regular_files_inside_the_site_only(site: Path, records: Path,
                                                           project: Path,
                                                           tmp_path: Path) -> None:
    shown = _shown(records, project)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", "utf-8")
    (site / "out.html").symlink_to(secret)
    (site / "outside").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(site / "pipe.html")
    assert shown.read("/", MOUNT) == ("file", b"<html><body>home</body></html>")
    assert shown.read("/a/", MOUNT) == ("file", b"<html><body>page a</body></html>")
    assert shown.read("/a", MOUNT) == ("folder", b"")
    assert shown.read("/assets/site.css", MOUNT) == ("file", b"body{}")
    for path in ("/out.html", "/outside/secret.txt", "/../secret.txt", "/a/../../secret.txt",
                 "/%2e%2e/secret.txt", "/pipe.html", "/assets", "/nothing/", "//etc/passwd",
                 "/a/index.html/", "/\0"):
        assert shown.read(path, MOUNT) == ("missing", b""), path


def test_under_a_mount_path_the_site_is_below_it(site: Path, records: Path,
                                                 project: Path) -> None:
    shown = _shown(records, project)
    assert shown.read("/handbook/a/", "/handbook/") == ("file",
                                                         b"<html><body>page a</body></html>")


def test_a_server_shows_the_newer_site_and_takes_its_own_folder_aside(
        site: Path, records: Path, project: Path) -> None:
    first = ServeSite.claim((records, project), MOUNT)
    try:
        assert first.shown is not None
        assert first.shown.root == site
        assert first.site == records / "serve-site"
        _site(first.site)
        # A second server of the same configuration builds in a folder of its own.
        second = ServeSite.claim((records, project), MOUNT)
        assert second.records is None
        assert second.shown is None
        assert not second.site.is_relative_to(project)
        second.close(good=True, mount=MOUNT)
        assert not second.site.exists()
        first.retire()
        assert first.shown is None
        assert site.is_dir()
    finally:
        first.close(good=True, mount=MOUNT)
    assert (records / RECORD[True]).is_file()
    again = ServeSite.claim((records, project), MOUNT)
    try:
        assert again.shown is not None
        assert again.shown.root == records / "serve-shown"
        assert again.shown.read("/a/", MOUNT) == ("file", b"<html><body>page a</body></html>")
        assert not (records / RECORD[True]).exists()  # its folder is about to change
        assert not again.site.exists() or not any(again.site.iterdir())
    finally:
        again.close(good=False, mount=MOUNT)
    assert not (records / RECORD[True]).exists()  # the last build failed: nothing to show


def test_a_server_folder_that_was_not_recorded_is_emptied(records: Path,
                                                          project: Path) -> None:
    """MkDocs' dirty build keeps what it finds in the site folder: a server must start
    from an empty one, whatever a crashed server left."""
    _site(records / "serve-site")
    claimed = ServeSite.claim((records, project), MOUNT)
    try:
        assert claimed.shown is None
        assert list(claimed.site.iterdir()) == []
    finally:
        claimed.close(good=False, mount=MOUNT)


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000, " " * 10_000_000])
def test_a_record_too_deep_or_too_big_is_not_read(site: Path, records: Path,
                                                  project: Path, text: str) -> None:
    """A repository may bring any record: none may stop the server with a traceback."""
    (records / RECORD[False]).write_text(text, "utf-8")
    assert last_good(records, False, MOUNT, project) is None


def test_a_record_that_is_a_pipe_does_not_hold_the_server(site: Path, records: Path,
                                                          project: Path) -> None:
    (records / RECORD[False]).unlink()
    os.mkfifo(records / RECORD[False])
    found: list[object] = []

    def read() -> None:
        found.append(last_good(records, False, MOUNT, project))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert found == [None]


@pytest.mark.parametrize("cache", ["relative", "inside"])
def test_a_key_the_repository_could_bring_is_not_used(
        site: Path, records: Path, project: Path, cache: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative XDG_CACHE_HOME is read from the working folder (the repository, as a
    rule); a key inside the project came with it and signs anything."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("HOME", str(project.parent / "home"))  # a relative one is ignored
    monkeypatch.setenv("XDG_CACHE_HOME", "cache" if cache == "relative"
                       else str(project / "cache"))
    (project / "cache" / "sopsite").mkdir(parents=True)
    (project / "cache" / "sopsite" / "last-site.key").write_bytes(b"k" * 32)
    if cache == "inside":
        record(records, False, site, MOUNT, project)
        assert not (records / RECORD[False]).exists()
    fields = {"format": lastsite.FORMAT, "site": str(site), "mount": MOUNT,
              "built": "2030-01-01T00:00:00+00:00", "listing": listing(site) or ""}
    signature = lastsite._signature(b"k" * 32, fields)
    (records / RECORD[False]).write_text(json.dumps({**fields, "signature": signature}))
    assert last_good(records, False, MOUNT, project) is None


def test_a_file_changed_while_it_is_shown_is_not_served(site: Path, records: Path,
                                                        project: Path,
                                                        tmp_path: Path) -> None:
    """The folder is checked once, when the server starts; what is read later must still be
    the file that was checked (a checkout may write the folder meanwhile)."""
    shown = _shown(records, project)
    page = site / "a" / "index.html"
    before = page.stat()
    page.write_text("<html><body>page b</body></html>", "utf-8")  # same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert shown.read("/a/", MOUNT) == ("missing", b"")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", "utf-8")
    (site / "out.html").symlink_to(secret)
    (site / "outside").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(site / "pipe.html")
    shutil.rmtree(site / "assets")
    (site / "assets").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "site.css").write_text("body{}", "utf-8")
    for path in ("/out.html", "/outside/secret.txt", "/pipe.html", "/assets/site.css"):
        assert shown.read(path, MOUNT) == ("missing", b""), path
    assert shown.read("/", MOUNT) == ("file", b"<html><body>home</body></html>")


def test_a_server_record_shows_its_own_folder_only(site: Path, records: Path,
                                                   project: Path) -> None:
    """A server's record names the folder it signed: a serve-site/ it does not name (come
    with a copied project, say) is not moved aside and shown in its place."""
    signed = _site(project / "signed")
    record(records, True, signed, MOUNT, project)
    planted = _site(records / "serve-site")
    (planted / "index.html").write_text("<script>alert(1)</script>", "utf-8")
    claimed = ServeSite.claim((records, project), MOUNT)
    try:
        assert claimed.shown is None or claimed.shown.read("/", MOUNT)[1] != (
            b"<script>alert(1)</script>")
    finally:
        claimed.close(good=False, mount=MOUNT)


def test_a_site_built_into_the_servers_own_folder_is_not_shown(records: Path,
                                                               project: Path) -> None:
    """A configuration may name the server's folder as its site_dir: the server empties
    it and builds there, so it cannot show it as the last site meanwhile."""
    record(records, False, _site(records / "serve-site"), MOUNT, project)
    assert last_good(records, False, MOUNT, project) is not None
    claimed = ServeSite.claim((records, project), MOUNT)
    try:
        assert claimed.shown is None
    finally:
        claimed.close(good=False, mount=MOUNT)


def test_a_build_stopped_by_ctrl_c_is_not_good(monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs runs its builds in the main thread: Ctrl-C stops one half way, and the
    server then records its folder only if the last build ended well."""
    from generator.mkdocs import serve

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "mkdocs_build", interrupted)
    preview = serve.Preview(SimpleNamespace, serve_url="", mount=MOUNT,  # type: ignore[arg-type]
                            dirty=False)
    with pytest.raises(KeyboardInterrupt):
        preview.build(SimpleNamespace(site_url=""))  # type: ignore[arg-type]
    assert not preview.good


def test_a_folder_asked_without_its_slash_stays_on_this_server() -> None:
    """``//example.com`` names a folder of the site and a host: the browser is sent on
    within this server."""
    from generator.mkdocs.serve import _moved

    page = _moved("//example.com").decode()
    assert 'url=./example.com/"' in page, page
    assert 'url=./a%20b/"' in _moved("/handbook/a b").decode()


@pytest.mark.parametrize("name", ["serve-site", "serve-shown"])
@pytest.mark.parametrize("kind", ["file", "pipe", "link"])
def test_a_server_folder_that_is_not_a_folder_is_replaced(records: Path, project: Path,
                                                          tmp_path: Path, name: str,
                                                          kind: str) -> None:
    """A restored cache may hold anything where the server's folders go: it is removed
    (never what a link names), without a traceback and without waiting on a pipe."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "kept.txt").write_text("kept", "utf-8")
    records.mkdir(parents=True)
    if kind == "file":
        (records / name).write_text("x", "utf-8")
    elif kind == "pipe":
        os.mkfifo(records / name)
    else:
        (records / name).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    claimed: list[ServeSite] = []
    claiming = threading.Thread(target=lambda: claimed.append(
        ServeSite.claim((records, project), MOUNT)), daemon=True)
    claiming.start()
    claiming.join(timeout=10)
    assert claimed, "claim raised or waited"
    try:
        assert claimed[0].records is not None
        assert claimed[0].site.is_dir()
        assert not claimed[0].site.is_symlink()
        assert (tmp_path / "elsewhere" / "kept.txt").is_file()
    finally:
        claimed[0].close(good=False, mount=MOUNT)


def test_whatever_is_left_where_a_folder_goes_is_removed_without_waiting(
        tmp_path: Path) -> None:
    """`remove_path` clears the server's folders and `sopsite build`'s staging folders:
    a pipe there must not hold it (rmtree opens what it is given), a link's target must
    stay untouched."""
    import threading

    from generator.boundary import remove_path

    kept = _site(tmp_path / "kept")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "file").write_text("x", "utf-8")
    (tmp_path / "file").write_text("x", "utf-8")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to(kept, target_is_directory=True)
    names = ["folder", "file", "pipe", "link", "absent"]
    done = threading.Thread(target=lambda: [remove_path(tmp_path / n) for n in names],
                            daemon=True)
    done.start()
    done.join(timeout=10)
    assert not done.is_alive(), "remove_path waited on the pipe"
    assert [n for n in names if os.path.lexists(tmp_path / n)] == []
    assert (kept / "a" / "index.html").is_file()


def test_a_key_cut_short_is_made_again_and_a_made_one_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key written half (a crash while it was made) would turn the feature off for good;
    a whole key is never replaced, so what it signed stays readable."""
    from generator.mkdocs.lastsite import KEY_BYTES, _key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    key_file = tmp_path / "cache" / "sopsite" / "last-site.key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"short")
    made = _key(tmp_path / "project")
    assert made is not None
    assert len(made) == KEY_BYTES
    assert key_file.read_bytes() == made
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _key(tmp_path / "project") == made
    assert [p.name for p in key_file.parent.iterdir()] == ["last-site.key"]
