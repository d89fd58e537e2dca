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

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.data).hexdigest()


@dataclass
class CollectReport:
    assignment: str
    dry_run: bool = False
    matched: dict[str, str] = field(default_factory=dict)          # learner -> file graded
    how: dict[str, str] = field(default_factory=dict)              # learner -> how it was matched
    earlier: dict[str, list[str]] = field(default_factory=dict)    # learner -> older files kept
    changed: list[str] = field(default_factory=list)               # learners whose graded file changes now
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    problems: dict[str, str] = field(default_factory=dict)         # learner -> why it cannot be graded
    conflicts: dict[str, list[str]] = field(default_factory=dict)  # learner -> files graded as neither, why
    missing: list[str] = field(default_factory=list)               # roster members without a submission

    def lines(self) -> list[str]:
        head = "（試しに見ただけで、何も変更していません: --dry-run）" if self.dry_run else ""
        out = [f"課題 {self.assignment}: {len(self.matched)} 人の提出を受け付けました。"
               f"対応づけできなかったファイル {len(self.unmatched)} 件、未提出 {len(self.missing)} 人。{head}"]
        for learner in sorted(self.matched):
            line = f"  {learner}: {self.matched[learner]}（{self.how[learner]}）"
            if learner in self.changed:
                line += " ← 採点するファイルが変わります" if self.dry_run else " ← 新しく採点します"
            if self.earlier.get(learner):
                line += f" ※再提出: 以前の {len(self.earlier[learner])} 件は保存して、最新のものを採点します"
            out.append(line)
        for learner, problem in sorted(self.problems.items()):
            out.append(f"  要確認 {learner}: {problem}")
        if self.conflicts:
            out.append("どちらとも決められない提出（採点していません。確かめて "
                       f"`dxkit cohort choose {self.assignment} 学習者ID ファイル` で決めてください）:")
            for learner, items in sorted(self.conflicts.items()):
                out += [f"  {learner}: {item}" for item in items]
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


def _original_path(course, assignment: str, cand: Candidate) -> Path:
    safe = re.sub(r"[\\/:*?\"<>|!]+", "_", cand.label)[-120:]
    return course.cohort_dir / "originals" / assignment / f"{cand.sha[:12]}_{safe}"


def _keep_original(course, assignment: str, cand: Candidate, dry_run: bool = False) -> str:
    target = _original_path(course, assignment, cand)
    if not dry_run and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(cand.data)
    return str(target.relative_to(course.root))


def _exchange_candidate(label: str, data: bytes, mtime: float, user: str) -> Candidate:
    return Candidate(label, data, mtime, _norm(user), user=user)


def _whom(cand: Candidate, nb, roster, matcher) -> tuple[list[str], str, str]:
    """(学習者（競合なら 2 人）, 対応づけの方法, 対応づけできない・決められない理由) を返します。"""
    meta_id = nbs.learner_in_metadata(nb) if nb is not None else None
    if cand.user and cand.user in roster:
        return [cand.user], "exchange の提出者", ""
    hits, how = matcher.match(cand.text)
    if cand.user and how:
        how = how.replace("ファイル名", "exchange の提出者名")
    if meta_id and meta_id in roster:
        if len(hits) == 1 and hits[0] != meta_id:
            return [meta_id, hits[0]], "", (f"ノートブックに記録された学習者 ID は {meta_id}、{how}では {hits[0]} で、"
                                            "一致しません。")
        return [meta_id], "ノートブックに記録された学習者 ID", ""
    if len(hits) == 1:
        return hits, how, ""
    if hits:
        return [], "", f"複数の学習者に当てはまります（{'、'.join(hits)}）。"
    if meta_id:
        return [], "", f"ノートブックの学習者 ID {meta_id} が名簿にありません。"
    if cand.user:
        return [], "", f"exchange の提出者「{cand.user}」が名簿の誰か分かりません。"
    return [], "", "ファイル名から学習者が分かりません。"


@dataclass
class Item:
    cand: Candidate
    how: str
    problem: str | None
    original: str


def _pick(items: list[Item], previous: dict | None) -> tuple[Item | dict | None, str | None, list[Item]]:
    """1 冊分の候補から採点するものを選びます: (選んだもの（以前の選択なら dict）, 決められない理由, 以前のもの)。

    新しさ: exchange の提出日時、ZIP の中のファイルの日時、ファイルの更新日時（候補の ``mtime``）。
    別の課題などの問題のあるファイルは、問題のないものが無いときだけ選びます。
    """
    valid = sorted((i for i in items if not i.problem), key=lambda i: i.cand.mtime)
    if previous and previous.get("problem"):
        previous = None if valid else previous
    if previous and (not valid or valid[-1].cand.mtime < previous["when"]
                     or (valid[-1].cand.mtime == previous["when"] and valid[-1].cand.sha == previous["sha"])):
        return previous, None, [i for i in items if i.cand.sha != previous["sha"]]
    if valid:
        newest = valid[-1]
        rivals = [i for i in valid if i.cand.mtime == newest.cand.mtime and i.cand.sha != newest.cand.sha]
        if previous and previous["when"] == newest.cand.mtime and previous["sha"] != newest.cand.sha:
            rivals.append(newest)
        if rivals:
            names = "、".join(dict.fromkeys(f"{i.cand.label}（原本の写し: {i.original}）" for i in [newest, *rivals]))
            return None, f"同じ日時の別々のファイルがあります: {names}", []
        return newest, None, [i for i in items if i is not newest]
    if items:
        worst = max(items, key=lambda i: i.cand.mtime)
        return worst, None, [i for i in items if i is not worst]
    return None, None, []


def collect(course, assignment: str, inbox: Path | str | None = None, exchange: bool = True,
            dry_run: bool = False) -> CollectReport:
    """提出フォルダー（と nbgrader の exchange）から提出を集め、``submitted/`` に置きます。

    すでに採点するファイルが決まっている学習者は、それより新しい提出が届いたときだけ置き換えます。
    ``dry_run=True`` なら、何が変わるかを報告するだけで、何も書きません。
    """
    from dxkit.cohort import exchange as xchg

    roster = load_roster(course)
    if not roster:
        raise DxkitError("名簿がありません。先に `dxkit cohort roster 名簿.xlsx` で読み込んでください。")
    course.ensure_released(assignment)
    notebooks = course.notebooks(assignment)
    report = CollectReport(assignment, dry_run=dry_run)
    status = course.load_status(assignment)
    candidates: list[Candidate] = []
    if inbox is not None:
        inbox = Path(inbox)
        if not inbox.is_dir():
            raise DxkitError(f"提出フォルダーが見つかりません: {inbox}")
        candidates, report.unmatched = _scan(inbox)
    if exchange:
        candidates += xchg.candidates(course, assignment, _exchange_candidate)

    fingerprints = nbs.course_fingerprints(course)
    per_notebook = _notebook_fingerprints(course, assignment, notebooks)
    matcher = Matcher(roster, course.assignments() + notebooks)
    by_learner: dict[str, dict[str, list[Item]]] = {}
    for cand in candidates:
        kept = _keep_original(course, assignment, cand, dry_run)   # every file received, matched or not
        nb, problem = _parse(cand.data)
        who, how, why_not = _whom(cand, nb, roster, matcher)
        if not who:
            report.unmatched.append((cand.label, why_not))
            continue
        if len(who) > 1:
            for learner in who:
                report.conflicts.setdefault(learner, []).append(f"{cand.label}: {why_not}（原本の写し: {kept}）")
            continue
        if nb is not None and problem is None:
            problem = nbs.other_assignment(nb, fingerprints, assignment)
        name = _notebook_name(cand.label, notebooks, nb, per_notebook)
        by_learner.setdefault(who[0], {}).setdefault(name, []).append(Item(cand, how, problem, kept))

    for learner, per in by_learner.items():
        _settle(course, assignment, learner, per, status, report, dry_run)
    report.missing = sorted(set(roster) - set(status) - set(report.matched) - set(report.conflicts))
    if not dry_run:
        course.save_status(assignment, status)
    return report


def _settle(course, assignment, learner, per, status, report, dry_run) -> None:
    entry = status.get(learner, {})
    chosen_before = entry.get("chosen", {})
    chosen: dict[str, Item | dict] = {}
    older: list[Item] = []
    for name, items in per.items():
        pick, tie, rest = _pick(items, chosen_before.get(name))
        if tie:
            report.conflicts.setdefault(learner, []).append(tie)
            if name in chosen_before:
                chosen[name] = chosen_before[name]
            continue
        chosen[name] = pick
        older += rest
    for name, prev in chosen_before.items():
        chosen.setdefault(name, prev)
    if not chosen:
        return
    record = {n: (c if isinstance(c, dict) else {"label": c.cand.label, "original": c.original, "when": c.cand.mtime,
                                                  "sha": c.cand.sha, "how": c.how, "problem": c.problem})
              for n, c in chosen.items()}
    names = sorted(record)
    changed = {n: r["sha"] for n, r in record.items()} != {n: r["sha"] for n, r in chosen_before.items()}
    newest = max(record.values(), key=lambda r: r["when"])
    report.matched[learner] = "、".join(record[n]["label"] for n in names)
    report.how[learner] = newest.get("how", "")
    earlier = list(dict.fromkeys(entry.get("earlier", []) + [i.cand.label for i in sorted(older, key=lambda i: i.cand.mtime)]))
    report.earlier[learner] = earlier
    problem = "、".join(dict.fromkeys(r["problem"] for r in record.values() if r.get("problem"))) or None
    if problem:
        report.problems[learner] = problem
    if not changed:
        return
    report.changed.append(learner)
    if dry_run:
        return
    notes = [f"再提出です。最新の {report.matched[learner]} を採点し、以前の {len(earlier)} 件も保存しています。"] \
        if earlier else []
    entry.update({"source": report.matched[learner], "matched_by": report.how[learner], "chosen": record,
                  "sources": {n: record[n]["label"] for n in names}, "original": newest["original"],
                  "originals": {n: record[n]["original"] for n in names}, "earlier": earlier,
                  "received": _timestamp(newest["when"]), "collect_problem": problem, "collect_notes": notes})
    for key in ("graded", "needs_review", "reasons", "notes", "tampered", "untouched"):
        entry.pop(key, None)
    status[learner] = entry
    for old in (course.submitted_dir(learner, assignment), course.autograded_dir(learner, assignment),
                course.feedback_dir(learner, assignment)):
        if old.exists():
            shutil.rmtree(old)
    if problem:
        return
    target = course.submitted_dir(learner, assignment)
    target.mkdir(parents=True)
    for name in names:
        (target / f"{name}.ipynb").write_bytes((course.root / record[name]["original"]).read_bytes())
    (target / "timestamp.txt").write_text(_timestamp(newest["when"]), encoding="utf-8")


def choose(course, assignment: str, learner: str, path: Path | str) -> str:
    """講師が、学習者の採点するファイルを決めます（競合・同じ日時のときなど）。決めた内容を日本語で返します。"""
    roster = load_roster(course)
    if learner not in roster:
        raise DxkitError(f"学習者 ID {learner} は名簿にありません。")
    path = Path(path)
    if not path.is_file():
        raise DxkitError(f"ファイルが見つかりません: {path}")
    course.ensure_released(assignment)
    notebooks = course.notebooks(assignment)
    cand = Candidate(f"講師の指定: {path.name}", path.read_bytes(), path.stat().st_mtime, "")
    nb, problem = _parse(cand.data)
    if nb is None:
        raise DxkitError(f"{path.name} は採点できません: {problem}")
    problem = nbs.other_assignment(nb, nbs.course_fingerprints(course), assignment)
    if problem:
        raise DxkitError(f"{path.name} は採点できません: {problem}")
    name = _notebook_name(path.name, notebooks, nb, _notebook_fingerprints(course, assignment, notebooks))
    status = course.load_status(assignment)
    entry = status.setdefault(learner, {})
    previous = entry.get("chosen", {})
    cand.mtime = max([cand.mtime] + [r["when"] for r in previous.values()])   # stands until a newer one arrives
    item = Item(cand, "講師の指定", None, _keep_original(course, assignment, cand))
    entry["chosen"] = {k: v for k, v in previous.items() if k != name}
    _settle(course, assignment, learner, {name: [item]}, status, CollectReport(assignment), dry_run=False)
    course.save_status(assignment, status)
    return f"{learner} の {name}.ipynb は {path.name} を採点します（`dxkit cohort autograde {assignment}` で採点してください）。"


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
