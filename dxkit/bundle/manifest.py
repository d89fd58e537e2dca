"""配布パッケージの目録（MANIFEST.json）と、改ざん・欠落の検査です。

目録には版・作成日時・すべてのファイルの SHA-256 が入ります。ただし目録はパッケージの中にあるので、
ファイルを書き換えた人は目録も書き換えられます。そのため、パッケージ（zip）そのものの SHA-256 を
県が別の経路（ホームページ・文書）で公表し、``verify(bundle, sha256=公表値)`` で照合します。
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from dxkit.errors import DxkitError

MANIFEST_NAME = "MANIFEST.json"
FORMAT = 1
_STORED_SUFFIXES = {".whl", ".zip", ".png", ".jpg", ".xlsx", ".gz"}  # already compressed


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path | str) -> str:
    """ファイルの SHA-256（16 進数の文字列）を返します。"""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _data(source) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


def write_bundle(path: Path | str, top: str, files: dict, meta: dict) -> dict:
    """``files``（パッケージ内の相対パス → ファイルの Path か bytes）と目録を、zip ``path`` に書きます。

    zip の中はすべて ``top/`` フォルダの下に入ります。各項目の日時は ``meta["built"]`` にそろえるので、
    同じ内容・同じ日時からは同じ zip（同じ SHA-256）ができます。書いた目録を返します。
    """
    built = meta["built"]
    stamp = (int(built[0:4]), int(built[5:7]), int(built[8:10]), int(built[11:13] or 0),
             int(built[14:16] or 0), int(built[17:19] or 0))
    entries = {}
    for name in sorted(files):
        if name == MANIFEST_NAME or name.endswith("/") or name.startswith("/") or ".." in name.split("/"):
            raise DxkitError(f"パッケージに入れられないファイル名です: {name}")
        data = _data(files[name])
        entries[name] = {"sha256": sha256_bytes(data), "size": len(data)}
    manifest = {"format": FORMAT, **meta, "files": entries}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            stored = Path(name).suffix.lower() in _STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
        add(MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        for name in sorted(files):
            add(name, _data(files[name]))
    return manifest


# ---------------------------------------------------------------- verify

@dataclass
class VerifyReport:
    """``verify`` の結果です。``ok`` が True なら問題はありません。``str()`` で日本語の報告になります。"""

    bundle: Path
    sha256: str
    expected_sha256: str | None
    manifest: dict | None
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # entries of the zip that cannot be read back

    @property
    def hash_ok(self) -> bool | None:
        if self.expected_sha256 is None or not self.bundle.is_file():
            return None  # a folder has no zip hash to compare
        return self.sha256.lower() == self.expected_sha256

    @property
    def ok(self) -> bool:
        return (self.hash_ok is not False and self.manifest is not None
                and not (self.missing or self.added or self.altered or self.errors or self.broken))

    def __str__(self) -> str:
        m = self.manifest or {}
        lines = [f"検査したもの: {self.bundle}"]
        if m:
            lines.append(f"版: {m.get('version', '?')}（{_edition_name(m.get('edition'))}、作成 {m.get('built', '?')}）"
                         + (f"、{m['municipality']}" if m.get("municipality") else ""))
        if self.bundle.is_file():
            lines.append(f"このファイルの SHA-256: {self.sha256}")
        if self.bundle.is_dir() and self.expected_sha256:
            lines.append("注意: 展開したフォルダは、公表された SHA-256（zip のもの）と照合できません。目録との照合だけを"
                         "しました。目録ごと書き換えられていないことまで確かめるには、zip を指定してください。")
        elif self.hash_ok is None and self.bundle.is_file():
            lines.append("注意: 公表された SHA-256 と照合していません。--sha256 に県が公表した値を指定すると、"
                         "目録ごと書き換えられていないことまで確かめられます。")
        elif self.hash_ok is False:
            lines.append(f"✗ 公表された SHA-256（{self.expected_sha256}）と一致しません。"
                         "このパッケージは公表されたものと違います。使わずに、配布元に確かめてください。")
        elif self.hash_ok:
            lines.append("✓ 公表された SHA-256 と一致しました。")
        lines += [f"✗ {e}" for e in self.errors]
        for title, names in (("壊れていて読めないファイル", self.broken),
                             ("目録にあるのに、ないファイル", self.missing),
                             ("目録にない、追加されたファイル", self.added),
                             ("中身が書き換えられたファイル", self.altered)):
            if names:
                lines.append(f"✗ {title}（{len(names)} 件）:")
                lines += [f"    {n}" for n in names]
        if self.ok:
            count = len(m.get("files", {}))
            lines.append(f"✓ 目録のとおり、{count} 個のファイルがすべてそろっていて、書き換えられていません。")
        else:
            lines.append("問題があります。このパッケージは使わずに、配布元から取り直してください。")
        return "\n".join(lines)


def _edition_name(edition: str | None) -> str:
    return {"learner": "受講者版", "instructor": "講師版", "kaisetsu": "解説パック", "site": "閲覧用 HTML 版"}.get(
        edition or "", edition or "?")


def _read_tree(bundle: Path) -> tuple[dict[str, bytes], str | None, list[str]]:
    """Files of a bundle (zip or extracted folder) relative to its top folder, the top folder's name,
    and the zip entries that cannot be read back (damaged)."""
    if bundle.is_dir():
        base = bundle
        if not (base / MANIFEST_NAME).is_file():
            subs = [p for p in base.iterdir() if p.is_dir() and (p / MANIFEST_NAME).is_file()]
            if len(subs) == 1:
                base = subs[0]
        files = {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}
        return files, base.name, []
    try:
        with zipfile.ZipFile(bundle) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in names}
            top = tops.pop() if len(tops) == 1 and all("/" in n for n in names) else None
            files, broken = {}, []
            for n in names:
                rel = n.split("/", 1)[1] if top else n
                try:
                    files[rel] = zf.read(n)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
                    broken.append(rel)  # bad CRC, damaged compressed data, cut short
            return files, top, broken
    except zipfile.BadZipFile:
        raise DxkitError(f"{bundle.name} は zip ファイルとして読めません。ダウンロードやコピーが途中で"
                         "切れたか、別のファイルです。") from None


def parse_sha256(text: str) -> str:
    """公表された SHA-256 を読み取ります。``.sha256`` ファイルの中身（値とファイル名）や、
    certutil の表示（2 文字ずつ空白で区切ったもの）でもかまいません。"""
    words = text.split()
    for candidate in (words[0] if words else "", "".join(words)):
        if re.fullmatch(r"[0-9a-fA-F]{64}", candidate):
            return candidate.lower()
    raise DxkitError(f"SHA-256 の値として読めません（{text.strip()[:80]}）。64 文字の英数字（0〜9 と a〜f）を指定してください。")


def verify(bundle: Path | str, sha256: str | None = None) -> VerifyReport:
    """パッケージ（zip、または展開したフォルダ）を、公表された SHA-256 と目録で検査します。

    目録にあるのにないファイル、目録にないファイル、中身の違うファイルをすべて報告します。
    """
    bundle = Path(bundle)
    if not bundle.exists():
        raise DxkitError(f"{bundle} が見つかりません。ファイル名と場所を確かめてください。")
    expected = parse_sha256(sha256) if sha256 is not None else None
    digest = sha256_file(bundle) if bundle.is_file() else ""
    report = VerifyReport(bundle, digest, expected, None)
    files, _top, report.broken = _read_tree(bundle)
    raw = files.pop(MANIFEST_NAME, None)
    if MANIFEST_NAME in report.broken:
        report.errors.append(f"目録（{MANIFEST_NAME}）が壊れていて読めません。")
        return report
    if raw is None:
        report.errors.append(f"目録（{MANIFEST_NAME}）がありません。dxkit の配布パッケージではないか、壊れています。")
        return report
    try:
        manifest = json.loads(raw.decode("utf-8"))
        entries = manifest["files"]
    except (ValueError, KeyError, TypeError):
        report.errors.append(f"目録（{MANIFEST_NAME}）が読めません。壊れているか、書き換えられています。")
        return report
    report.manifest = manifest
    report.missing = sorted(set(entries) - set(files) - set(report.broken))
    report.added = sorted(set(files) - set(entries))
    report.altered = sorted(n for n in set(entries) & set(files)
                            if sha256_bytes(files[n]) != entries[n].get("sha256"))
    return report
