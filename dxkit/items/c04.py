"""講座04 情報セキュリティの練習問題です。"""

from __future__ import annotations

from dxkit.check import Course, Item, function_checker, register, register_course

register_course(Course(
    id="04",
    slug="04_security",
    title="情報セキュリティ（三層の対策・標的型メール・パスワードと MFA・個人情報と生成AI）",
    exercise_parts=("q1", "q2", "q3", "q4", "q5", "q6", "q7"),
))

_TASKS = """
    from dxkit.data import load_dataset
    from dxkit.security import classify_segment, transfer_rule
    tasks = load_dataset("security_tasks")
"""
_EMAILS = """
    from dxkit.data import load_dataset
    from dxkit.security import analyze_email, domain_of, lookalike_of
    emails = load_dataset("security_emails")
"""


# --- checkers (answer, expected) -> list of Japanese problems ---------------------------------

def _same_set(what: str):
    def checker(answer, expected):
        if isinstance(answer, (list, tuple, set, frozenset)):
            got = set(answer)
        else:
            return [f"{what}はリストか集合（例: `{{1, 2}}`）で答えてください。"]
        problems = []
        missing, extra = set(expected) - got, got - set(expected)
        if missing:
            problems.append(f"足りないものが {len(missing)} 個あります。")
        if extra:
            problems.append(f"余分なものが {len(extra)} 個あります。")
        return problems
    return checker


def _strong_report(answer, expected):
    from dxkit.security import PasswordReport

    if not isinstance(answer, PasswordReport):
        return ["`report` には `check_password(\"…\")` の結果を入れてください（パスワードそのものは入れません）。"]
    problems = []
    if answer.length < 15:
        problems.append(f"{answer.length} 文字です。15 文字以上のパスフレーズにしてみましょう。")
    if answer.is_common:
        problems.append("よく使われるパスワードに近い形です。")
    if answer.patterns:
        problems.append("推測されやすい並び（キーボードの並び・連番・繰り返し・西暦や日付）を含んでいます。")
    if answer.strength not in ("強い", "とても強い"):
        problems.append(f"強さが「{answer.strength}」です。無関係な単語を増やしましょう。")
    return problems


def _prompt_judge(answer, expected):
    from dxkit.data import load_dataset

    if not callable(answer):
        return ["`judge` は関数にしてください（`def judge(prompt):` で作ります）。"]
    prompts = load_dataset("security_ai_prompts")
    wrong_ng, wrong_ok, errors = 0, 0, []
    for text, label in zip(prompts["プロンプト"], prompts["判定"]):
        try:
            got = answer(text)
        except Exception as exc:  # noqa: BLE001 - shown to the learner in Japanese
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        if got not in ("OK", "NG"):
            return ['関数は "OK" か "NG" の文字列を返してください。']
        if label == "NG" and got == "OK":
            wrong_ok += 1
        elif label == "OK" and got == "NG":
            wrong_ng += 1
    problems = []
    if errors:
        problems.append(f"{len(errors)} 件でエラーになりました（例: {errors[0]}）。")
    if wrong_ok:
        problems.append(f"入力してはいけないプロンプトを {wrong_ok} 件「OK」にしています。個人情報と機密情報の語を見直しましょう。")
    if wrong_ng > 1:
        problems.append(f"問題のないプロンプトを {wrong_ng} 件「NG」にしています（厳しすぎます）。")
    return problems


# --- lesson 01: threats and the 三層の対策 ---------------------------------------------------------

register(Item(
    id="04/01/mynumber_tasks",
    title="マイナンバー利用事務系で扱う業務",
    var="mn_tasks",
    setup=_TASKS,
    solution='mn_tasks = tasks.loc[tasks["区分"] == "マイナンバー利用事務系", "業務名"].tolist()',
    hints=["`tasks[\"区分\"] == \"マイナンバー利用事務系\"` で行を選びます。",
           "`.loc[条件, \"業務名\"].tolist()` でリストにします。"],
))

register(Item(
    id="04/01/rule_agreement",
    title="classify_segment の判定と正解ラベルが一致した業務の数",
    var="agree",
    setup=_TASKS,
    solution="""
        predicted = [classify_segment(row).segment for row in tasks.to_dict("records")]
        agree = sum(p == label for p, label in zip(predicted, tasks["区分"]))
    """,
    hints=["`tasks.to_dict(\"records\")` で 1 行ずつ辞書にして `classify_segment(row).segment` を求めます。",
           "`sum(p == label for p, label in zip(predicted, tasks[\"区分\"]))` で一致した数を数えます。"],
))

register(Item(
    id="04/01/sanitize_direction",
    title="無害化が必要になる受け渡しの向き",
    var="direction",
    solution='direction = ("インターネット接続系", "LGWAN接続系")',
    hints=["ウイルスが入り込むおそれがあるのは、外（インターネット）から内へ持ち込むときです。",
           "(持ち出し元, 持ち込み先) の順のタプルで、`(\"インターネット接続系\", \"LGWAN接続系\")` のように書きます。"],
))

register(Item(
    id="04/01/beta_groupware",
    title="βモデルでのグループウェアの領域",
    var="seg_beta",
    setup="from dxkit.security import classify_segment",
    solution='seg_beta = classify_segment("グループウェアで会議室を予約する", model="β").segment',
    hints=["`classify_segment(…, model=\"β\")` の `.segment` を取り出します。"],
))

# --- lesson 02: phishing ---------------------------------------------------------------------

register(Item(
    id="04/02/sender_domains",
    title="差出人のドメインの一覧",
    var="domains",
    setup=_EMAILS,
    solution='domains = emails["差出人アドレス"].map(domain_of)',
    hints=["`emails[\"差出人アドレス\"]` の各要素に `domain_of` を当てはめます。", "`.map(domain_of)` を使います。"],
))

register(Item(
    id="04/02/lookalike_count",
    title="似せたドメインから届いたメールの数",
    var="n_lookalike",
    setup=_EMAILS + '    domains = emails["差出人アドレス"].map(domain_of)\n',
    solution="n_lookalike = sum(lookalike_of(d) is not None for d in domains)",
    hints=["`lookalike_of(ドメイン)` は似せたドメインなら説明を、そうでなければ None を返します。",
           "`sum(lookalike_of(d) is not None for d in domains)` で数えます。"],
))

register(Item(
    id="04/02/risky_attachments",
    title="危ない添付ファイルのあるメール（自分で見つける）",
    var="risky_mails",
    setup=_EMAILS + '''
    DANGEROUS = (".exe", ".js", ".iso", ".xlsm", ".docm")
    attachments = emails["添付ファイル"].fillna("")
''',
    solution="""
        risky_mails = []
        for mail_id, name in zip(emails["メールID"], attachments):
            if name.lower().endswith(DANGEROUS):
                risky_mails.append(mail_id)
    """,
    hints=["見るのは添付ファイルの名前の **最後** です。「請求書.pdf.exe」の最後は .exe です。",
           "メールID と添付ファイルの名前を zip で 1 通ずつ並べて回し、名前が DANGEROUS のどれかで終わるものを集めます。",
           "文字の `.endswith(...)` にはタプルも渡せます: `name.lower().endswith(DANGEROUS)`。"],
    ignore_order=True,
))

register(Item(
    id="04/02/missed",
    title="点数だけでは見逃すフィッシングメール",
    var="missed",
    setup=_EMAILS + '    reports = [analyze_email(row) for row in emails.to_dict("records")]\n',
    solution="""
        missed = [mid for mid, label, r in zip(emails["メールID"], emails["判定"], reports)
                  if label == "フィッシング" and not r.is_phishing]
    """,
    hints=["`zip(emails[\"メールID\"], emails[\"判定\"], reports)` で 3 つを並べて回します。",
           "判定が「フィッシング」なのに `r.is_phishing` が False のものを集めます。"],
    ignore_order=True,
))

# --- lesson 03: passwords, MFA, devices -------------------------------------------------------

register(Item(
    id="04/03/weakest",
    title="いちばん弱いパスワードの番号",
    var="weakest",
    setup="""
        from dxkit.security import check_password
        candidates = ["Midorino2024!", "sora-kujira-enpitsu-natsu", "1qaz2wsx3edc", "Tq7#pX2m"]
        reports = [check_password(p) for p in candidates]
    """,
    solution="""
        bits = [r.entropy_bits for r in reports]
        weakest = bits.index(min(bits))
    """,
    hints=["`reports[i].entropy_bits` が小さいほど弱いパスワードです。まず 4 つの entropy_bits をリストにします。",
           "リストの最小値は `min(...)`、その値が何番目かはリストの `.index(...)` で分かります。",
           "`bits = [r.entropy_bits for r in reports]` のあと `bits.index(min(bits))` です。"],
))

register(Item(
    id="04/03/passphrase",
    title="強いパスフレーズを作る",
    var="report",
    setup="from dxkit.security import check_password",
    solution='report = check_password("kame-no-ashi-to-aoi-kasa-no-mori")',
    hints=["無関係な単語を 4 つ以上、ハイフンや空白でつなげてみましょう。",
           "名前・誕生日・キーボードの並び・連番は避けます。"],
    checker=_strong_report,
))

register(Item(
    id="04/03/policy_issues",
    title="見直しが必要なポリシーの項目",
    var="issues",
    setup="""
        from dxkit.security import review_password_policy
        old_policy = {"最小文字数": 8, "最大文字数": 16, "文字種の組み合わせを必須": True, "定期変更の日数": 90,
                      "多要素認証": False, "よく使われるパスワードを禁止": False, "秘密の質問": True,
                      "漏えい時は速やかに変更": True, "ログイン試行回数の制限": True}
    """,
    solution='''
        issues = ["最小文字数", "最大文字数", "文字種の組み合わせを必須", "定期変更の日数", "多要素認証",
                  "よく使われるパスワードを禁止", "秘密の質問"]
    ''',
    hints=["1 節の表の考え方と、`old_policy` の 9 項目を 1 つずつ見比べます。",
           "多要素認証がないときは、最小文字数の目安は 15 文字です。最大文字数は、長いパスフレーズを受け付けられるか（64 文字以上）で見ます。",
           "秘密の質問は、調べれば分かることが多いので本人確認に使いません。残りの 2 項目（漏えい時の変更、試行回数の制限）は適切です。"],
    checker=_same_set("見直しが必要な項目"),
))

register(Item(
    id="04/03/telework_risks",
    title="テレワークで危ない行動",
    var="risky",
    solution="risky = {2, 3, 5}",
    hints=["第三者が画面をのぞける、家族と共用する、私物の USB に保存する…は危険です。",
           "番号の集合（例: `{1, 4}`）で答えます。"],
    checker=_same_set("危ない行動の番号"),
))

# --- lesson 04: personal information and generative AI ----------------------------------------

def _check_digit_checker():
    """Try the learner's function on bases whose remainder is 0, 1 and others (r <= 1 gives 0)."""
    cases = function_checker("00000314159", "00000000006", "00000271843", "00000000000", "00000271828",
                             "12345678901", "00000000001")

    def checker(answer, expected):
        if isinstance(answer, int) and not isinstance(answer, bool):
            return ["関数 check_digit そのものを渡してください（例: check(\"04/04/check_digit\", check_digit)）。"
                    "1 つの番号の答えだけでは、余りが 0 や 1 のときの扱いを確かめられません。"]
        return cases(answer, expected)
    return checker


register(Item(
    id="04/04/check_digit",
    title="個人番号の検査用数字を計算する関数",
    var="check_digit",
    solution="""
        def check_digit(base):
            total = 0
            for n in range(1, 12):
                p = int(base[11 - n])
                q = n + 1 if n <= 6 else n - 5
                total += p * q
            r = total % 11
            return 0 if r <= 1 else 11 - r
    """,
    hints=["n 桁目は「右から数えて」n 番目なので `base[11 - n]` です。",
           "重みは n が 1〜6 なら n+1、7〜11 なら n−5。余りが 1 以下（0 か 1）なら 0、それ以外は 11 − 余り です。",
           "余りが 1 になる例: \"00000000006\" の検査用数字は 0 です。"],
    checker=_check_digit_checker(),
))

register(Item(
    id="04/04/postal_codes",
    title="正規表現で郵便番号を見つける",
    var="postals",
    setup="""
        from dxkit.data import load_dataset
        docs = load_dataset("security_pii_documents")
    """,
    solution="""
        import re

        postals = []
        for text in docs["本文"]:
            postals += re.findall(r"〒[0-9]{3}-[0-9]{4}", text)
    """,
    hints=["郵便番号の形は「〒」のあとに数字 3 桁、ハイフン、数字 4 桁です。",
           "`re.findall(パターン, 本文)` は見つかった文字のリストを返します。全文書について、リストを足し合わせます。",
           "パターンは `r\"〒[0-9]{3}-[0-9]{4}\"` です。"],
))

_MAIL_CASES = ("連絡は user07@mail.example.jp へ。", "メール：user02@mail.example.jp", "個人情報のない文です。",
               "宛先 a.b-c_1@x.example.lg.jp と k9@y.example.jp に送ります。", "問合せは info@city.example.jpまで。")

register(Item(
    id="04/04/mask_mail",
    title="正規表現でメールアドレスを伏せる関数",
    var="mask_mail",
    solution="""
        import re

        def mask_mail(text):
            return re.sub(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+", "[メールアドレス]", text)
    """,
    hints=["@ の前は「半角の英字・数字・. _ -」が 1 文字以上、@ の後ろは「半角の英字・数字・. -」が 1 文字以上です。",
           "「このどれか 1 文字」は `[ ]` の中に並べて書き、「1 回以上」は `+` です。",
           "`re.sub(r\"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\", \"[メールアドレス]\", text)` を返します。"],
    checker=function_checker(*_MAIL_CASES),
))

register(Item(
    id="04/04/kind_counts",
    title="文書に含まれる個人情報の種類ごとの件数",
    var="kind_counts",
    setup="""
        import pandas as pd
        from dxkit.data import load_dataset
        from dxkit.security import find_pii
        docs = load_dataset("security_pii_documents")
    """,
    solution='kind_counts = pd.Series([f.kind for text in docs["本文"] for f in find_pii(text)]).value_counts()',
    hints=["`find_pii(text)` の結果の `f.kind` を全文書について集めます。", "`pd.Series(…).value_counts()` で数えます。"],
    ignore_order=True,
))

register(Item(
    id="04/04/judge_prompt",
    title="生成AIに入力してよいかを判定する関数",
    var="judge",
    setup="from dxkit.security import find_pii",
    solution="""
        NG_WORDS = ("個人番号", "マイナンバー", "名簿", "未公表", "未発表", "非公開", "パスワード", "設定",
                    "支給すべきか", "決めてください", "滞納", "相談記録", "予定価格")

        def judge(prompt):
            if find_pii(prompt):
                return "NG"
            if any(w in prompt for w in NG_WORDS):
                return "NG"
            return "OK"
    """,
    hints=["まず `find_pii(prompt)` で個人情報が見つかれば \"NG\" にします。",
           "「未公表」「非公開」「パスワード」など、機密情報を表す語のリストも使いましょう。"],
    checker=_prompt_judge,
))
