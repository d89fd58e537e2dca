"""dxkit.security: PII detection and masking, phishing signals, password checks, the 三層 segments."""

from __future__ import annotations

import random

import pytest

from dxkit.errors import DxkitError
from dxkit.security import (
    POLICY_KEYS,
    SEGMENTS,
    Email,
    analyze_email,
    check_password,
    classify_segment,
    domain_of,
    find_pii,
    is_valid_my_number,
    lookalike_of,
    mask_pii,
    my_number_check_digit,
    review_password_policy,
    transfer_rule,
)

ZEN = str.maketrans("0123456789-", "０１２３４５６７８９－")


def make_number(base: str) -> str:
    return base + str(my_number_check_digit(base))


GOOD = make_number("00000271828")  # 000002718286: fictional, check digit valid
BAD = GOOD[:11] + str((int(GOOD[11]) + 3) % 10)


# ----------------------------------------------------------------------------------- check digit

def reference_check_digit(first11: str) -> int:
    """The 総務省令 formula written out independently: Pn is the n-th digit from the right."""
    digits = [int(c) for c in first11]
    total = 0
    for n in range(1, 12):
        pn = digits[-n]
        qn = n + 1 if 1 <= n <= 6 else n - 5
        total += pn * qn
    rem = total % 11
    return 0 if rem <= 1 else 11 - rem


def test_check_digit_matches_the_published_formula_on_random_bases():
    rng = random.Random(7)
    for _ in range(500):
        base = "".join(str(rng.randrange(10)) for _ in range(11))
        assert my_number_check_digit(base) == reference_check_digit(base)


def test_check_digit_worked_example():
    # weights for 0,0,0,0,0,2,7,1,8,2,8 (right to left: 8,2,8,1,7,2 × 2..7 = 16+6+32+5+42+14 = 115)
    assert 115 % 11 == 5
    assert my_number_check_digit("00000271828") == 6
    assert my_number_check_digit("00000000000") == 0


def test_check_digit_needs_eleven_digits():
    with pytest.raises(DxkitError, match="11 桁"):
        my_number_check_digit("1234")


@pytest.mark.parametrize("text,valid", [
    (GOOD, True),
    (GOOD.translate(ZEN), True),                      # full-width digits
    (f"{GOOD[:4]}-{GOOD[4:8]}-{GOOD[8:]}", True),     # hyphens
    (f"{GOOD[:4]} {GOOD[4:8]}　{GOOD[8:]}", True),    # spaces, half and full width
    (BAD, False),                                     # wrong check digit
    ("1" + GOOD, False),                              # 13 digits (法人番号 length)
    (GOOD[:11], False),
    ("", False),
])
def test_is_valid_my_number(text, valid):
    assert is_valid_my_number(text) is valid


# ----------------------------------------------------------------------------------- PII finding

def kinds(text):
    return [(f.kind, f.text) for f in find_pii(text)]


@pytest.mark.parametrize("text,expected", [
    (f"個人番号は{GOOD}です。", [("個人番号", GOOD)]),
    (f"番号 {GOOD.translate(ZEN)} 全角", [("個人番号", GOOD.translate(ZEN))]),
    (f"番号 {GOOD[:4]}-{GOOD[4:8]}-{GOOD[8:]} です", [("個人番号", f"{GOOD[:4]}-{GOOD[4:8]}-{GOOD[8:]}")]),
    (f"番号 {GOOD[:4]}－{GOOD[4:8]}－{GOOD[8:]} です".translate(ZEN),
     [("個人番号", f"{GOOD[:4]}－{GOOD[4:8]}－{GOOD[8:]}".translate(ZEN))]),
])
def test_my_number_in_text(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    f"受付番号 {BAD} の件",                          # 12 digits, wrong check digit, no keyword
    f"法人番号 1{GOOD} の事業者",                    # 13 digits
    f"口座 {GOOD}5678 の件",                        # part of a longer number
    f"カード {GOOD[:4]} {GOOD[4:8]} {GOOD[8:]} 1234",  # first 12 of a 16-digit card number
    f"伝票 9{GOOD[:4]}-{GOOD[4:8]}-{GOOD[8:]}",
])
def test_numbers_that_only_look_like_my_number(text):
    assert not [f for f in find_pii(text) if f.kind == "個人番号"]


def test_wrong_check_digit_after_the_keyword_is_still_treated_as_my_number():
    found = find_pii(f"個人番号：{BAD}（聞き取り）")
    assert [f.kind for f in found] == ["個人番号"]
    assert "書き誤り" in found[0].reason


def test_findings_carry_kind_span_and_reason():
    text = f"山田 太郎様の番号は{GOOD}です。"
    found = find_pii(text)
    assert [f.kind for f in found] == ["氏名", "個人番号"]
    for f in found:
        assert text[f.span[0]:f.span[1]] == f.text
        assert f.reason and isinstance(f.reason, str)


@pytest.mark.parametrize("text,kind,value", [
    ("電話 090-0123-4567 まで", "電話番号", "090-0123-4567"),
    ("電話 ０３－０１２３－４５６７ まで", "電話番号", "０３－０１２３－４５６７"),
    ("TEL (0123)00-4567", "電話番号", "(0123)00-4567"),
    ("折り返し 09001234567", "電話番号", "09001234567"),
    ("連絡先 taro.yamada@example.jp へ", "メールアドレス", "taro.yamada@example.jp"),
    ("〒000-0123 みどり野市", "郵便番号", "〒000-0123"),
    ("生年月日：昭和50年4月1日", "生年月日", "昭和50年4月1日"),
    ("生年月日 1985年12月3日", "生年月日", "1985年12月3日"),
    ("（H2.3.4生）", "生年月日", "H2.3.4"),
    ("（Ｈ２．３．４生）", "生年月日", "Ｈ２．３．４"),
    ("令和元年5月1日生まれ", "生年月日", "令和元年5月1日"),
    ("鈴木さんから電話", "氏名", "鈴木"),
    ("市民課山田 太郎様", "氏名", "山田 太郎"),
    ("総務部長 田中様", "氏名", "田中"),
    ("氏名：佐藤 花子　住所：みどり野市", "氏名", "佐藤 花子"),
])
def test_other_kinds(text, kind, value):
    assert (kind, value) in kinds(text)


@pytest.mark.parametrize("text", [
    "皆様へ", "お客様各位", "申請様式を配布", "お父さんと来庁", "みどり野市長 殿", "担当者様",
    "令和6年4月1日に受付",          # a date that is not a date of birth
    "会議は 3-4 階で",
    "電話 03-0123-456",              # too few digits for a phone number
])
def test_no_false_positives(text):
    assert find_pii(text) == []


def test_mask_label_keeps_text_readable():
    text = f"山田 太郎様（生年月日：昭和50年4月1日）の個人番号は{GOOD}、電話は090-0123-4567です。"
    result = mask_pii(text)
    assert result.text == "[氏名]様（生年月日：[生年月日]）の個人番号は[個人番号]、電話は[電話番号]です。"
    assert result.counts() == {"氏名": 1, "生年月日": 1, "個人番号": 1, "電話番号": 1}
    assert GOOD not in repr(result) and GOOD not in result._repr_html_()


def test_mask_partial_hides_digits_but_keeps_shape():
    text = f"番号 {GOOD[:4]}-{GOOD[4:8]}-{GOOD[8:]}、電話 090-0123-4567、mail taro@example.jp"
    masked = mask_pii(text, style="partial").text
    assert "●●●●-●●●●-●●●●" in masked
    assert "●●●-●●●●-4567" in masked
    assert "t●●●@example.jp" in masked


def test_mask_selected_kinds_only():
    text = f"鈴木さん 090-0123-4567、{GOOD}"
    assert mask_pii(text, kinds=["個人番号"]).text == "鈴木さん 090-0123-4567、[個人番号]"


def test_bad_arguments_raise_japanese_errors():
    with pytest.raises(DxkitError, match="文字列"):
        find_pii(123)
    with pytest.raises(DxkitError, match="種類"):
        find_pii("x", kinds=["住所"])
    with pytest.raises(DxkitError, match="style"):
        mask_pii("x", style="stars")


def test_pii_dataset_numbers_are_fictional_and_valid():
    from dxkit.data import load_dataset

    docs = load_dataset("security_pii_documents")
    numbers = [f for text in docs["本文"] for f in find_pii(text) if f.kind == "個人番号"]
    assert len(numbers) == 4
    valid = [f for f in numbers if is_valid_my_number(f.text)]
    assert len(valid) == 3
    for f in valid:  # every valid number uses the documented artificial prefix
        digits = "".join(ch for ch in f.text.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if ch.isdigit())
        assert digits.startswith("00000")


# ----------------------------------------------------------------------------------- phishing

def test_domain_of():
    assert domain_of("Taro <taro@Example.JP>") == "example.jp"
    assert domain_of("https://city.midorino.lg.jp/path?q=1") == "city.midorino.lg.jp"
    assert domain_of("www.example.com/x") == "www.example.com"


@pytest.mark.parametrize("domain,target", [
    ("city-midorino-lg.jp", "city.midorino.lg.jp"),              # dots swapped for hyphens
    ("city.midorino.lg.jp.example.net", "city.midorino.lg.jp"),  # subdomain trick
    ("city.mldorino.lg.jp", "city.midorino.lg.jp"),              # i -> l, still ends in .lg.jp
    ("rnicrosoft.com", "microsoft.com"),                         # rn -> m
    ("amaz0n.co.jp", "amazon.co.jp"),                            # 0 -> o
    ("soumu-go.jp.example.org", "soumu.go.jp"),
    ("midorino-lg.jp", "city.midorino.lg.jp"),
    ("minamiyama-lg.jp", "lg.jp"),                               # pretends to be a municipality
])
def test_lookalike_domains(domain, target):
    found = lookalike_of(domain)
    assert found is not None and found[0] == target


@pytest.mark.parametrize("domain", ["city.midorino.lg.jp", "mail.city.midorino.lg.jp", "city.other.lg.jp",
                                    "digital.go.jp", "microsoft.com", "example.co.jp"])
def test_not_lookalike(domain):
    assert lookalike_of(domain) is None


def phish():
    return Email(from_name="みどり野市 情報政策課", from_address="helpdesk@city-midorino-lg.jp",
                 subject="【至急】パスワードの再設定", body="本日中にIDとパスワードを入力してください。",
                 links=(("https://city.midorino.lg.jp/login", "http://192.0.2.10/login"),))


def test_phishing_mail_gets_every_signal_explained():
    r = analyze_email(phish())
    assert r.is_phishing and r.score == 100 and r.verdict == "フィッシングの疑いが高い"
    assert {"表示名となりすまし", "似せたドメイン", "リンクの表示と行き先の違い", "IPアドレスや短縮URLのリンク",
            "暗号化されていないリンク", "急がせる言葉", "認証情報の要求"} <= set(r.names)
    for s in r.signals:
        assert s.detail and s.points > 0
    assert "判定" in repr(r) and "<table>" in r._repr_html_()


def test_legitimate_internal_mail():
    r = analyze_email({"差出人名": "みどり野市 総務課", "差出人アドレス": "soumu@city.midorino.lg.jp",
                       "件名": "会議資料", "本文": "資料を添付します。", "添付ファイル": "資料.pdf"})
    assert r.score == 0 and not r.is_phishing


@pytest.mark.parametrize("name,signal", [
    ("請求書.pdf.exe", "二重拡張子"),
    ("setup.exe", "実行ファイルの添付"),
    ("tool.js", "実行ファイルの添付"),
    ("資料.iso", "ディスクイメージの添付"),
    ("集計.xlsm", "マクロ付き文書の添付"),
    ("議事録.docm", "マクロ付き文書の添付"),
    ("書類.zip（パスワード付き）", "パスワード付き圧縮ファイル"),
])
def test_risky_attachments(name, signal):
    r = analyze_email(Email(from_address="a@example.com", attachments=(name,)))
    assert signal in r.names


def test_zip_with_password_mentioned_in_body():
    r = analyze_email(Email(from_address="a@example.com", body="パスワードは別メールでお送りします。", attachments=("a.zip",)))
    assert r.names == ["パスワード付き圧縮ファイル"]  # the zip password is not a credential request


def test_plain_attachments_are_fine():
    r = analyze_email(Email(from_address="a@example.com", attachments=("報告書.pdf", "集計.xlsx", "写真.jpg")))
    assert r.names == []


def test_credential_request_by_reply_weighs_more():
    r = analyze_email(Email(from_address="x@support.example.net", body="管理者のパスワードを返信してお知らせください。"))
    assert r.signals[0].name == "認証情報の要求" and r.signals[0].points == 45


def test_display_name_with_an_embedded_address():
    r = analyze_email(Email(from_name="soumu@city.midorino.lg.jp", from_address="x@mail.example.com"))
    assert "表示名となりすまし" in r.names


def test_link_text_naming_a_brand_with_a_foreign_target():
    r = analyze_email(Email(from_address="a@example.com", links=(("Microsoft にサインイン", "https://evil.example.com"),)))
    assert "リンクの表示と行き先の違い" in r.names
    r = analyze_email(Email(from_address="a@example.com", links=(("再配達", "https://bit.ly/x"),)))
    assert "IPアドレスや短縮URLのリンク" in r.names


def test_email_dataset_is_mostly_separated_by_the_score():
    from dxkit.data import load_dataset

    emails = load_dataset("security_emails")
    reports = [analyze_email(row) for row in emails.to_dict("records")]
    labels = list(emails["判定"])
    assert labels.count("フィッシング") == 12 and labels.count("正規") == 12
    assert not any(r.is_phishing for r, lab in zip(reports, labels) if lab == "正規")
    missed = [r for r, lab in zip(reports, labels) if lab == "フィッシング" and not r.is_phishing]
    assert len(missed) == 2  # the lessons discuss exactly these two


def test_analyze_email_rejects_other_types():
    with pytest.raises(DxkitError):
        analyze_email("not a mail")


# ----------------------------------------------------------------------------------- passwords

SECRETS = ["Midorino2024!", "P@ssw0rd", "1qaz2wsx", "qwertyuiop", "tsuki-to-kame-no-sanpo-michi",
           "Xk9#mQ2$vL7p", "correct horse battery staple", "そらとうみとやま", "aaaaaa1111", "abcdabcd"]


@pytest.mark.parametrize("secret", SECRETS)
def test_password_never_appears_in_the_result(secret):
    r = check_password(secret, user_words=("midorino",))
    everything = [repr(r), str(r), r._repr_html_(), repr(vars(r)) if hasattr(r, "__dict__") else ""]
    everything += [str(getattr(r, f)) for f in r.__dataclass_fields__]
    for text in everything:
        assert secret not in text


@pytest.mark.parametrize("secret,common", [
    ("password", True), ("P@ssw0rd", True), ("Password123!", True), ("Midorino2024", True),
    ("mypassword99", True), ("tsuki-to-kame-no-sanpo-michi", False), ("Xk9#mQ2$vL7p", False),
])
def test_common_passwords(secret, common):
    assert check_password(secret).is_common is common


@pytest.mark.parametrize("secret,label", [
    ("1qaz2wsx", "縦"), ("zaq12wsx", "縦"), ("q1w2e3r4", "縦"), ("asdfgh-kumo", "横"), ("qwerty-sora", "横"),
    ("abcd-kumo", "順番"), ("9876-kumo", "順番"), ("aaa-kumo-sora", "繰り返し"), ("kumo1990sora", "西暦"),
    ("midorinomidorinomidorino", "繰り返し"), ("yamadatarou19800401", "日付"),
])
def test_patterns(secret, label):
    assert any(label in p for p in check_password(secret).patterns)


def test_length_over_complexity():
    short_complex = check_password("Tq7#pX2m")
    long_simple = check_password("sora kujira enpitsu natsu")
    assert long_simple.entropy_bits > short_complex.entropy_bits
    assert long_simple.ok and not short_complex.ok
    assert any("15 文字" in p for p in short_complex.problems)


def test_mfa_lowers_the_minimum_length():
    assert check_password("Tq7pXm2wLk", mfa=True).min_length == 8
    assert check_password("Tq7pXm2wLk", mfa=True).ok
    assert not check_password("Tq7pXm2wLk").ok


def test_user_words():
    r = check_password("kumo-sora-yamada-hoshi", user_words=("yamada",))
    assert any("本人" in p for p in r.patterns)


def test_advice_follows_current_guidance():
    advice = " ".join(check_password("abc").advice)
    assert "多要素認証" in advice and "定期的に変える必要はありません" in advice and "長さ" in advice


def test_check_password_needs_a_string():
    with pytest.raises(DxkitError):
        check_password(12345678)


def test_policy_review():
    old = {"最小文字数": 8, "最大文字数": 16, "文字種の組み合わせを必須": True, "定期変更の日数": 90,
           "多要素認証": False, "よく使われるパスワードを禁止": False, "秘密の質問": True,
           "漏えい時は速やかに変更": True, "ログイン試行回数の制限": True}
    review = review_password_policy(old)
    assert review.needs_review == ["最小文字数", "最大文字数", "文字種の組み合わせを必須", "定期変更の日数", "多要素認証",
                                   "よく使われるパスワードを禁止", "秘密の質問"]
    new = dict(old, **{"最小文字数": 8, "最大文字数": None, "文字種の組み合わせを必須": False, "定期変更の日数": None,
                       "多要素認証": True, "よく使われるパスワードを禁止": True, "秘密の質問": False})
    assert review_password_policy(new).ok
    assert review_password_policy(dict(new, 多要素認証=False)).needs_review == ["最小文字数", "多要素認証"]
    assert list(review.to_frame().columns) == ["項目", "設定", "評価", "理由"]
    assert set(POLICY_KEYS) == set(old)
    with pytest.raises(DxkitError, match="知らない項目"):
        review_password_policy({"パスワードの色": "青"})


# ----------------------------------------------------------------------------------- segments

@pytest.mark.parametrize("task,segment", [
    ("児童手当の認定（個人番号を使う）", "マイナンバー利用事務系"),
    ("住民記録システムで転入届を入力する", "マイナンバー利用事務系"),
    ("町のホームページを更新する", "インターネット接続系"),
    ("事業者とのメールで日程を調整する", "インターネット接続系"),
    ("文書管理システムで起案する", "LGWAN接続系"),
    ("会議資料を作る", "LGWAN接続系"),
])
def test_classify_segment(task, segment):
    r = classify_segment(task)
    assert r.segment == segment and r.reason


def test_mixed_task_warns():
    r = classify_segment("住民税の課税データを外部の委託業者にメールで送る")
    assert r.segment == "マイナンバー利用事務系" and "分け" in r.warning


def test_models_move_office_work():
    assert classify_segment("グループウェアで会議室を予約する").segment == "LGWAN接続系"
    assert classify_segment("グループウェアで会議室を予約する", model="β").segment == "インターネット接続系"
    assert classify_segment("文書管理システムで起案する", model="β").segment == "LGWAN接続系"
    assert classify_segment("文書管理システムで起案する", model="β′").segment == "インターネット接続系"
    assert classify_segment("児童手当の認定", model="β′").segment == "マイナンバー利用事務系"
    with pytest.raises(DxkitError):
        classify_segment("x", model="γ")


def test_classify_segment_ignores_label_columns():
    row = {"業務名": "起案と決裁", "扱う情報": "起案文書", "区分": "インターネット接続系", "判定": "マイナンバー利用事務系"}
    assert classify_segment(row).segment == "LGWAN接続系"


def test_task_dataset_agrees_with_the_rules():
    from dxkit.data import load_dataset

    tasks = load_dataset("security_tasks")
    assert tasks.attrs["encoding"] == "cp932"
    assert all(classify_segment(row).segment == row["区分"] for row in tasks.to_dict("records"))


def test_transfer_rules():
    assert transfer_rule("インターネット接続系", "LGWAN接続系").allowed == "条件付き"
    assert any("無害化" in c for c in transfer_rule("インターネット接続系", "LGWAN接続系").conditions)
    assert transfer_rule("マイナンバー利用事務系", "インターネット接続系").allowed == "原則不可"
    assert transfer_rule("LGWAN接続系", "LGWAN接続系").allowed == "可"
    for a in SEGMENTS:
        for b in SEGMENTS:
            assert transfer_rule(a, b).conditions
    with pytest.raises(DxkitError, match="領域の名前"):
        transfer_rule("インターネット", "LGWAN接続系")


def test_import_dxkit_security_is_light():
    import subprocess
    import sys

    code = "import sys, dxkit.security; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
