"""Example application documents: what the schema shows a bridge, and what tests submit.

The values are invented. The My Number is the obvious sample ``123456789018`` (1 to 9, 0, 1,
then its check digit) and the residence-card number the obvious ``AB12345678CD``. Both are
valid in form, so leak scanners that look for such numbers may need to allow these two.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Final

SAMPLE_MY_NUMBER: Final = "123456789018"
SAMPLE_RESIDENCE_CARD_NUMBER: Final = "AB12345678CD"

JAPANESE_APPLICANT: Final[MappingProxyType[str, Any]] = MappingProxyType(
    {
        "prefecture_code": "13",
        "fiscal_year": 2026,
        "term": "前期",
        "grade": "2級",
        "trade_code": "0701",
        "work_code": "070101",
        "exam_category": "学科+実技",
        "my_number": SAMPLE_MY_NUMBER,
        "name": "技能 花子",
        "birth_date": "1995-06-15",
        "sex": "2",
        "postal_code": "1000013",
        "address": "東京都千代田区霞が関1-2-2",
        "address_line2": "見本ハイツ101号室",
        "phone": "03-1234-5678",
        "employer_code": "E0012345",
        "employer_name": "見本精機株式会社",
        "employer_postal_code": "1600023",
        "employer_address": "東京都新宿区西新宿2-8-1",
        "employer_address_line2": "見本ビル5階",
        "employer_phone": "03-9876-5432",
        "course_or_exemption": "学科試験免除なし",
        "name_kana": "ぎのう はなこ",
        "years_of_experience": 4,
    }
)
"""A Japanese applicant for a grade-2 test, with every item that applies to her."""

TRAINEE_APPLICANT: Final[MappingProxyType[str, Any]] = MappingProxyType(
    {
        "prefecture_code": "23",
        "fiscal_year": 2026,
        "term": "随時",
        "grade": "基礎級",
        "trade_code": "0801",
        "work_code": "080102",
        "exam_category": "学科+実技",
        "my_number": SAMPLE_MY_NUMBER,
        "name": "NGUYEN VAN AN",
        "birth_date": "2002-11-03",
        "sex": "1",
        "postal_code": "4600001",
        "address": "愛知県名古屋市中区三の丸3-1-2",
        "phone": "090-1234-5678",
        "employer_name": "見本工業株式会社",
        "employer_postal_code": "4500002",
        "employer_address": "愛知県名古屋市中村区名駅1-1-1",
        "name_kana": "グエン ヴァン アン",
        "years_of_experience": 0,
        "nationality": "ベトナム",
        "entry_date": "2025-10-01",
        "residence_expiry_date": "2026-09-30",
        "residence_card_number": SAMPLE_RESIDENCE_CARD_NUMBER,
        "trainee_exam_category": "第1号技能実習修了時",
        "training_plan_approval_number": "1234567890123456",
        "training_implementer_name": "見本工業株式会社",
        "training_site_name": "見本工業株式会社 名古屋工場",
    }
)
"""A technical intern trainee (技能実習生) sitting the basic grade, with the residence items."""

EXAMPLE_DOCUMENTS: Final = (
    {
        **JAPANESE_APPLICANT,
        "attachments": [
            {
                "name": "実務経験証明書.pdf",
                "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            },
            {
                "name": "顔写真.jpg",
                "sha256": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
            },
        ],
    },
    {**TRAINEE_APPLICANT, "attachments": []},
)
"""Complete application documents, as a bridge would send them (English keys)."""
