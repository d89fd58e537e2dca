"""dxkit が学習者に見せるエラーの型です。"""

import os

DEBUG_ENV = "DXKIT_DEBUG"


class DxkitError(ValueError):
    """dxkit が出す、原因と直し方を日本語で説明するエラーです。

    ノートブック（IPython）では、dxkit の内部を通る Python のトレースバックは出さず、日本語のメッセージだけを
    表示します。環境変数 ``DXKIT_DEBUG=1`` を設定すると、ふつうのトレースバックをすべて表示します。
    """

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of formatting the traceback itself.
        if os.environ.get(DEBUG_ENV, "").strip() not in ("", "0"):
            return _full_traceback(self)
        return [f"\x1b[31mエラー（{type(self).__name__}）\x1b[0m", *str(self).splitlines()]


def _full_traceback(exc: BaseException) -> list[str]:
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            return shell.InteractiveTB.structured_traceback(type(exc), exc, exc.__traceback__)
    except ImportError:
        pass
    import traceback

    return "".join(traceback.format_exception(exc)).splitlines()
