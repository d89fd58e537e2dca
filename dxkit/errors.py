"""dxkit が学習者に見せるエラーの型です。"""

import os

DEBUG_ENV = "DXKIT_DEBUG"


class DxkitError(ValueError):
    """dxkit が出す、原因と直し方を日本語で説明するエラーです。

    ノートブック（IPython）では、dxkit の内部を通る Python のトレースバックは出さず、日本語のメッセージだけを
    表示します。環境変数 ``DXKIT_DEBUG=1`` を設定すると、ふつうのトレースバックをすべて表示します。
    """

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of formatting the traceback; raising makes it fall back to the full one.
        if os.environ.get(DEBUG_ENV, "").strip() not in ("", "0"):
            raise NotImplementedError("DXKIT_DEBUG is set: show the full traceback")
        return [f"\x1b[31mエラー（{type(self).__name__}）\x1b[0m", *str(self).splitlines()]
