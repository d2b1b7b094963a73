"""Word in: checking an uploaded .docx, converting it with mammoth through the allowlist, and the
officer's upload → review → confirm flow (nothing saved before the confirmation)."""

from __future__ import annotations

import fcntl
import io
import sys
import zipfile
from datetime import date

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ValidationError
from django.urls import reverse
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from remiss import workflow
from remiss.docx_import import DOCX_CONTENT_TYPE, DocxError, check_docx, convert_docx
from remiss.models import Opinion, Referral
from remiss.views.officer import WORD_SESSION_KEY
from tests.factories import OfficerFactory, PoliticianFactory, PoliticianUserFactory, SeatFactory

# --- Test documents, built with python-docx ------------------------------------------------------


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _hyperlink(paragraph, url: str, text: str) -> None:
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def opinion_docx() -> bytes:
    """A tjänsteutlåtande: headings, bold and italic, bullets, a numbered list, a table, an image, a link."""
    document = docx.Document()
    document.add_heading("Förvaltningens synpunkter", level=1)
    paragraph = document.add_paragraph("Förvaltningen ställer sig ")
    paragraph.add_run("i huvudsak").bold = True
    paragraph.add_run(" positiv till förslagen om ")
    paragraph.add_run("kraftsamling").italic = True
    paragraph.add_run(". Läs mer på ")
    _hyperlink(paragraph, "http://evil.example/", "webbplatsen")
    paragraph.add_run(".")
    document.add_heading("Särskilt om skolan", level=2)
    document.add_paragraph("Förskola", style="List Bullet")
    document.add_paragraph("Fullgjord skolgång", style="List Bullet")
    document.add_heading("Åtgärder i ordning", level=3)
    document.add_paragraph("Kartlägg behoven", style="List Number")
    document.add_paragraph("Följ upp insatserna", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Område"
    table.cell(0, 1).text = "Kostnad"
    table.cell(1, 0).text = "Skarpnäck"
    table.cell(1, 1).text = "1,2 mnkr"
    document.add_picture(_png(), width=Mm(20))
    document.add_paragraph("Sammantaget är förvaltningen positiv. Ärendet gäller även Södermalm.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def swedish_styles_docx() -> bytes:
    """Headings in custom styles named as Swedish Word names them."""
    document = docx.Document()
    for name in ("Rubrik 1", "Rubrik 2"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Bakgrund", style="Rubrik 1")
    document.add_paragraph("Närmare om förslagen", style="Rubrik 2")
    document.add_paragraph("Text under rubriken.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(
    content: bytes, name: str = "tjänsteutlåtande.docx", content_type: str = DOCX_CONTENT_TYPE
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _rezip(
    content: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in drop:
                continue
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


# --- Conversion ----------------------------------------------------------------------------------


def test_convert_keeps_structure_and_drops_tables_images_links() -> None:
    converted = convert_docx(io.BytesIO(opinion_docx()))
    html = converted.html
    assert html.startswith("<h3>Förvaltningens synpunkter</h3>")
    assert (
        "<p>Förvaltningen ställer sig <strong>i huvudsak</strong> positiv till förslagen om <em>kraftsamling</em>. "
        "Läs mer på webbplatsen.</p>"
    ) in html
    assert "<h4>Särskilt om skolan</h4><ul><li>Förskola</li><li>Fullgjord skolgång</li></ul>" in html
    assert "<h4>Åtgärder i ordning</h4><ol><li>Kartlägg behoven</li><li>Följ upp insatserna</li></ol>" in html
    # the table is reduced to its text, the image and the link's address are gone
    for text in ("Område", "Kostnad", "Skarpnäck", "1,2 mnkr"):
        assert f"<p>{text}</p>" in html
    for forbidden in ("<table", "<td", "<tr", "<img", "data:", "<a", "href", "evil.example", "style=", "class="):
        assert forbidden not in html, forbidden
    assert html.endswith("<p>Sammantaget är förvaltningen positiv. Ärendet gäller även Södermalm.</p>")
    assert (converted.tables, converted.images) == (1, 1)
    assert converted.words > 20


def test_convert_swedish_heading_style_names() -> None:
    html = convert_docx(io.BytesIO(swedish_styles_docx())).html
    assert html == "<h3>Bakgrund</h3><h4>Närmare om förslagen</h4><p>Text under rubriken.</p>"


def test_convert_refuses_an_empty_document() -> None:
    document = docx.Document()
    document.add_picture(_png(), width=Mm(20))
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(DocxError, match="ingen text"):
        convert_docx(io.BytesIO(buffer.getvalue()))


# --- Checking the upload -------------------------------------------------------------------------


def test_check_accepts_a_docx_with_generic_content_types() -> None:
    for content_type in (DOCX_CONTENT_TYPE, "application/octet-stream", "application/zip"):
        check_docx(upload(opinion_docx(), content_type=content_type))
    check_docx(upload(opinion_docx(), name="UTLÅTANDE.DOCX"))


def _refused(file: SimpleUploadedFile) -> str:
    with pytest.raises(ValidationError) as info:
        check_docx(file)
    return " ".join(info.value.messages)


def test_check_refuses_other_files_with_swedish_messages(settings) -> None:
    good = opinion_docx()
    assert "äldre Word-format" in _refused(
        upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", name="gammal.doc", content_type="application/msword")
    )
    assert "Bara Word-dokument (.docx)" in _refused(
        upload(b"%PDF-1.7", name="svar.pdf", content_type="application/pdf")
    )
    assert "Bara Word-dokument (.docx)" in _refused(upload(good, name="svar.zip"))
    assert "makron" in _refused(upload(good, name="svar.docm"))
    assert "av typen application/pdf" in _refused(upload(good, content_type="application/pdf"))
    assert "inte ett Word-dokument" in _refused(
        upload("Det här är bara text.".encode(), content_type="application/octet-stream")
    )
    # an old .doc renamed to .docx, or a password-protected document (also OLE)
    assert "lösenordsskyddad" in _refused(upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))
    # a zip that is not a Word document
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("hej.txt", "hej")
    assert "inte ett Word-dokument" in _refused(upload(plain_zip.getvalue()))
    # a truncated file
    assert "kunde inte läsas" in _refused(upload(good[: len(good) // 2]))
    # a macro document or a template under a .docx name
    types = (
        zipfile.ZipFile(io.BytesIO(good))
        .read("[Content_Types].xml")
        .replace(
            b"wordprocessingml.document.main+xml",
            b"wordprocessingml.template.main+xml",
        )
    )
    assert "mall" in _refused(upload(_rezip(good, replace={"[Content_Types].xml": types})))
    # XML with a DOCTYPE (entity tricks)
    document_xml = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml")
    hostile = document_xml.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
    assert "inte tillåts" in _refused(upload(_rezip(good, replace={"word/document.xml": hostile})))
    # a zip bomb: small to upload, huge to unpack
    assert "för stort när det packas upp" in _refused(
        upload(_rezip(good, add={"word/media/bomb.bin": b"\0" * (61 * 1024 * 1024)}))
    )
    # too large to upload at all
    settings.REMISS_MAX_UPLOAD_BYTES = 1024
    assert "för stor" in _refused(upload(good))


# --- The officer's flow --------------------------------------------------------------------------


@pytest.fixture
def referral(referred):
    return referred[1]


def _post_upload(client, referral, file):
    return client.post(reverse("officer_word_upload", args=[referral.pk]), {"file": file})


def _pending(client, referral) -> dict | None:
    return client.session.get(WORD_SESSION_KEY, {}).get(str(referral.pk))


def test_upload_is_shown_for_review_and_saves_nothing(client, officer, referral) -> None:
    workflow.save_opinion(referral, text="<p>Gammal text om förslagen.</p>", date=date(2030, 2, 1), by=officer)
    before = Opinion.objects.get(referral=referral)
    history_rows = before.history.count()
    client.force_login(officer)
    page = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'for="id_file"' in page and 'accept=".docx,' in page

    response = _post_upload(client, referral, upload(opinion_docx()))
    assert response.status_code == 302 and response["Location"] == reverse("officer_word_review", args=[referral.pk])
    after = Opinion.objects.get(referral=referral)
    assert (after.text, after.version, after.history.count()) == (before.text, before.version, history_rows)

    review = client.get(response["Location"])
    html = review.content.decode()
    assert review.status_code == 200
    assert "Granska texten från Word" in html and "tjänsteutlåtande.docx" in html
    assert "<h3>Förvaltningens synpunkter</h3>" in html  # the converted text, rendered
    assert "1 tabell" in html and "1 bild har tagits bort" in html
    assert "<del>" in html and "<ins>" in html  # what changes against the saved text
    assert 'name="action" value="confirm"' in html and 'name="action" value="cancel"' in html
    assert "<script>" not in html and "style=" not in html


def test_confirm_replaces_the_text_with_history(client, officer, referral) -> None:
    client.force_login(officer)
    _post_upload(client, referral, upload(opinion_docx()))
    pending = _pending(client, referral)
    before_version = Opinion.objects.get(referral=referral).version
    response = client.post(
        reverse("officer_word_review", args=[referral.pk]), {"action": "confirm", "token": pending["token"]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("officer_referral", args=[referral.pk])
    opinion = Opinion.objects.get(referral=referral)
    assert opinion.text == pending["html"] and opinion.text.startswith("<h3>Förvaltningens synpunkter</h3>")
    assert opinion.version == before_version + 1
    latest = opinion.history.first()
    assert latest.history_user == officer and latest.history_change_reason == "Tjänsteutlåtandet sparat"
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.DRAFTING
    assert _pending(client, referral) is None
    follow = client.get(response["Location"]).content.decode()
    assert "Texten från Word-filen har ersatt tjänsteutlåtandets text." in follow


def test_confirm_keeps_date_and_proposed_decision(client, officer, referral) -> None:
    workflow.save_opinion(
        referral, text="<p>Gammal</p>", proposed_decision="<p>Nämnden godkänner.</p>", date=date(2030, 2, 3), by=officer
    )
    client.force_login(officer)
    _post_upload(client, referral, upload(swedish_styles_docx()))
    client.post(
        reverse("officer_word_review", args=[referral.pk]),
        {"action": "confirm", "token": _pending(client, referral)["token"]},
    )
    opinion = Opinion.objects.get(referral=referral)
    assert (opinion.date, opinion.proposed_decision) == (date(2030, 2, 3), "<p>Nämnden godkänner.</p>")
    assert opinion.text.startswith("<h3>Bakgrund</h3>")


def test_someone_saving_meanwhile_is_a_conflict(client, officer, referral) -> None:
    client.force_login(officer)
    _post_upload(client, referral, upload(opinion_docx()))
    token = _pending(client, referral)["token"]
    colleague = OfficerFactory(username="kollega", bodies=[referral.body])
    workflow.save_opinion(referral, text="<p>Kollegans text.</p>", by=colleague)
    response = client.post(reverse("officer_word_review", args=[referral.pk]), {"action": "confirm", "token": token})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har sparat" in html and "Kollegans text." in html
    assert Opinion.objects.get(referral=referral).text == "<p>Kollegans text.</p>"
    # confirming again, knowing, replaces it
    response = client.post(reverse("officer_word_review", args=[referral.pk]), {"action": "confirm", "token": token})
    assert response.status_code == 302
    assert Opinion.objects.get(referral=referral).text.startswith("<h3>Förvaltningens synpunkter</h3>")


def test_cancel_and_stale_token(client, officer, referral) -> None:
    client.force_login(officer)
    _post_upload(client, referral, upload(opinion_docx()))
    response = client.post(reverse("officer_word_review", args=[referral.pk]), {"action": "confirm", "token": "gammal"})
    assert response.status_code == 409 and "senare uppladdning" in response.content.decode()
    assert Opinion.objects.get(referral=referral).text == ""
    response = client.post(reverse("officer_word_review", args=[referral.pk]), {"action": "cancel", "token": "x"})
    assert response.status_code == 302
    assert _pending(client, referral) is None and Opinion.objects.get(referral=referral).text == ""
    again = client.get(reverse("officer_word_review", args=[referral.pk]))
    assert again.status_code == 302 and again["Location"] == reverse("officer_referral", args=[referral.pk])


def test_a_bad_file_gets_a_swedish_message_on_the_page(client, officer, referral) -> None:
    client.force_login(officer)
    response = _post_upload(client, referral, upload(b"%PDF-1.7 ...", name="svar.pdf", content_type="application/pdf"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Formuläret innehåller fel" in html and "Bara Word-dokument (.docx) kan laddas upp." in html
    assert 'aria-invalid="true"' in html
    assert _pending(client, referral) is None
    response = _post_upload(client, referral, "")
    assert "Välj en Word-fil (.docx) att ladda upp." in response.content.decode()


def test_upload_refused_once_the_opinion_is_ready(client, officer, referral) -> None:
    workflow.save_opinion(referral, text="<p>Klart.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    client.force_login(officer)
    page = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert "officer_word_upload" not in page and 'name="file"' not in page
    response = _post_upload(client, referral, upload(opinion_docx()))
    assert response.status_code == 409
    assert "kan inte ändras" in response.content.decode()
    assert Opinion.objects.get(referral=referral).text == "<p>Klart.</p>"


def test_pending_import_cannot_be_confirmed_after_the_opinion_closed(client, officer, referral) -> None:
    client.force_login(officer)
    _post_upload(client, referral, upload(opinion_docx()))
    token = _pending(client, referral)["token"]
    workflow.save_opinion(referral, text="<p>Klart.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    response = client.post(reverse("officer_word_review", args=[referral.pk]), {"action": "confirm", "token": token})
    assert response.status_code == 409
    assert Opinion.objects.get(referral=referral).text == "<p>Klart.</p>"


@pytest.mark.parametrize("who", ["other_officer", "politician", "registrar", "anonymous"])
def test_upload_and_review_refused_to_others(client, referral, registrar, who) -> None:
    users = {
        "other_officer": lambda: OfficerFactory(username="annan"),
        "politician": lambda: (
            SeatFactory(
                politician=PoliticianFactory(user=PoliticianUserFactory(username="pol")), body=referral.body
            ).politician.user
        ),
        "registrar": lambda: registrar,
        "anonymous": lambda: None,
    }
    user = users[who]()
    if user is not None:
        client.force_login(user)
    for response in (
        _post_upload(client, referral, upload(opinion_docx())),
        client.get(reverse("officer_word_review", args=[referral.pk])),
    ):
        if user is None:
            assert response.status_code == 302 and "/konto/login/" in response["Location"]
        else:
            assert response.status_code == 403
    assert Opinion.objects.get(referral=referral).text == ""


# --- Bombs and runaways: refused with a Swedish message, nothing held, nothing saved ------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARAGRAPH = b"<w:p><w:r><w:t>Remissvaret upprepas om och om igen.</w:t></w:r></w:p>"


def _document_xml(unpacked_bytes: int) -> bytes:
    """A valid main document of about `unpacked_bytes`, of one paragraph repeated: it compresses ~1000:1."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
    return head + PARAGRAPH * (unpacked_bytes // len(PARAGRAPH)) + b"</w:body></w:document>"


def _big_docx(unpacked_bytes: int) -> bytes:
    return _rezip(opinion_docx(), replace={"word/document.xml": _document_xml(unpacked_bytes)})


@pytest.fixture
def nothing_parses(monkeypatch):
    """Fail the test if mammoth runs here or a converter process starts: the check must refuse first."""

    def parsed(*args, **kwargs):
        raise AssertionError("the document was parsed")

    monkeypatch.setattr("mammoth.convert_to_html", parsed)
    monkeypatch.setattr("subprocess.run", parsed)


def _refused_upload(client, officer, referral, content: bytes) -> str:
    """Post `content` as the officer's .docx; assert it was refused on the page and changed nothing."""
    workflow.save_opinion(referral, text="<p>Sparad text.</p>", date=date(2030, 2, 1), by=officer)
    before = Opinion.objects.get(referral=referral)
    client.force_login(officer)
    response = _post_upload(client, referral, upload(content))
    assert response.status_code == 200
    after = Opinion.objects.get(referral=referral)
    assert (after.text, after.version, after.history.count()) == (before.text, before.version, before.history.count())
    assert _pending(client, referral) is None
    html = response.content.decode()
    assert "Formuläret innehåller fel" in html
    return html


def test_a_zip_bomb_is_refused_before_parsing(client, officer, referral, nothing_parses) -> None:
    """61 KB that unpack to a 20 MB document.xml used to run mammoth until the worker was killed."""
    bomb = _big_docx(20 * 1024 * 1024)
    assert len(bomb) < 150 * 1024  # of which some 45 KB are the document around it
    html = _refused_upload(client, officer, referral, bomb)
    assert (
        "Word-dokumentet är för stort när det packas upp: högst 40 MB är tillåtet, varav 6 MB text och formatering."
        in html
    )


def _patch_entry(content: bytes, name: str, *, local: int, central: int, value: bytes) -> bytes:
    """`content` with `value` written at offset `local` of `name`'s local header and `central` of its
    directory entry."""
    patched = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(name)
    patched[info.header_offset + local : info.header_offset + local + len(value)] = value
    position = 0
    while (position := content.find(b"PK\x01\x02", position + 1)) != -1:
        if content[position + 46 : position + 46 + len(name)] == name.encode():
            patched[position + central : position + central + len(value)] = value
    return bytes(patched)


def test_a_zip_directory_that_lies_about_sizes_is_refused(nothing_parses) -> None:
    """The sizes in the zip's headers say 1 KB; the part unpacks to 20 MB."""
    lying = _patch_entry(
        _big_docx(20 * 1024 * 1024), "word/document.xml", local=22, central=24, value=(1024).to_bytes(4, "little")
    )
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("word/document.xml").file_size == 1024
    assert "kunde inte läsas" in _refused(upload(lying))


def test_corrupt_or_unsupported_compression_is_refused(nothing_parses) -> None:
    good = opinion_docx()
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    garbled = good[:start] + b"\xff" * info.compress_size + good[start + info.compress_size :]
    assert "kunde inte läsas" in _refused(upload(garbled))
    deflate64 = _patch_entry(good, "word/document.xml", local=8, central=10, value=(9).to_bytes(2, "little"))
    assert "kunde inte läsas" in _refused(upload(deflate64))


def test_too_many_parts_are_refused_before_parsing(nothing_parses) -> None:
    many = _rezip(opinion_docx(), add={f"extra/part{n}.xml": b"<a/>" for n in range(1001)})
    assert "för många delar" in _refused(upload(many))


def _with_main_part(content: bytes, name: str, part: bytes) -> bytes:
    """`content` whose relationships make `name` the main document; word/document.xml stays as a decoy."""
    source = zipfile.ZipFile(io.BytesIO(content))
    rels = source.read("_rels/.rels").replace(b'Target="word/document.xml"', f'Target="{name}"'.encode())
    types = source.read("[Content_Types].xml").replace(
        b"</Types>",
        f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.'
        f'wordprocessingml.document.main+xml"/></Types>'.encode(),
    )
    return _rezip(content, replace={"_rels/.rels": rels, "[Content_Types].xml": types}, add={name: part})


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY a "hahahahahahahahahaha">'
    + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefg", "bcdefgh", strict=True))
    + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&h;</w:t></w:r></w:p></w:body></w:document>'
)


def test_a_dtd_is_refused_whatever_the_part_is_called(nothing_parses) -> None:
    good = opinion_docx()
    # The main document named word/body.dat through the relationships: a check by name skipped it.
    assert "inte tillåts" in _refused(upload(_with_main_part(good, "word/body.dat", LAUGHS.encode())))
    # The DOCTYPE in UTF-16, where no byte search for "<!DOCTYPE" finds it.
    assert "inte tillåts" in _refused(
        upload(_rezip(good, replace={"word/document.xml": LAUGHS.replace("UTF-8", "UTF-16").encode("utf-16")}))
    )
    # After leading whitespace, in a part without an extension.
    assert "inte tillåts" in _refused(
        upload(_rezip(good, add={"word/extra": b" \n\t" + LAUGHS.split("?>", 1)[1].encode()}))
    )


def test_an_xml_part_that_is_not_well_formed_is_refused(nothing_parses) -> None:
    assert "kunde inte läsas" in _refused(
        upload(_rezip(opinion_docx(), add={"word/odd.bin": b"<w:p>&undefined;</w:p>"}))
    )


def test_a_document_that_converts_too_long_is_stopped(client, officer, referral, settings) -> None:
    """A valid 2.4 MB document.xml keeps mammoth busy for seconds; the child is killed at the timeout."""
    settings.REMISS_DOCX_TIMEOUT = 0.5
    html = _refused_upload(client, officer, referral, _big_docx(2_400_000))
    assert "Word-dokumentet tog för lång tid att läsa (högst 0,5 sekunder är tillåtet)." in html


def test_a_runaway_converter_is_killed_at_the_timeout(settings, monkeypatch) -> None:
    settings.REMISS_DOCX_TIMEOUT = 1
    monkeypatch.setattr("remiss.docx_import.converter_command", lambda: [sys.executable, "-c", "while True: pass"])
    with pytest.raises(DocxError, match="tog för lång tid att läsa \\(högst 1 sekund är tillåten\\)"):
        convert_docx(io.BytesIO(opinion_docx()))


def test_a_converter_out_of_memory_gets_a_message(settings) -> None:
    settings.REMISS_DOCX_MEMORY_BYTES = 64 * 1024 * 1024
    with pytest.raises(DocxError, match="för stort eller för komplicerat"):
        convert_docx(io.BytesIO(_big_docx(1_200_000)))


def test_the_converted_text_is_capped(monkeypatch) -> None:
    monkeypatch.setattr("remiss.docx_import.MAX_TEXT_LENGTH", 100)
    with pytest.raises(DocxError, match="för lång: högst 100 tecken är tillåtna"):
        convert_docx(io.BytesIO(opinion_docx()))


def test_uploads_over_the_concurrent_limit_are_answered_at_once(client, officer, referral, settings, tmp_path) -> None:
    """With every conversion slot taken, the upload is refused at once instead of holding one more worker."""
    settings.REMISS_DOCX_SLOT_DIR = str(tmp_path)
    settings.REMISS_DOCX_MAX_CONCURRENT = 1
    with open(tmp_path / "slot-0.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another worker converting
        html = _refused_upload(client, officer, referral, opinion_docx())
        assert "Många Word-dokument läses just nu." in html
    converted = convert_docx(io.BytesIO(opinion_docx()))  # the slot is free again
    assert "Förvaltningens synpunkter" in converted.html
