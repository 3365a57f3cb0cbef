"""Imported periods always pass the kind models' validators, so the edit form can save."""

import pytest
from django.utils import timezone

from portal.services.imports import document_import


def _import(tree, text: str, kind: str):
    organisations, users = tree
    document, notes = document_import(
        text=text, kind=kind, issuer=organisations["doson-btg"], actor=users["doson.editor"]
    )
    return document, notes


@pytest.mark.parametrize(
    ("period", "ignored"),
    [
        ("THÁNG 02 NĂM 9999", "Kỳ bản tin 'THÁNG 02 NĂM 9999' không hợp lệ"),
        ("THÁNG 02 NĂM 0001", "Kỳ bản tin 'THÁNG 02 NĂM 0001' không hợp lệ"),
        ("THÁNG 02 NĂM 1950", "Kỳ tháng 2/1950 đọc được trong văn bản không hợp lệ"),
    ],
)
def test_an_impossible_bulletin_period_falls_back_to_this_month(tree, period, ignored):
    text = f"BẢN TIN\nTHÔNG TIN SINH HOẠT CHI BỘ {period}\n\nĐoạn.\n"
    document, notes = _import(tree, text, "bulletin")
    today = timezone.localdate()
    bulletin = document.bulletin
    assert (bulletin.period_month, bulletin.period_year) == (today.month, today.year)
    bulletin.full_clean()
    assert any(note.startswith(ignored) for note in notes), notes
    assert any(ignored in line for line in document.events.get().reason.splitlines())


@pytest.mark.parametrize("year", ["0000", "0001", "1999", "9999"])
def test_an_impossible_report_year_falls_back_to_this_year(tree, year):
    text = f"BÁO CÁO\nkết quả công tác tuyên giáo quý II năm {year}\n\nĐoạn.\n"
    document, notes = _import(tree, text, "report")
    report = document.report
    assert (report.quarter, report.year) == (2, timezone.localdate().year)
    report.full_clean()
    assert f"Năm {int(year)} đọc được trong tiêu đề không hợp lệ" in " ".join(notes)


def test_a_valid_period_is_taken_without_a_note(tree):
    bulletin, notes = _import(
        tree, "BẢN TIN\nTHÔNG TIN SINH HOẠT CHI BỘ THÁNG 02 NĂM 2024\n\nĐoạn.\n", "bulletin"
    )
    assert (bulletin.bulletin.period_month, bulletin.bulletin.period_year) == (2, 2024)
    report, report_notes = _import(tree, "BÁO CÁO\nkết quả quý IV năm 2023\n\nĐoạn.\n", "report")
    assert (report.report.quarter, report.report.year) == (4, 2023)
    assert not any("không hợp lệ" in note for note in [*notes, *report_notes])
