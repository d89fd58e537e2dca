"""練習問題の置き場です。``c<NN>.py``（講座ごとに 1 ファイル）を最初に問題を探すときに読み込みます。

各ファイルは ``dxkit.check.register(Item(...))`` と ``register_course(Course(...))`` を呼びます。
このパッケージは自動で見つけて読み込むことだけを担当します。
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import warnings

COURSE_MODULE = re.compile(r"c\d{2}")

# Modules that failed to import: {module name: "ErrorType: message"}. Tests assert it stays empty.
load_errors: dict[str, str] = {}


def course_modules() -> list[str]:
    """読み込む講座ファイルのモジュール名（例 ``dxkit.items.c05``）を番号順に返します。"""
    names = [info.name for info in pkgutil.iter_modules(__path__) if COURSE_MODULE.fullmatch(info.name)]
    return [f"{__name__}.{name}" for name in sorted(names)]


def load_all() -> list[str]:
    """すべての講座ファイルを読み込み、読み込んだモジュール名を返します。

    1 つのファイルが壊れていても、ほかの講座の練習問題は使えるようにします（警告を出します）。
    """
    loaded = []
    for name in course_modules():
        if name in sys.modules:
            loaded.append(name)
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - one broken course must not break the others
            load_errors[name] = f"{type(exc).__name__}: {exc}"
            warnings.warn(f"練習問題のファイル {name} を読み込めませんでした（{load_errors[name]}）。"
                          "教材の作成者に知らせてください。", stacklevel=2)
        else:
            loaded.append(name)
    return loaded
