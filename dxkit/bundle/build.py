"""配布パッケージ（zip）を作ります。

版（edition）:

- ``learner``（受講者版）: レッスン、演習の配布版（解答・隠しテストなし）、データセット、dxkit の wheel、導入手順。
- ``instructor``（講師版）: 受講者版に、演習の原本（解答・隠しテストつき）と nbgrader の採点コースを加えたもの。
- ``kaisetsu``（解説パック）: 演習の模範解答と解説。締め切り後に自習の受講者へ渡すためのもので、受講者版には入りません。
- ``site``（閲覧用 HTML）: レッスンを実行した結果つきの静的な HTML。イントラネットの Web サーバーにそのまま置けます。

どの版にも目録（MANIFEST.json: 版・作成日時・全ファイルの SHA-256）が入ります。zip そのものの SHA-256 は
``BuildResult.sha256`` と、zip の隣の ``<zip>.sha256`` に出ます。これを県が別に公表してください。
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

from dxkit.bundle.customize import Settings, check_town_data
from dxkit.bundle.manifest import sha256_file, write_bundle
from dxkit.errors import DxkitError

EDITIONS = ("learner", "instructor", "kaisetsu", "site")
EDITION_NAMES = {"learner": "受講者版", "instructor": "講師版", "kaisetsu": "解説パック", "site": "閲覧用 HTML 版"}
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}
_MARKER_LINE = re.compile(r"^\s*(#+|<!--)?\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*(-->)?\s*$")

@dataclass
class BuildResult:
    """作ったパッケージです。``sha256`` を県のホームページなどで公表してください。"""

    edition: str
    path: Path
    sha256: str
    size: int
    manifest: dict
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{EDITION_NAMES[self.edition]}: {self.path}\n"
                f"  大きさ: {self.size / 1e6:.1f} MB、ファイル {len(self.manifest['files'])} 個\n"
                f"  SHA-256: {self.sha256}")


def repo_root() -> Path:
    from dxkit.nbgrader_course import repo_root as root

    return root()


def select_courses(root: Path, wanted: list[str] | None) -> list[str]:
    """講座のフォルダ名の一覧を返します。``wanted`` は "05" や "05_data_analysis" の形です（None ならすべて）。"""
    available = sorted(p.name for p in (root / "courses").iterdir()
                       if p.is_dir() and re.match(r"\d\d_", p.name) and any(p.glob("*.ipynb")))
    if not wanted:
        return available
    chosen = []
    for item in wanted:
        item = item.strip()
        match = [c for c in available if c == item or c.split("_", 1)[0] == item]
        if not match:
            raise DxkitError(f"講座「{item}」はありません。選べる講座: {'、'.join(available)}")
        chosen += [m for m in match if m not in chosen]
    return sorted(chosen)


def _files_under(folder: Path, prefix: str) -> dict[str, Path]:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not (set(rel.parts) & _SKIP_PARTS) and not path.name.endswith((".pyc", ".db")):
            out[f"{prefix}/{rel.as_posix()}"] = path
    return out


def _isolation() -> list[str]:
    """Build with this Python's setuptools when it is new enough (no index needed), else in pip's isolation."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return ["--no-build-isolation"] if int(version("setuptools").split(".")[0]) >= 77 else []
    except (PackageNotFoundError, ValueError):
        return []


def build_wheel(out_dir: Path, root: Path | None = None) -> Path:
    """dxkit の wheel を作って、その場所を返します（作業ツリーを一時フォルダに写してから作ります）。"""
    root = root or repo_root()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dxkit-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (root / name).is_file():
                shutil.copy2(root / name, src / name)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
        for name in ("dxkit", "datasets"):
            shutil.copytree(root / name, src / name, ignore=ignore)
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *_isolation(),
                               "--disable-pip-version-check", "-w", str(out_dir), str(src)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise DxkitError("dxkit の wheel を作れませんでした。\n" + proc.stderr.strip()[-2000:])
    from dxkit import __version__

    wheel = out_dir / f"dxkit-{__version__}-py3-none-any.whl"
    if not wheel.is_file():
        raise DxkitError(f"dxkit の wheel（{wheel.name}）ができていません。")
    return wheel


def bundle_name(version: str, edition: str, town: str | None = None, targets: list[str] = ()) -> str:
    """パッケージ（zip と中のフォルダ）の名前: 版・自治体・対象がそろって入るので、同じフォルダに作っても重なりません。"""
    parts = ["dxkit", version, edition]
    if town:
        parts.append(re.sub(r'[\\/:*?"<>|\s]+', "_", town).strip("_."))
    if targets:
        parts += ["offline", "+".join(targets)]
    return "-".join(parts)


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def _meta(edition: str, version: str, built: str, courses: list[str], settings: Settings, **extra) -> dict:
    meta = {"name": "dxkit", "edition": edition, "version": version, "built": built, "courses": courses}
    if settings.municipality:
        meta["municipality"] = settings.municipality
    if settings.contact:
        meta["contact"] = settings.contact
    return {**meta, **extra}


def _finish(edition: str, out_dir: Path, top: str, files: dict, meta: dict, started: float) -> BuildResult:
    import time

    path = out_dir / f"{top}.zip"
    manifest = write_bundle(path, top, files, meta)
    digest = sha256_file(path)
    (out_dir / f"{top}.zip.sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return BuildResult(edition, path, digest, path.stat().st_size, manifest, time.perf_counter() - started)


def build_bundle(out_dir: Path | str, edition: str = "learner", *, courses: list[str] | None = None,
                 settings: Settings | None = None, version: str | None = None, built: str | None = None,
                 targets: list[str] = (), wheel: Path | None = None, wheelhouse_cache: Path | None = None,
                 lessons: list[str] | None = None, releases: Path | None = None, progress=None) -> BuildResult:
    """版 ``edition`` のパッケージを ``out_dir`` に作ります。

    - ``courses``: 入れる講座（省略すると設定ファイルの courses、それもなければすべて）。
    - ``settings``: 自治体の設定（``load_settings`` の結果）。自治体のデータは検証してから入れます。
    - ``targets``: オフライン用 wheelhouse を入れる対象（"win_amd64-py3.12" など。受講者版・講師版のみ）。
    - ``wheel``: 作り済みの dxkit の wheel（省略するとここで作ります）。
    - ``lessons``: 閲覧用 HTML 版で、一部のレッスンだけにするとき（"00_orientation/01_jupyterlab" の形）。
    - ``releases``: 演習の配布版を置くフォルダ（受講者版と講師版で同じものを使うとき。ないものだけ作ります）。
      古い配布版が残らないよう、1 回の作成の間だけのフォルダを渡してください。
    """
    import time

    from dxkit import __version__

    started = time.perf_counter()
    if edition not in EDITIONS:
        raise DxkitError(f"版「{edition}」はありません。選べるのは {'、'.join(EDITIONS)} です。")
    root = repo_root()
    settings = settings or Settings()
    chosen = select_courses(root, courses or settings.courses)
    version = version or __version__
    built = built or _now()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if settings.data_dir is not None:
        report = check_town_data(settings.data_dir)
        if not report.ok:
            raise DxkitError(str(report))
    offline = []
    if targets and edition in ("learner", "instructor"):
        from dxkit.bundle.wheelhouse import resolve_targets

        offline = resolve_targets(targets)  # a wrong name stops here, before anything is built
    top = bundle_name(version, edition, settings.municipality, [t.name for t in offline])
    files: dict[str, Path | bytes] = {}
    with tempfile.TemporaryDirectory(prefix="dxkit-bundle-") as tmp:
        tmp = Path(tmp)
        if edition == "site":
            from dxkit.bundle.site import build_site

            site = build_site(tmp / "site", [root / "courses" / c for c in chosen], municipality=settings.municipality,
                              data_dir=settings.data_dir, version=version, built=built, lessons=lessons,
                              progress=progress)
            files.update({k[1:]: v for k, v in _files_under(tmp / "site", "").items()})
            meta = _meta(edition, version, built, chosen, settings,
                         lessons=sorted(site.seconds))
            return _finish(edition, out_dir, top, files, meta, started)
        if edition == "kaisetsu":
            files.update(_kaisetsu_files(root, chosen, tmp, settings))
            return _finish(edition, out_dir, top, files, _meta(edition, version, built, chosen, settings), started)

        # learner / instructor
        from dxkit.nbgrader_course import generate_releases

        for course in chosen:
            files.update(_files_under(root / "courses" / course, f"courses/{course}"))
        assignments = _assignments_of(root, chosen)
        if progress and assignments:
            progress("演習の配布版")
        cache = Path(releases) if releases else tmp / "release"
        missing = [a for a in assignments if not (cache / a).is_dir()]
        if missing:
            generate_releases(missing, cache)
        for assignment in assignments:
            files.update(_files_under(cache / assignment, f"exercises/{assignment}"))
        files.update(_files_under(root / "datasets", "datasets"))
        files = {k: v for k, v in files.items() if not (k.startswith("datasets/") and k.endswith(".py"))}
        if settings.data_dir is not None:
            files.update(_files_under(settings.data_dir, "data"))
        wheel = wheel or build_wheel(tmp / "wheel", root)
        files[f"wheels/{wheel.name}"] = wheel
        from dxkit.bundle import installer

        files["install.py"] = Path(installer.__file__).read_bytes()
        pins, glibc = {}, None
        if offline:
            from dxkit.bundle.wheelhouse import build_wheelhouse, glibc_needed

            cache = Path(wheelhouse_cache) if wheelhouse_cache else tmp / "wheelhouse"
            for target in offline:
                if progress:
                    progress(f"wheelhouse {target.name}")
                dest = cache / target.name
                pins[target.name] = build_wheelhouse(target, dest, root, wheel)
                files.update(_files_under(dest, f"wheelhouse/{target.name}"))
                glibc = max(filter(None, (glibc, glibc_needed(dest))), default=None,
                            key=lambda v: tuple(map(int, v.split("."))))
        if edition == "instructor":
            for assignment in assignments:
                files.update(_files_under(root / "exercises" / assignment, f"instructor/exercises/{assignment}"))
            files["instructor/grading/nbgrader_config.py"] = root / "grading" / "nbgrader_config.py"
            if (root / "grading" / "README.md").is_file():
                files["instructor/grading/README.md"] = root / "grading" / "README.md"
        from dxkit.bundle.guide import guide_html, guide_markdown

        text = guide_markdown(edition, version, built, chosen, settings, sorted(pins), assignments, glibc=glibc,
                              name=top)
        files["導入手順.md"] = text.encode("utf-8")
        files["導入手順.html"] = guide_html(text).encode("utf-8")
        meta = _meta(edition, version, built, chosen, settings, assignments=assignments,
                     wheelhouse=sorted(pins), town_data=settings.data_dir is not None)
        return _finish(edition, out_dir, top, files, meta, started)


# ---------------------------------------------------------------- kaisetsu

def kaisetsu_notebook(source: Path):
    """演習の原本から、解説用のノートブック（模範解答つき、採点用の印と隠しテストの印を除いたもの）を作ります。"""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        cell.source = "\n".join(line for line in cell.source.splitlines() if not _MARKER_LINE.match(line))
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    intro = nbformat.v4.new_markdown_cell(
        f"# 解説: {source.stem}\n\n"
        "このノートブックは、演習の**模範解答と解説**です。解答のセルには模範解答が、記述式の問いには"
        "模範解答と採点の観点が入っています。自分の解答と見比べて、どこが違うかを確かめてください。\n\n"
        "> 締め切りの前に見ると学びになりません。提出を終えてから開いてください。")
    nb.cells.insert(0, intro)
    nb.metadata.pop("celltoolbar", None)
    return nb


def _assignments_of(root: Path, chosen: list[str]) -> list[str]:
    """The chosen courses' assignments: each course's exercise and any further one with its number (05_capstone)."""
    from dxkit.nbgrader_course import list_assignments

    numbers = {course[:3] for course in chosen}
    return [a for a in list_assignments(root / "exercises") if a in chosen or a[:3] in numbers]


def _kaisetsu_files(root: Path, chosen: list[str], tmp: Path, settings: Settings) -> dict:
    from dxkit.bundle.customize import town_data
    from dxkit.bundle.site import _exporter, execute_notebook, render_html

    files = {}
    assignments = _assignments_of(root, chosen)
    if not assignments:
        raise DxkitError("選んだ講座には演習がないため、解説パックを作れません。")
    exporter = _exporter(tmp / "templates")
    for assignment in assignments:
        for source in sorted((root / "exercises" / assignment).glob("*.ipynb")):
            nb = kaisetsu_notebook(source)
            work = tmp / "kaisetsu" / assignment
            work.mkdir(parents=True, exist_ok=True)
            path = work / f"{source.stem}_解説.ipynb"
            nbformat.write(nb, path)
            files[f"解説/{assignment}/{path.name}"] = path.read_bytes()
            with town_data(settings.data_dir):
                executed = execute_notebook(path)
            files[f"解説/{assignment}/{source.stem}_解説.html"] = render_html(
                executed, f"解説: {source.stem}", exporter).encode("utf-8")
    readme = ("# 解説パック\n\n演習の模範解答と解説です。締め切りの後に、自習の受講者へ渡してください。\n"
              "受講者版のパッケージには入っていません。\n\n"
              "- `解説/<演習>/<演習>_解説.html`: ブラウザで読む版（実行結果つき）\n"
              "- `解説/<演習>/<演習>_解説.ipynb`: JupyterLab で開いて動かせる版\n")
    if settings.contact:
        readme += f"\n問い合わせ先: {settings.contact}\n"
    files["はじめにお読みください.md"] = readme.encode("utf-8")
    return files
