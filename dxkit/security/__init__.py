"""講座 04（情報セキュリティ）の道具です。すべて計算だけをし、表示はノートブックに任せます。

- 個人情報の検出と伏せ字: :func:`find_pii`, :func:`mask_pii`, :func:`is_valid_my_number`
- 標的型メール・フィッシングの兆候: :func:`analyze_email`
- パスワードの点検（パスワードは保存・表示しません）: :func:`check_password`, :func:`review_password_policy`
- 三層の対策: :func:`classify_segment`, :func:`transfer_rule`
"""

from dxkit.security.password import POLICY_KEYS, PasswordReport, PolicyReview, check_password, review_password_policy
from dxkit.security.phishing import TRUSTED_DOMAINS, Email, PhishingReport, Signal, analyze_email, domain_of, lookalike_of
from dxkit.security.pii import KINDS, MaskResult, PiiFinding, find_pii, is_valid_my_number, mask_pii, my_number_check_digit
from dxkit.security.segments import MODELS, SEGMENTS, SegmentResult, TransferRule, classify_segment, transfer_rule

__all__ = [
    "KINDS", "MODELS", "POLICY_KEYS", "SEGMENTS", "TRUSTED_DOMAINS",
    "Email", "MaskResult", "PasswordReport", "PhishingReport", "PiiFinding", "PolicyReview", "SegmentResult",
    "Signal", "TransferRule",
    "analyze_email", "check_password", "classify_segment", "domain_of", "find_pii", "is_valid_my_number",
    "lookalike_of", "mask_pii", "my_number_check_digit", "review_password_policy", "transfer_rule",
]
