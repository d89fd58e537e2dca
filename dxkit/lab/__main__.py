"""``python -m dxkit.lab [--instructor]``: JUPYTER_CONFIG_PATH の値を表示します（イメージやサービスの設定用）。"""

import sys

from dxkit.lab import config_path

print(config_path(instructor="--instructor" in sys.argv[1:]))
