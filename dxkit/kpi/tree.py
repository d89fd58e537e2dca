"""KPI ツリーです: 最終目標（KGI）を、それを左右する KPI に分けていく木の図です。"""

from __future__ import annotations

from dataclasses import dataclass, field

from dxkit.errors import DxkitError

from ._util import esc
from .model import KPI

@dataclass
class TreeNode:
    name: str
    kpi: KPI | None = None
    note: str = ""
    children: list["TreeNode"] = field(default_factory=list)


class KPITree:
    """最終目標（KGI）から KPI へと分けていく KPI ツリーです。

    例::

        tree = KPITree("窓口での住民の負担を減らす（KGI: 窓口の滞在時間の平均）")
        tree.add("オンライン申請率", parent=tree.root.name)
        tree.add("窓口平均待ち時間", parent=tree.root.name)
        tree.add("書かない窓口 利用件数", parent="窓口平均待ち時間")
    """

    def __init__(self, kgi, note: str = ""):
        name = kgi.name if isinstance(kgi, KPI) else str(kgi or "").strip()
        if not name:
            raise DxkitError("KPI ツリーの一番上には KGI（最終目標）の名前を書いてください。")
        self.root = TreeNode(name, kgi if isinstance(kgi, KPI) else None, note)
        self._nodes = {name: self.root}

    def add(self, item, parent: str | None = None, note: str = "") -> str:
        """``parent``（省略時は KGI）の下に指標を加え、その名前を返します。``item`` は指標名か KPI です。"""
        name = item.name if isinstance(item, KPI) else str(item or "").strip()
        if not name:
            raise DxkitError("加える指標の名前が空です。")
        if name in self._nodes:
            raise DxkitError(f"「{name}」はすでにツリーにあります。同じ名前は 1 回だけ使えます。")
        parent = self.root.name if parent is None else parent
        if parent not in self._nodes:
            raise DxkitError(f"親の「{parent}」がツリーにありません。先に親を加えるか、名前を確かめてください。")
        node = TreeNode(name, item if isinstance(item, KPI) else None, note)
        self._nodes[parent].children.append(node)
        self._nodes[name] = node
        return name

    def __contains__(self, name) -> bool:
        return name in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def children(self, name: str) -> list[str]:
        if name not in self._nodes:
            raise DxkitError(f"「{name}」はツリーにありません。")
        return [c.name for c in self._nodes[name].children]

    def leaves(self) -> list[str]:
        """一番下の指標（子を持たない指標）の名前のリストです。日々の活動で動かす KPI にあたります。"""
        out = []

        def walk(node):
            if not node.children and node is not self.root:
                out.append(node.name)
            for c in node.children:
                walk(c)
        walk(self.root)
        return out

    def path_to(self, name: str) -> list[str]:
        """KGI からその指標までの道筋（名前のリスト）です。"""
        if name not in self._nodes:
            raise DxkitError(f"「{name}」はツリーにありません。")

        def walk(node, trail):
            trail = trail + [node.name]
            if node.name == name:
                return trail
            for c in node.children:
                found = walk(c, trail)
                if found:
                    return found
            return None
        return walk(self.root, [])

    def depth(self) -> int:
        def d(node):
            return 1 + max((d(c) for c in node.children), default=0)
        return d(self.root)

    def to_text(self) -> str:
        """罫線で描いた文字の木にします。"""
        lines = [f"🎯 {self.root.name}" + (f"（{self.root.note}）" if self.root.note else "")]

        def walk(node, prefix):
            for i, child in enumerate(node.children):
                last = i == len(node.children) - 1
                note = f"（{child.note}）" if child.note else ""
                lines.append(f"{prefix}{'└─ ' if last else '├─ '}{child.name}{note}")
                walk(child, prefix + ("   " if last else "│  "))
        walk(self.root, "")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        def walk(node):
            if not node.children:
                return ""
            return "<ul>" + "".join(f"<li>{esc(c.name)}{walk(c)}</li>" for c in node.children) + "</ul>"
        return f"<div><b>🎯 {esc(self.root.name)}</b>{walk(self.root)}</div>"


def plot_kpi_tree(tree: KPITree, ax=None, wrap: int = 12):
    """KPI ツリーを左から右へ広がる図にします（matplotlib の Figure を返します）。"""
    import textwrap

    import matplotlib.pyplot as plt

    if not isinstance(tree, KPITree):
        raise DxkitError("plot_kpi_tree() には KPITree(...) を渡してください。")
    positions = {}
    counter = [0]

    def place(node, level):
        if not node.children:
            y = counter[0]
            counter[0] += 1
        else:
            ys = [place(c, level + 1) for c in node.children]
            y = sum(ys) / len(ys)
        positions[node.name] = (level, y, node)
        return y

    place(tree.root, 0)
    n_leaves = max(counter[0], 1)
    depth = tree.depth()
    if ax is None:
        fig, ax = plt.subplots(figsize=(3.2 * depth, max(2.5, 0.9 * n_leaves)))
    else:
        fig = ax.figure
    for name, (level, y, node) in positions.items():
        for child in node.children:
            cl, cy, _ = positions[child.name]
            ax.plot([level, level + 0.5, level + 0.5, cl], [-y, -y, -cy, -cy], color="#5d6d7e", lw=1.2, zorder=1)
    for name, (level, y, node) in positions.items():
        is_root = node is tree.root
        ax.text(level, -y, "\n".join(textwrap.wrap(name, wrap)), ha="center", va="center",
                fontsize=10 if is_root else 9, zorder=3,
                bbox=dict(boxstyle="round,pad=0.4", facecolor="#fde3c2" if is_root else "#dce8f6",
                          edgecolor="#5d6d7e"))
    ax.set_xlim(-0.6, depth - 0.4)
    ax.set_ylim(-(n_leaves - 1) - 0.7, 0.7)
    ax.axis("off")
    ax.grid(False)
    ax.set_title("KPI ツリー")
    return fig
