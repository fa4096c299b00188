"""Initial registration: people who passed before the system existed register their pass."""

from __future__ import annotations

from kentei.records import items
from kentei.records.base import Record


class InitialRegistration(Record):
    """An initial registration applicant (初期登録申請者テーブル, R17).

    An existing certified skilled worker registering a past pass; prefecture and the four
    identity items are required.
    """

    prefecture_code: items.PrefectureCode
    pass_fiscal_year: items.PassFiscalYearOpt = None
    term: items.TermOpt = None
    grade: items.GradeOpt = None
    trade_code: items.TradeCodeOpt = None
    work_code: items.WorkCodeOpt = None
    exam_category: items.ExamCategoryOpt = None
    application_receipt_id: items.ApplicationReceiptIdOpt = None
    name: items.Name
    birth_date: items.BirthDate
    sex: items.Sex
    postal_code: items.PostalCodeOpt = None
    address: items.Address
    address_line2: items.AddressLine2Opt = None
    phone: items.PhoneOpt = None
    my_number: items.MyNumberOpt = None
    certified_skilled_worker_number: items.CertifiedSkilledWorkerNumberOpt = None
