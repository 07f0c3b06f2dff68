"""Hostile files, folders and command-line names: nothing outside the project leaks in,
nothing is written outside it, and every refusal is a located problem or a usage error.

Secrets are real files in ``tmp_path/outside``, next to the project and never in it, each
holding `MARKER`; the links, pipes and sockets are real too. Where the exit code is the
subject the installed `sopsite` runs as a subprocess (with a timeout, so a read that would
block fails the test instead of hanging it); the rest runs in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.boundary import MAX_NAME
from generator.checks.ids import MAX_ID_LENGTH
from generator.commands.bundle import write_zip
from generator.commands.publish import PublishError, publish
from generator.commands.scaffold import ScaffoldError, new_file
from generator.load import MAX_FILE_BYTES, load_file
from generator.mkdocs.build import SiteBuildError
from generator.pipeline import check_handbook
from generator.write import MANIFEST, write_pages
from tests.support import MINIMAL, SOPSITE, TODAY, TODAY_ARG, Book
from tests.support.build import make_project

MARKER = "SOPSITE-SECRET-7f3a9c"
"""In every secret; it must appear in no output, message or built file."""

SECRET = f"kind: term\nid: {MARKER.lower()}\nterm: {MARKER}\ndefinition: root:x:0:0 {MARKER}\n"
"""Valid YAML a handbook would accept, so that only the boundary can keep it out."""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOPSITE_DEBUG"}
    env.update(SOPSITE_TODAY=TODAY_ARG, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([str(SOPSITE), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def secret(tmp_path: Path, name: str = "passwd") -> Path:
    path = tmp_path / "outside" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(SECRET, encoding="utf-8")
    return path


def assert_clean_refusal(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert MARKER not in result.stdout + result.stderr
    assert MARKER.lower() not in result.stdout + result.stderr


def files_holding(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
            and text.encode() in p.read_bytes()]


# --- reading: hostile sources are refused unread ------------------------------------------

OUTSIDE = ("expected a file inside the project hb, found a symbolic link to {target!r} outside "
           "it; sopsite reads nothing from outside the project: copy the file in instead")


def _link_to_secret(tmp: Path, book: Book) -> tuple[str, str]:
    secret(tmp)
    (book.root / "leak.yml").symlink_to("../outside/passwd")
    return "hb/leak.yml", OUTSIDE.format(target="../outside/passwd")


def _absolute_link_to_key(tmp: Path, book: Book) -> tuple[str, str]:
    key = secret(tmp, "id_rsa")
    (book.root / "keys.yaml").symlink_to(key)
    return "hb/keys.yaml", OUTSIDE.format(target=str(key))


def _chain_through_the_project(tmp: Path, book: Book) -> tuple[str, str]:
    secret(tmp, "credentials")
    (book.root / "hop").symlink_to("../outside/credentials")  # not YAML: not read itself
    (book.root / "alias.yml").symlink_to("hop")  # points inside, but ends outside
    return "hb/alias.yml", OUTSIDE.format(target="hop")


def _dev_zero(tmp: Path, book: Book) -> tuple[str, str]:
    (book.root / "zero.yml").symlink_to("/dev/zero")
    return "hb/zero.yml", OUTSIDE.format(target="/dev/zero")


def _fifo(tmp: Path, book: Book) -> tuple[str, str]:
    os.mkfifo(book.root / "pipe.yml")
    return "hb/pipe.yml", ("expected a regular file, found a named pipe (FIFO); sopsite reads "
                           "only regular files")


def _socket(tmp: Path, book: Book) -> tuple[str, str]:
    server = socket.socket(socket.AF_UNIX)
    server.bind("hb/sock.yml")  # relative: the absolute path may be too long for a socket
    server.close()
    return "hb/sock.yml", ("expected a regular file, found a socket; sopsite reads only "
                           "regular files")


def _folder_outside(tmp: Path, book: Book) -> tuple[str, str]:
    secret(tmp, "terms.yml")
    (book.root / "shared").symlink_to("../outside", target_is_directory=True)
    return "hb/shared", ("expected a folder inside the project hb, found a symbolic link to "
                         "'../outside' outside it; sopsite reads nothing from outside the "
                         "project: copy the folder in instead")


def _folder_loop(tmp: Path, book: Book) -> tuple[str, str]:
    (book.root / "loop").symlink_to(".", target_is_directory=True)
    return "hb/loop", ("expected a file or a folder, found a symbolic link to the folder '.'; "
                       "sopsite does not follow linked folders: link the files instead")


def _huge_sparse_file(tmp: Path, book: Book) -> tuple[str, str]:
    with (book.root / "huge.yml").open("wb") as handle:
        handle.truncate(8 * 1024**3)  # 8 GiB that take no disk: reading it would not end well
    return "hb/huge.yml", (f"file is {8 * 1024**3:,} bytes, more than the limit of "
                           f"{MAX_FILE_BYTES:,}; split the procedure into smaller documents")


SOURCES: dict[str, Callable[[Path, Book], tuple[str, str]]] = {
    "link-to-secret": _link_to_secret, "absolute-link-to-key": _absolute_link_to_key,
    "chain-of-links-out": _chain_through_the_project, "dev-zero": _dev_zero, "fifo": _fifo,
    "socket": _socket, "folder-outside": _folder_outside, "folder-loop": _folder_loop,
    "huge-sparse-file": _huge_sparse_file,
}


@pytest.mark.parametrize("case", SOURCES)
def test_hostile_source_is_one_located_problem_and_the_rest_is_still_checked(
    case: str, book: Book, tmp_path: Path
) -> None:
    path, message = SOURCES[case](tmp_path, book)
    code = "FILE001" if case == "huge-sparse-file" else (
        "FILE007" if case in ("fifo", "socket", "folder-loop") else "FILE006")
    # A broken file next to it: its problem must still be reported.
    book.edit("sop-it-001.yml", "review_every: 12", "review_every: twelve")
    result = run("check", "hb", cwd=tmp_path)
    assert_clean_refusal(result, 1)
    assert result.stdout.splitlines() == sorted([
        f"{path}:1:1: error [{code}] {message}",
        "hb/sop-it-001.yml:8:15: error [MODEL004] 'review_every': expected a whole "
        "number, found text 'twelve'",
    ])


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_secret_behind_a_link_is_in_no_output_format(fmt: str, book: Book,
                                                      tmp_path: Path) -> None:
    path, message = _link_to_secret(tmp_path, book)
    result = run("check", "hb", "--format", fmt, cwd=tmp_path)
    assert_clean_refusal(result, 1)
    if fmt == "json":
        assert json.loads(result.stdout)["problems"] == [
            {"path": path, "line": 1, "column": 1, "code": "FILE006", "severity": "error",
             "message": message, "fails": True}]
    elif fmt == "github":
        assert result.stdout == (f"::error file={path},line=1,col=1,title=FILE006::{message}\n")
    else:
        assert result.stdout == f"{path}:1:1: error [FILE006] {message}\n"


def test_the_handbook_folder_itself_linked_out_is_refused(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    shutil.copytree(MINIMAL, tmp_path / "outside" / "sops")
    (tmp_path / "project" / ".git").mkdir(parents=True)  # the project's top folder
    (tmp_path / "project" / "sops").symlink_to("../outside/sops", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "project")
    _, problems = check_handbook(Path("sops"), today=TODAY)
    assert [p.format() for p in problems] == [
        f"sops:1:1: error [FILE006] expected a folder inside the project {tmp_path}/project, "
        "found a symbolic link to '../outside/sops' outside it; sopsite reads nothing from "
        "outside the project: copy the folder in instead"
    ]


def test_a_link_that_stays_in_the_project_is_followed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Git stores the link, so reviewers see where it points; a shared glossary is real."""
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project / "sops")
    (project / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (project / "shared").mkdir()
    (project / "sops" / "glossary.yml").rename(project / "shared" / "glossary.yml")
    (project / "sops" / "glossary.yml").symlink_to("../shared/glossary.yml")
    monkeypatch.chdir(project)
    handbook, problems = check_handbook(Path("sops"), today=TODAY)
    assert problems == []
    assert sorted(handbook.term_index) == ["pre-mortem", "retrospective"]


def test_load_file_reads_no_more_than_the_limit_whatever_the_file_claims(
    tmp_path: Path
) -> None:
    """`load_file` on its own, handed a device: it looks at the open file, reads nothing."""
    assert [p.format() for p in load_file(Path("/dev/zero"), "zero.yml").problems] == [
        "zero.yml:1:1: error [FILE007] expected a regular file, found a character device; "
        "sopsite reads only regular files"
    ]


def test_a_mkdocs_yml_linked_to_a_device_does_not_hang_the_check(book: Book,
                                                                 tmp_path: Path) -> None:
    """`check` reads the training policy from mkdocs.yml: bounded, and regular files only."""
    (tmp_path / "mkdocs.yml").symlink_to("/dev/zero")
    result = run("check", "hb", cwd=tmp_path)
    assert_clean_refusal(result, 0)
    assert result.stderr == "no problems found\n"


@pytest.mark.slow
@pytest.mark.parametrize("where", ["sops", "docs"])
def test_a_leaking_link_fails_the_build_and_reaches_no_built_file(where: str,
                                                                  tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", MINIMAL)
    secret(tmp_path)
    name = "leak.yml" if where == "sops" else "leak.md"
    (tmp_path / "p" / where / name).symlink_to("../../outside/passwd")
    result = run("build", "-f", str(config), cwd=tmp_path / "p")
    assert_clean_refusal(result, 1)
    assert (f"{where}/{name}:1:1: error [FILE006] expected a file inside the project "
            f"{tmp_path}/p, found a symbolic link to '../../outside/passwd' outside it"
            ) in result.stderr
    assert not (tmp_path / "p" / "site").exists()
    assert files_holding(tmp_path / "p", MARKER) == []


@pytest.mark.slow
def test_a_template_linked_out_of_the_project_fails_the_build_unread(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", MINIMAL)
    config.write_text(config.read_text("utf-8").replace(
        "      sops: sops\n", "      sops: sops\n      templates: overrides\n"), "utf-8")
    (tmp_path / "p" / "overrides").mkdir()
    secret(tmp_path)
    (tmp_path / "p" / "overrides" / "glossary.md.j2").symlink_to("../../outside/passwd")
    result = run("build", "-f", str(config), cwd=tmp_path / "p")
    assert_clean_refusal(result, 1)
    assert ("overrides/glossary.md.j2:1:1: error [FILE006] expected a file inside the project "
            f"{tmp_path}/p, found a symbolic link to '../../outside/passwd' outside it"
            ) in result.stderr
    assert files_holding(tmp_path / "p", MARKER) == []


# --- writing: only inside the project, only files of ours ---------------------------------


@pytest.mark.slow
def test_a_staging_folder_planted_as_a_link_is_removed_not_built_into(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", MINIMAL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "p" / ".site.building").symlink_to(elsewhere, target_is_directory=True)
    result = run("build", "-f", str(config), cwd=tmp_path / "p")
    assert result.returncode == 0, result.stderr
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "p" / "site" / "index.html").is_file()
    assert not (tmp_path / "p" / "site").is_symlink()


def test_new_refuses_a_kind_folder_linked_out_of_the_project(book: Book,
                                                             tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (book.root / "sops").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ScaffoldError) as refused:
        new_file(book.root, "sop", "SOP-IT-009", "x", today=TODAY)
    assert str(refused.value) == (
        f"the folder hb/sops is a symbolic link to '{elsewhere}'; sopsite writes only to real "
        "folders inside the project hb: remove the link")
    assert list(elsewhere.iterdir()) == []



@pytest.mark.slow
@pytest.mark.parametrize("folder", ["cache", "build-cache", "site"])
def test_a_linked_cache_or_site_folder_stops_the_build_before_it_writes(
    folder: str, tmp_path: Path
) -> None:
    config = make_project(tmp_path / "p", MINIMAL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine\n", encoding="utf-8")
    name, what = {"cache": (".sopsite-cache", "cache folder (cache_dir)"),
                  "build-cache": (".sopsite-build-cache", "build cache folder (build_cache)"),
                  "site": ("site", "site folder")}[folder]
    (tmp_path / "p" / name).symlink_to(elsewhere, target_is_directory=True)
    result = run("build", "-f", str(config), cwd=tmp_path / "p")
    assert_clean_refusal(result, 1)
    assert (f"the {what} {name} is a symbolic link to '{elsewhere}'; sopsite writes only to "
            f"real folders inside the project {tmp_path}/p: remove the link") in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]


def test_export_never_overwrites_a_file_it_did_not_write(book: Book, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "glossary.md").write_text("my own notes\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "roles").symlink_to(elsewhere, target_is_directory=True)
    result = run("export", "hb", "--out", "out", cwd=tmp_path)
    assert_clean_refusal(result, 1)
    refused = result.stdout.splitlines()[:-1]
    assert refused[0] == (
        "out/glossary.md:1:1: error [OUT001] expected no file here, or one sopsite wrote "
        f"(listed in {MANIFEST}), found a file that sopsite did not write; sopsite never "
        "overwrites a file it did not write: move it away or choose another output folder")
    assert refused[1:] == [
        f"out/roles/{page}:1:1: error [OUT001] expected a folder inside the output folder "
        f"out, found one that resolves to '{elsewhere}'; sopsite writes nothing outside it: "
        "remove the link"
        for page in ("index.md", "it-director.md", "technician.md")]
    assert (out / "glossary.md").read_text(encoding="utf-8") == "my own notes\n"
    assert list(elsewhere.iterdir()) == []
    assert "glossary.md" not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert (out / "procedures" / "sop-it-001.md").is_file()  # the rest was written


def test_a_file_with_exactly_our_bytes_is_adopted(tmp_path: Path) -> None:
    """A folder whose manifest was lost recovers: identical files are not a conflict."""
    (tmp_path / "a.md").write_text("A\n", encoding="utf-8")
    report = write_pages({"a.md": "A\n"}, tmp_path)
    assert (report.unchanged, report.refused) == (["a.md"], [])


def test_a_planted_temporary_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    target = secret(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".a.md.sopsite-tmp").symlink_to(target)
    assert write_pages({"a.md": "A\n"}, out).written == ["a.md"]
    assert target.read_text(encoding="utf-8") == SECRET
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "a.md").stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.md"]


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "built"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>front</p>\n", encoding="utf-8")
    (site / "assets" / "a.js").write_text("1;\n", encoding="utf-8")
    return site


def test_every_bundle_entry_extracts_inside_one_top_folder(tmp_path: Path) -> None:
    site = _site(tmp_path)
    out = tmp_path / "handbook.zip"
    assert write_zip(site, out, "handbook", TODAY) == 2
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unzipped" / "here")
    assert names == ["handbook/assets/a.js", "handbook/index.html"]
    landed = [p for p in (tmp_path / "unzipped").rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(tmp_path / "unzipped" / "here" / "handbook")
               for p in landed)
    assert len(landed) == 2


@pytest.mark.parametrize(("hostile", "message"), [
    ("link", "the site file assets/passwd is a symbolic link to '{secret}'; a bundle holds "
             "only the site's own files"),
    ("backslash", "the site file 'assets/..\\\\..\\\\evil.html' cannot be a zip entry: "
                  "expected a plain folder name, found '..\\\\..\\\\evil.html': no '/', '\\', "
                  "':', '..', control characters or Windows device names"),
    ("top", "the zip's top folder is named after ...zip: expected a plain folder name, found "
            "'..': no '/', '\\', ':', '..', control characters or Windows device names"),
])
def test_a_bundle_entry_that_could_escape_is_refused_and_no_zip_is_left(
    hostile: str, message: str, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    top = "handbook"
    if hostile == "link":
        (site / "assets" / "passwd").symlink_to(secret(tmp_path))
    elif hostile == "backslash":
        (site / "assets" / "..\\..\\evil.html").write_text("x\n", encoding="utf-8")
    else:
        top = ".."
    out = tmp_path / ("...zip" if hostile == "top" else "handbook.zip")
    with pytest.raises(SiteBuildError) as refused:
        write_zip(site, out, top, TODAY)
    assert str(refused.value) == message.format(secret=tmp_path / "outside" / "passwd")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["built", *(["outside"] if hostile == "link" else [])])


def test_bundle_named_dot_dot_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    result = run("bundle", "--out", "...zip", cwd=tmp_path)
    assert_clean_refusal(result, 2)
    assert result.stderr.endswith(
        "Error: Invalid value for '--out': the zip's top folder is named after the file: "
        "expected a plain folder name, found '..': no '/', '\\', ':', '..', control "
        "characters or Windows device names\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml"]


# --- command-line names and titles --------------------------------------------------------

EXPECTED_NAME = ("expected a version {noun} of letters, digits, '.', '_' and '-' that starts "
                 f"with a letter or digit, at most {MAX_NAME} characters, such as 1.2 or latest")


@pytest.mark.parametrize(("name", "found"), [
    (".git", "'.git'"),
    ("..", "'..'"),
    ("<img src=x onerror=alert(1)>", "'<img src=x onerror=alert(1)>'"),
    ("v1/../../x", "'v1/../../x'"),
    ("a" * 65, f"'{'a' * 37}...' (65 characters)"),
    ("versions.json", "'versions.json', the name of a file mike keeps next to the versions"),
    ("nul", "'nul', which Windows cannot use as a folder name (a device name such as CON or "
            "NUL, or a name ending in a dot)"),
])
@pytest.mark.parametrize("role", ["version", "alias"])
def test_publish_refuses_names_that_are_not_plain_folders(name: str, found: str, role: str,
                                                          tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    args = [name] if role == "version" else ["1.0", "--alias", name]
    result = run("publish", *args, cwd=tmp_path)
    assert_clean_refusal(result, 2)
    where, noun = ("'VERSION'", "name") if role == "version" else ("'--alias'", "alias")
    assert result.stderr.endswith(f"Error: Invalid value for {where}: "
                                  f"{EXPECTED_NAME.format(noun=noun)}; found {found}\n")
    assert subprocess.run(["git", "-C", str(tmp_path), "branch", "--list"], check=True,
                          capture_output=True, text=True).stdout == ""


def test_the_publish_core_refuses_the_same_names(tmp_path: Path) -> None:
    """The command's check is a courtesy: the function behind it refuses on its own."""
    with pytest.raises(PublishError) as refused:
        publish(tmp_path / "mkdocs.yml", "1.0", ("latest", ".git"))
    assert str(refused.value) == f"{EXPECTED_NAME.format(noun='alias')}; found '.git'"


@pytest.mark.parametrize("title", [
    "Reset\nowner: x", "two\n\nlines: [a]", 'quote " and # hash', "line\u2028separator\x85",
    "tab\tand trailing space ", "--- \n...", "\x1b[31mred", "Emoji \U0001F600",
])
def test_new_writes_the_title_as_one_scalar_that_loads_back_exactly(title: str,
                                                                    book: Book) -> None:
    written = new_file(book.root, "sop", "SOP-IT-009", title, today=TODAY)
    loaded = load_file(written, "new.yml")
    assert loaded.problems == []
    (item,) = loaded.items
    assert item.data["title"] == title
    assert item.data["owner"] == "it-director"
    assert "x" not in {item.data.get("owner"), item.data.get("lines")}
    assert book.problems() == []


def test_new_with_a_title_of_nothing_is_a_usage_error(book: Book, tmp_path: Path) -> None:
    result = run("new", "sop", "SOP-IT-009", "--title", " \n", "--path", "hb", cwd=tmp_path)
    assert_clean_refusal(result, 2)
    assert result.stderr.endswith("Error: expected a --title with some text, found ' \\n'\n")


# --- ids that file systems refuse ---------------------------------------------------------

LONG = "SOP-" + "A" * (MAX_ID_LENGTH - 3)
WINDOWS = ("expected a {noun} id that Windows can use as a file name, found {value!r}: CON, "
           "PRN, AUX, NUL, COM0-COM9 and LPT0-LPT9 (in any case, with any extension) are "
           "device names there, and a name may not end in a dot or a space; choose another, "
           "e.g. {suggestion!r}")


@pytest.mark.parametrize(("document_id", "expected"), [
    (LONG, [f"hb/doc.yml:2:5: error [ID004] expected a document id of at most {MAX_ID_LENGTH} "
            f"characters, found {LONG[:60] + '…'!r} ({MAX_ID_LENGTH + 1} characters): page file "
            "names are made from ids and must fit every file system; shorten it"]),
    ("CON", ["hb/doc.yml:2:5: error [ID005] " + WINDOWS.format(noun="document", value="CON",
                                                              suggestion="CON-1")]),
    ("LPT9", ["hb/doc.yml:2:5: error [ID005] " + WINDOWS.format(noun="document", value="LPT9",
                                                               suggestion="LPT9-1")]),
    ("COM1.x", [
        "hb/doc.yml:2:5: error [ID003] expected a document id of upper-case letters, digits "
        "and hyphens such as 'SOP-IT-004', found 'COM1.x'",
        "hb/doc.yml:2:5: error [ID005] " + WINDOWS.format(noun="document", value="COM1.x",
                                                         suggestion="COM1-x")]),
    ("SOP-CON", []),
])
def test_document_ids_that_no_file_system_takes(document_id: str, expected: list[str],
                                                book: Book) -> None:
    book.write("doc.yml", book.text("sop-it-001.yml").replace("id: SOP-IT-001",
                                                              f"id: {document_id}"))
    assert book.lines() == expected


def test_a_role_named_like_a_device_in_lower_case(book: Book) -> None:
    roles = book.text("roles.yml")
    book.write("roles.yml", roles + "- kind: role\n  id: nul\n  name: Nobody\n")
    line = roles.count("\n") + 2  # the added role's id
    assert book.lines() == [f"hb/roles.yml:{line}:7: error [ID005] " + WINDOWS.format(
        noun="role", value="nul", suggestion="nul-1")]


@pytest.mark.parametrize(("kind", "item_id", "message"), [
    ("sop", LONG, f"expected a document id of at most {MAX_ID_LENGTH} characters, found "
                  f"{LONG[:60] + '…'!r} ({MAX_ID_LENGTH + 1} characters): page file names are "
                  "made from ids and must fit every file system; shorten it"),
    ("role", "com1", WINDOWS.format(noun="role", value="com1", suggestion="com1-1")),
])
def test_new_refuses_the_same_ids(kind: str, item_id: str, message: str, book: Book) -> None:
    with pytest.raises(ScaffoldError) as refused:
        new_file(book.root, kind, item_id, "x", today=TODAY)
    assert str(refused.value) == message
