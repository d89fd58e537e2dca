"""Reading learners' notebooks defensively, recognising the assignment, and restoring deleted cells."""

from __future__ import annotations

import copy
import hashlib
import json
import warnings
from pathlib import Path

import nbformat

MAX_BYTES = 50 * 2**20
LARGE_BYTES = 5 * 2**20
LEARNER_KEY = "dxkit"            # notebook metadata: {"dxkit": {"learner_id": ..., "assignment": ...}}


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str | None:
    return meta(cell).get("grade_id")


def is_test(cell) -> bool:
    m = meta(cell)
    return bool(m.get("grade")) and not m.get("solution") and cell.get("cell_type") == "code"


def is_answer(cell) -> bool:
    return bool(meta(cell).get("solution"))


def _norm(source) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """ノートブックを読みます。読めなければ (None, 日本語の理由) を返します。"""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, f"ファイルを読めません（{exc.strerror}）。"
    if size > MAX_BYTES:
        return None, f"ファイルが大きすぎます（{size / 2**20:.0f} MB）。出力を消して保存し直してもらってください。"
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None, "ノートブックとして読めません（JSON の形式が壊れています）。保存し直したファイルを送ってもらってください。"
    v3 = isinstance(data, dict) and data.get("nbformat") == 3 and isinstance(data.get("worksheets"), list)
    if not isinstance(data, dict) or not (isinstance(data.get("cells"), list) or v3):
        return None, "Jupyter のノートブック（.ipynb）ではありません。"
    try:
        with warnings.catch_warnings():   # nbformat's English notices (missing cell ids …) are not for the instructor
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(data), as_version=4)   # a version 3 notebook is upgraded here
    except Exception as exc:  # noqa: BLE001 - any malformed structure
        return None, f"ノートブックの形式が正しくありません（{type(exc).__name__}）。"
    for cell in nb.cells:
        if not isinstance(cell, dict) or "source" not in cell or cell.get("cell_type") not in ("code", "markdown", "raw"):
            return None, "ノートブックのセルの形式が正しくありません。"
    return nb, None


def learner_in_metadata(nb) -> str | None:
    value = (nb.get("metadata", {}).get(LEARNER_KEY) or {}).get("learner_id")
    return str(value) if value else None


def stamp(path: Path | str, learner_id: str, assignment: str | None = None) -> str:
    """（学習者用）ノートブックのメタデータに学習者 ID を書き込み、正規化した ID を返します。

    個人別の配布版（``dxkit cohort release``）を受け取れず、共通の配布版を使う学習者のためのものです。
    Jupyter で開いたまま実行すると、次の保存で消えてしまうので、ノートブックを閉じてから実行します。
    """
    import re

    from dxkit.cohort.roster import check_digit_ok, make_learner_id, normalize
    from dxkit.errors import DxkitError

    path = Path(path)
    m = re.fullmatch(r"\s*(\d{5,6})\s*[-－ー‐]\s*(\S+)\s*", normalize(learner_id))
    if not m:
        raise DxkitError(f"学習者 ID は「団体コード-職員番号」の形で書いてください（例: 992011-123）。受け取った値: {learner_id}")
    learner = make_learner_id(m.group(1), m.group(2))
    if not check_digit_ok(learner.split("-")[0]):
        raise DxkitError(f"団体コード {m.group(1)} の検査数字が合いません。講師から伝えられた学習者 ID を確かめてください。")
    nb, problem = read_notebook(path)
    if nb is None:
        raise DxkitError(f"{path} を読めません: {problem}")
    value = {"learner_id": learner}
    if assignment:
        value["assignment"] = assignment
    nb.metadata[LEARNER_KEY] = value
    nbformat.write(nb, path)
    return learner


def assignment_in_metadata(nb) -> str | None:
    value = (nb.get("metadata", {}).get(LEARNER_KEY) or {}).get("assignment")
    return str(value) if value else None


def fingerprint(release_nb) -> set[str]:
    """課題を見分けるための、読み取り専用セルの内容のハッシュです。"""
    out = set()
    for cell in release_nb.cells:
        if meta(cell).get("locked") and _norm(cell.source):
            out.add(hashlib.sha1(_norm(cell.source).encode()).hexdigest())
    return out


def identify(nb, fingerprints: dict[str, set[str]]) -> tuple[str | None, float]:
    """どの課題のノートブックかを推定し、(課題, 一致した割合) を返します。"""
    mine = {hashlib.sha1(_norm(c.source).encode()).hexdigest() for c in nb.cells}
    best, score = None, 0.0
    for name, prints in fingerprints.items():
        if prints:
            s = len(mine & prints) / len(prints)
            if s > score:
                best, score = name, s
    return best, score


def untouched(nb, release_nb) -> bool:
    """解答セルがすべて配布版のまま（未着手）なら True です。"""
    given = {grade_id(c): _norm(c.source) for c in nb.cells if is_answer(c)}
    answers = [c for c in release_nb.cells if is_answer(c)]
    return bool(answers) and all(given.get(grade_id(c), _norm(c.source)) == _norm(c.source) for c in answers)


def course_fingerprints(course) -> dict[str, set[str]]:
    """講座のすべての課題の、見分けるためのハッシュ（``fingerprint``）です。"""
    out = {}
    for a in course.assignments():
        folder = course.release_dir(a)
        src = folder if folder.is_dir() else course.source_dir / a
        prints: set[str] = set()
        for p in src.glob("*.ipynb"):
            nb, _problem = read_notebook(p)
            if nb is not None:
                prints |= fingerprint(nb)
        out[a] = prints
    return out


def other_assignment(nb, fingerprints: dict[str, set[str]], assignment: str) -> str | None:
    """別の課題のノートブックなら、その理由（日本語）を返します。"""
    meta_assignment = assignment_in_metadata(nb)
    if meta_assignment and meta_assignment != assignment:
        return f"別の課題（{meta_assignment}）のノートブックです。"
    guess, score = identify(nb, fingerprints)
    own = identify(nb, {assignment: fingerprints[assignment]})[1] if fingerprints.get(assignment) else 0.0
    if guess and guess != assignment and score > own:
        return f"別の課題（{guess}）のノートブックです。"
    return None


def repair(nb, release_nb) -> tuple[nbformat.NotebookNode, list[str], bool]:
    """配布版と比べ、消されたセルを戻します。(直したノートブック, 気づいたこと, テストの改変があったか) を返します。"""
    nb = copy.deepcopy(nb)
    notes: list[str] = []
    tampered = False
    present = {grade_id(c): c for c in nb.cells if grade_id(c)}
    order = [c for c in release_nb.cells if grade_id(c)]
    for i, rcell in enumerate(order):
        gid = grade_id(rcell)
        if gid in present:
            cell = present[gid]
            if is_test(rcell) and _norm(cell.source) != _norm(rcell.source):
                notes.append(f"テストセル「{gid}」が書き換えられていました（元に戻して採点しました）。")
                tampered = True
            elif meta(rcell).get("locked") and not is_test(rcell) and not is_answer(rcell) \
                    and _norm(cell.source) != _norm(rcell.source):
                notes.append(f"読み取り専用のセル「{gid}」が書き換えられていました（元に戻して採点しました）。")
            continue
        restored = copy.deepcopy(rcell)
        if restored.cell_type == "code":
            restored.outputs, restored.execution_count = [], None
        # insert after the nearest earlier cell of the release that the submission has
        pos = 0
        for prev in reversed(order[:i]):
            pg = grade_id(prev)
            idx = next((k for k, c in enumerate(nb.cells) if grade_id(c) == pg), None)
            if idx is not None:
                pos = idx + 1
                break
        nb.cells.insert(pos, restored)
        present[gid] = restored
        if is_test(rcell):
            notes.append(f"テストセル「{gid}」が削除されていました（配布版から戻して採点しました）。")
            tampered = True
        elif is_answer(rcell):
            notes.append(f"解答セル「{gid}」が削除されていました（未回答として採点しました）。")
        else:
            notes.append(f"セル「{gid}」が削除されていました（配布版から戻しました）。")
    return nb, notes, tampered
