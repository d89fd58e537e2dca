"""メールや共有フォルダーで届いた提出を集め、名簿の学習者に対応づけて ``submitted/`` に置きます。

対応づけの順番:

1. ノートブックのメタデータに書かれた学習者 ID（``dxkit cohort release`` で個人別に配布したとき）。
   メールで届くファイルはみな同じ名前のことが多いので、ファイル名より優先します。
2. ファイル名とフォルダー名（学習者 ID、団体コード＋職員番号、職員番号、メールアドレス、氏名）。

同じ学習者の提出が複数あれば最新のもの（ファイルの更新日時）を採点し、以前のものも保存しておきます。
届いたファイル（原本）は変更も削除もせず、``cohort/originals/`` にそのままの写しを残します。
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from dxkit.cohort import notebooks as nbs
from dxkit.cohort.roster import Learner, load_roster, normalize_staff_no
from dxkit.errors import DxkitError

COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|\s*のコピー|\s*-\s*コピー|[\s_-]*copy(\s*\d+)?)$", re.IGNORECASE)


@dataclass
class Candidate:
    label: str                 # where it came from (relative path, or archive!member)
    data: bytes
    mtime: float
    text: str                  # normalized name parts used for matching


@dataclass
class CollectReport:
    assignment: str
    matched: dict[str, str] = field(default_factory=dict)          # learner -> file used
    how: dict[str, str] = field(default_factory=dict)              # learner -> how it was matched
    earlier: dict[str, list[str]] = field(default_factory=dict)    # learner -> older files kept
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    problems: dict[str, str] = field(default_factory=dict)         # learner -> why it cannot be graded
    missing: list[str] = field(default_factory=list)               # roster members without a submission

    def lines(self) -> list[str]:
        out = [f"課題 {self.assignment}: {len(self.matched)} 人の提出を受け付けました。"
               f"対応づけできなかったファイル {len(self.unmatched)} 件、未提出 {len(self.missing)} 人。"]
        for learner in sorted(self.matched):
            line = f"  {learner}: {self.matched[learner]}（{self.how[learner]}）"
            if self.earlier.get(learner):
                line += f" ※再提出: 以前の {len(self.earlier[learner])} 件は保存して、最新のものを採点します"
            out.append(line)
        for learner, problem in sorted(self.problems.items()):
            out.append(f"  要確認 {learner}: {problem}")
        if self.unmatched:
            out.append("対応づけできなかったファイル（名簿の誰の提出か分かりません）:")
            out += [f"  {name}: {reason}" for name, reason in self.unmatched]
        if self.missing:
            out.append("未提出: " + "、".join(self.missing))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _scan(inbox: Path) -> tuple[list[Candidate], list[tuple[str, str]]]:
    found, skipped = [], []
    for path in sorted(inbox.rglob("*")):
        if not path.is_file() or ".ipynb_checkpoints" in path.parts or path.name.startswith("."):
            continue
        rel = path.relative_to(inbox)
        parts = " ".join([*rel.parts[:-1], path.stem])
        if path.suffix.lower() == ".ipynb":
            found.append(Candidate(str(rel), path.read_bytes(), path.stat().st_mtime, _norm(parts)))
        elif path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    for info in zf.infolist():
                        name = info.filename
                        try:  # zip files made on Japanese Windows store CP932 names
                            name = name.encode("cp437").decode("cp932") if not info.flag_bits & 0x800 else name
                        except (UnicodeEncodeError, UnicodeDecodeError):
                            pass
                        if name.lower().endswith(".ipynb") and "__MACOSX" not in name and ".ipynb_checkpoints" not in name:
                            stamp = datetime(*info.date_time).timestamp()
                            member = Path(name)
                            text = _norm(" ".join([*rel.parts[:-1], path.stem, *member.parts[:-1], member.stem]))
                            found.append(Candidate(f"{rel}!{name}", zf.read(info), stamp, text))
            except zipfile.BadZipFile:
                skipped.append((str(rel), "ZIP ファイルとして開けません。"))
        else:
            skipped.append((str(rel), "ノートブック（.ipynb）でも ZIP でもないので読みませんでした。"))
    return found, skipped


class Matcher:
    """ファイル名から名簿の学習者を探します。"""

    def __init__(self, roster: dict[str, Learner], assignments: list[str]):
        self.roster = roster
        self.assignments = sorted(assignments, key=len, reverse=True)
        staff = {}
        for learner in roster.values():
            staff.setdefault(normalize_staff_no(learner.staff_no), []).append(learner.learner_id)
        self.by_staff = staff

    def match(self, text: str) -> tuple[list[str], str]:
        for a in self.assignments:
            text = text.replace(_norm(a), " ")
        text = COPY_SUFFIX.sub("", text.strip())
        squashed = re.sub(r"[\s_\-.・　]+", "", text)
        tokens = {t for t in re.split(r"[^0-9a-z@._]+|_", text) if t}
        digits = {normalize_staff_no(t) for t in re.findall(r"\d+", text)}
        hits: dict[str, str] = {}
        for learner in self.roster.values():
            lid = learner.learner_id
            code, staff = learner.code, normalize_staff_no(learner.staff_no)
            if learner.email and _norm(learner.email) in text:
                hits[lid] = "ファイル名のメールアドレス"
            elif re.search(rf"(?<!\d){code}[\s_\-]*0*{re.escape(staff.lower())}(?![0-9a-z])", text):
                hits[lid] = "ファイル名の学習者 ID"
            elif learner.email and len(_norm(learner.email).split("@")[0]) >= 4 \
                    and _norm(learner.email).split("@")[0] in tokens:
                hits[lid] = "ファイル名のメールアドレス"
            elif learner.name_key and len(learner.name_key) >= 2 and _norm(learner.name_key) in squashed:
                hits[lid] = "ファイル名の氏名"
        if not hits:
            for d in digits:
                if len(d) >= 3 and len(self.by_staff.get(d, [])) == 1:
                    hits[self.by_staff[d][0]] = "ファイル名の職員番号"
        strong = {k: v for k, v in hits.items() if v != "ファイル名の氏名"}
        if len(hits) > 1 and len(strong) == 1:
            hits = strong
        return sorted(hits), (next(iter(hits.values())) if len(hits) == 1 else "")


def _timestamp(mtime: float) -> str:
    return datetime.fromtimestamp(mtime, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def _keep_original(course, assignment: str, cand: Candidate) -> str:
    folder = course.cohort_dir / "originals" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(cand.data).hexdigest()[:12]
    safe = re.sub(r"[\\/:*?\"<>|!]+", "_", cand.label)[-120:]
    target = folder / f"{digest}_{safe}"
    if not target.exists():
        target.write_bytes(cand.data)
    return str(target.relative_to(course.root))


def collect(course, assignment: str, inbox: Path | str | None = None, exchange: bool = True) -> CollectReport:
    """提出フォルダー（と nbgrader の exchange）から提出を集め、``submitted/`` に置きます。"""
    roster = load_roster(course)
    if not roster:
        raise DxkitError("名簿がありません。先に `dxkit cohort roster 名簿.xlsx` で読み込んでください。")
    course.ensure_released(assignment)
    notebooks = course.notebooks(assignment)
    report = CollectReport(assignment)
    status = course.load_status(assignment)
    candidates: list[Candidate] = []
    if inbox is not None:
        inbox = Path(inbox)
        if not inbox.is_dir():
            raise DxkitError(f"提出フォルダーが見つかりません: {inbox}")
        candidates, report.unmatched = _scan(inbox)
    if exchange:
        candidates += _from_exchange(course, assignment)

    from dxkit.cohort.autograde import _fingerprints, nbs_identity_score
    fingerprints = _fingerprints(course)
    matcher = Matcher(roster, course.assignments())
    by_learner: dict[str, list[tuple[Candidate, str, nbformat.NotebookNode | None, str | None]]] = {}
    kept: dict[str, str] = {}
    for cand in candidates:
        kept[cand.label] = _keep_original(course, assignment, cand)   # every file received, matched or not
        nb, problem = _parse(cand.data)
        who, how = None, ""
        meta_id = nbs.learner_in_metadata(nb) if nb is not None else None
        if meta_id and meta_id in roster:
            who, how = meta_id, "ノートブックに記録された学習者 ID"
        else:
            hits, how = matcher.match(cand.text)
            if len(hits) == 1:
                who = hits[0]
            elif hits:
                report.unmatched.append((cand.label, f"複数の学習者に当てはまります（{'、'.join(hits)}）。"))
                continue
            else:
                reason = "ファイル名から学習者が分かりません。"
                if meta_id:
                    reason = f"ノートブックの学習者 ID {meta_id} が名簿にありません。"
                report.unmatched.append((cand.label, reason))
                continue
        if nb is not None and problem is None:
            guess, score = nbs.identify(nb, fingerprints)
            meta_assignment = nbs.assignment_in_metadata(nb)
            if meta_assignment and meta_assignment != assignment:
                problem = f"別の課題（{meta_assignment}）のノートブックです。"
            elif guess and guess != assignment and score > nbs_identity_score(nb, fingerprints, assignment):
                problem = f"別の課題（{guess}）のノートブックです。"
        by_learner.setdefault(who, []).append((cand, how, nb, problem))

    for learner, items in by_learner.items():
        items.sort(key=lambda x: (x[0].mtime, x[0].label))
        cand, how, nb, problem = items[-1]
        originals = [kept[c.label] for c, *_ in items]
        report.matched[learner] = cand.label
        report.how[learner] = how
        report.earlier[learner] = [c.label for c, *_ in items[:-1]]
        target = course.submitted_dir(learner, assignment)
        if target.exists():
            shutil.rmtree(target)
        for old in (course.autograded_dir(learner, assignment), course.feedback_dir(learner, assignment)):
            if old.exists():
                shutil.rmtree(old)
        notes = []
        if report.earlier[learner]:
            notes.append(f"再提出です。最新の {cand.label} を採点し、以前の {len(items) - 1} 件も保存しています。")
        entry = {"source": cand.label, "matched_by": how, "original": originals[-1],
                 "earlier": report.earlier[learner], "received": _timestamp(cand.mtime),
                 "collect_problem": problem, "collect_notes": notes}
        status[learner] = entry
        if problem:
            report.problems[learner] = problem
            continue
        target.mkdir(parents=True)
        name = notebooks[0] if len(notebooks) == 1 else _notebook_name(cand.label, notebooks)
        (target / f"{name}.ipynb").write_bytes(cand.data)
        (target / "timestamp.txt").write_text(_timestamp(cand.mtime), encoding="utf-8")
    report.missing = sorted(set(roster) - set(status))
    course.save_status(assignment, status)
    return report


def _parse(data: bytes):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".ipynb", delete=False) as fh:
        fh.write(data)
    try:
        return nbs.read_notebook(Path(fh.name))
    finally:
        Path(fh.name).unlink(missing_ok=True)


def _notebook_name(label: str, notebooks: list[str]) -> str:
    stem = Path(label.split("!")[-1]).stem
    for n in notebooks:
        if n in stem:
            return n
    return notebooks[0]


def _from_exchange(course, assignment: str) -> list[Candidate]:
    """nbgrader の exchange（共有の受け取りフォルダー）に届いた提出を読みます。"""
    try:
        root = Path(course.config.Exchange.root)
    except AttributeError:
        return []
    inbound = root / course.course_id / "inbound"
    if not inbound.is_dir():
        return []
    out = []
    for folder in sorted(inbound.iterdir()):
        parts = folder.name.split("+")
        if len(parts) < 3 or parts[1] != assignment:
            continue
        student = parts[0]
        for nb in folder.glob("*.ipynb"):
            out.append(Candidate(f"exchange/{folder.name}/{nb.name}", nb.read_bytes(), nb.stat().st_mtime,
                                 _norm(student)))
    return out


def personal_release(course, assignment: str, out: Path | str | None = None) -> list[Path]:
    """名簿の学習者ごとに、学習者 ID を書き込んだ配布版を作ります（メールで配るとき用）。"""
    roster = load_roster(course)
    if not roster:
        raise DxkitError("名簿がありません。先に `dxkit cohort roster` で読み込んでください。")
    course.ensure_released(assignment)
    out = Path(out) if out else course.cohort_dir / "release" / assignment
    made = []
    for learner in roster.values():
        folder = out / learner.town / learner.learner_id
        folder.mkdir(parents=True, exist_ok=True)
        for src in course.release_dir(assignment).glob("*"):
            if src.suffix == ".ipynb":
                nb = nbformat.read(src, as_version=4)
                nb.metadata[nbs.LEARNER_KEY] = {"learner_id": learner.learner_id, "assignment": assignment}
                nbformat.write(nb, folder / src.name)
            elif src.is_file():
                shutil.copy2(src, folder / src.name)
            made.append(folder / src.name)
    return made


def release(course, assignment: str, personal: bool = True) -> list[Path]:
    """課題の配布版を作り（nbgrader generate_assignment）、exchange にも置きます。"""
    result = course.api().generate_assignment(assignment)
    if not result["success"]:
        raise DxkitError(f"配布版を作れませんでした: {result.get('error') or result.get('log')}")
    try:
        course.api().release_assignment(assignment)
    except Exception:  # noqa: BLE001 - no exchange is fine for e-mail cohorts
        pass
    return personal_release(course, assignment) if personal else [course.release_dir(assignment)]
