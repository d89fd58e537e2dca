"""nbgrader プリプロセッサ（設定ファイルや ``dxkit cohort`` から使います）。

- ``HideHiddenTests``: フィードバックから隠しテストのコードを除き（nbgrader の ``ClearHiddenTests``）、
  テストのエラー表示を短い日本語の理由だけにし、先頭に得点の要約を加えます。``dxkit cohort feedback`` と
  JupyterHub の講師用設定（``deploy/nbgrader/instructor_nbgrader_config.py``）の両方がこれを使います。
- ``CappedExecute``: nbgrader の ``Execute`` に、出力の上限（セルごと・ノートブックごと）を加えたものです。
  上限を超えた出力は受け取った時点で捨てるので、採点のプロセスのメモリも増えません。
- ``UsePrepared`` / ``ReplayExecute``: ``dxkit cohort autograde`` が、ワーカーで整えて実行したノートブックを
  nbgrader の Autograde に渡すためのものです（フォルダーを設定で受け取ります。モジュールの変数は使いません）。
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Integer, Unicode

from dxkit.cohort import notebooks as nbs
from dxkit.errors import DxkitError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|Input In\s*\[\d*\]|<ipython-input-[^>]*>),? (?:line )?(\d+)")
HIDDEN_NOTE = "# （このセルの隠しテストは表示しません）"
OUTPUT_CAP_NOTE = "（出力が上限（{limit}）を超えたので、ここから先は省きました。）"
CAP_ENAME = "OutputLimitExceeded"


# ------------------------------------------------------------------ feedback

def hidden_line_numbers(source: str, begin: str = "BEGIN HIDDEN TESTS", end: str = "END HIDDEN TESTS") -> set[int]:
    """1-based line numbers inside BEGIN/END HIDDEN TESTS (markers included)."""
    hidden, inside = set(), False
    for i, line in enumerate(source.splitlines(), start=1):
        if begin in line:
            inside = True
        if inside:
            hidden.add(i)
        if end in line:
            inside = False
    return hidden


def failing_line(traceback: list[str]) -> int | None:
    m = CELL_LINE.search(ANSI.sub("", "\n".join(traceback or [])))
    return int(m.group(1)) if m else None


def short_error(output, hidden: set[int]) -> dict:
    """Replace an error output by its Japanese reason only (never the test code)."""
    ename, evalue = output.get("ename", ""), ANSI.sub("", str(output.get("evalue", "")))
    line = failing_line(output.get("traceback", []))
    if ename == "AssertionError":
        text = evalue or "テストに合格しませんでした。"
    elif ename == "CellTimeoutError":
        text = "時間内に実行が終わりませんでした（無限ループになっていないか確かめてください）。"
    elif ename in ("NotGraded", CAP_ENAME):
        text = evalue
    else:
        text = f"{ename} が発生しました" + (f"（{evalue[:150]}）" if evalue else "") + "。"
    prefix = "隠しテスト: " if line is not None and line in hidden else ""
    return nbformat.v4.new_output("error", ename=ename, evalue=prefix + text, traceback=[f"{ename}: {prefix}{text}"])


class HideHiddenTests(ClearHiddenTests):
    """フィードバックから隠しテストのコードを除き、エラー表示を日本語の理由だけにします。"""

    banner = Unicode("", help="フィードバックの先頭に載せる警告（隔離せずに採点したときなど）").tag(config=True)

    def preprocess(self, nb, resources):
        self._summary: list[tuple[str, str]] = []
        nb, resources = super().preprocess(nb, resources)
        info = resources.get("nbgrader", {})
        lines = ["## 採点結果", ""]
        if info.get("score") is not None:
            lines += [f"**得点: {info['score']:g} / {info['max_score']:g} 点**（記述式の問題は講師が採点したあとに"
                      "反映されます）", ""]
        if self._summary:
            lines.append("合格しなかったテスト:")
            lines += [f"- {gid}: {reason}" for gid, reason in self._summary]
        else:
            lines.append("自動採点のテストにはすべて合格しました。")
        lines += ["", "隠しテストのコードは表示しません。理由を手がかりに見直してください。"]
        if self.banner:
            lines = [f"**{self.banner}**", ""] + lines
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("\n".join(lines)))
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not nbs.meta(cell).get("grade") or nbs.meta(cell).get("solution"):
            return super().preprocess_cell(cell, resources, index)
        hidden = hidden_line_numbers(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
        outputs = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                o = short_error(o, hidden)
                self._summary.append((nbs.grade_id(cell) or "", o["evalue"]))
            outputs.append(o)
        cell.outputs = outputs
        cell, resources = super().preprocess_cell(cell, resources, index)   # nbgrader removes the hidden lines
        if hidden:
            cell.source = cell.source.rstrip("\n") + "\n" + HIDDEN_NOTE
        return cell, resources


# ------------------------------------------------------------------ execution with an output cap

def output_bytes(output) -> int:
    if output.get("output_type") == "stream":
        return len(str(output.get("text", "")).encode())
    if output.get("output_type") == "error":
        return sum(len(str(t).encode()) for t in output.get("traceback", [])) + len(str(output.get("evalue", "")))
    return sum(len(str(v).encode()) for v in (output.get("data") or {}).values())


class CappedExecute(Execute):
    """nbgrader の Execute に、出力の上限（セルごと・ノートブックごと）を加えたものです。"""

    max_cell_bytes = Integer(2**20, help="1 セルの出力の上限（バイト）").tag(config=True)
    max_notebook_bytes = Integer(10 * 2**20, help="ノートブック全体の出力の上限（バイト）").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self.capped_cells: list[int] = []
        self._cell_bytes: dict[int, int] = {}
        self._total_bytes = 0
        return super().preprocess(nb, resources, km=km)

    def output(self, outs, msg, display_id, cell_index):
        try:
            out = nbformat.v4.output_from_msg(msg)
        except ValueError:
            return None
        size = output_bytes(out)
        used = self._cell_bytes.get(cell_index, 0)
        if cell_index in self.capped_cells:
            return None
        if used + size > self.max_cell_bytes or self._total_bytes + size > self.max_notebook_bytes:
            self.capped_cells.append(cell_index)
            whole = self._total_bytes + size > self.max_notebook_bytes
            limit = f"ノートブック全体で {self.max_notebook_bytes // 2**20} MiB" if whole else \
                f"1 セル {self.max_cell_bytes // 2**20} MiB"
            room = min(self.max_cell_bytes - used, self.max_notebook_bytes - self._total_bytes)
            if out.get("output_type") == "stream" and room > 0:   # keep what fits
                out.text = out.text.encode()[:room].decode(errors="ignore")
                outs.append(out)
                self._total_bytes += room
            outs.append(nbformat.v4.new_output("stream", name="stderr", text="\n" + OUTPUT_CAP_NOTE.format(limit=limit)))
            return None
        self._cell_bytes[cell_index] = used + size
        self._total_bytes += size
        return super().output(outs, msg, display_id, cell_index)


# ------------------------------------------------------------------ cohort autograde's hand-over to nbgrader

def prepared_path(folder: str, student: str, notebook: str, kind: str) -> Path:
    return Path(folder) / student / f"{notebook}.{kind}.ipynb"


class _FromFolder(NbGraderPreprocessor):
    folder = Unicode("", help="dxkit cohort autograde が用意したノートブックのフォルダー").tag(config=True)
    kind = "prepared"

    def load(self, resources):
        info = resources["nbgrader"]
        path = prepared_path(self.folder, info["student"], info["notebook"], self.kind)
        if not self.folder or not path.is_file():
            raise DxkitError(f"採点の準備ができたノートブックがありません: {path}")
        return nbformat.read(path, as_version=4)


class UsePrepared(_FromFolder):
    """nbgrader の sanitize の代わりに、dxkit が配布版から直して sanitize したノートブックを使います。

    ``submitted/`` のファイル（学習者が出したもの）は書き換えません。
    """

    kind = "prepared"

    def preprocess(self, nb, resources):
        return self.load(resources), resources


class ReplayExecute(_FromFolder):
    """nbgrader の Execute の代わりに、ワーカーで実行済みのノートブックを差し込みます。"""

    kind = "executed"

    def preprocess(self, nb, resources):
        executed = self.load(resources)
        if [c.source for c in executed.cells] != [c.source for c in nb.cells]:
            raise DxkitError("実行したノートブックと採点するノートブックが一致しません。")
        return executed, resources
