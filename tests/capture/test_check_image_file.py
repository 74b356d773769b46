"""``check_image_file``: an image of a case file refused anyway is read, not prepared, and said as the import says it.

``case import`` lists every problem of a refused file at once, the images' too (docs/cli.md): each is read
enough to say whether it can be, with the words the full pipeline would use, so that the file put right is
not refused a second time for an image said only then.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.errors import ImageRejected
from app.store import sha1_b64
from capture.pipeline import check_image_file, prepare_image_file
from tests.support.dicom import retinograph
from tests.support.images import fundus_photo, jpeg_bytes, png_bytes, skin_photo

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"


def _tiff(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "TIFF")
    return out.getvalue()


def _broken_files() -> dict[str, bytes]:
    photo = skin_photo(1000, 800, seed=2)
    jpeg, png, tiff = jpeg_bytes(photo), png_bytes(photo), _tiff(photo)
    fundus = np.asarray(fundus_photo(900, seed=1))
    dicom = retinograph([fundus])
    return {
        "vide.jpg": b"",
        "texte.png": b"pas une image du tout\n",
        "coupee.jpg": jpeg[: len(jpeg) // 2],
        "coupee.png": png[: len(png) // 3],
        "coupee.tif": tiff[: len(tiff) // 2],
        "coupee.dcm": dicom[: len(dicom) - len(dicom) // 3],
        # Its last blocks cut off with its end marker (only a whole image lacking its end marker is closed).
        "sans-fin.jpg": jpeg[:-66],
    }


@pytest.mark.parametrize("name", sorted(_broken_files()))
def test_a_broken_file_is_refused_in_the_pipelines_own_words(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_broken_files()[name])
    with pytest.raises(ImageRejected) as prepared:
        prepare_image_file(path, specialty="dermatology", follow_links=False)
    with pytest.raises(ImageRejected) as checked:
        check_image_file(path, follow_links=False)
    assert checked.value.message == prepared.value.message


def test_a_whole_jpeg_lacking_only_its_end_marker_is_read_as_the_import_reads_it(tmp_path: Path) -> None:
    """A whole photo whose last two bytes (its end marker) are missing is imported (every viewer shows it
    whole): the check of a case file's images says it readable too, as the same picture as the file whole."""
    jpeg = jpeg_bytes(skin_photo(1000, 800, seed=2))
    (tmp_path / "entiere.jpg").write_bytes(jpeg)
    (tmp_path / "sans-marqueur.jpg").write_bytes(jpeg[:-2])
    prepare_image_file(tmp_path / "sans-marqueur.jpg", specialty="dermatology", follow_links=False)
    lacking = check_image_file(tmp_path / "sans-marqueur.jpg", follow_links=False)
    assert lacking & check_image_file(tmp_path / "entiere.jpg", follow_links=False)


def test_a_link_and_a_folder_are_refused_as_the_import_refuses_them(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    target.write_bytes(jpeg_bytes(skin_photo(1000, 800)))
    link = tmp_path / "lien.jpg"
    link.symlink_to(target)
    (tmp_path / "dossier.jpg").mkdir()
    for path in (link, tmp_path / "dossier.jpg", tmp_path / "absente.jpg"):
        with pytest.raises(ImageRejected) as prepared:
            prepare_image_file(path, specialty="dermatology", follow_links=False)
        with pytest.raises(ImageRejected) as checked:
            check_image_file(path, follow_links=False)
        assert checked.value.message == prepared.value.message


def test_a_readable_file_passes_and_is_known_again_as_the_stored_image(tmp_path: Path) -> None:
    """Kept as it came (an upright JPEG or PNG), its stored bytes are among its keys: the same picture
    listed twice under two names (metadata aside) is found by the check too."""
    photo = skin_photo(1200, 900, seed=4)
    files = {
        "upright.jpg": jpeg_bytes(photo),
        "upright.png": png_bytes(photo),
        "photo.tif": _tiff(photo),
        "fond.dcm": retinograph([np.asarray(fundus_photo(900, seed=2))]),
        "real.jpg": (REAL / "orientation_landscape_6.jpg").read_bytes(),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        keys = check_image_file(path, follow_links=False)
        prepared = prepare_image_file(path, specialty="dermatology", follow_links=False)
        assert sha1_b64(data) in keys, name
        if name.startswith("upright"):
            assert sha1_b64(prepared.data) in keys, name
    # The same JPEG with a comment of its own: another file, the same stored bytes.
    copies = []
    for name in ("premiere.jpg", "copie.jpg"):
        (tmp_path / name).write_bytes(jpeg_bytes(photo, comment=name.encode()))
        copies.append(check_image_file(tmp_path / name))
    assert copies[0] & copies[1]


def test_a_picture_written_again_has_one_key_however_its_pixels_lie_in_memory(tmp_path: Path) -> None:
    """A portrait photo turned upright is a view of its pixels as stored: the key of the pixels its new encoding is
    made of is read in an order of the picture's shape alone, the same for that view and for a copy of it (two
    files of one picture are found whatever way each was decoded)."""
    from dataclasses import replace

    from capture.pipeline import _encoded_from, _read

    exif = Image.Exif()
    exif[0x0112] = 6  # a phone's portrait photo, stored sideways
    out = io.BytesIO()
    skin_photo(900, 600, seed=9).save(out, "JPEG", quality=90, exif=exif.tobytes())
    decoded = _read(out.getvalue(), name="portrait.jpg").decoded
    assert decoded is not None and not decoded.rgb.flags.c_contiguous  # (a view, turned)
    copy = replace(decoded, rgb=np.ascontiguousarray(decoded.rgb))
    assert _encoded_from(decoded, "image/jpeg") == _encoded_from(copy, "image/jpeg")
    turned_back = replace(decoded, rgb=np.ascontiguousarray(decoded.rgb[::-1]))
    assert _encoded_from(turned_back, "image/jpeg") != _encoded_from(decoded, "image/jpeg")
    assert _encoded_from(decoded, "image/png") != _encoded_from(decoded, "image/jpeg")
