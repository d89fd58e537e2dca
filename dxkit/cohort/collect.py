"""メールや共有フォルダーで届いた提出を集め、名簿の学習者に対応づけて ``submitted/`` に置きます。

対応づけの順番:

1. nbgrader の exchange で提出されたものは、exchange の提出者（JupyterHub のログイン名）が名簿の学習者 ID なら、それ。
2. ノートブックのメタデータに書かれた学習者 ID（``dxkit cohort release`` で個人別に配布したとき、または
   学習者が ``dxkit cohort stamp`` で書き込んだとき）。メールで届くファイルはみな同じ名前のことが多いので、
   ファイル名より優先します。
3. ファイル名とフォルダー名（exchange の提出者名も含む。学習者 ID、団体コード＋職員番号、職員番号、
   メールアドレス、氏名）。

同じ学習者の提出が複数あれば、ノートブックごとに最新のもの（exchange は提出日時、ほかはファイルの更新日時）を
採点し、以前のものも保存しておきます。ノートブックが複数ある課題では、ファイル名（無ければ内容）で
どのノートブックかを判断します。
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
    user: str | None = None    # the submitter recorded by nbgrader's exchange


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
        self.assignments = sorted(set(assignments), key=len, reverse=True)   # assignment and notebook names
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


def _exchange_candidate(label: str, data: bytes, mtime: float, user: str) -> Candidate:
    return Candidate(label, data, mtime, _norm(user), user=user)


def _whom(cand: Candidate, nb, roster, matcher) -> tuple[str | None, str, str]:
    """(学習者, 対応づけの方法, 対応づけできない理由) を返します。"""
    meta_id = nbs.learner_in_metadata(nb) if nb is not None else None
    if cand.user and cand.user in roster:
        return cand.user, "exchange の提出者", ""
    if meta_id and meta_id in roster:
        return meta_id, "ノートブックに記録された学習者 ID", ""
    hits, how = matcher.match(cand.text)
    if cand.user and how:
        how = how.replace("ファイル名", "exchange の提出者名")
    if len(hits) == 1:
        return hits[0], how, ""
    if hits:
        return None, "", f"複数の学習者に当てはまります（{'、'.join(hits)}）。"
    if meta_id:
        return None, "", f"ノートブックの学習者 ID {meta_id} が名簿にありません。"
    if cand.user:
        return None, "", f"exchange の提出者「{cand.user}」が名簿の誰か分かりません。"
    return None, "", "ファイル名から学習者が分かりません。"


def collect(course, assignment: str, inbox: Path | str | None = None, exchange: bool = True) -> CollectReport:
    """提出フォルダー（と nbgrader の exchange）から提出を集め、``submitted/`` に置きます。"""
    from dxkit.cohort import exchange as xchg
    from dxkit.cohort.autograde import _fingerprints, nbs_identity_score

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
        candidates += xchg.candidates(course, assignment, _exchange_candidate)

    fingerprints = _fingerprints(course)
    per_notebook = _notebook_fingerprints(course, assignment, notebooks)
    matcher = Matcher(roster, course.assignments() + notebooks)
    # learner -> notebook name -> [(candidate, how, problem)]
    by_learner: dict[str, dict[str, list[tuple[Candidate, str, str | None]]]] = {}
    kept: dict[str, str] = {}
    for cand in candidates:
        kept[cand.label] = _keep_original(course, assignment, cand)   # every file received, matched or not
        nb, problem = _parse(cand.data)
        who, how, why_not = _whom(cand, nb, roster, matcher)
        if who is None:
            report.unmatched.append((cand.label, why_not))
            continue
        if nb is not None and problem is None:
            guess, score = nbs.identify(nb, fingerprints)
            meta_assignment = nbs.assignment_in_metadata(nb)
            if meta_assignment and meta_assignment != assignment:
                problem = f"別の課題（{meta_assignment}）のノートブックです。"
            elif guess and guess != assignment and score > nbs_identity_score(nb, fingerprints, assignment):
                problem = f"別の課題（{guess}）のノートブックです。"
        name = _notebook_name(cand.label, notebooks, nb, per_notebook)
        by_learner.setdefault(who, {}).setdefault(name, []).append((cand, how, problem))

    for learner, per in by_learner.items():
        chosen: dict[str, tuple[Candidate, str, str | None]] = {}
        older: list[Candidate] = []
        for name, items in per.items():      # each notebook: the newest one counts
            items.sort(key=lambda x: (x[0].mtime, x[0].label))
            chosen[name] = items[-1]
            older += [c for c, *_ in items[:-1]]
        cand, how, _p = max(chosen.values(), key=lambda x: (x[0].mtime, x[0].label))
        problem = "、".join(dict.fromkeys(p for _c, _h, p in chosen.values() if p)) or None
        names = sorted(chosen)
        report.matched[learner] = "、".join(chosen[n][0].label for n in names)
        report.how[learner] = how
        report.earlier[learner] = [c.label for c in sorted(older, key=lambda c: (c.mtime, c.label))]
        target = course.submitted_dir(learner, assignment)
        if target.exists():
            shutil.rmtree(target)
        for old in (course.autograded_dir(learner, assignment), course.feedback_dir(learner, assignment)):
            if old.exists():
                shutil.rmtree(old)
        notes = []
        if older:
            notes.append(f"再提出です。最新の {report.matched[learner]} を採点し、以前の {len(older)} 件も保存しています。")
        entry = {"source": report.matched[learner], "matched_by": how,
                 "sources": {n: chosen[n][0].label for n in names}, "original": kept[cand.label],
                 "originals": {n: kept[chosen[n][0].label] for n in names},
                 "earlier": report.earlier[learner], "received": _timestamp(cand.mtime),
                 "collect_problem": problem, "collect_notes": notes}
        status[learner] = entry
        if problem:
            report.problems[learner] = problem
            continue
        target.mkdir(parents=True)
        for name in names:
            (target / f"{name}.ipynb").write_bytes(chosen[name][0].data)
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


def _notebook_fingerprints(course, assignment: str, notebooks: list[str]) -> dict[str, set[str]]:
    if len(notebooks) < 2:
        return {}
    out = {}
    for n in notebooks:
        path = course.release_dir(assignment) / f"{n}.ipynb"
        out[n] = nbs.fingerprint(nbformat.read(path, as_version=4)) if path.is_file() else set()
    return out


def _notebook_name(label: str, notebooks: list[str], nb=None, per_notebook: dict | None = None) -> str:
    """課題のどのノートブックか: ファイル名に含まれる名前（長いものから）、無ければ内容で判断します。"""
    if len(notebooks) == 1:
        return notebooks[0]
    stem = _norm(Path(label.split("!")[-1]).stem)
    for n in sorted(notebooks, key=len, reverse=True):
        if _norm(n) in stem:
            return n
    if nb is not None and per_notebook:
        guess, score = nbs.identify(nb, per_notebook)
        if guess and score > 0:
            return guess
    return notebooks[0]


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


def release(course, assignment: str, personal: bool = True, exchange_note: list[str] | None = None) -> list[Path]:
    """課題の配布版を作り（nbgrader generate_assignment）、exchange にも置きます。

    ``exchange_note`` にリストを渡すと、exchange に置けたかどうかの 1 行を追加します。
    """
    from dxkit.cohort import exchange as xchg

    result = course.api().generate_assignment(assignment)
    if not result["success"]:
        raise DxkitError(f"配布版を作れませんでした: {result.get('error') or result.get('log')}")
    note = xchg.release(course, assignment)
    if exchange_note is not None:
        exchange_note.append(note)
    return personal_release(course, assignment) if personal else [course.release_dir(assignment)]
