"""Datasets for course 04 (情報セキュリティ). Everything is fictional (架空).

- security_emails.csv        synthetic e-mails received by みどり野市 staff, labelled 正規 / フィッシング
- security_pii_documents.csv synthetic documents containing fictional personal data (UTF-8 with BOM)
- security_tasks.csv         municipal tasks to sort into the 三層 segments (CP932, as exported by Excel)
- security_ai_prompts.csv    prompts staff might give a generative AI, judged OK / NG

個人番号 in the documents are fabricated for fictional people: they start with 00000 (an obviously
artificial pattern) and carry a check digit computed with the public rule, so detectors can be tested.
Phone numbers use a local exchange starting with 0 and postal codes start with 000: neither exists.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

from tools.datagen import write_csv
from tools.datagen._town import TOWN_NAME, write_schema

SEED = 404
TOWN_DOMAIN = "city.midorino.lg.jp"


# ------------------------------------------------------------------------------------------- e-mails

def _link(text: str, target: str) -> dict:
    return {"表示": text, "リンク先": target}


EMAILS = [
    # (差出人名, 差出人アドレス, 件名, 本文, [links], [attachments], 判定, 手口・ポイント)
    ("みどり野市 総務課 文書係", f"bunsho@{TOWN_DOMAIN}", "【周知】課長会議資料の送付",
     "各課長様\n\n来週の課長会議の資料を添付します。会議前にご一読ください。\n\n総務課 文書係",
     [], ["課長会議資料.pdf"], "正規", "庁内のドメインからの通常の連絡。添付も PDF。"),
    ("みどり野市 情報政策課", f"johoseisaku@{TOWN_DOMAIN}", "グループウェア停止のお知らせ（定期保守）",
     "職員各位\n\n定期保守のため、土曜日 9時〜12時にグループウェアを停止します。\n作業内容は庁内ポータルでご確認ください。",
     [_link("庁内ポータル（お知らせ）", f"https://portal.{TOWN_DOMAIN}/notice/maintenance")], [], "正規",
     "「停止」という語はあるが、庁内ドメインから庁内ポータルへのリンクで、何かを入力させてもいない。"),
    ("みどり県 市町村課", "shichoson@pref.midori.lg.jp", "【照会】窓口のオンライン化状況調査",
     "市町村DX担当課長 様\n\n標記について調査票への記入をお願いします。回答期限は来月10日です。\n調査の趣旨は県のホームページに掲載しています。",
     [_link("調査の趣旨（県ホームページ）", "https://www.pref.midori.lg.jp/dx/chosa.html")], ["調査票.xlsx"], "正規",
     "県（lg.jp）からの照会。リンクの表示と行き先が一致し、添付はマクロなしの xlsx。"),
    ("株式会社サンプル事務機 営業部", "sales@sample-jimuki.example.co.jp", "複合機保守料金のご請求",
     "みどり野市 総務課 御中\n\n今月分の保守料金の請求書を送付いたします。ご査収ください。",
     [], ["請求書_2024年4月分.pdf"], "正規", "取引先からの請求書。差出人名と会社のドメインが一致し、PDF のみ。"),
    ("株式会社サンプル測量 技術部", "gijutsu@sample-sokuryo.example.co.jp", "成果品（測量図面）の送付",
     "道路課 ご担当者様\n\n成果品を圧縮して送付します。パスワードは別メールでお送りします。",
     [], ["成果品.zip"], "正規",
     "正規の取引先だが、パスワード付き ZIP を別メールで送る方式（いわゆる PPAP）はウイルス検査ができず勧められない。"),
    ("住民 田中", "tanaka.hanako@mail.example.ne.jp", "ごみ収集日の問い合わせ",
     "お世話になります。引っ越してきたばかりで、資源ごみの収集日を教えていただけますか。",
     [], [], "正規", "住民からの問い合わせ。リンクも添付もない。"),
    ("デジタル庁", "newsletter@digital.go.jp", "デジタル庁ニュースレター",
     "自治体の皆様へ\n今月の主な取組をお知らせします。詳しくはウェブサイトをご覧ください。",
     [_link("https://www.digital.go.jp/news", "https://www.digital.go.jp/news")], [], "正規",
     "国の機関（go.jp）のドメインで、リンクの表示と行き先が同じ。"),
    ("みどり野市 人事課 研修係", f"kenshu@{TOWN_DOMAIN}", "情報セキュリティ研修の受講について",
     "職員各位\n\n今年度の情報セキュリティ研修を e ラーニングで実施します。受講期限は6月末です。\n庁内の研修サイトから受講してください。",
     [_link("研修サイト", f"https://kenshu.{TOWN_DOMAIN}/elearning")], [], "正規", "庁内ドメインからの研修案内。"),
    ("地方公共団体情報システム機構", "info@j-lis.go.jp", "セミナー開催のご案内",
     "地方公共団体の情報システム担当者向けセミナーを開催します。お申込みは機構のウェブサイトからお願いします。",
     [_link("セミナーのご案内", "https://www.j-lis.go.jp/seminar/")], [], "正規",
     "J-LIS のドメイン（j-lis.go.jp）。リンクも同じ組織のサイト。"),
    ("みどり野市 福祉課", f"fukushi@{TOWN_DOMAIN}", "至急：明日の会議室の変更",
     "関係各位\n\n至急のご連絡です。明日の打合せは第2会議室に変更になりました。",
     [], [], "正規", "「至急」とあるが庁内ドメインからの連絡で、リンク・添付・入力の依頼はない。"),
    ("株式会社サンプル印刷", "info@sample-insatsu.example.co.jp", "広報紙校正刷りの送付",
     "広報担当 ご担当者様\n\n来月号の校正刷りを添付します。修正箇所は赤字でお知らせください。",
     [], ["広報みどり野_校正.pdf"], "正規", "取引先からの校正刷り（PDF）。"),
    ("みどり野市 会計課", f"kaikei@{TOWN_DOMAIN}", "支出命令書の様式変更",
     "各課庶務担当様\n\n支出命令書の様式を変更しました。新しい様式を添付します。",
     [], ["支出命令書_新様式.xlsx"], "正規", "庁内ドメインから、マクロなしの xlsx。"),
    # ---- phishing
    ("みどり野市 情報政策課 ヘルプデスク", "helpdesk@city-midorino-lg.jp", "【至急】メールボックスの容量超過",
     "職員各位\n\nメールボックスの容量が上限を超えました。本日中に下記から職員IDとパスワードを入力し、容量を拡張してください。\n"
     "手続きをしない場合、アカウントは停止されます。",
     [_link(f"https://mail.{TOWN_DOMAIN}/quota", "https://city-midorino-lg.jp/quota/login")], [], "フィッシング",
     "点（.）をハイフン（-）に変えた偽ドメイン。急がせてID・パスワードを入力させる。"),
    ("Microsoft 365", "no-reply@rnicrosoft-365.com", "アカウントの確認が必要です",
     "お使いのアカウントで異常なサインインが検出されました。24時間以内にサインインして本人確認を行ってください。",
     [_link("サインインして確認", "https://rnicrosoft-365.com/verify")], [], "フィッシング",
     "rn を m に見せかけたドメイン。ログインを急がせる。"),
    ("日本郵便", "info@japanpost-delivery.example.com", "お荷物のお届けにあがりましたが不在のため持ち帰りました",
     "お荷物の再配達のご依頼は下記から。保管期限を過ぎると返送されます。",
     [_link("再配達のお申込み", "https://bit.ly/3xYzAbc")], [], "フィッシング",
     "宅配業者を名乗るが別のドメイン。短縮 URL で行き先を隠す。"),
    ("株式会社サンプル事務機 営業部", "sales@sample-jimuki.example-billing.com", "【再送】請求書のご確認",
     "先日お送りした請求書に誤りがありました。修正版をご確認ください。",
     [], ["請求書_修正版.pdf.exe"], "フィッシング",
     "取引先の名前を使うが、ドメインが違う。PDF に見せかけた実行ファイル（二重拡張子）。"),
    ("みどり野市 人事課", "jinji@city.midorino.lg.jp.example.net", "給与明細の確認（要対応）",
     "職員各位\n\n今月から給与明細の形式が変わりました。添付ファイルを開き、「コンテンツの有効化」を押して内容を確認してください。",
     [], ["給与明細.xlsm"], "フィッシング",
     "本物のドメインの後ろに別のドメインをつなげたサブドメインのふり。マクロ付き文書を開かせる。"),
    ("総務省 自治行政局", "chosa@soumu-go.jp.example.org", "【緊急】情報セキュリティ緊急調査への回答",
     "地方公共団体各位\n\n緊急調査のため、添付の調査ツールを実行し、結果を返信してください。",
     [], ["調査ツール.iso"], "フィッシング",
     "国の機関を名乗るが go.jp ではない。ディスクイメージ（.iso）で実行ファイルを持ち込ませる。"),
    ("LGWAN-ASP 保守センター", "support@lgwan-asp-support.example.com", "保守作業のためのアカウント確認",
     "保守作業に必要なため、貴団体の管理者IDとパスワードをこのメールに返信してお知らせください。",
     [], [], "フィッシング", "保守事業者を名乗り、管理者のID・パスワードを返信させる。正規の保守はこの方法で聞かない。"),
    ("みどり野市長 緑野 一郎", "mayor.midorino@mail.example.com", "内密のお願い",
     "会議中のため電話に出られません。至急、業者への支払いが必要です。振込先の口座番号を送りますので、本日中に手続きをお願いします。",
     [], [], "フィッシング", "市長を名乗るが、フリーメールから。急がせて送金させる（ビジネスメール詐欺）。"),
    ("みどり野市 総務課", f"soumu@{TOWN_DOMAIN}", "【重要】文書管理システムの更新",
     "職員各位\n\nシステム更新に伴い、下記から再ログインしてください。",
     [_link(f"https://bunsho.{TOWN_DOMAIN}/login", f"http://bunsho.{TOWN_DOMAIN}.example.net/login")], [], "フィッシング",
     "差出人は本物そっくりでも（表示名とアドレスは偽装できる）、リンクの行き先が別ドメインの http:// になっている。"),
    ("採用応募者 山本", "yamamoto.taro@mail.example.ne.jp", "職員採用試験の応募書類",
     "人事課ご担当者様\n\n応募書類を送付します。パスワードは別メールでお送りします。\nご確認のほどよろしくお願いします。",
     [], ["応募書類.zip（パスワード付き）"], "フィッシング",
     "応募者を装い、検査できないパスワード付き ZIP を開かせる標的型メールの典型（中身は実行ファイル）。"),
    ("Amazon", "order@amazon.co.jp.account-check.example.com", "お支払い方法の更新",
     "お支払い方法に問題があります。48時間以内にカード番号を更新しないと、アカウントがロックされます。",
     [_link("https://www.amazon.co.jp/", "https://amazon.co.jp.account-check.example.com/update")], [], "フィッシング",
     "通販サイトを名乗り、リンクの表示と行き先が違う。カード番号の入力を急がせる。"),
    ("みどり県 市町村課", "shichoson@pref-midori-lg.jp", "調査票の再送（差し替え）",
     "先日の調査票に不備がありました。差し替え版を添付しますので、マクロを有効にして入力してください。",
     [], ["調査票_差替.xlsm"], "フィッシング",
     "県を名乗るが .lg.jp ではない偽ドメイン。マクロを有効にさせる。"),
]


def _emails(rng: random.Random) -> pd.DataFrame:
    order = list(range(len(EMAILS)))
    rng.shuffle(order)  # mix 正規 and フィッシング so that position gives nothing away
    rows = []
    for n, i in enumerate(order, 1):
        name, addr, subject, body, links, attachments, label, note = EMAILS[i]
        day, hour, minute = 1 + n % 19, 8 + rng.randrange(10), rng.randrange(60)
        rows.append({
            "メールID": f"M{n:03d}",
            "受信日時": f"2024-05-{day:02d} {hour:02d}:{minute:02d}",
            "差出人名": name,
            "差出人アドレス": addr,
            "件名": subject,
            "本文": body,
            "リンク": json.dumps(links, ensure_ascii=False),
            "添付ファイル": ";".join(attachments),
            "判定": label,
            "ポイント": note,
        })
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------ PII documents

SURNAMES = ["青木", "石川", "上田", "大野", "川口", "北村", "小松", "坂本", "杉山", "高田", "千葉", "中島", "西川", "野口",
            "原田", "平野", "松井", "宮本", "森田", "山崎"]
GIVEN = ["一郎", "花子", "健太", "美咲", "直樹", "由美", "翔", "千尋", "隆", "陽子", "大輔", "さくら", "誠", "恵", "拓海",
         "彩", "修", "奈々", "浩二", "結衣"]
ZEN = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _check_digit(first11: str) -> int:
    total = sum(int(first11[11 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    r = total % 11
    return 0 if r <= 1 else 11 - r


def _my_number(rng: random.Random) -> str:
    base = "00000" + "".join(str(rng.randrange(10)) for _ in range(6))  # 00000…: clearly artificial
    return base + str(_check_digit(base))


def _bad_number(rng: random.Random) -> str:
    good = _my_number(rng)
    return good[:11] + str((int(good[11]) + rng.randrange(1, 10)) % 10)


def _phone(rng: random.Random, mobile: bool) -> str:
    if mobile:
        return f"090-0{rng.randrange(100, 1000)}-{rng.randrange(10000):04d}"
    return f"0{rng.randrange(100, 1000)}-0{rng.randrange(10)}-{rng.randrange(10000):04d}"  # exchange 0x: not in use


def _person(rng: random.Random, k: int) -> dict:
    sur, giv = SURNAMES[k % len(SURNAMES)], GIVEN[(k * 7) % len(GIVEN)]
    year = rng.randrange(1945, 2015)
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    if year >= 1989:
        era, ey = ("平成", year - 1988)
    else:
        era, ey = ("昭和", year - 1925)
    romaji = f"user{k:02d}"
    return {"姓": sur, "名": giv, "西暦": f"{year}年{month}月{day}日", "和暦": f"{era}{ey}年{month}月{day}日",
            "和暦略": f"{'H' if era == '平成' else 'S'}{ey}.{month}.{day}",
            "番号": _my_number(rng), "電話": _phone(rng, k % 2 == 0), "メール": f"{romaji}@mail.example.jp",
            "郵便": f"000-0{rng.randrange(100, 1000)}", "丁目": f"{rng.randrange(1, 6)}丁目{rng.randrange(1, 30)}番{rng.randrange(1, 20)}号"}


def _documents(rng: random.Random) -> pd.DataFrame:
    people = [_person(rng, k) for k in range(12)]
    p = people
    n0 = p[0]["番号"]
    corp = "1" + _my_number(rng)  # 13 digits: looks like a 法人番号, not a 個人番号
    docs = [
        ("窓口対応記録",
         f"{p[0]['姓']} {p[0]['名']}様（生年月日：{p[0]['和暦']}）が来庁。児童手当の現況について相談あり。"
         f"連絡先は {p[0]['電話']}。個人番号 {n0[:4]} {n0[4:8]} {n0[8:]} を確認済み。"),
        ("電話メモ",
         f"{p[1]['姓']}さんから電話。折り返し先 {p[1]['電話'].translate(ZEN)}（全角で記録）。"
         f"受付番号 {_bad_number(rng)} の件。本日中に回答予定。"),
        ("申請書の写し（文字起こし）",
         f"氏名：{p[2]['姓']}{p[2]['名']}　生年月日：{p[2]['西暦']}　住所：〒{p[2]['郵便']} {TOWN_NAME}中央{p[2]['丁目']}　"
         f"個人番号：{p[2]['番号'].translate(ZEN)}　メール：{p[2]['メール']}"),
        ("委託業者への連絡メール（下書き）",
         f"株式会社サンプル測量 御中（法人番号 {corp}）\n先日の件、担当は{p[3]['姓']}です。"
         f"{p[4]['姓']} {p[4]['名']}様の申請書類（マイナンバー：{p[4]['番号'][:4]}-{p[4]['番号'][4:8]}-{p[4]['番号'][8:]}）を送付します。"),
        ("会議録",
         f"出席者：総務課長、情報政策課 {p[5]['姓']}係長ほか。議題：窓口の混雑対策。"
         f"令和6年4月1日から番号札を導入。問合せ先 {p[5]['電話']}。"),
        ("苦情受付票",
         f"受付日：令和6年5月7日。{p[6]['姓']} {p[6]['名']}様（{p[6]['和暦略']}生）より、道路の陥没について。"
         f"住所 〒{p[6]['郵便']} {TOWN_NAME}東町{p[6]['丁目']}。メール {p[6]['メール']} で回答希望。"),
        ("研修アンケート自由記述",
         "窓口で個人番号カードを受け取る流れがよく分かりました。カード番号の桁数（16桁）は"
         "1234 5678 9012 3456 のように4桁ずつ読み上げると聞き取りやすいと思います。"),
        ("相談記録（福祉）",
         f"相談者 {p[7]['姓']}{p[7]['名']}さん（{p[7]['西暦']}生まれ）。世帯主 {p[8]['姓']} {p[8]['名']}。"
         f"連絡は {p[7]['電話']} または {p[7]['メール']} へ。個人番号：{_bad_number(rng)}（聞き取りのため要確認）。"),
        ("住民票の請求メモ",
         f"請求者：{p[9]['姓']} {p[9]['名']}様、本人確認済み。交付手数料 300 円。"
         f"個人番号の記載なし。電話 {p[9]['電話'].replace('-', ' ')}。"),
        ("イベント案内（公開用）",
         f"{TOWN_NAME}では6月15日に防災フェアを開催します。お問合せは危機管理課（電話 0{rng.randrange(100, 1000)}-0{rng.randrange(10)}-1111）まで。"
         "皆様のご来場をお待ちしております。"),
    ]
    return pd.DataFrame([{"文書ID": f"D{i:02d}", "文書種別": kind, "本文": text} for i, (kind, text) in enumerate(docs, 1)])


# -------------------------------------------------------------------------------------------- tasks

TASKS = [
    ("児童手当の認定処理", "申請者と児童の個人番号・所得情報", "児童手当システム（基幹系）", "なし", "マイナンバー利用事務系",
     "個人番号を利用する事務で、基幹系システムを使うため。"),
    ("住民票の写しの交付", "住民記録（氏名・住所・個人番号）", "住民記録システム", "なし", "マイナンバー利用事務系",
     "住民基本台帳の情報は基幹系で扱うため。"),
    ("住民税の賦課計算", "課税資料・所得情報", "税務システム", "なし", "マイナンバー利用事務系", "課税事務は個人番号を利用する事務のため。"),
    ("国民健康保険の資格管理", "被保険者の資格情報", "国保システム", "なし", "マイナンバー利用事務系", "国民健康保険は個人番号を利用する事務のため。"),
    ("介護保険の要介護認定の記録", "認定調査の結果", "介護保険システム", "なし", "マイナンバー利用事務系", "介護保険は個人番号を利用する事務のため。"),
    ("市ホームページのお知らせ更新", "公開する文章と画像", "CMS（ホームページ管理）", "あり", "インターネット接続系",
     "インターネット上のホームページを更新するため。"),
    ("SNS での防災情報の発信", "公開する防災情報", "SNS の公式アカウント", "あり", "インターネット接続系", "インターネットのサービスを使うため。"),
    ("事業者とのメールでの日程調整", "会議の日程", "インターネットメール", "あり", "インターネット接続系", "外部とメールでやり取りするため。"),
    ("他自治体の先進事例の情報収集", "公開資料", "ウェブブラウザ", "あり", "インターネット接続系", "外部サイトを閲覧するため。"),
    ("外部講師との Web会議", "研修の打合せ内容", "Web会議サービス", "あり", "インターネット接続系", "インターネットの Web会議サービスを使うため。"),
    ("起案と決裁", "起案文書", "文書管理システム", "なし", "LGWAN接続系", "個人番号を使わない庁内の事務のため。"),
    ("予算要求書の作成", "課の予算見積", "財務会計システム", "なし", "LGWAN接続系", "庁内の財務会計システムで行うため。"),
    ("職員の給与計算", "職員の給与・勤怠", "人事給与システム", "なし", "LGWAN接続系", "個人番号を使わない庁内の事務として扱うため（団体の構成による）。"),
    ("庁内の会議室予約", "予約情報", "グループウェア", "なし", "LGWAN接続系", "庁内のグループウェアで行うため（αモデル）。"),
    ("議会答弁資料の作成", "答弁案", "文書作成ソフト（庁内端末）", "なし", "LGWAN接続系", "庁内で作る内部資料のため。"),
    ("統計調査の集計", "調査票の集計結果", "表計算ソフト（庁内端末）", "なし", "LGWAN接続系", "庁内で行う集計作業のため。"),
    ("生活保護の決定通知の作成", "被保護者の情報", "生活保護システム", "なし", "マイナンバー利用事務系", "生活保護は個人番号を利用する事務のため。"),
    ("電子入札の公告の掲載", "入札公告", "電子入札システム（インターネット）", "あり", "インターネット接続系", "インターネット上の電子入札システムを使うため。"),
]


def _tasks() -> pd.DataFrame:
    return pd.DataFrame([
        {"業務ID": f"T{i:02d}", "業務名": n, "扱う情報": info, "利用するシステム": system, "外部とのやり取り": ext,
         "区分": seg, "理由": why}
        for i, (n, info, system, ext, seg, why) in enumerate(TASKS, 1)
    ])


# ------------------------------------------------------------------------------------------- prompts

PROMPTS = [
    ("文書作成", "敬老会の開会あいさつ文（3分程度）の案を、やさしい言葉で作ってください。", "OK", "公開を前提とした一般的な文章で、個人情報も機密情報も含まない。"),
    ("要約", "次の公開済みの総務省の報道資料を、職員向けに5行で要約してください。（報道資料の本文を貼り付け）", "OK", "公開済みの資料の要約。結果は原文と照らして確認する。"),
    ("表計算", "Excel で、A列の和暦の日付から年齢を計算する関数の書き方を教えてください。", "OK", "一般的な操作の質問。"),
    ("企画", "図書館の利用者を増やすためのイベントのアイデアを10個挙げてください。", "OK", "アイデア出し。採用するかは職員が判断する。"),
    ("翻訳", "ごみの分別ルールのお知らせ（公開済み）を、やさしい日本語と英語に直してください。", "OK", "公開済みの情報の翻訳。訳は職員が確認する。"),
    ("文書作成", "住民説明会のお知らせ文の案を作ってください。日時と場所は後で職員が入れます。", "OK", "個人情報を含まない文案の作成。"),
    ("相談記録", "次の相談記録を要約してください。「相談者 石川花子さん（昭和52年3月4日生）、電話 090-0123-4567、夫の暴力について…」", "NG",
     "氏名・生年月日・電話番号と、特に配慮が必要な相談内容（要配慮個人情報に当たりうる）を入力している。"),
    ("データ分析", "この住民名簿（氏名・住所・個人番号の一覧）を貼り付けるので、地区別の人数を数えてください。", "NG",
     "個人番号を含む名簿の入力。特定個人情報は決して入力しない。"),
    ("入札", "来月の道路工事の予定価格（未公表）は次のとおりです。妥当か評価してください。", "NG", "公表前の入札情報（機密情報）を入力している。"),
    ("人事", "未発表の人事異動案を貼るので、読みやすく整えてください。", "NG", "公表前の人事情報（機密情報）を入力している。"),
    ("審査", "この申請者の所得と家族構成から、生活保護を支給すべきか決めてください。", "NG",
     "個人の情報を入力しているうえ、行政処分の判断を生成AIに任せようとしている。判断は職員が行う。"),
    ("セキュリティ", "庁内ネットワークのファイアウォール設定と管理者パスワードを貼るので、問題点を指摘してください。", "NG",
     "システムの設定やパスワードなど、攻撃に使われうる機密情報を入力している。"),
    ("文書作成", "田中一郎様あての督促状を作ってください。滞納額は12万円、住所はみどり野市中央2丁目です。", "NG",
     "特定の個人の氏名・住所・滞納情報を入力している。"),
    ("法令", "住民基本台帳法で、住民票の写しの交付請求ができる人は誰か、条文を示して説明してください。", "OK",
     "一般的な質問。ただし回答の条文は必ず原典（e-Gov 法令検索など）で確かめる。"),
    ("広報", "広報紙の特集「防災の備え」の見出し案を5つ考えてください。", "OK", "公開を前提とした一般的な文章。"),
    ("議会", "議員から届いた非公開の質問通告と、課内の検討メモを貼るので答弁案を作ってください。", "NG",
     "非公開の質問通告や内部の検討メモ（機密情報）を入力している。"),
]


def _prompts() -> pd.DataFrame:
    return pd.DataFrame([{"プロンプトID": f"P{i:02d}", "用途": use, "プロンプト": text, "判定": label, "理由": why}
                         for i, (use, text, label, why) in enumerate(PROMPTS, 1)])


# ------------------------------------------------------------------------------------------- schemas

def _col(name, desc, allowed=None, required=True, pattern=None, unique=False):
    spec = {"name": name, "dtype": "str", "required": required, "description": desc}
    if unique:
        spec["unique"] = True
    if allowed:
        spec["allowed"] = allowed
    if pattern:
        spec["pattern"] = pattern
    return spec


def _schema(name, title, file, desc, columns, encoding):
    return {"name": name, "title": title, "file": file, "format": "csv", "description": desc, "fictional": True,
            "source": "架空（tools/datagen/security.py で生成）", "columns": columns, "encoding": encoding}


SCHEMAS = {
    "security_emails": _schema(
        "security_emails", "職員が受け取ったメール（標的型メール訓練用）", "security_emails.csv",
        f"{TOWN_NAME}の職員が受け取った想定の架空のメール。正規とフィッシングが混ざっています。",
        [_col("メールID", "メールの番号", unique=True, pattern=r"M\d{3}"),
         _col("受信日時", "受信した日時（架空）"),
         _col("差出人名", "メールソフトに表示される差出人の名前（偽装できます）"),
         _col("差出人アドレス", "差出人のメールアドレス"),
         _col("件名", "件名"),
         _col("本文", "本文（改行を含みます）"),
         _col("リンク", "本文中のリンク。JSON の配列 [{\"表示\": …, \"リンク先\": …}]"),
         _col("添付ファイル", "添付ファイル名。複数は「;」区切り。なければ空欄", required=False),
         _col("判定", "正解のラベル", allowed=["正規", "フィッシング"]),
         _col("ポイント", "見分けるポイントの解説")], "utf-8"),
    "security_pii_documents": _schema(
        "security_pii_documents", "個人情報を含む庁内文書（伏せ字の練習用）", "security_pii_documents.csv",
        "架空の人物の氏名・生年月日・電話番号・メールアドレス・郵便番号・個人番号を含む文書。"
        "個人番号は検査用数字が正しくなるように作った架空の番号（00000 で始まる）で、実在の人の番号ではありません。"
        "検査用数字の合わない番号、13 桁の法人番号、16 桁のカード番号などの「ひっかけ」も含みます。",
        [_col("文書ID", "文書の番号", unique=True, pattern=r"D\d{2}"),
         _col("文書種別", "文書の種類"),
         _col("本文", "文書の本文（全角数字・空白区切りの番号を含みます）")], "utf-8-sig"),
    "security_tasks": _schema(
        "security_tasks", "三層の対策で分類する業務の一覧", "security_tasks.csv",
        "業務をマイナンバー利用事務系・LGWAN接続系・インターネット接続系に分ける練習用の架空の一覧（αモデルを想定）。",
        [_col("業務ID", "業務の番号", unique=True, pattern=r"T\d{2}"),
         _col("業務名", "業務の名前"),
         _col("扱う情報", "業務で扱う主な情報"),
         _col("利用するシステム", "業務で使うシステム・道具"),
         _col("外部とのやり取り", "インターネットを通じた外部とのやり取りがあるか", allowed=["あり", "なし"]),
         _col("区分", "αモデルでの領域（正解のラベル）", allowed=["マイナンバー利用事務系", "LGWAN接続系", "インターネット接続系"]),
         _col("理由", "その領域になる理由")], "cp932"),
    "security_ai_prompts": _schema(
        "security_ai_prompts", "生成AIへの入力（プロンプト）の例", "security_ai_prompts.csv",
        "職員が生成AIに入力しようとした架空のプロンプトと、入力してよいか（OK/NG）の判定。",
        [_col("プロンプトID", "プロンプトの番号", unique=True, pattern=r"P\d{2}"),
         _col("用途", "使いみち"),
         _col("プロンプト", "生成AIに入力しようとした文"),
         _col("判定", "入力してよいか（正解のラベル）", allowed=["OK", "NG"]),
         _col("理由", "判定の理由")], "utf-8"),
}


def generate(out: Path) -> list[Path]:
    rng = random.Random(SEED)
    frames = {
        "security_emails": _emails(rng),
        "security_pii_documents": _documents(rng),
        "security_tasks": _tasks(),
        "security_ai_prompts": _prompts(),
    }
    written = []
    for name, df in frames.items():
        schema = SCHEMAS[name]
        written.append(write_csv(df, out / schema["file"], encoding=schema["encoding"]))
        written.append(write_schema(schema, out / f"{name}.schema.json"))
    return written
