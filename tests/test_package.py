"""The answer package for the ministry: the zip's name, its three files and their contents, which
memo's PDF goes in, and who may download it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from urllib.parse import unquote

import docx
import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from remiss import workflow
from remiss.memo.names import file_stem, package_name, safe_filename
from remiss.memo.package import (
    COVER_LETTER_NAME,
    NoStoredMemo,
    build_package,
    content_disposition,
    cover_letter,
    latest_memo,
    memo_is_current,
)
from remiss.memo.store import compile_memo
from remiss.models import Case, Memo, MemoJob
from remiss.workflow import ReferralSpec
from tests.factories import (
    BodyFactory,
    CaseFactory,
    OfficerFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

DEMO_REFERENCE = "SOU 2022:67"


# --- Names ---------------------------------------------------------------------------------------


def test_names_as_ministries_ask() -> None:
    assert package_name("Stockholms stad", "SOU 2022:67") == "Stockholms stad SOU 2022:67 remissvar"
    assert file_stem("Stockholms stad", "SOU 2022:67") == "Stockholms stad SOU 2022-67 remissvar"
    assert file_stem("Göteborgs stad", "Ds 2023/4") == "Göteborgs stad Ds 2023-4 remissvar"
    assert safe_filename('a<b>c:d"e/f\\g|h?i*j\x00k\r\nl. ') == "a-b-c-d-e-f-g-h-i-j-k--l"
    assert safe_filename("...") == "remissvar"


def test_content_disposition_has_ascii_fallback_and_rfc5987_name() -> None:
    header = content_disposition("Stockholms stad SOU 2022:67 remissvar.zip")
    assert header == (
        'attachment; filename="Stockholms stad SOU 2022-67 remissvar.zip"; '
        "filename*=UTF-8''Stockholms%20stad%20SOU%202022%3A67%20remissvar.zip"
    )
    header = content_disposition("Göteborgs stad SOU 2022:67 remissvar.zip")
    assert 'filename="Goteborgs stad SOU 2022-67 remissvar.zip"' in header
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == "Göteborgs stad SOU 2022:67 remissvar.zip"
    # nothing that could end the header or the quoted name gets through
    header = content_disposition('Ond"stad\r\nSet-Cookie: x=1.zip')
    assert "\r" not in header and "\n" not in header
    assert header.split('filename="', 1)[1].split('"', 1)[0] == "Ond-stadSet-Cookie- x=1.zip"


def test_cover_letter_carries_both_dnr_reference_and_city() -> None:
    case = Case(
        title="Vägar till ett tryggare samhälle",
        reference="SOU 2022:67",
        sender="Justitiedepartementet",
        ministry_dnr="Ju2022/03613",
        city_dnr="KS 2023/99-1.1",
        received=date(2023, 1, 10),
        deadline=date(2023, 4, 28),
    )
    letter = cover_letter(
        case, city="Stockholms stad", pdf_name="a.pdf", docx_name="a.docx", sender="Rebecka Registrator"
    )
    lines = letter.splitlines()
    assert lines[0] == "Till: Justitiedepartementet"
    assert lines[1] == "Ämne: Remissvar från Stockholms stad, SOU 2022:67, dnr Ju2022/03613"
    assert "Departementets diarienummer: Ju2022/03613" in lines
    assert "Stadens diarienummer: KS 2023/99-1.1" in lines
    assert "Remisstid: 28 april 2023" in lines
    assert "- a.pdf (PDF/UA, tillgänglighetsanpassad)" in lines and "- a.docx (Word, redigerbar)" in lines
    assert lines[-2:] == ["Rebecka Registrator", "Stockholms stad"]
    case.ministry_dnr = ""
    assert "Departementets diarienummer: (inte angivet)" in cover_letter(
        case, city="Stockholms stad", pdf_name="a", docx_name="b"
    )


# --- The demo's package, downloaded by the registrar -----------------------------------------------


@pytest.fixture(scope="module")
def demo_download(demo_db, django_db_blocker, tmp_path_factory):
    """The registrar compiles the demo's memo, then downloads its package."""
    from django.test import Client, override_settings

    from remiss.models import User

    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        case = Case.objects.get(reference=DEMO_REFERENCE)
        registrar = User.objects.get(username="registrator")
        memo = compile_memo(case, registrar)
        client = Client()
        client.force_login(registrar)
        response = client.get(reverse("answer_package", args=[case.pk]))
        assert Memo.objects.filter(case=case).get() == memo  # served, not compiled again
        assert memo.pdf.path.startswith(str(media))
        with memo.pdf.open("rb") as handle:
            stored = handle.read()
        yield case, response, memo, stored


def test_demo_zip_name_and_entries(demo_download) -> None:
    _case, response, _memo, _stored = demo_download
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="Stockholms stad SOU 2022-67 remissvar.zip"; '
        "filename*=UTF-8''Stockholms%20stad%20SOU%202022%3A67%20remissvar.zip"
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "Stockholms stad SOU 2022-67 remissvar.pdf",
        "Stockholms stad SOU 2022-67 remissvar.docx",
        "följebrev.txt",
    ]
    assert archive.getinfo("följebrev.txt").flag_bits & 0x800  # the name is marked UTF-8


def test_demo_zip_pdf_is_the_stored_memo(demo_download) -> None:
    _case, response, memo, stored = demo_download
    pdf = zipfile.ZipFile(io.BytesIO(response.content)).read("Stockholms stad SOU 2022-67 remissvar.pdf")
    assert pdf == stored and hashlib.sha256(pdf).hexdigest() == memo.sha256
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert b'pdfuaid:part="1"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert reader.metadata.title.endswith("dnr KS 2023/99-1.1")


def test_demo_zip_docx_and_cover_letter(demo_download) -> None:
    case, response, _memo, _stored = demo_download
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = docx.Document(io.BytesIO(archive.read("Stockholms stad SOU 2022-67 remissvar.docx")))
    assert document.core_properties.title == f"{case.full_title}, dnr KS 2023/99-1.1"
    assert "Södermalms stadsdelsnämnd" in [p.text for p in document.paragraphs]
    letter = archive.read(COVER_LETTER_NAME).decode("utf-8")  # UTF-8, no BOM
    assert not letter.startswith("\ufeff")
    for needle in (
        "Ju2022/03613",
        "KS 2023/99-1.1",
        "SOU 2022:67",
        "Stockholms stad",
        "Justitiedepartementet",
        "Stockholms stad SOU 2022-67 remissvar.pdf",
        "Stockholms stad SOU 2022-67 remissvar.docx",
        "Vägar till ett tryggare samhälle, Kraftsamling för barn och unga (SOU 2022:67)",
        "Rebecka Registrator",
    ):
        assert needle in letter, needle


# --- Which memo's PDF ------------------------------------------------------------------------------


@pytest.fixture
def small_case(db, registrar):
    case = CaseFactory()
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(BodyFactory(), date(2030, 4, 1))], by=registrar)
    workflow.save_opinion(referral, text="<p>Positivt.</p>", date=date(2030, 2, 1), by=registrar)
    workflow.mark_opinion_ready(referral, by=registrar)
    return case


def _stored_memo(case: Case, content: bytes) -> Memo:
    memo = Memo(case=case, sha256=hashlib.sha256(content).hexdigest(), pages=1)
    memo.pdf.save(f"memo-{case.pk}-{Memo.objects.count()}.pdf", ContentFile(content), save=False)
    memo.save()
    return memo


def test_package_uses_the_latest_stored_memo_without_compiling(small_case, registrar, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    _stored_memo(small_case, b"%PDF-1.7 old")
    latest = _stored_memo(small_case, b"%PDF-1.7 latest")
    assert latest_memo(small_case) == latest
    package = build_package(small_case, by=registrar)
    assert package.memo == latest
    stem = file_stem("Stockholms stad", small_case.reference)
    assert zipfile.ZipFile(io.BytesIO(package.content)).read(f"{stem}.pdf") == b"%PDF-1.7 latest"
    assert Memo.objects.filter(case=small_case).count() == 2
    assert package.filename == f"Stockholms stad {small_case.reference} remissvar.zip"
    assert package.names == (f"{stem}.pdf", f"{stem}.docx", "följebrev.txt")


def test_package_refuses_when_the_stored_file_is_gone(small_case, registrar, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    lost = _stored_memo(small_case, b"%PDF-1.7 lost")
    lost.pdf.storage.delete(lost.pdf.name)
    with pytest.raises(NoStoredMemo):
        build_package(small_case, by=registrar)
    assert list(Memo.objects.filter(case=small_case)) == [lost]


def test_package_refuses_without_a_memo(small_case, registrar) -> None:
    with pytest.raises(NoStoredMemo):
        build_package(small_case, by=registrar)
    assert not Memo.objects.exists()


def test_memo_is_current_until_a_source_changes(small_case, registrar, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    memo = compile_memo(small_case, registrar)
    assert memo_is_current(small_case, memo)
    workflow.save_city_proposal(small_case, summary="<p>Ny sammanfattning.</p>", by=registrar)
    assert not memo_is_current(small_case, memo)


@pytest.fixture
def weasyprint_calls(monkeypatch) -> list:
    """Every call a request makes to WeasyPrint; none is expected."""
    calls = []

    def recorded(*args, **kwargs):
        calls.append((args, kwargs))
        raise AssertionError("WeasyPrint was called")

    monkeypatch.setattr("remiss.memo.render.HTML", recorded)
    return calls


@pytest.mark.parametrize("lost_file", [False, True])
def test_a_get_never_compiles_a_memo(
    client, small_case, registrar, settings, tmp_path, weasyprint_calls, lost_file
) -> None:
    """A link (from any site) to the package used to compile and store a memo inside the GET."""
    settings.MEDIA_ROOT = tmp_path
    if lost_file:
        lost = _stored_memo(small_case, b"%PDF-1.7 lost")
        lost.pdf.storage.delete(lost.pdf.name)
    before = list(Memo.objects.values_list("pk", flat=True))
    client.force_login(registrar)
    response = client.get(reverse("answer_package", args=[small_case.pk]), follow=True)
    assert response.redirect_chain == [(reverse("memo_list", args=[small_case.pk]), 302)]
    assert list(Memo.objects.values_list("pk", flat=True)) == before
    assert not MemoJob.objects.exists()
    assert weasyprint_calls == []
    page = response.content.decode()
    if lost_file:
        assert "PDF-filen för den senaste sammanställningen finns inte längre." in page
    else:
        assert "Svarspaketet kan laddas ner först när promemorian har sammanställts." in page
    assert "Sammanställ PDF" in page  # the POST that queues the compilation, on the same page


def test_a_post_to_the_package_compiles_nothing_either(
    client, small_case, registrar, settings, tmp_path, weasyprint_calls
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(registrar)
    response = client.post(reverse("answer_package", args=[small_case.pk]))
    assert response.status_code == 405
    assert not Memo.objects.exists() and not MemoJob.objects.exists()
    assert weasyprint_calls == []


@pytest.mark.parametrize("who", ["officer", "politician", "anonymous"])
def test_package_refused_to_others(client, small_case, who, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    users = {
        "officer": lambda: OfficerFactory(username="h", bodies=[small_case.referrals.first().body]),
        "politician": lambda: (
            SeatFactory(politician=PoliticianFactory(user=PoliticianUserFactory(username="p"))).politician.user
        ),
        "anonymous": lambda: None,
    }
    user = users[who]()
    if user is not None:
        client.force_login(user)
    for method in (client.get, client.post):
        response = method(reverse("answer_package", args=[small_case.pk]))
        if user is None:
            assert response.status_code == 302 and "/konto/login/" in response["Location"]
        else:
            assert response.status_code == 403
    assert not Memo.objects.filter(case=small_case).exists()  # nothing compiled for them


def test_unknown_case_is_404(client, registrar) -> None:
    client.force_login(registrar)
    assert client.get(reverse("answer_package", args=[999999])).status_code == 404
    assert client.get(reverse("memo_docx", args=[999999])).status_code == 404


def test_a_300_character_title_still_gives_the_package(client, small_case, registrar, settings, tmp_path) -> None:
    """The .docx's core properties hold 255 characters; the package used to say the memo could not be compiled."""
    settings.MEDIA_ROOT = tmp_path
    small_case.title = ("Ett mycket långt betänkande om förutsättningarna för " * 6)[:300]
    small_case.save()
    _stored_memo(small_case, b"%PDF-1.7 stored")
    client.force_login(registrar)
    response = client.get(reverse("answer_package", args=[small_case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = docx.Document(io.BytesIO(archive.read(archive.namelist()[1])))
    assert small_case.full_title in [p.text for p in document.paragraphs]
