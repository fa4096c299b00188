"""The record items of 別添1 (特定個人情報ファイル記録項目), each declared once.

An item is a typed alias: its value type with the ``Field`` that carries its Japanese name (the
alias) and its English description. A record model lists the items it holds, under English
field names::

    class Examinee(Record):
        name: items.Name                      # required
        fiscal_year: items.FiscalYearOpt = None   # optional

``X`` is the required form, ``XOpt`` (``T | None``) the optional one, always with ``= None``.
Write ``items.XOpt``, never ``items.X | None``: pydantic ignores a ``Field`` inside a union
member, so the alias and description would be lost (``tests/unit/records/test_items.py``
fails on it). An item some table requires and another leaves optional (受検番号) has both
forms over one shared ``Field``. Models outside this package list items too, under the same
rules: the roster's sitting (``kentei.roster.sitting.Sitting``) and an application's
applying group (``kentei.applications.model.ApplyingGroup``) hold the required forms of
職種コード, 作業コード, 級, 申請受付ID, 受検申請団体コード and 受検申請団体名. Refer to items
as ``items.X``: some share their name with the value type they are built on (``items.Sex``
is ``codes.Sex`` with its alias).

Each Japanese name means one thing in every table that lists it, with one value type. Two
pairs of names differ in spelling but not in meaning; they are separate items of 別添1, with
different aliases, so they are declared separately: 期別 (``TermOpt``) and 期
(``TermKiOpt``, the spelling of 受検申請者情報); 学科試験一部免除
(``WrittenExamPartialExemptionOpt``, 受検管理テーブル) and 学科一部免除
(``WrittenPartialExemptionOpt``, 受検申請者情報).

Items are grouped by the table that lists them first, in the order of record-items.json.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field

from kentei.records import codes, fields, sensitive

# First listed in 仮名ID.
QualificationPseudonymId = Annotated[
    fields.PseudonymousId,
    Field(
        alias="資格仮名ID",
        description="Links a person's qualification records without the My Number.",
    ),
]
MynaportalPseudonymIdOpt = Annotated[
    fields.PseudonymousId | None,
    Field(
        alias="マイナポータル仮名ID",
        description="Pseudonymous ID by which Mynaportal identifies the applicant.",
    ),
]

# First listed in 受検者テーブル.
PrefectureCode = Annotated[
    fields.PrefectureCode,
    Field(alias="都道府県コード", description="JIS X 0401 two-digit prefecture code."),
]
FiscalYearOpt = Annotated[
    fields.FiscalYear | None, Field(alias="年度", description="Fiscal year of the exam.")
]
TermOpt = Annotated[
    codes.Term | None,
    Field(alias="期別", description="Exam term: first half, second half, or any time."),
]
_GRADE: Final = Field(alias="級", description="Grade of the test.")
Grade = Annotated[codes.Grade, _GRADE]
GradeOpt = Annotated[codes.Grade | None, _GRADE]
_TRADE_CODE: Final = Field(alias="職種コード", description="Skill trade code.")
TradeCode = Annotated[fields.Code, _TRADE_CODE]
TradeCodeOpt = Annotated[fields.Code | None, _TRADE_CODE]
_WORK_CODE: Final = Field(alias="作業コード", description="Work (specialty) code within the trade.")
WorkCode = Annotated[fields.Code, _WORK_CODE]
WorkCodeOpt = Annotated[fields.Code | None, _WORK_CODE]
ExamCategoryOpt = Annotated[
    codes.ExamCategory | None,
    Field(
        alias="受検区分",
        description="Exam category: written and practical, written only, or practical only.",
    ),
]
_APPLICATION_RECEIPT_ID: Final = Field(
    alias="申請受付ID", description="ID given when the application was received."
)
ApplicationReceiptId = Annotated[fields.Identifier, _APPLICATION_RECEIPT_ID]
ApplicationReceiptIdOpt = Annotated[fields.Identifier | None, _APPLICATION_RECEIPT_ID]
_EXAM_NUMBER: Final = Field(alias="受検番号", description="Examinee number.")
ExamNumber = Annotated[fields.Identifier, _EXAM_NUMBER]
ExamNumberOpt = Annotated[fields.Identifier | None, _EXAM_NUMBER]
MyNumberOpt = Annotated[
    sensitive.MyNumberField | None,
    Field(
        alias="個人番号",
        description="My Number: 12 digits with check digit; masked unless revealed.",
    ),
]
Name = Annotated[fields.ShortText, Field(alias="氏名", description="Full name.")]
BirthDate = Annotated[fields.Date, Field(alias="生年月日", description="Date of birth.")]
Sex = Annotated[codes.Sex, Field(alias="性別", description="Sex, as an ISO/IEC 5218 code.")]
PostalCodeOpt = Annotated[
    fields.PostalCode | None,
    Field(alias="郵便番号", description="Postal code, seven digits without hyphen."),
]
Address = Annotated[fields.Text, Field(alias="住所", description="Address.")]
AddressLine2Opt = Annotated[
    fields.Text | None, Field(alias="方書", description="Building and room part of the address.")
]
PhoneOpt = Annotated[
    fields.PhoneNumber | None, Field(alias="電話番号", description="Telephone number.")
]
EmployerCodeOpt = Annotated[
    fields.Code | None, Field(alias="事業所コード", description="Employer code.")
]
EmployerNameOpt = Annotated[
    fields.Text | None, Field(alias="事業所名", description="Employer name.")
]
EmployerPostalCodeOpt = Annotated[
    fields.PostalCode | None,
    Field(alias="事業所郵便番号", description="Employer postal code, seven digits without hyphen."),
]
EmployerAddressOpt = Annotated[
    fields.Text | None, Field(alias="事業所住所", description="Employer address.")
]
EmployerAddressLine2Opt = Annotated[
    fields.Text | None,
    Field(alias="事業所方書", description="Building and room part of the employer address."),
]
EmployerPhoneOpt = Annotated[
    fields.PhoneNumber | None,
    Field(alias="事業所電話番号", description="Employer telephone number."),
]
CourseOrExemptionOpt = Annotated[
    fields.ShortText | None, Field(alias="コース/免除", description="Course or exemption.")
]
NameKanaOpt = Annotated[
    fields.Kana | None, Field(alias="ふりがな", description="Reading of the name in kana.")
]
YearsOfExperienceOpt = Annotated[
    fields.Years | None, Field(alias="経験年数", description="Years of practical experience.")
]
NationalityOpt = Annotated[
    fields.ShortText | None,
    Field(alias="国籍", description="Nationality or region, as on the residence card."),
]
EntryDateOpt = Annotated[
    fields.Date | None, Field(alias="入国日", description="Date of entry to Japan.")
]
ResidenceExpiryDateOpt = Annotated[
    fields.Date | None, Field(alias="在留期限日", description="Expiry of the period of stay.")
]
ResidenceCardNumberOpt = Annotated[
    sensitive.ResidenceCardNumber | None,
    Field(alias="在留カード番号", description="Residence card number; masked unless revealed."),
]
TraineeExamCategoryOpt = Annotated[
    fields.ShortText | None,
    Field(alias="試験実習の区分", description="Technical intern training exam category."),
]
TrainingPlanApprovalNumberOpt = Annotated[
    fields.Identifier | None,
    Field(alias="計画認定番号", description="Approved technical intern training plan number."),
]
TrainingImplementerNameOpt = Annotated[
    fields.Text | None,
    Field(alias="実習実施者名", description="Name of the organisation implementing the training."),
]
TrainingSiteNameOpt = Annotated[
    fields.Text | None, Field(alias="実習事業所名", description="Name of the training site.")
]

# First listed in 受検管理テーブル.
TermCodeOpt = Annotated[
    fields.Code | None, Field(alias="期別コード", description="Exam term code.")
]
GradeCodeOpt = Annotated[fields.Code | None, Field(alias="級コード", description="Grade code.")]
ResultAnnouncementDateOpt = Annotated[
    fields.Date | None, Field(alias="合格発表日", description="Date the results are announced.")
]
WrittenExamPartialExemptionOpt = Annotated[
    fields.YesNo | None,
    Field(alias="学科試験一部免除", description="Whether part of the written test is exempted."),
]
WrittenAttendanceOpt = Annotated[
    codes.Attendance | None, Field(alias="学科出欠", description="Attendance at the written test.")
]
WrittenScoreOpt = Annotated[
    fields.Score | None, Field(alias="学科得点", description="Written test score, 0-100.")
]
PracticalTotalScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技合計得点", description="Practical test total score, 0-100."),
]
PracticalTaskAttendanceOpt = Annotated[
    codes.Attendance | None,
    Field(alias="実技作業出欠", description="Practical test, task part: attendance."),
]
PracticalTaskScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技作業得点", description="Practical test, task part: score, 0-100."),
]
PracticalTaskPassedOpt = Annotated[
    codes.PassFail | None,
    Field(alias="実技作業合否", description="Practical test, task part: result."),
]
PracticalAssignment1AttendanceOpt = Annotated[
    codes.Attendance | None,
    Field(alias="実技課題1出欠", description="Practical test, assignment 1 part: attendance."),
]
PracticalAssignment1ScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技課題1得点", description="Practical test, assignment 1 part: score, 0-100."),
]
PracticalAssignment1PassedOpt = Annotated[
    codes.PassFail | None,
    Field(alias="実技課題1合否", description="Practical test, assignment 1 part: result."),
]
PracticalAssignment2AttendanceOpt = Annotated[
    codes.Attendance | None,
    Field(alias="実技課題2出欠", description="Practical test, assignment 2 part: attendance."),
]
PracticalAssignment2ScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技課題2得点", description="Practical test, assignment 2 part: score, 0-100."),
]
PracticalAssignment2PassedOpt = Annotated[
    codes.PassFail | None,
    Field(alias="実技課題2合否", description="Practical test, assignment 2 part: result."),
]
PracticalAssignment3AttendanceOpt = Annotated[
    codes.Attendance | None,
    Field(alias="実技課題3出欠", description="Practical test, assignment 3 part: attendance."),
]
PracticalAssignment3ScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技課題3得点", description="Practical test, assignment 3 part: score, 0-100."),
]
PracticalAssignment3PassedOpt = Annotated[
    codes.PassFail | None,
    Field(alias="実技課題3合否", description="Practical test, assignment 3 part: result."),
]
PracticalElementAttendanceOpt = Annotated[
    codes.Attendance | None,
    Field(alias="実技要素出欠", description="Practical test, element part: attendance."),
]
PracticalElementScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技要素得点", description="Practical test, element part: score, 0-100."),
]
PracticalElementPassedOpt = Annotated[
    codes.PassFail | None,
    Field(alias="実技要素合否", description="Practical test, element part: result."),
]
PracticalPaperAttendanceOpt = Annotated[
    codes.Attendance | None,
    Field(alias="実技ペーパー出欠", description="Practical test, paper part: attendance."),
]
PracticalPaperScoreOpt = Annotated[
    fields.Score | None,
    Field(alias="実技ペーパー得点", description="Practical test, paper part: score, 0-100."),
]
PracticalPaperPassedOpt = Annotated[
    codes.PassFail | None,
    Field(alias="実技ペーパー合否", description="Practical test, paper part: result."),
]
PassedFlagOpt = Annotated[
    codes.PassFail | None, Field(alias="合否フラグ", description="Overall result.")
]
WrittenPassedFlagOpt = Annotated[
    codes.PassFail | None, Field(alias="学科合否フラグ", description="Written test result.")
]
PracticalPassedFlagOpt = Annotated[
    codes.PassFail | None, Field(alias="実技合否フラグ", description="Practical test result.")
]
CertifiedSkilledWorkerNumberOpt = Annotated[
    fields.Identifier | None,
    Field(alias="技能士番号", description="Certified skilled worker number."),
]
WrittenPassNumberOpt = Annotated[
    fields.Identifier | None, Field(alias="学科合格番号", description="Written test pass number.")
]
PracticalPassNumberOpt = Annotated[
    fields.Identifier | None, Field(alias="実技合格番号", description="Practical test pass number.")
]
OverallPassNumberOpt = Annotated[
    fields.Identifier | None, Field(alias="総合合格番号", description="Overall pass number.")
]
NationalSystemManagementNumberOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="国家資格システム管理番号",
        description="Management number in the national qualifications system.",
    ),
]

# First listed in 合格者データ.
UserIdOpt = Annotated[
    fields.Identifier | None,
    Field(alias="ユーザID", description="User ID in the national qualifications system."),
]
ExamBodyCodeOpt = Annotated[
    fields.Code | None,
    Field(alias="試験実施機関コード", description="Code of the exam-conducting body."),
]
WrittenResultOpt = Annotated[
    fields.ShortText | None,
    Field(alias="学科合否区分", description="Written test result category."),
]
PracticalResultOpt = Annotated[
    fields.ShortText | None,
    Field(alias="実技合否区分", description="Practical test result category."),
]
PracticalScoreOpt = Annotated[
    fields.Score | None, Field(alias="実技得点", description="Practical test score, 0-100.")
]
ScoreItemCountOpt = Annotated[
    fields.Count | None, Field(alias="得点情報数", description="Number of score items.")
]
SkilledWorkerResultOpt = Annotated[
    fields.ShortText | None,
    Field(alias="技能士合否区分", description="Certified skilled worker result category."),
]
PassDecisionOpt = Annotated[
    codes.PassFail | None, Field(alias="合否判定", description="Pass decision.")
]
PassNoticeCategoryOpt = Annotated[
    fields.ShortText | None, Field(alias="合格通知区分", description="Pass notice category.")
]
WrittenPassNoticeNumberOpt = Annotated[
    fields.Identifier | None,
    Field(alias="学科合格通知番号", description="Written test pass notice number."),
]
PracticalPassNoticeNumberOpt = Annotated[
    fields.Identifier | None,
    Field(alias="実技合格通知番号", description="Practical test pass notice number."),
]
WrittenExamDatetimeOpt = Annotated[
    fields.DateTime | None,
    Field(alias="学科試験日時", description="Date and time of the written test."),
]
PracticalExamDatetimeOpt = Annotated[
    fields.DateTime | None,
    Field(alias="実技試験日時", description="Date and time of the practical test."),
]
PassDateOpt = Annotated[fields.Date | None, Field(alias="合格日付", description="Date of passing.")]
ValidUntilOpt = Annotated[
    fields.Date | None, Field(alias="有効期限", description="Last day of validity.")
]
ElectronicCertificateCountOpt = Annotated[
    fields.Count | None,
    Field(alias="電子合格証書回数", description="Electronic pass certificates issued."),
]
PaperCertificateCountOpt = Annotated[
    fields.Count | None,
    Field(alias="紙合格証書回数", description="Paper pass certificates issued."),
]
JapanesePassProofCountOpt = Annotated[
    fields.Count | None,
    Field(alias="日本語合格証明回数", description="Japanese certificates of pass issued."),
]
EnglishPassProofCountOpt = Annotated[
    fields.Count | None,
    Field(alias="英文合格証明回数", description="English certificates of pass issued."),
]
ReissueCountOpt = Annotated[
    fields.Count | None, Field(alias="再交付回数", description="Certificate reissues.")
]
RevocationDateOpt = Annotated[
    fields.Date | None, Field(alias="合格取消日", description="Date the pass was revoked.")
]
RevocationReasonOpt = Annotated[
    fields.LongText | None, Field(alias="合格取消理由", description="Reason the pass was revoked.")
]
ReservedText01Opt = Annotated[
    fields.Text | None, Field(alias="合否文字予備01", description="Reserved text 01.")
]
ReservedText02Opt = Annotated[
    fields.Text | None, Field(alias="合否文字予備02", description="Reserved text 02.")
]
ReservedNumber01Opt = Annotated[
    fields.Integer | None, Field(alias="合否数値予備01", description="Reserved number 01.")
]
ReservedNumber02Opt = Annotated[
    fields.Integer | None, Field(alias="合否数値予備02", description="Reserved number 02.")
]

# First listed in 受検申請者情報.
TermKiOpt = Annotated[
    codes.Term | None,
    Field(alias="期", description="Exam term: first half, second half, or any time."),
]
TradeNameOpt = Annotated[
    fields.ShortText | None, Field(alias="職種名称", description="Skill trade name.")
]
WorkNameOpt = Annotated[
    fields.ShortText | None, Field(alias="作業名称", description="Work (specialty) name.")
]
GradeNameOpt = Annotated[fields.ShortText | None, Field(alias="級名称", description="Grade name.")]
RegularOrAnytimeOpt = Annotated[
    codes.Schedule | None, Field(alias="定期・随時の別", description="Regular or any-time exam.")
]
GroupOrIndividualOpt = Annotated[
    codes.ApplicantKind | None,
    Field(alias="団体・個人の別", description="Group or individual application."),
]
TradeWorkOrderOpt = Annotated[
    fields.Count | None,
    Field(alias="職種作業順序", description="Order of the trade and work in listings."),
]
ApplicationSystemNumberOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="受検申請受付システム番号", description="Number in the application receipt system."
    ),
]
ReceiptNumberOpt = Annotated[
    fields.Identifier | None, Field(alias="受付番号", description="Receipt number.")
]
WrittenExamCodeOpt = Annotated[
    fields.Code | None, Field(alias="学科試験コード", description="Written test code.")
]
TaskExamCodeOpt = Annotated[
    fields.Code | None, Field(alias="作業試験コード", description="Practical task test code.")
]
ElementExamCodeOpt = Annotated[
    fields.Code | None, Field(alias="要素試験コード", description="Practical element test code.")
]
PaperExamCodeOpt = Annotated[
    fields.Code | None, Field(alias="ペパ試験コード", description="Practical paper test code.")
]
ApplyingGroupTypeOpt = Annotated[
    fields.ShortText | None,
    Field(alias="受検申請団体種別", description="Type of the applying group."),
]
_APPLYING_GROUP_CODE: Final = Field(
    alias="受検申請団体コード", description="Code of the applying group."
)
ApplyingGroupCode = Annotated[fields.Code, _APPLYING_GROUP_CODE]
ApplyingGroupCodeOpt = Annotated[fields.Code | None, _APPLYING_GROUP_CODE]
ApplyingGroupContactUserIdOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="受検申請団体担当者ユーザID",
        description="User ID of the applying group's contact person.",
    ),
]
_APPLYING_GROUP_NAME: Final = Field(
    alias="受検申請団体名", description="Name of the applying group."
)
ApplyingGroupName = Annotated[fields.Text, _APPLYING_GROUP_NAME]
ApplyingGroupNameOpt = Annotated[fields.Text | None, _APPLYING_GROUP_NAME]
PreferredExamStartDateOpt = Annotated[
    fields.Date | None,
    Field(alias="受検開始希望日", description="First day the applicant prefers to sit the exam."),
]
PreferredExamEndDateOpt = Annotated[
    fields.Date | None,
    Field(alias="受検終了希望日", description="Last day the applicant prefers to sit the exam."),
]
WrittenOrPracticalOpt = Annotated[
    codes.ExamCategory | None,
    Field(alias="学科実技の別", description="Written, practical, or both."),
]
YearsOfPracticalExperienceOpt = Annotated[
    fields.Years | None, Field(alias="実務経験年数", description="Years of practical experience.")
]
EligibilityCodeOpt = Annotated[
    fields.Code | None, Field(alias="受検資格コード", description="Eligibility code.")
]
EligibleOpt = Annotated[
    fields.YesNo | None,
    Field(alias="受検資格有無", description="Whether the applicant is eligible."),
]
EducationHistoryCountOpt = Annotated[
    fields.Count | None, Field(alias="学歴数", description="Number of education history entries.")
]
TrainingHistoryCountOpt = Annotated[
    fields.Count | None,
    Field(alias="訓練歴数", description="Number of vocational training history entries."),
]
WorkHistoryCountOpt = Annotated[
    fields.Count | None, Field(alias="職歴数", description="Number of work history entries.")
]
PassHistoryCountOpt = Annotated[
    fields.Count | None, Field(alias="合格歴数", description="Number of earlier passes.")
]
ExemptionClassSymbolOpt = Annotated[
    fields.ShortText | None,
    Field(alias="試験免除分類記号", description="Exam exemption class symbol."),
]
WrittenExemptionCodeOpt = Annotated[
    fields.Code | None,
    Field(alias="学科免除内容コード", description="Written test exemption code."),
]
PracticalExemptionCodeOpt = Annotated[
    fields.Code | None,
    Field(alias="実技免除内容コード", description="Practical test exemption code."),
]
WrittenPartialExemptionOpt = Annotated[
    fields.YesNo | None,
    Field(alias="学科一部免除", description="Whether part of the written test is exempted."),
]
AttachedCertificateCountOpt = Annotated[
    fields.Count | None, Field(alias="添付証明書数", description="Number of attached certificates.")
]
ExemptionTargetCodeOpt = Annotated[
    fields.Code | None, Field(alias="免除対象者コード", description="Exemption target code.")
]
ApplicationCompletedDateOpt = Annotated[
    fields.Date | None,
    Field(alias="申請入力完了日", description="Date the application input was completed."),
]
WrittenFeeStatusOpt = Annotated[
    fields.ShortText | None,
    Field(alias="学科手数料支払状況", description="Written test fee: payment status."),
]
WrittenFeeMethodOpt = Annotated[
    fields.ShortText | None,
    Field(alias="学科手数料支払方法", description="Written test fee: payment method."),
]
WrittenFeePaidDateOpt = Annotated[
    fields.Date | None, Field(alias="学科手数料支払日", description="Written test fee: date paid.")
]
PracticalFeeStatusOpt = Annotated[
    fields.ShortText | None,
    Field(alias="実技手数料支払状況", description="Practical test fee: payment status."),
]
PracticalFeeMethodOpt = Annotated[
    fields.ShortText | None,
    Field(alias="実技手数料支払方法", description="Practical test fee: payment method."),
]
PracticalFeePaidDateOpt = Annotated[
    fields.Date | None,
    Field(alias="実技手数料支払日", description="Practical test fee: date paid."),
]
ExamGuideIssuedDateOpt = Annotated[
    fields.Date | None, Field(alias="受検案内発行日", description="Date the exam guide was issued.")
]
PaymentSlipIssuedDateOpt = Annotated[
    fields.Date | None, Field(alias="納付書発行日", description="Date the payment slip was issued.")
]
ExamTicketIssuedDateOpt = Annotated[
    fields.Date | None, Field(alias="受検票発行日", description="Date the exam ticket was issued.")
]
PracticalNumberOpt = Annotated[
    fields.Identifier | None, Field(alias="実技番号", description="Practical test number.")
]
SeatNumberOpt = Annotated[
    fields.Identifier | None, Field(alias="座席番号", description="Seat number.")
]
EligibilityReviewerNameOpt = Annotated[
    fields.ShortText | None,
    Field(
        alias="受検資格審査者職員名",
        description="Name of the staff member who reviewed eligibility.",
    ),
]
ApplicationRemarksOpt = Annotated[
    fields.LongText | None, Field(alias="受検申請備考", description="Remarks on the application.")
]
ApplicationForwardedDateOpt = Annotated[
    fields.Date | None,
    Field(alias="受検申請情報取次ぎ日", description="Date the application was forwarded."),
]
CoordinatorUserIdOpt = Annotated[
    fields.Identifier | None,
    Field(alias="調整担当者ユーザID", description="User ID of the coordinator."),
]
InvoiceRecipientOpt = Annotated[
    fields.ShortText | None, Field(alias="請求書受取人", description="Recipient of the invoice.")
]
InvoiceGroupTypeOpt = Annotated[
    fields.ShortText | None,
    Field(alias="請求団体種別", description="Type of the group receiving the invoice."),
]
InvoiceGroupCodeOpt = Annotated[
    fields.Code | None,
    Field(alias="請求団体コード", description="Code of the group receiving the invoice."),
]
InvoiceGroupContactUserIdOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="請求団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the invoice.",
    ),
]
InvoiceDeliveryMethodOpt = Annotated[
    fields.ShortText | None,
    Field(alias="請求書受取方法", description="How the invoice is delivered."),
]
ExamTicketRecipientOpt = Annotated[
    fields.ShortText | None,
    Field(alias="受検票受取人", description="Recipient of the exam ticket."),
]
ExamTicketRecipientGroupTypeOpt = Annotated[
    fields.ShortText | None,
    Field(alias="受検票受取人団体種別", description="Type of the group receiving the exam ticket."),
]
ExamTicketGroupCodeOpt = Annotated[
    fields.Code | None,
    Field(alias="受検票受取団体コード", description="Code of the group receiving the exam ticket."),
]
ExamTicketGroupContactUserIdOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="受検票受取団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the exam ticket.",
    ),
]
ExamTicketDeliveryMethodOpt = Annotated[
    fields.ShortText | None,
    Field(alias="受検票受取方法", description="How the exam ticket is delivered."),
]
PassNoticeRecipientOpt = Annotated[
    fields.ShortText | None,
    Field(alias="合格通知書受取人", description="Recipient of the pass notice."),
]
PassNoticeGroupTypeOpt = Annotated[
    fields.ShortText | None,
    Field(
        alias="合格通知書受取団体種別", description="Type of the group receiving the pass notice."
    ),
]
PassNoticeGroupCodeOpt = Annotated[
    fields.Code | None,
    Field(
        alias="合格通知書受取団体コード", description="Code of the group receiving the pass notice."
    ),
]
PassNoticeGroupContactUserIdOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="合格通知書受取団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the pass notice.",
    ),
]
PassNoticeDeliveryMethodOpt = Annotated[
    fields.ShortText | None,
    Field(alias="合格通知書受取方法", description="How the pass notice is delivered."),
]
PassNoticeIssuedDateOpt = Annotated[
    fields.Date | None,
    Field(alias="合格通知書発行日", description="Date the pass notice was issued."),
]
CertificateRecipientOpt = Annotated[
    fields.ShortText | None,
    Field(alias="合格証書受取人", description="Recipient of the pass certificate."),
]
CertificateRecipientGroupTypeOpt = Annotated[
    fields.ShortText | None,
    Field(
        alias="合格証書受取団体種別",
        description="Type of the group receiving the pass certificate.",
    ),
]
CertificateGroupCodeOpt = Annotated[
    fields.Code | None,
    Field(
        alias="合格証書受取団体コード",
        description="Code of the group receiving the pass certificate.",
    ),
]
CertificateGroupContactUserIdOpt = Annotated[
    fields.Identifier | None,
    Field(
        alias="合格証書受取団体担当者ユーザID",
        description="User ID of the contact person of the group receiving the pass certificate.",
    ),
]
CertificateDeliveryMethodOpt = Annotated[
    fields.ShortText | None,
    Field(alias="合格証書受取方法", description="How the pass certificate is delivered."),
]
CertificateSerialNumberOpt = Annotated[
    fields.Identifier | None,
    Field(alias="合格証書シリアル番号", description="Serial number of the pass certificate."),
]

# First listed in 初期登録申請者テーブル.
PassFiscalYearOpt = Annotated[
    fields.FiscalYear | None, Field(alias="合格年度", description="Fiscal year of passing.")
]
