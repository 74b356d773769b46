"""The case report (app/report.py): what a requester files in the patient's record."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from app.audit import verify
from app.model import CaseImage
from app.report import build_report, export_report
from app.report_pdf import Fonts
from app.store import NewImage, Store
from tests.record.record_cases import ARTIFACTS, answer, jpeg, keep_artifact, make_case
from tests.support.cli import run_inprocess

QUESTIONS = {
    "dermatology": "Lésion pigmentée évolutive du dos : avis sur exérèse ?",
    "ophthalmology": "Rétinopathie diabétique ? Œdème maculaire à éliminer avant l'été.",
    "wound-care": "Ulcère veineux qui ne cicatrise pas : faut-il changer de pansement ?",
    "other": "Polyarthrite débutante ? Avis sur l'orientation « en urgence » ou non.",
}


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, read by pypdf (poppler is not needed to check a report)."""
    return [page.extract_text() for page in PdfReader(pdf).pages]


def embedded_images(pdf: Path) -> list[dict[str, str]]:
    """One row per image drawn on a page: its page, width, height and encoding (as ``pdfimages -list``
    names them), read from the PDF's objects without decoding anything."""
    rows = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            image = ref.get_object()
            if image.get("/Subtype") != "/Image":
                continue
            filters = image.get("/Filter")
            filters = list(filters) if isinstance(filters, list) else [filters]
            rows.append(
                {
                    "page": str(number),
                    "width": str(image["/Width"]),
                    "height": str(image["/Height"]),
                    "enc": "jpeg" if "/DCTDecode" in filters else str(filters),
                }
            )
    return rows


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology", "wound-care", "other"])
def test_report_of_each_specialty_has_every_page_labelled_and_every_image(
    store: Store, specialty: str, tmp_path: Path
) -> None:
    case_id = make_case(store, specialty, images=8, size=(1200, 900), question=QUESTIONS[specialty])
    conclusion = f"Conclusion {specialty} : œdème discret, contrôle à 3 mois ; pas d'urgence."
    answer(store, case_id, conclusion=conclusion, pdf_pages=2)
    pdf = tmp_path / f"rapport-{specialty}.pdf"

    report = export_report(store, case_id, pdf)

    pages = page_texts(pdf)
    assert len(pages) == report.pages == len(PdfReader(pdf).pages)
    assert report.answer_pages_appended == 2
    whole = flat(" ".join(pages))
    assert QUESTIONS[specialty] in whole
    assert conclusion in whole
    for number, text in enumerate(pages, start=1):
        # The patient, the case id and the page number on every page, the expert's pages included.
        assert "LEFÈVRE Hélène Françoise" in text, f"page {number}"
        assert case_id in text, f"page {number}"
        assert f"page {number} / {len(pages)}" in text
    assert "Compte rendu de l'expert, page 2" in pages[-1]
    for word in (
        "Consentement",
        "Inf. Müller-Gaëlle",
        "Metformine 1000 mg",
        "bord irrégulier n°8",
        "Unité sanitaire de la maison d'arrêt de Fresnes",
        "Historique de l'envoi",
        "Image un peu floue",
        "revoir le patient sous 90 jours, avant le",
    ):
        assert word in whole, word

    images = embedded_images(pdf)
    assert len(images) == 8
    # Kept as the stored JPEGs, full size: nothing decoded, shrunk or re-encoded.
    assert {row["enc"] for row in images} == {"jpeg"}
    assert {(row["width"], row["height"]) for row in images} == {("1200", "900")}
    assert len({row["page"] for row in images}) == 8

    keep_artifact(pdf, pdf.name)
    if shutil.which("pdftoppm"):  # pages to look at, where poppler is installed (dev.py installs it)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        prefix = ARTIFACTS / f"report-{specialty}"
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True)
        assert len(sorted(ARTIFACTS.glob(f"report-{specialty}-*.png"))) == report.pages


def test_report_speaks_english_when_asked(store: Store, tmp_path: Path) -> None:
    case_id = make_case(store, "ophthalmology", images=2)
    pdf = tmp_path / "report-en.pdf"
    export_report(store, case_id, pdf, lang="en")
    text = flat(" ".join(page_texts(pdf)))
    assert "Tele-expertise request" in text
    assert "right eye (OD)" in text and "left eye (OS)" in text
    assert "No answer yet." in text
    assert "page 1 of" in text


def test_the_reason_for_a_single_eye_is_in_the_report(store: Store, tmp_path: Path) -> None:
    case = store.get_case(make_case(store, "ophthalmology", images=1))
    case.single_eye_reason = "Énucléation de l'œil gauche en 2019"
    store.update_case(case)
    pdf = tmp_path / "one-eye.pdf"
    export_report(store, case.id, pdf)
    text = flat(" ".join(page_texts(pdf)))
    assert "Un seul œil photographié, parce que Énucléation de l'œil gauche en 2019" in text


def test_the_report_shows_the_identity_traits_and_status_and_the_ins_only_when_qualified(
    store: Store, tmp_path: Path
) -> None:
    """Identity vigilance: a document shows the strict traits (birth place among them) and the
    identity's status; an INS identifies it only for a qualified identity (the same rule as sending)."""
    case = store.get_case(make_case(store, "dermatology", images=1))
    texts = {}
    for status in ("provisional", "qualified"):
        case.patient.identity_status = status
        case.patient.birth_place = "2A004"
        case.patient.identity_document = "CN" if status == "qualified" else ""
        case.patient.identity_checked_on = "2026-11-20" if status == "qualified" else ""
        store.update_case(case)
        export_report(store, case.id, tmp_path / f"{status}.pdf")
        texts[status] = flat(" ".join(page_texts(tmp_path / f"{status}.pdf")))
    for status, words in (("provisional", "provisoire"), ("qualified", "qualifiée")):
        assert "Lieu de naissance 2A004 (code INSEE de la commune)" in texts[status]
        assert f"Statut de l'identité {words}" in texts[status]
    assert "INS 2 50 02 85 123 456 44" in texts["qualified"]
    assert "INS 2 50 02 85 123 456 44" not in texts["provisional"]


@pytest.mark.parametrize(
    ("lang", "line", "rows"),
    [
        ("fr", "DUPONT Hélène (nom utilisé : LEROY)", "Nom de naissance, prénoms DUPONT Hélène Nom utilisé LEROY"),
        ("en", "DUPONT Hélène (used name: LEROY)", "Birth name, given names DUPONT Hélène Used name LEROY"),
    ],
)
def test_the_report_shows_the_used_name_after_the_birth_name_said_as_such(
    store: Store, tmp_path: Path, lang: str, line: str, rows: str
) -> None:
    """The birth name stays the strict trait it is, the used name (a spouse's) is beside it, named."""
    case = store.get_case(make_case(store, "dermatology", images=1))
    case.patient.family, case.patient.given, case.patient.used_name = "Dupont", ["Hélène"], "Leroy"
    store.update_case(case)
    export_report(store, case.id, tmp_path / "used.pdf", lang=lang)
    pages = page_texts(tmp_path / "used.pdf")
    assert all(line in flat(text) for text in pages), "on every page, the name as a person reads it"
    assert rows in flat(" ".join(pages))


def test_a_missing_image_is_said_in_the_report_instead_of_failing(store: Store, tmp_path: Path) -> None:
    case_id = make_case(store, images=3)
    lost = store.get_case(case_id).images[1]
    (store.objects.root / lost.blob[:2] / lost.blob).unlink()
    pdf = tmp_path / "missing.pdf"

    report = export_report(store, case_id, pdf)

    assert report.missing_images == [2]
    assert len(embedded_images(pdf)) == 2
    text = flat(" ".join(page_texts(pdf)))
    assert "Image 2 / 3" in text
    assert "Image introuvable ou endommagée sur le disque" in text


def test_a_portrait_photo_keeps_its_quality_findings_on_its_own_page(store: Store, tmp_path: Path) -> None:
    """Found from outside with a phone's portrait photo (3456×4608) and three findings: the picture took
    the page and « Contrôle qualité » went alone onto the next one, where nothing said which image its
    « À vérifier » were about."""
    from app.model import QualityFinding

    said = [
        "Ceci ne ressemble pas à une rétinographie (pas de fond noir autour de la rétine) : vérifiez que "
        "c'est le bon fichier et le bon patient.",
        "Couleurs du fond d'œil inhabituelles (dominante bleue) : vérifiez les réglages couleur du "
        "rétinographe (balance des blancs, filtre) et l'intensité du flash, puis reprenez le cliché.",
        "Vaisseaux peu contrastés ou bords assombris : cliché peut-être ininterprétable. Reprenez-le ; si "
        "cela se répète, envisagez une dilatation.",
    ]
    case_id = make_case(store, "ophthalmology", images=0)
    findings = [QualityFinding("gradability", "warning", text) for text in said]
    record = CaseImage(width=900, height=1200, eye="right", view="macula", note="œil droit, 2e essai", quality=findings)
    store.add_images(case_id, [NewImage(record, jpeg(900, 1200), thumbnail=jpeg(120, 160))])
    pdf = tmp_path / "portrait.pdf"

    export_report(store, case_id, pdf)

    pages = [flat(text) for text in page_texts(pdf)]
    shown = [text for text in pages if "Image 1 / 1" in text]
    assert len(shown) == 1
    assert len(embedded_images(pdf)) == 1
    for text in (flat(said[0]), flat(said[2]), "Contrôle qualité", "œil droit, 2e essai"):
        holding = [n for n, page in enumerate(pages, start=1) if text in page]
        assert holding and all("Image 1 / 1" in pages[n - 1] for n in holding), (text, holding)


def test_png_and_dicom_images_are_shown(store: Store) -> None:
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    rgb = np.zeros((300, 400, 3), np.uint8)
    rgb[..., 0] = np.linspace(0, 255, 400, dtype=np.uint8)
    png = io.BytesIO()
    Image.fromarray(rgb).save(png, "PNG")
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.5.1"
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = 300, 400, 3, "RGB"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation, ds.PlanarConfiguration = 8, 8, 7, 0, 0
    ds.PixelData = rgb.tobytes()
    dicom = io.BytesIO()
    ds.save_as(dicom, enforce_file_format=True)
    case_id = make_case(store, "ophthalmology", images=1)
    store.add_images(
        case_id,
        [
            NewImage(CaseImage(content_type="image/png", width=400, height=300, eye="right"), png.getvalue()),
            NewImage(
                CaseImage(content_type="application/dicom", width=400, height=300, eye="left"),
                dicom.getvalue(),
                thumbnail=jpeg(80, 60),
            ),
        ],
    )

    report = build_report(store, case_id)

    assert report.missing_images == []
    reader = PdfReader(io.BytesIO(report.pdf))
    sizes = sorted((img.image.size for page in reader.pages for img in page.images), key=str)
    assert sizes == sorted([(640, 480), (400, 300), (400, 300)], key=str)


def test_export_is_audited_and_leaves_no_partial_file(store: Store, tmp_path: Path) -> None:
    case_id = make_case(store, images=1)
    out = tmp_path / "out"
    out.mkdir()
    export_report(store, case_id, out / "r.pdf")
    rows = store.conn.execute("SELECT action, case_id, detail FROM audit WHERE action='exported'").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("exported", case_id)]
    assert "LEFÈVRE" not in rows[0][2]
    assert verify(store.conn, store.key).ok
    assert sorted(p.name for p in out.iterdir()) == ["r.pdf"]


def test_cli_exports_a_case_and_refuses_an_unknown_id(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.close()
    target = tmp_path / "dossier.pdf"

    done = run_inprocess(capsys, "case", "export", case_id[:8], "--pdf", str(target))
    assert done.code == 0, done.err
    assert "Rapport du dossier" in done.err
    assert target.read_bytes().startswith(b"%PDF")

    unknown = run_inprocess(capsys, "case", "export", "0000dead", "--pdf", str(tmp_path / "x.pdf"))
    assert unknown.code == 1
    assert "Aucun dossier ne porte l'identifiant « 0000dead »" in unknown.err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_export_into_a_missing_folder_says_so(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = make_case(store, images=1)
    store.close()
    result = run_inprocess(capsys, "case", "export", case_id, "--pdf", str(tmp_path / "nowhere" / "r.pdf"))
    assert result.code == 1
    assert "Impossible d'écrire le rapport" in result.err


def test_helvetica_fallback_keeps_french_and_replaces_what_it_lacks() -> None:
    fallback = Fonts("Helvetica", "Helvetica-Bold", embedded=False)
    assert fallback.text("Œdème « cœur » à l’été, 3 € → 4 × 2") == "Œdème « cœur » à l’été, 3 € -> 4 x 2"


def test_an_unreadable_answer_pdf_is_referenced_not_appended(store: Store, tmp_path: Path) -> None:
    case_id = make_case(store, images=1)
    result = answer(store, case_id, pdf_pages=0)
    result.pdf_blobs = [store.objects.put(b"%PDF-1.7 truncated in transit")]
    with store.conn:
        store.set_answer(store.conn, case_id, result)
    pdf = tmp_path / "r.pdf"

    report = export_report(store, case_id, pdf)

    assert (report.answer_pages_appended, report.answer_pdfs_referenced) == (0, 1)
    text = flat(" ".join(page_texts(pdf)))
    assert "1 document PDF conservé dans Teleavis, non joint ici" in text
    assert f"page {report.pages} / {report.pages}" in text


def test_the_report_names_the_adeli_and_the_siret_of_a_site_without_rpps_or_finess(
    store: Store, tmp_path: Path
) -> None:
    """A nurse under ADELI in a health centre known by its SIRET: the report said « RPPS » and « FINESS »
    with nothing after them, the numbers the request went with missing from the printed record."""
    from dataclasses import asdict, replace

    from app.site import load_requester

    requester = load_requester(store.settings)
    assert requester is not None
    nurse = replace(requester, rpps="", adeli="879101558", finess="", siret="77220148900022")
    store.settings.set("site.requester", asdict(nurse))
    pdf = tmp_path / "report.pdf"
    export_report(store, make_case(store, "dermatology", images=1), pdf, lang="fr")
    text = flat(" ".join(page_texts(pdf)))
    assert "ADELI 879101558" in text and "SIRET 77220148900022" in text, text[:800]
