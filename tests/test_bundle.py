"""dxkit bundle / verify / install / update / reset: editions, leaks, tampering, learners' work kept."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

import dxkit.bundle.commands  # noqa: F401  (registers the subcommands)
from dxkit.bundle.build import build_bundle, build_wheel, kaisetsu_notebook, select_courses
from dxkit.bundle.customize import Settings, check_town_data, load_settings
from dxkit.bundle.manifest import MANIFEST_NAME, verify, write_bundle
from dxkit.bundle.workspace import install, reset, update
from dxkit.cli import main
from dxkit.errors import DxkitError
from leaks import marked_lines

ROOT = Path(__file__).resolve().parents[1]
BUILT = "2025-04-01T09:00:00"
MARKERS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)")


def zip_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Exercise releases generated once per module and shared by every build (as `dxkit bundle` shares them)."""
    return tmp_path_factory.mktemp("releases")


@pytest.fixture(scope="module")
def editions(tmp_path_factory, wheel, releases):
    out = tmp_path_factory.mktemp("bundles")
    return {e: build_bundle(out, e, built=BUILT, wheel=wheel, releases=releases) for e in ("learner", "instructor")}


# ---------------------------------------------------------------- manifest and verify

def small_bundle(tmp_path: Path) -> Path:
    path = tmp_path / "b.zip"
    write_bundle(path, "top", {"a.txt": b"alpha", "sub/b.txt": b"beta", "c.bin": b"\x00\x01"},
                 {"name": "dxkit", "edition": "learner", "version": "9.9", "built": BUILT})
    return path


def rewrite(src: Path, dest: Path, change=None, add=None, drop=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            if drop and info.filename.endswith(drop):
                continue
            data = zin.read(info)
            if change and info.filename.endswith(change):
                data += b" (tampered)"
            zout.writestr(info, data)
        if add:
            zout.writestr(f"top/{add}", b"extra")
    return dest


def test_fresh_bundle_verifies_with_published_hash(tmp_path):
    path = small_bundle(tmp_path)
    published = (tmp_path / "b.zip").read_bytes()
    import hashlib

    report = verify(path, hashlib.sha256(published).hexdigest())
    assert report.ok and report.hash_ok
    assert "一致しました" in str(report) and "3 個のファイル" in str(report)
    assert verify(path).ok  # no published hash: manifest only, with a note
    assert "公表された SHA-256 と照合していません" in str(verify(path))


def test_same_input_same_bundle_hash(tmp_path):
    a = small_bundle(tmp_path)
    b = tmp_path / "again"
    b.mkdir()
    assert small_bundle(b).read_bytes() == a.read_bytes()


@pytest.mark.parametrize("kind", ["changed", "added", "deleted"])
def test_verify_catches_tampering(tmp_path, kind, capsys):
    original = small_bundle(tmp_path)
    import hashlib

    published = hashlib.sha256(original.read_bytes()).hexdigest()
    bad = rewrite(original, tmp_path / "bad.zip", change="sub/b.txt" if kind == "changed" else None,
                  add="evil.py" if kind == "added" else None, drop="a.txt" if kind == "deleted" else None)
    report = verify(bad, published)
    assert not report.ok and report.hash_ok is False
    expected = {"changed": (report.altered, ["sub/b.txt"], "書き換えられた"),
                "added": (report.added, ["evil.py"], "追加された"),
                "deleted": (report.missing, ["a.txt"], "ないファイル")}[kind]
    assert expected[0] == expected[1]
    assert expected[2] in str(report)
    # Without the published hash the manifest still catches it.
    assert not verify(bad).ok
    assert main(["verify", str(bad), "--sha256", published]) == 1
    err = capsys.readouterr().err
    assert "一致しません" in err and expected[1][0] in err


def test_verify_catches_a_rewritten_manifest_only_through_the_published_hash(tmp_path):
    """Whoever alters a file can rewrite the manifest too: only the separately published hash shows it."""
    original = small_bundle(tmp_path)
    import hashlib

    published = hashlib.sha256(original.read_bytes()).hexdigest()
    forged = tmp_path / "forged.zip"
    write_bundle(forged, "top", {"a.txt": b"ALPHA", "sub/b.txt": b"beta", "c.bin": b"\x00\x01"},
                 {"name": "dxkit", "edition": "learner", "version": "9.9", "built": BUILT})
    assert verify(forged).ok
    assert not verify(forged, published).ok


def test_verify_extracted_folder_and_bad_input(tmp_path):
    path = small_bundle(tmp_path)
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path / "x")
    assert verify(tmp_path / "x").ok
    (tmp_path / "x" / "top" / "a.txt").write_text("changed")
    assert verify(tmp_path / "x").altered == ["a.txt"]
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(DxkitError, match="zip ファイルとして読めません"):
        verify(tmp_path / "junk.zip")
    assert main(["verify", str(tmp_path / "missing.zip")]) == 2


# ---------------------------------------------------------------- editions

def test_both_editions_verify_and_print_their_hash(editions):
    for result in editions.values():
        assert verify(result.path, result.sha256).ok
        assert result.path.with_name(result.path.name + ".sha256").read_text().startswith(result.sha256)
        assert result.manifest["version"] and result.manifest["built"] == BUILT
        assert result.sha256 in str(result)


def test_learner_edition_contents(editions):
    files = zip_files(editions["learner"].path)
    courses = select_courses(ROOT, None)
    for course in courses:
        for nb in (ROOT / "courses" / course).glob("*.ipynb"):
            assert f"courses/{course}/{nb.name}" in files
    assert any(n.startswith("wheels/dxkit-") and n.endswith(".whl") for n in files)
    assert {"導入手順.md", "導入手順.html", "install.py"} <= set(files)
    assert any(n.startswith("datasets/") and n.endswith(".schema.json") for n in files)
    assert not any("__pycache__" in n or ".ipynb_checkpoints" in n for n in files)
    guide = files["導入手順.md"].decode()
    assert "Python 3.12" in guide and "install.py" in guide and "certutil" in guide
    assert editions["learner"].path.name == f"dxkit-{editions['learner'].manifest['version']}-learner.zip"
    html = files["導入手順.html"].decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)


def shipped_sources() -> list[Path]:
    """The assignments of the courses a bundle holds: each course's exercise and any further assignment with the
    course's number (05_capstone); a folder whose number matches no course is not shipped."""
    numbers = {c[:3] for c in select_courses(ROOT, None)}
    return sorted(p for p in (ROOT / "exercises").glob("*/*.ipynb") if p.parent.name[:3] in numbers)


def test_learner_edition_has_no_solution_or_hidden_test(editions):
    files = zip_files(editions["learner"].path)
    assert not any(n.startswith(("instructor/", "解説/")) or "grading" in n for n in files)
    released = [n for n in files if n.startswith("exercises/") and n.endswith(".ipynb")]
    sources = shipped_sources()
    assert sources and len(released) == len(sources)
    for source_path in sources:
        name = f"exercises/{source_path.parent.name}/{source_path.name}"
        release = nbformat.reads(files[name].decode(), as_version=4)
        text = "\n".join(c.source for c in release.cells)
        assert not MARKERS.search(text), name
        by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in release.cells}
        for cell in nbformat.read(source_path, as_version=4).cells:
            for line in marked_lines(cell.source, "HIDDEN TESTS"):
                assert line not in text, f"{name}: hidden test leaked {line!r}"
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                for line in marked_lines(cell.source, "SOLUTION"):
                    assert line not in by_id[meta["grade_id"]], f"{name}: solution leaked {line!r}"
    # Nothing anywhere in the learner edition carries a solution marker.
    for n, data in files.items():
        if n.endswith((".ipynb", ".py", ".md")):
            assert not MARKERS.search(data.decode("utf-8", "replace")), n


def test_instructor_edition_adds_sources_and_grading(editions):
    learner, instructor = (set(zip_files(editions[e].path)) for e in ("learner", "instructor"))
    assert learner < instructor
    extra = instructor - learner
    assert "instructor/grading/nbgrader_config.py" in extra
    for source in shipped_sources():
        assert f"instructor/exercises/{source.parent.name}/{source.name}" in extra
    assert "講師の方へ" in zip_files(editions["instructor"].path)["導入手順.md"].decode()


def test_instructor_grading_course_works_from_the_bundle(editions, tmp_path):
    """The shipped nbgrader config finds the shipped sources (relative to itself)."""
    from traitlets.config.loader import PyFileConfigLoader

    with zipfile.ZipFile(editions["instructor"].path) as zf:
        zf.extractall(tmp_path)
    grading = next(tmp_path.glob("*/instructor/grading"))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(grading)).load_config()
    assert Path(config.CourseDirectory.source_directory) == grading.parent / "exercises"


def test_course_selection(tmp_path, wheel, releases):
    courses = select_courses(ROOT, None)
    first = courses[0]
    result = build_bundle(tmp_path, "learner", courses=[first.split("_")[0]], built=BUILT, wheel=wheel,
                          releases=releases)
    names = zip_files(result.path)
    assert {n.split("/")[1] for n in names if n.startswith("courses/")} == {first}
    assert result.manifest["courses"] == [first]
    with pytest.raises(DxkitError, match="講座「99」はありません"):
        select_courses(ROOT, ["99"])


# ---------------------------------------------------------------- install / update / reset

def learner_dir(editions, tmp_path) -> Path:
    with zipfile.ZipFile(editions["learner"].path) as zf:
        zf.extractall(tmp_path / "bundle")
    return next((tmp_path / "bundle").iterdir())


def make_update(bundle: Path, dest: Path, version: str, changed: list[str], new_file: str) -> Path:
    shutil.copytree(bundle, dest)
    manifest = json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["version"] = version
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    for rel in changed:
        nb = nbformat.read(dest / rel, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"追記（{version}）"))
        nbformat.write(nb, dest / rel)
    (dest / new_file).parent.mkdir(parents=True, exist_ok=True)
    (dest / new_file).write_text("new lesson material", encoding="utf-8")
    return dest


def test_install_update_reset_keep_learner_work(editions, tmp_path):
    bundle = learner_dir(editions, tmp_path)
    work = tmp_path / "work"
    first = install(editions["learner"].path, work)  # straight from the zip
    lessons = sorted(str(p.relative_to(work).as_posix()) for p in (work / "courses").rglob("*.ipynb"))
    assert len(lessons) >= 2 and first.added
    edited, untouched = lessons[0], lessons[1]
    learner_text = "# 私のメモ: 窓口の待ち時間を測った"
    nb = nbformat.read(work / edited, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(learner_text))
    nbformat.write(nb, work / edited)

    # Installing the same bundle again changes nothing.
    again = install(bundle, work)
    assert not again.updated and not again.added and not again.beside
    assert learner_text in (work / edited).read_text(encoding="utf-8")

    newer = make_update(bundle, tmp_path / "newer", "9.0.0", [edited, untouched], "courses/99_new/01_new.ipynb")
    report = update(newer, work)
    assert learner_text in (work / edited).read_text(encoding="utf-8"), "the learner's notebook was overwritten"
    side = work / edited.replace(".ipynb", "_新版9.0.0.ipynb")
    assert side.is_file() and "追記（9.0.0）" in side.read_text(encoding="utf-8")
    assert (edited, side.relative_to(work).as_posix()) in report.beside
    assert untouched in report.updated and "追記（9.0.0）" in (work / untouched).read_text(encoding="utf-8")
    assert "courses/99_new/01_new.ipynb" in report.added
    assert "新しい版を隣に置きました" in str(report)

    # Reset one lesson to the (newest) original, keeping a backup of the learner's version.
    dest, backup = reset(Path(edited).parent.name + "/" + Path(edited).stem, work)
    assert dest == work / edited and learner_text not in dest.read_text(encoding="utf-8")
    assert backup is not None and learner_text in backup.read_text(encoding="utf-8")
    assert "バックアップ" in backup.parts
    assert reset(edited, work)[1] is None  # nothing to back up the second time
    with pytest.raises(DxkitError, match="見つかりません"):
        reset("no_such_lesson", work)


def test_update_needs_an_installed_work_folder(editions, tmp_path):
    with pytest.raises(DxkitError, match="先に install"):
        update(editions["learner"].path, tmp_path / "empty")


def test_cli_install_and_reset(editions, tmp_path, capsys):
    work = tmp_path / "w"
    assert main(["install", str(editions["learner"].path), "--work", str(work)]) == 0
    lesson = next((work / "courses").rglob("*.ipynb"))
    lesson.write_text("{}", encoding="utf-8")
    rel = lesson.relative_to(work).as_posix()
    assert main(["reset", rel, "--work", str(work)]) == 0
    out = capsys.readouterr().out
    assert "配布されたときの状態に戻しました" in out and "バックアップ" in out
    assert lesson.read_text(encoding="utf-8") != "{}"


# ---------------------------------------------------------------- customisation

def town_folder(tmp_path: Path, broken: bool = False) -> Path:
    from dxkit.data import bundled_dir, load_schema

    folder = tmp_path / "town"
    folder.mkdir()
    csv_schema = next(s for s in sorted(bundled_dir().glob("*.schema.json"))
                      if load_schema(s.name.removesuffix(".schema.json"))["file"].endswith(".csv"))
    name = csv_schema.name.removesuffix(".schema.json")
    data_file = load_schema(name)["file"]
    text = (bundled_dir() / data_file).read_bytes()
    if broken:
        # Drop the first column's header: the schema no longer fits.
        raw = text.decode("utf-8-sig") if text.startswith(b"\xef\xbb\xbf") else text.decode("cp932", "replace")
        header, rest = raw.split("\n", 1)
        text = ("x_" + header + "\n" + rest).encode("utf-8")
    (folder / data_file).write_bytes(text)
    return folder


def test_settings_file_and_town_data(tmp_path, wheel, releases):
    folder = town_folder(tmp_path)
    courses = select_courses(ROOT, None)
    toml = tmp_path / "bundle.toml"
    toml.write_text('[municipality]\nname = "みどり野町"\ncontact = "総務課 情報政策係（内線 123）"\n'
                    f'[bundle]\ncourses = ["{courses[0]}"]\n[data]\ndir = "town"\n', encoding="utf-8")
    settings = load_settings(toml)
    assert settings.municipality == "みどり野町" and settings.data_dir == folder.resolve()
    report = check_town_data(folder)
    assert report.ok, str(report)
    result = build_bundle(tmp_path / "out", "learner", settings=settings, built=BUILT, wheel=wheel, releases=releases)
    files = zip_files(result.path)
    assert result.manifest["municipality"] == "みどり野町" and result.manifest["courses"] == [courses[0]]
    assert result.path.name.endswith("-learner-みどり野町.zip")
    data_name = next(p.name for p in folder.iterdir())
    assert files[f"data/{data_name}"] == (folder / data_name).read_bytes()
    guide = files["導入手順.md"].decode()
    assert "みどり野町" in guide and "内線 123" in guide


def test_example_settings_file_loads():
    settings = load_settings(ROOT / "bundle.example.toml")
    assert settings.municipality and settings.contact


def test_town_data_that_does_not_fit_is_reported_in_japanese(tmp_path, wheel):
    folder = town_folder(tmp_path, broken=True)
    (folder / "unknown.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = check_town_data(folder)
    assert not report.ok
    text = str(report)
    assert "unknown.csv" in text and "名前が合いません" in text
    assert "問題があります" in text and "列" in text
    with pytest.raises(DxkitError, match="問題があります"):
        build_bundle(tmp_path / "out", "learner", settings=Settings(data_dir=folder), built=BUILT, wheel=wheel)


def test_settings_mistakes_are_reported(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[municipality]\nname = 1\ncolor = "red"\n[bundle]\ncourses = "05"\n', encoding="utf-8")
    with pytest.raises(DxkitError) as err:
        load_settings(bad)
    message = str(err.value)
    assert "color" in message and "courses" in message and "name" in message
    bad.write_text("[municipality\n", encoding="utf-8")
    with pytest.raises(DxkitError, match="書き方に誤り"):
        load_settings(bad)


# ---------------------------------------------------------------- kaisetsu

def test_kaisetsu_notebook_keeps_solutions_drops_markers():
    source = sorted((ROOT / "exercises").glob("*/*.ipynb"))[0]
    nb = kaisetsu_notebook(source)
    text = "\n".join(c.source for c in nb.cells)
    assert not MARKERS.search(text)
    solutions = [line for c in nbformat.read(source, as_version=4).cells for line in marked_lines(c.source, "SOLUTION")]
    assert solutions and all(line in text for line in solutions)
    assert "模範解答" in nb.cells[0].source
    assert not any("nbgrader" in c.metadata for c in nb.cells)


def test_kaisetsu_pack_is_separate(tmp_path, editions):
    courses = [c for c in select_courses(ROOT, None) if (ROOT / "exercises" / c).is_dir()][:1]
    result = build_bundle(tmp_path, "kaisetsu", courses=courses, built=BUILT)
    files = zip_files(result.path)
    assert verify(result.path, result.sha256).ok
    assert any(n.endswith("_解説.ipynb") for n in files) and any(n.endswith("_解説.html") for n in files)
    learner = zip_files(editions["learner"].path)
    assert not any("解説" in n for n in learner)
    page = next(v for n, v in files.items() if n.endswith(".html")).decode()
    assert not re.search(r'<script[^>]+src=|(src|href)="(https?:)?//', page)


# ---------------------------------------------------------------- verify: damage, folders, .sha256 files

def damage_entry(path: Path, name: str) -> None:
    """Flip bytes in the middle of one entry's compressed data (what a cut or faulty copy does)."""
    with zipfile.ZipFile(path) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(name))
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle:middle + 2] = bytes(b ^ 0xFF for b in data[middle:middle + 2])
    path.write_bytes(bytes(data))


def test_verify_names_a_damaged_entry_as_broken(tmp_path, capsys):
    path = tmp_path / "b.zip"
    write_bundle(path, "top", {"a.txt": b"alpha", "big.txt": ("窓口の待ち時間 " * 400).encode()},
                 {"name": "dxkit", "edition": "learner", "version": "9.9", "built": BUILT})
    damage_entry(path, "big.txt")
    report = verify(path)
    assert not report.ok and report.broken == ["big.txt"] and not report.missing
    assert main(["verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert "壊れていて読めないファイル" in err and "big.txt" in err and "不具合" not in err


def test_verify_an_extracted_folder_given_the_published_hash(tmp_path, capsys):
    import hashlib

    path = small_bundle(tmp_path)
    published = hashlib.sha256(path.read_bytes()).hexdigest()
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path / "x")
    report = verify(tmp_path / "x", published)
    assert report.ok and report.hash_ok is None
    assert main(["verify", str(tmp_path / "x"), "--sha256", published]) == 0
    out = capsys.readouterr().out
    assert "照合できません" in out and "一致しません" not in out
    (tmp_path / "x" / "top" / "a.txt").write_text("changed")
    assert main(["verify", str(tmp_path / "x"), "--sha256", published]) == 1


def test_verify_takes_the_sha256_file_as_published(tmp_path, capsys):
    import hashlib

    path = small_bundle(tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    as_file = f"{digest}  {path.name}\n"          # what `$(cat b.zip.sha256)` passes
    certutil = " ".join(digest[i:i + 2] for i in range(0, 64, 2)).upper()  # older certutil output
    for given in (as_file, certutil, digest.upper()):
        assert main(["verify", str(path), "--sha256", given]) == 0, given
    assert "一致しました" in capsys.readouterr().out
    assert main(["verify", str(path), "--sha256", "not-a-hash"]) == 2
    assert "64 文字" in capsys.readouterr().err


# ---------------------------------------------------------------- names, targets, guides, launchers

def test_bundle_names_carry_edition_town_and_targets():
    from dxkit.bundle.build import bundle_name

    assert bundle_name("0.1.0", "learner") == "dxkit-0.1.0-learner"
    assert (bundle_name("0.1.0", "learner", "みどり野 町", ["win_amd64-py3.12", "linux_x86_64-py3.12"])
            == "dxkit-0.1.0-learner-みどり野_町-offline-win_amd64-py3.12+linux_x86_64-py3.12")
    assert bundle_name("0.1.0", "instructor", "a/b:c") == "dxkit-0.1.0-instructor-a_b_c"


def test_a_wrong_target_is_refused_before_anything_is_built(tmp_path, capsys):
    assert main(["bundle", "--offline", "manylinux_2_28_x86_64", "--out", str(tmp_path)]) == 2
    assert "対象「manylinux_2_28_x86_64」はありません" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "something was built before the target name was checked"


def guide(targets, glibc=None):
    from dxkit.bundle.guide import guide_markdown

    return guide_markdown("learner", "0.1.0", BUILT, ["00_orientation"], Settings(), targets, [], glibc=glibc,
                          name="dxkit-0.1.0-learner")


def test_guide_per_target_platform():
    linux = guide(["linux_x86_64-py3.11"], glibc="2.27")
    for windows_only in ("py -3", "certutil", "Windows", "%USERPROFILE%", ".bat", "\\"):
        assert windows_only not in linux, windows_only
    assert "python3.11 install.py" in linux and "sha256sum" in linux and "jupyterlab.sh" in linux
    assert "glibc 2.27 以上" in linux and "ldd --version" in linux
    windows = guide(["win_amd64-py3.11"])
    for linux_only in ("sha256sum", "python3.11 install.py", "jupyterlab.sh", "glibc", "~/dxkit"):
        assert linux_only not in windows, linux_only
    assert "py -3.11 install.py" in windows and "wheelhouse\\win_amd64-py3.11" in windows
    both = guide([])
    assert "py -3.12 install.py" in both and "python3.12 install.py" in both and "インターネット（PyPI）" in both


def test_glibc_needed_by_a_linux_wheelhouse(tmp_path):
    from dxkit.bundle.wheelhouse import glibc_needed

    for name in ("numpy-2.3.0-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
                 "pandas-2.3.0-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
                 "six-1.17.0-py2.py3-none-any.whl"):
        (tmp_path / name).write_bytes(b"")
    assert glibc_needed(tmp_path) == "2.27"   # numpy runs on 2.27 (either tag will do)
    assert glibc_needed(tmp_path / "nothing") is None


def test_windows_launcher_puts_dxkit_on_path_and_opens_the_lab(tmp_path):
    from dxkit.bundle.installer import write_launchers

    bat, sh = write_launchers(tmp_path)
    text = bat.read_bytes().decode("ascii")
    lines = text.split("\r\n")
    assert all("\n" not in line for line in lines), "JupyterLab.bat needs CRLF line ends"
    assert 'set "PATH=%~dp0.venv\\Scripts;%PATH%"' in lines
    assert '"%~dp0.venv\\Scripts\\dxkit.exe" lab --root "%~dp0work"' in lines
    assert lines.index('set "PATH=%~dp0.venv\\Scripts;%PATH%"') < lines.index(
        '"%~dp0.venv\\Scripts\\dxkit.exe" lab --root "%~dp0work"')
    assert 'export PATH="$HERE/.venv/bin:$PATH"' in sh.read_text(encoding="ascii")


def test_dxkit_bundle_shares_one_temporary_release_folder_between_editions(tmp_path, monkeypatch, capsys):
    """`dxkit bundle` generates the exercise releases once for both editions, and never keeps them."""
    from dxkit.bundle import build

    seen = []

    def fake_build_bundle(out, edition, **kw):
        seen.append((edition, kw["releases"], kw["releases"].is_dir()))
        return build.BuildResult(edition, Path(out) / f"{edition}.zip", "0" * 64, 0, {"files": {}})

    monkeypatch.setattr(build, "build_wheel", lambda out: tmp_path / "dxkit.whl")
    monkeypatch.setattr(build, "build_bundle", fake_build_bundle)
    assert main(["bundle", "--out", str(tmp_path / "dist")]) == 0
    assert [e for e, _, _ in seen] == ["learner", "instructor"]
    assert seen[0][1] == seen[1][1] and seen[0][2] and seen[1][2]
    assert not seen[0][1].exists(), "the releases folder outlived the run"
