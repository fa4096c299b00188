"""What the page and the API say, in Japanese and in English (表示文言).

One place for every sentence a visitor reads: the verdict's headline and reason for each
outcome, the labels of what a certificate says, and the page's own text. The reason names a
date only as the signed status list states it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class Language(StrEnum):
    JA = "ja"
    EN = "en"


DEFAULT: Final = Language.JA

HEADLINES: Final[Mapping[str, Mapping[Language, str]]] = {
    "valid": {Language.JA: "有効です", Language.EN: "Valid"},
    "status-unavailable": {Language.JA: "判定できません", Language.EN: "Cannot be decided"},
    "invalid": {Language.JA: "無効です", Language.EN: "Not valid"},
}

REASONS: Final[Mapping[str, Mapping[Language, str]]] = {
    "valid": {
        Language.JA: "発行者が署名した合格証で、取り消されても再交付されてもいません。",
        Language.EN: "Signed by the issuer, and neither revoked nor replaced by a reissue.",
    },
    "revoked": {
        Language.JA: "合格が取り消されました{on}。",
        Language.EN: "The pass was revoked{on}.",
    },
    "superseded": {
        Language.JA: "再交付により効力を失いました{on}。新しい合格証をご確認ください。",
        Language.EN: "Superseded by a reissue{on}: ask the holder for the new certificate.",
    },
    "invalid-signature": {
        Language.JA: "署名が正しくありません。内容が改ざんされたか、偽造されたおそれがあります。",
        Language.EN: "The signature does not verify: the content was altered or forged.",
    },
    "unknown-key": {
        Language.JA: "発行者の鍵で署名されていません。",
        Language.EN: "It is not signed with one of the issuer's keys.",
    },
    "malformed": {
        Language.JA: "技能検定の合格証の二次元コードまたは電子合格証として読み取れません。",
        Language.EN: "This is not a skills test certificate's 2D code or electronic "
        "certificate, or it is damaged.",
    },
    "status-unavailable": {
        Language.JA: "署名は正しいものの、失効の情報を確認できませんでした。"
        "しばらくしてから再度お試しください。",
        Language.EN: "The signature holds, but the status list could not be read; try again later.",
    },
}

CLAIM_LABELS: Final[Mapping[str, Mapping[Language, str]]] = {
    "certificateNumber": {Language.JA: "合格証書番号", Language.EN: "Certificate number"},
    "certificateId": {Language.JA: "証書番号", Language.EN: "Certificate ID"},
    "name": {Language.JA: "氏名", Language.EN: "Name"},
    "nameLatin": {Language.JA: "氏名（ローマ字）", Language.EN: "Name (Latin letters)"},
    "birthDate": {Language.JA: "生年月日", Language.EN: "Date of birth"},
    "trade": {Language.JA: "職種", Language.EN: "Trade"},
    "work": {Language.JA: "作業", Language.EN: "Work"},
    "grade": {Language.JA: "等級", Language.EN: "Grade"},
    "passDate": {Language.JA: "合格日", Language.EN: "Date of pass"},
    "issuingAuthority": {Language.JA: "交付者", Language.EN: "Issued by"},
}

TEXT: Final[Mapping[str, Mapping[Language, str]]] = {
    "title": {
        Language.JA: "技能検定 合格証の確認",
        Language.EN: "Verify a skills test certificate",
    },
    "intro": {
        Language.JA: "合格証の二次元コードを読み取った文字列（KT1: で始まります）、"
        "または電子合格証（JWT）を貼り付けて「確認する」を押してください。"
        "ログインは不要です。入力した内容は保存しません。",
        Language.EN: "Paste the text of the certificate's 2D code (it starts with KT1:) or the "
        "electronic certificate (a JWT), then press Verify. No sign-in; nothing you paste "
        "is kept.",
    },
    "label": {
        Language.JA: "二次元コードの文字列または電子合格証",
        Language.EN: "2D code text or electronic certificate",
    },
    "scan": {
        Language.JA: "二次元コードの画像から読み取る",
        Language.EN: "Read the 2D code from a picture",
    },
    "submit": {Language.JA: "確認する", Language.EN: "Verify"},
    "issuer": {Language.JA: "発行者", Language.EN: "Issuer"},
    "form": {Language.JA: "形式", Language.EN: "Form"},
    "2d-code": {Language.JA: "二次元コード", Language.EN: "2D code"},
    "vc-jwt": {Language.JA: "電子合格証（VC-JWT）", Language.EN: "Electronic certificate (VC-JWT)"},
    "says": {Language.JA: "合格証の記載内容", Language.EN: "What the certificate says"},
    "other": {Language.JA: "English", Language.EN: "日本語"},
    "how": {
        Language.JA: "検証の方法（公開鍵と失効リスト）は API からも利用できます: ",
        Language.EN: "Software can verify the same way from the published keys and status lists: ",
    },
    "error": {Language.JA: "確認できませんでした", Language.EN: "Could not verify"},
    "missing": {
        Language.JA: "二次元コードの文字列または電子合格証を入力してください。",
        Language.EN: "Paste the 2D code's text or the electronic certificate.",
    },
    "too-long": {
        Language.JA: "入力が長すぎます。"
        "合格証の二次元コードまたは電子合格証だけを貼り付けてください。",
        Language.EN: "Too long: paste only the 2D code's text or the electronic certificate.",
    },
    "my-number": {
        Language.JA: "個人番号（マイナンバー）のような数字が含まれています。"
        "合格証に個人番号は含まれません。入力内容をご確認ください。",
        Language.EN: "This holds what looks like a My Number, which no certificate holds: "
        "check what you pasted.",
    },
    "unknown-field": {
        Language.JA: "フォームの項目が正しくありません。",
        Language.EN: "The form has fields this page does not take.",
    },
    "too-large": {Language.JA: "送信された内容が大きすぎます。", Language.EN: "Too large."},
    "keys-unavailable": {
        Language.JA: "発行者の公開鍵を取得できませんでした。しばらくしてから再度お試しください。",
        Language.EN: "The issuer's keys could not be read; try again later.",
    },
}


def headline_key(outcome: str) -> str:
    return outcome if outcome in ("valid", "status-unavailable") else "invalid"


def long_date(day: dt.date, language: Language) -> str:
    if language is Language.JA:
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def reason(outcome: str, changed_on: dt.date | None, language: Language) -> str:
    on = ""
    if changed_on is not None:
        on = (
            f"（{long_date(changed_on, language)}）"
            if language is Language.JA
            else f" on {long_date(changed_on, language)}"
        )
    return REASONS[outcome][language].format(on=on)


def choose(query: str | None, accept_language: str | None) -> Language:
    """``?lang=`` first, then the best of ``Accept-Language`` we speak, else Japanese."""
    if query in (Language.JA.value, Language.EN.value):
        return Language(query)
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        if primary not in (Language.JA.value, Language.EN.value):
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, Language(primary)))
    return min(ranked)[2] if ranked else DEFAULT
