"""県・広域での配布のための、教材パッケージの作成・検査・導入です。

- ``build.build_bundle``: 受講者版・講師版・解説パック・閲覧用 HTML 版のパッケージ（zip）を作ります。
- ``manifest.verify``: パッケージを公表された SHA-256 と目録で検査します。
- ``workspace.install`` / ``update`` / ``reset``: 教材を作業フォルダに入れる・更新する・元に戻します。
- ``customize.load_settings`` / ``check_town_data``: 自治体ごとの設定と、自治体のデータの検証です。
- ``wheelhouse.build_wheelhouse``: 閉じたネットワーク向けの依存パッケージ一式を作ります。

コマンドは ``dxkit bundle`` / ``verify`` / ``install`` / ``update`` / ``reset`` です（``dxkit.bundle.commands``）。
"""
