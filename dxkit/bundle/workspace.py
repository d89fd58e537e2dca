"""教材を受講者の作業フォルダに入れる・更新する・1 つのレッスンを元に戻す処理です。

受講者が書き込んだノートブックは決して上書きしません。

- 入れる（install）: パッケージの ``courses/``・``exercises/``・``data/`` を作業フォルダにコピーします。
- 更新（update）: 受講者が手を付けていないファイルは新しい版に置き換え、手を加えたファイルはそのまま残して、
  新しい版を「<名前>_新版<版>.ipynb」として隣に置きます。
- 元に戻す（reset）: 1 つのレッスンを、配布されたときの状態に戻します（それまでの内容は「バックアップ」フォルダに残します）。
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dxkit.bundle.manifest import MANIFEST_NAME, sha256_file
from dxkit.errors import DxkitError

SHIPPED = ("courses", "exercises", "data")  # folders of a bundle copied into the work folder
STATE_DIR = ".dxkit"
BACKUP_DIR = "バックアップ"


def default_work_dir() -> Path:
    """作業フォルダ: 今いるフォルダかその上にある作業フォルダ、なければ DXKIT_WORK、なければ ~/dxkit/work です。"""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / STATE_DIR / "state.json").is_file():
            return folder
    if os.environ.get("DXKIT_WORK"):
        return Path(os.environ["DXKIT_WORK"]).expanduser()
    return Path.home() / "dxkit" / "work"


@contextmanager
def opened_bundle(bundle: Path | str):
    """A bundle's top folder, extracting a zip to a temporary folder first."""
    bundle = Path(bundle)
    if bundle.is_dir():
        top = bundle if (bundle / MANIFEST_NAME).is_file() else next(
            (p for p in bundle.iterdir() if (p / MANIFEST_NAME).is_file()), None)
        if top is None:
            raise DxkitError(f"{bundle} は dxkit の配布パッケージのフォルダではありません（{MANIFEST_NAME} がありません）。")
        yield top
        return
    if not zipfile.is_zipfile(bundle):
        raise DxkitError(f"{bundle} は dxkit の配布パッケージ（zip）ではありません。")
    with tempfile.TemporaryDirectory(prefix="dxkit-bundle-") as tmp:
        with zipfile.ZipFile(bundle) as zf:
            zf.extractall(tmp)
        with opened_bundle(Path(tmp)) as top:
            yield top


@dataclass
class InstallReport:
    work: Path
    version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    beside: list[tuple[str, str]] = field(default_factory=list)  # (kept learner file, new version's file)
    unchanged: int = 0

    def __str__(self) -> str:
        lines = [f"作業フォルダ: {self.work}（教材の版 {self.version}）"]
        if self.added:
            lines.append(f"新しく入れたファイル: {len(self.added)} 個")
        if self.updated:
            lines.append(f"新しい版に置き換えたファイル（まだ手を付けていなかったもの）: {len(self.updated)} 個")
            lines += [f"    {n}" for n in self.updated]
        if self.beside:
            lines.append("あなたが書き込んだファイルはそのまま残し、新しい版を隣に置きました:")
            lines += [f"    {old} → 新しい版: {new}" for old, new in self.beside]
        if self.unchanged:
            lines.append(f"変わりのないファイル: {self.unchanged} 個")
        return "\n".join(lines)


def _state_path(work: Path) -> Path:
    return work / STATE_DIR / "state.json"


def _load_state(work: Path) -> dict:
    path = _state_path(work)
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"version": None, "files": {}}


def install(bundle: Path | str, work: Path | str | None = None) -> InstallReport:
    """パッケージの教材を作業フォルダ ``work`` に入れます（すでに入っていれば更新します）。

    受講者が書き込んだファイルは上書きせず、新しい版をその隣に置きます。
    """
    work = Path(work) if work else default_work_dir()
    with opened_bundle(bundle) as top:
        manifest = json.loads((top / MANIFEST_NAME).read_text(encoding="utf-8"))
        version = manifest.get("version", "?")
        state = _load_state(work)
        report = InstallReport(work, version)
        originals = work / STATE_DIR / "originals"
        for folder in SHIPPED:
            if not (top / folder).is_dir():
                continue
            for src in sorted(p for p in (top / folder).rglob("*") if p.is_file()):
                rel = src.relative_to(top).as_posix()
                dest = work / rel
                new = sha256_file(src)
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dest)
                    report.added.append(rel)
                else:
                    current = sha256_file(dest)
                    if current == new or state["files"].get(rel) == new:
                        report.unchanged += 1  # nothing new (the learner's own edits stay as they are)
                    elif state["files"].get(rel) == current:  # untouched by the learner: safe to replace
                        shutil.copy2(src, dest)
                        report.updated.append(rel)
                    else:
                        side = dest.with_name(f"{dest.stem}_新版{version}{dest.suffix}")
                        if not side.exists() or sha256_file(side) != new:
                            n = 2
                            while side.exists():
                                side = dest.with_name(f"{dest.stem}_新版{version}_{n}{dest.suffix}")
                                n += 1
                            shutil.copy2(src, side)
                        report.beside.append((rel, side.relative_to(work).as_posix()))
                original = originals / rel
                original.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, original)
                state["files"][rel] = new
        state["version"] = version
        state["edition"] = manifest.get("edition")
        state["municipality"] = manifest.get("municipality")
        _state_path(work).parent.mkdir(parents=True, exist_ok=True)
        _state_path(work).write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def update(bundle: Path | str, work: Path | str | None = None) -> InstallReport:
    """作業フォルダの教材を新しいパッケージの版にします（書き込んだファイルは残し、新しい版を隣に置きます）。"""
    work = Path(work) if work else default_work_dir()
    if not _state_path(work).is_file():
        raise DxkitError(f"{work} には教材が入っていません。先に install で入れてください。")
    return install(bundle, work)


def _find_lesson(work: Path, lesson: str, files: dict) -> str:
    text = lesson.replace("\\", "/").strip("/")
    path = Path(lesson)
    if text not in files and (path.is_absolute() or path.exists()):
        try:
            text = path.resolve().relative_to(work.resolve()).as_posix()
        except ValueError:
            raise DxkitError(f"{lesson} は作業フォルダ {work} の中のファイルではありません。") from None
    if text in files:
        return text
    stem = text.removesuffix(".ipynb")
    matches = [rel for rel in files if rel.endswith(".ipynb")
               and (rel.removesuffix(".ipynb").endswith("/" + stem) or rel.removesuffix(".ipynb") == stem)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DxkitError(f"レッスン「{lesson}」が見つかりません。「01_bpr/02_measure」のように、"
                         "講座のフォルダ名とレッスンのファイル名で指定してください。")
    raise DxkitError(f"「{lesson}」に当たるレッスンが複数あります。講座のフォルダ名もつけてください: "
                     + "、".join(sorted(matches)))


def reset(lesson: str, work: Path | str | None = None, *, now: datetime | None = None) -> tuple[Path, Path | None]:
    """1 つのレッスン（ノートブック）を、配布されたときの状態に戻します。

    それまでの内容は作業フォルダの「バックアップ」フォルダに日時つきで残します。
    (元に戻したファイル, バックアップ) を返します（何も書き込んでいなかったときバックアップは None）。
    """
    work = Path(work) if work else default_work_dir()
    state = _load_state(work)
    if not state["files"]:
        raise DxkitError(f"{work} には教材が入っていません。")
    rel = _find_lesson(work, lesson, state["files"])
    original = work / STATE_DIR / "originals" / rel
    if not original.is_file():
        raise DxkitError(f"「{rel}」の配布されたときの版が見つかりません。もう一度パッケージから入れ直してください。")
    dest = work / rel
    backup = None
    if dest.exists() and sha256_file(dest) != sha256_file(original):
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        backup = work / BACKUP_DIR / Path(rel).with_name(f"{Path(rel).stem}_{stamp}{Path(rel).suffix}")
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(dest, backup)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(original, dest)
    return dest, backup
