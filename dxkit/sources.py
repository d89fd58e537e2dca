"""出典の登録簿（``courses/sources.yml``）と、教材の中の出典表示を調べます。

教材・演習・README・学習者向けのメッセージは、出典を次の形で本文に書きます（表示用の読みやすい形です）。

    〔発行者「文書名」YYYY年M月〕   例: 〔総務省「自治体DX推進計画（第2.3版）」2024年2月〕

この形の出典は、登録簿のどれか 1 件と、発行者・文書名・年月がそのまま一致しなければなりません。

    >>> from datetime import date
    >>> from dxkit import sources
    >>> reg = sources.load_registry()
    >>> [s.id for s in sources.stale(reg, as_of=date(2026, 12, 1))]   # 最終確認日が 12 か月より前のもの
    []
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dxkit.errors import DxkitError

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "courses" / "sources.yml"

CITATION = re.compile(r"〔([^〔〕「」]+)「([^〔〕」]+)」(\d{4})年(\d{1,2})月〕")
_BRACKETED = re.compile(r"〔[^〔〕]*「[^〔〕]*〕")
PLACEHOLDER = "〔発行者「文書名」YYYY年M月〕"   # how the form is written in docs; not itself a citation
_FIGURE = re.compile(r"[0-9０-９][0-9０-９,，.．]*\s*[万億千]?\s*(?:時間|分|%|％|件|人|円|団体)")
# a sentence ends at 。！？, a blank line, or a new markdown block (list item, quote, table row, heading);
# a plain line break inside a paragraph does not end it.
_SENTENCE_END = re.compile(r"(?<=[。！？])|\n\s*\n|\n(?=\s*(?:[-*+>|#]|\d+\.\s))")
_DATE_STAMP = re.compile(r"内容は\s*\d{4}年\d{1,2}月時点")
FICTIONAL_TOWN = "みどり野市"
FICTIONAL_TAG = "fictional"
_FIELDS = ("id", "publisher", "title", "date", "url", "checked", "verified_by", "supports")


@dataclass(frozen=True)
class Source:
    """登録簿の 1 件です。``citation`` が本文に書く出典の形です。"""

    id: str
    publisher: str
    title: str
    date: date
    url: str
    checked: date
    verified_by: str
    supports: str
    changes: str = ""

    @property
    def citation(self) -> str:
        return f"〔{self.publisher}「{self.title}」{self.date.year}年{self.date.month}月〕"


@dataclass(frozen=True)
class Registry:
    """登録簿全体です。``real_names`` は事例の数字を見つけるための実在の団体・機関の名前です。"""

    sources: tuple[Source, ...]
    real_names: tuple[str, ...]

    def by_citation(self) -> dict[str, Source]:
        return {s.citation: s for s in self.sources}


def _as_date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DxkitError(f"{where}: 日付は 2025-04-01 の形で書いてください（{value!r}）。") from None


def _source(raw, n: int) -> Source:
    if not isinstance(raw, dict):
        raise DxkitError(f"sources の {n} 件目が項目の組（id: … の形）になっていません。")
    where = f"sources の {n} 件目（{raw.get('id', 'id なし')}）"
    missing = [f for f in _FIELDS if not str(raw.get(f) or "").strip()]
    if missing:
        raise DxkitError(f"{where}: 必要な項目がありません: {', '.join(missing)}。")
    unknown = sorted(set(raw) - set(_FIELDS) - {"changes"})
    if unknown:
        raise DxkitError(f"{where}: 知らない項目です: {', '.join(unknown)}。")
    if not str(raw["url"]).startswith(("https://", "http://")):
        raise DxkitError(f"{where}: url は http(s):// で始めてください。")
    text = {k: str(raw[k]).strip() for k in ("id", "publisher", "title", "url", "verified_by", "supports")}
    return Source(date=_as_date(raw["date"], where), checked=_as_date(raw["checked"], where),
                  changes=str(raw.get("changes") or "").strip(), **text)


def parse_registry(data) -> Registry:
    """読み込んだ YAML（辞書）を検査して ``Registry`` にします。誤りは日本語の ``DxkitError`` で知らせます。"""
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise DxkitError("出典の登録簿には sources: のリストが必要です。")
    names = data.get("real_names")
    if not isinstance(names, list) or not names or not all(isinstance(x, str) and x for x in names):
        raise DxkitError("出典の登録簿には real_names:（実在の団体・機関の名前のリスト）が必要です。")
    items = tuple(_source(raw, n) for n, raw in enumerate(data["sources"], 1))
    for s in items:
        if not CITATION.fullmatch(s.citation):
            raise DxkitError(f"{s.id}: 発行者と文書名に 〔〕 や 「」 は使えません（内側のかぎかっこは『』にします）。")
    for key in ("id", "citation"):
        seen: set[str] = set()
        for s in items:
            value = getattr(s, key)
            if value in seen:
                raise DxkitError(f"出典の登録簿で {key} が重複しています: {value}")
            seen.add(value)
    return Registry(items, tuple(names))


def load_registry(path: str | Path | None = None) -> Registry:
    """``courses/sources.yml``（または ``path``）を読み込んで検査します。"""
    import yaml

    path = Path(path) if path else REGISTRY
    if not path.is_file():
        raise DxkitError(f"出典の登録簿が見つかりません: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DxkitError(f"出典の登録簿（{path.name}）を YAML として読めません: {exc}") from None
    return parse_registry(data)


# ---------------------------------------------------------------- finding citations in texts

def find_citations(text: str) -> list[str]:
    """本文にある正しい形の出典（〔発行者「文書名」YYYY年M月〕）を、出てくる順に返します。"""
    return [m.group(0) for m in CITATION.finditer(text)]


def find_malformed(text: str) -> list[str]:
    """〔…「…」…〕 のうち、正しい形になっていないものを返します。"""
    return [m.group(0) for m in _BRACKETED.finditer(text)
            if m.group(0) != PLACEHOLDER and not CITATION.fullmatch(m.group(0))]


@dataclass(frozen=True)
class Text:
    """調べる文章の 1 まとまり（ノートブックの 1 セル、または 1 ファイル）です。"""

    where: str
    text: str
    kind: str = "file"          # "markdown" / "code" / "file"
    tags: tuple[str, ...] = ()


def notebook_texts(path: Path, root: Path = ROOT) -> Iterator[Text]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    rel = _rel(path, root)
    for i, cell in enumerate(nb.get("cells", [])):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        tags = tuple(cell.get("metadata", {}).get("tags", ()))
        yield Text(f"{rel} セル {i}", src, cell.get("cell_type", ""), tags)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def lesson_paths(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob("courses/*/[0-9][0-9]_*.ipynb"))


def cited_paths(root: Path = ROOT) -> list[Path]:
    """出典を書いてよい所: レッスン・演習・講座の README・docs・dxkit の学習者向けメッセージ。"""
    paths = lesson_paths(root) + sorted(root.glob("exercises/*/*.ipynb"))
    paths += sorted(root.glob("courses/*/README.md")) + sorted(root.glob("docs/*.md"))
    return paths + sorted(p for p in root.glob("dxkit/**/*.py") if p.name != "sources.py")  # it defines the form


def texts(paths: Iterable[Path], root: Path = ROOT) -> Iterator[Text]:
    for path in paths:
        if path.suffix == ".ipynb":
            yield from notebook_texts(path, root)
        else:
            yield Text(_rel(path, root), path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- checks (each returns Japanese problems)

def unresolved(registry: Registry, items: Iterable[Text]) -> list[str]:
    """登録簿にない出典と、形の崩れた出典を返します。"""
    known = registry.by_citation()
    problems = []
    for t in items:
        problems += [f"{t.where}: 登録簿にない出典です: {c}" for c in find_citations(t.text) if c not in known]
        problems += [f"{t.where}: 出典の形が違います（〔発行者「文書名」YYYY年M月〕）: {c}" for c in find_malformed(t.text)]
    return problems


def uncited(registry: Registry, items: Iterable[Text]) -> list[Source]:
    """どこからも引用されていない登録簿の項目を返します。"""
    used = {c for t in items for c in find_citations(t.text)}
    return [s for s in registry.sources if s.citation not in used]


def case_figures(text: str, real_names: Iterable[str]) -> list[str]:
    """実在の団体・機関の名前と、時間・分・%・件・人・円・団体の数字を含む文を返します（みどり野市の文は除く）。"""
    names = tuple(real_names)
    return [s.strip() for s in _SENTENCE_END.split(text)
            if s and FICTIONAL_TOWN not in s and _FIGURE.search(s) and any(n in s for n in names)]


def uncited_figures(registry: Registry, items: Iterable[Text]) -> list[str]:
    """出典が同じセルにない事例の数字を返します。``fictional`` タグのセルは調べません。"""
    problems = []
    for t in items:
        if t.kind != "markdown" or FICTIONAL_TAG in t.tags or find_citations(t.text):
            continue
        problems += [f"{t.where}: 事例の数字に出典がありません: {s}" for s in case_figures(t.text, registry.real_names)]
    return problems


def missing_date_stamp(paths: Iterable[Path], root: Path = ROOT) -> list[str]:
    """タイトルのセル（最初のセル）に「内容は YYYY年MM月時点」がないレッスンを返します。"""
    problems = []
    for path in paths:
        first = next(notebook_texts(path, root), None)
        if first is None or not _DATE_STAMP.search(first.text):
            problems.append(f"{_rel(path, root)}: タイトルのセルに「内容は YYYY年MM月時点」がありません。")
    return problems


# ---------------------------------------------------------------- course README sources section

README_BEGIN = "<!-- sources:begin（dxkit sources --readmes で作ります。手で直さないでください） -->"
README_END = "<!-- sources:end -->"


def readme_block(registry: Registry, course_dir: Path, root: Path = ROOT) -> str:
    """講座のレッスンと演習で引用している出典を、登録簿の順に並べた README の節を作ります。"""
    paths = sorted(course_dir.glob("[0-9][0-9]_*.ipynb")) + sorted((root / "exercises" / course_dir.name).glob("*.ipynb"))
    used = {c for t in texts(paths, root) for c in find_citations(t.text)}
    lines = [f"- {s.citation} {s.url}" for s in registry.sources if s.citation in used]
    body = "\n".join(lines) if lines else "- （この講座では政策文書を引用していません）"
    return f"{README_BEGIN}\n{body}\n{README_END}"


def readme_problems(registry: Registry, course_dirs: Iterable[Path], root: Path = ROOT) -> list[str]:
    problems = []
    for d in course_dirs:
        readme = d / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
        if readme_block(registry, d, root) not in text:
            problems.append(f"{_rel(readme, root)}: 出典の節が登録簿と合っていません（dxkit sources --readmes で作り直します）。")
    return problems


def update_readme(registry: Registry, course_dir: Path, root: Path = ROOT) -> bool:
    """README の出典の節を作り直します（なければ末尾に「## 出典」として足します）。変えたら True。"""
    readme = course_dir / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = readme_block(registry, course_dir, root)
    pattern = re.compile(re.escape(README_BEGIN) + r".*?" + re.escape(README_END), re.S)
    new = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text.rstrip()}\n\n## 出典\n\n{block}\n"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


# ---------------------------------------------------------------- staleness (maintainer report)

def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - date.resolution).day
    return date(y, m, min(day.day, last))


def stale(registry: Registry, as_of: date, months: int = 12) -> list[Source]:
    """最終確認日が ``as_of`` の ``months`` か月前より古い項目を返します。"""
    limit = _months_before(as_of, months)
    return [s for s in registry.sources if s.checked < limit]


def stale_report(registry: Registry, as_of: date, months: int = 12) -> str:
    old = stale(registry, as_of, months)
    head = f"{as_of.isoformat()} 時点で、最終確認日が {months} か月より前の出典: {len(old)} 件"
    lines = [f"- {s.id}: {s.citation} 最終確認日 {s.checked.isoformat()} {s.url}" for s in old]
    tail = ["確かめ直し方は docs/CONTRIBUTING.md の「出典」の節を見てください。"] if old else []
    return "\n".join([head, *lines, *tail])
