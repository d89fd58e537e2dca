"""dxkit が学習者に見せるエラーの型です。"""


class DxkitError(ValueError):
    """dxkit が出す、原因と直し方を日本語で説明するエラーです。"""
