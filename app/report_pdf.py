"""The PDF machinery under the case report: fonts, page furniture, images kept as stored, and
appending the expert's PDF pages.

Stored JPEGs are embedded as they are (``DCTDecode``), never decoded and re-encoded: the report of
eight 12-megapixel photographs then costs little more than decrypting them, weighs about what the
images weigh, and keeps every pixel the expert saw. Page furniture (patient, case id, page x / n)
is drawn once the number of pages is known, on appended pages too.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph

log = logging.getLogger(__name__)

# Fonts that carry French (and most European) accents, as TrueType files to embed (subsetted).
# Helvetica, the fallback, is WinAnsi: é è à ç œ « » ’ € are there, arrows and × are not.
_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
)


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    embedded: bool
    #: The characters both embedded fonts can draw (empty for Helvetica).
    glyphs: frozenset[int] = frozenset()
    #: A font for what they lack (Chinese, Japanese, Korean letters) when the computer has one, and its
    #: characters.
    fallback: str = ""
    fallback_glyphs: frozenset[int] = frozenset()

    def markup(self, text: str) -> str:
        """``text`` (as :meth:`text` gave it) escaped for a reportlab paragraph, what only the fallback font
        can draw set in it."""
        if not self.fallback or not _FAR.search(text):
            return escape(text)
        return "".join(
            f'<font name="{self.fallback}">{escape(run)}</font>' if other else escape(run)
            for other, run in self._runs(text)
        )

    def width(self, text: str, font: str, size: float) -> float:
        """The width of ``text`` drawn by :meth:`draw_string` in ``font``."""
        return float(
            sum(pdfmetrics.stringWidth(run, self.fallback if other else font, size) for other, run in self._runs(text))
        )

    def draw_string(self, c: Any, x: float, y: float, text: str, font: str, size: float) -> None:
        """``text`` drawn from ``x``, what only the fallback font can draw in it."""
        for other, run in self._runs(text):
            c.setFont(self.fallback if other else font, size)
            c.drawString(x, y, run)
            x += c.stringWidth(run, self.fallback if other else font, size)
        c.setFont(font, size)

    def _runs(self, text: str) -> list[tuple[bool, str]]:
        """``text`` cut where it goes from the report's font to the fallback and back: (fallback?, run)."""
        if not self.fallback or not _FAR.search(text):
            return [(False, text)]
        kinds: list[bool] = []
        for char in text:
            other = ord(char) not in self.glyphs and ord(char) in self.fallback_glyphs
            # A space between two Chinese words stays in their run: a run per word was eight times slower.
            kinds.append(kinds[-1] if kinds and char == " " and ord(char) in self.fallback_glyphs else other)
        runs: list[tuple[bool, str]] = []
        start = 0
        for end in range(1, len(text) + 1):
            if end == len(text) or kinds[end] != kinds[start]:
                runs.append((kinds[start], text[start:end]))
                start = end
        return runs

    def text(self, value: str) -> str:
        """``value`` as this font can show it. Line breaks in any of their forms (CR LF, CR, a form feed) are
        line breaks, a tab a space, other control characters left out; a character the font cannot draw
        is said by its code (« [U+5F20] ») instead of an empty box, but for an invisible format character
        (an isolate mark), left out. With Helvetica, what WinAnsi lacks becomes close kin."""
        value = _LINE_BREAKS.sub("\n", value)
        # The narrow no-break space of French (« avis ? ») as the no-break one: reportlab breaks a paragraph at
        # U+202F as at a plain space (and prints it so), and WinAnsi (Helvetica) lacks it.
        value = value.replace("\u202f", "\u00a0")
        if self.embedded:
            if _ARABIC.search(value):
                value = _joined(value, self.glyphs)
            return _ODD.sub(lambda found: self._said(found.group()), value)
        value = _ODD.sub(lambda found: _plain(found.group()), value)
        value = value.replace("→", "->").replace("×", "x").replace("≥", ">=").replace("≤", "<=")
        return value.encode("cp1252", errors="replace").decode("cp1252")

    def _said(self, char: str) -> str:
        plain = _plain(char)
        if plain != char or ord(char) in self.glyphs or ord(char) in self.fallback_glyphs:
            return plain
        return "" if unicodedata.category(char) == "Cf" else f"[U+{ord(char):04X}]"


#: Where the fallback font may be needed: beyond the scripts the report's fonts cover.
_FAR = re.compile("[\u2e80-\U0010ffff]")
_LINE_BREAKS = re.compile("\r\n|[\r\f\v\x1c-\x1e\x85\u2028\u2029]")
#: What may need a look: anything but printable ASCII and line breaks.
_ODD = re.compile("[^\x20-\x7e\n]")


# -- right-to-left scripts --------------------------------------------------------------------------

#: Letters of the scripts written right to left (Hebrew, Arabic and their kin, their presentation forms).
_RTL = "\u0590-\u05ff\u0600-\u065f\u066a-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
#: A run read right to left: from such a letter to the last one, with the spaces, signs and numbers between.
_RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL}\\s0-9\u0660-\u0669\u06f0-\u06f9.,:;'\"()/\\-]*[{_RTL}])?")
_NUMBER = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,:/][0-9\u0660-\u0669\u06f0-\u06f9]+)*|.", re.S)
_MIRRORED = {"(": ")", ")": "("}
_ARABIC = re.compile("[\u0620-\u064a\u066e-\u06d3]")


def right_to_left(text: str) -> bool:
    """Whether ``text`` holds a letter of a script written right to left."""
    return re.search(f"[{_RTL}]", text) is not None


def visual_line(line: str) -> str:
    """One printed line in the order its characters are drawn, left to right: each run of Hebrew or Arabic,
    with the spaces and signs between its words, turned round, its numbers kept as written. (A simple
    reading of the Unicode bidirectional algorithm, for a page whose text runs left to right.)"""
    if not right_to_left(line):
        return line
    return _RTL_RUN.sub(
        lambda run: "".join(_MIRRORED.get(part, part) for part in reversed(_NUMBER.findall(run.group()))), line
    )


def _joined(text: str, glyphs: frozenset[int]) -> str:
    """Arabic letters in the forms they take joined to their neighbours (initial, medial, final), as the
    font draws them: drawn one by one, each stood apart in its isolated form."""
    chars = list(text)
    forms = [_forms(char) for char in chars]
    out = []
    for i, char in enumerate(chars):
        own = forms[i]
        if not own:
            out.append(char)
            continue
        before = next((forms[j] for j in range(i - 1, -1, -1) if not _transparent(chars[j])), {})
        after = next((forms[j] for j in range(i + 1, len(chars)) if not _transparent(chars[j])), {})
        joins_before = "INITIAL" in before and "FINAL" in own
        joins_after = "INITIAL" in own and "FINAL" in after
        form = {(True, True): "MEDIAL", (True, False): "FINAL", (False, True): "INITIAL"}.get(
            (joins_before, joins_after), "ISOLATED"
        )
        shaped = own.get(form) or own.get("ISOLATED") or char
        out.append(shaped if ord(shaped) in glyphs else char)
    return "".join(out)


def _transparent(char: str) -> bool:
    return unicodedata.category(char) == "Mn"


_FORM_CACHE: dict[str, dict[str, str]] = {}


def _forms(char: str) -> dict[str, str]:
    """The presentation forms of an Arabic letter by name (``INITIAL``...), empty for any other character."""
    if char not in _FORM_CACHE:
        found: dict[str, str] = {}
        if _ARABIC.fullmatch(char):
            base = unicodedata.name(char, "").removeprefix("ARABIC LETTER ")
            for form in ("ISOLATED", "INITIAL", "MEDIAL", "FINAL"):
                try:
                    found[form] = unicodedata.lookup(f"ARABIC LETTER {base} {form} FORM")
                except KeyError:
                    continue
        _FORM_CACHE[char] = found
    return _FORM_CACHE[char]


def _plain(char: str) -> str:
    """A tab as a space, another control character (NUL...) or half of a surrogate pair as nothing."""
    if char == "\t":
        return " "
    if unicodedata.category(char) in ("Cc", "Cs"):
        return ""
    return char


_fonts: Fonts | None = None
_fonts_lock = threading.Lock()


def fonts() -> Fonts:
    """The report fonts, registered once: DejaVu Sans (or Arial) embedded, else Helvetica."""
    global _fonts
    with _fonts_lock:
        if _fonts is None:
            _fonts = _register_fonts()
        return _fonts


def _register_fonts() -> Fonts:
    for regular, bold in _FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            try:
                pdfmetrics.registerFont(TTFont("ReportSans", regular))
                pdfmetrics.registerFont(TTFont("ReportSans-Bold", bold))
            except Exception:  # noqa: BLE001 - a damaged system font: try the next one
                log.warning("font %s could not be loaded", Path(regular).name)
                continue
            pdfmetrics.registerFontFamily(
                "ReportSans",
                normal="ReportSans",
                bold="ReportSans-Bold",
                italic="ReportSans",
                boldItalic="ReportSans-Bold",
            )
            glyphs = frozenset(pdfmetrics.getFont("ReportSans").face.charToGlyph) & frozenset(
                pdfmetrics.getFont("ReportSans-Bold").face.charToGlyph
            )
            return Fonts("ReportSans", "ReportSans-Bold", True, glyphs, *_register_fallback())
    log.warning("no TrueType font found: the report uses Helvetica")
    return Fonts("Helvetica", "Helvetica-Bold", False)


#: Fonts with the Chinese, Japanese and Korean letters, as TrueType (what reportlab embeds), by system.
_FALLBACK_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallback.ttf", 0),
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
)


def _register_fallback() -> tuple[str, frozenset[int]]:
    """The fallback font's name and characters, registered; ("", empty) when the computer has none."""
    for path, index in _FALLBACK_CANDIDATES:
        if Path(path).is_file():
            try:
                font = TTFont("ReportFallback", path, subfontIndex=index)
                pdfmetrics.registerFont(font)
            except Exception:  # noqa: BLE001 - a font reportlab cannot embed (CFF outlines): try the next one
                log.info("fallback font %s could not be loaded", Path(path).name)
                continue
            return "ReportFallback", frozenset(font.face.charToGlyph)
    return "", frozenset()


# -- long texts ----------------------------------------------------------------------------------


class LongText(Flowable):  # type: ignore[misc]
    """A user's text of any length (a pasted document, a URL, a base64 blob, a row of dashes), broken into
    lines once for the width it is given, then split across pages by whole lines.

    Found from outside: one reportlab ``Paragraph`` of such a text is broken into lines again on every page
    it runs over (its remainder is a new paragraph), so a 100 000-character summary took seconds and a
    4 MB one minutes. Broken once here, each page costs only its own lines. A word wider than the column
    is broken across lines (reportlab's ``splitLongWords``), never cut off nor run out of the page."""

    def __init__(self, text: str | None, style: Any, *, lines: list[str] | None = None, width: float = 0.0) -> None:
        super().__init__()
        self._text, self.style = text, style
        self._lines, self._width = lines, width

    def _broken(self, width: float) -> list[str]:
        if self._lines is None or abs(self._width - width) > 0.01:
            # A part split off at another width is broken again from its lines, each kept as a line.
            text = self._text if self._text is not None else "\n".join(self._lines or [])
            self._lines, self._width = broken_lines(text, self.style, width), width
        return self._lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lines = self._broken(avail_width)
        self.width, self.height = avail_width, max(1, len(lines)) * self.style.leading
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # reportlab's table splits a cell's content at the column's width, having wrapped it inside the
        # cell's padding: the lines measured there are the ones drawn (broken again wider, each page's
        # remainder was broken anew, and lines ran into the padding).
        if self._lines is not None and self._width < avail_width:
            avail_width = self._width
        lines = self._broken(avail_width)
        fit = int(avail_height // self.style.leading)
        if fit >= len(lines):
            return [self]
        if fit < 2:  # a line left alone at the foot of a page: the whole goes on to the next
            return []
        return [
            LongText(None, self.style, lines=lines[:fit], width=avail_width),
            LongText(None, self.style, lines=lines[fit:], width=avail_width),
        ]

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        lines = self._broken(self.width)
        paragraph = Paragraph("<br/>".join(fonts().markup(visual_line(line)) for line in lines), self.style)
        paragraph.wrapOn(self.canv, self.width, self.height + self.style.leading)
        paragraph.drawOn(self.canv, 0, self.height - paragraph.height)


def broken_lines(text: str, style: Any, width: float) -> list[str]:
    """``text`` broken into the lines reportlab draws in ``width`` with ``style``: its own line breaks kept,
    a word wider than ``width`` broken across lines. Each source line is broken once, in linear time."""
    lines: list[str] = []
    for source in text.split("\n"):
        if not source.strip():
            lines.append("")
            continue
        paragraph = Paragraph(fonts().markup(source), style)
        paragraph.wrap(width, 1e9)
        broken = paragraph.blPara
        if broken.kind == 0:
            lines += [" ".join(words) for _, words in broken.lines]
        else:
            lines += ["".join(getattr(frag, "text", "") for frag in line.words) for line in broken.lines]
    return lines


# -- images --------------------------------------------------------------------------------------


ORIENTATION_TAG = 0x0112  # EXIF's Orientation


class StoredJpeg(ImageReader):  # type: ignore[misc]
    """A JPEG handed to reportlab as its bytes, so that it is embedded without being decoded.

    reportlab names an image by hashing its decoded pixels; the hash of the file does as well and
    spares a 12-megapixel decode. The pixels are otherwise only read for non-JPEG images.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._file_digest = hashlib.sha256(data).digest()
        self._dataA = None

    def getRGBData(self) -> bytes:
        return self._file_digest


def image_reader(data: bytes) -> Any:
    """A reportlab image for stored bytes: JPEGs kept as they are, other formats decoded. Told by the
    bytes, never by a declared type: found in review, a PNG an expert's platform labelled
    ``image/jpeg``, embedded as a JPEG, stopped the whole printed report. A picture with an EXIF
    orientation (an expert's phone photo; ours are stored upright) is turned upright first: a PDF draws
    the pixels as stored, and the photo was printed lying on its side."""
    upright = _turned_upright(data)
    if upright is not None:
        return ImageReader(_eight_bits(upright))
    if data[:3] == b"\xff\xd8\xff":
        return StoredJpeg(data)
    deep = _deep_grey(data)
    if deep is not None:
        return ImageReader(deep)
    return ImageReader(io.BytesIO(data))


#: Pillow's modes of greys deeper than 8 bits (a 16-bit PNG or TIFF, as some fundus cameras export a
#: red-free retinograph): reportlab cuts their values to 255, and the picture printed white.
DEEP_GREY_MODES = ("I;16", "I;16B", "I;16L", "I")


def _deep_grey(data: bytes) -> Any:
    """A 16-bit grey picture scaled to 8 bits (a Pillow image), as the import judged it; ``None`` for
    any other. Reads only the file's header unless it must scale it."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.mode not in DEEP_GREY_MODES:
                return None
            picture.load()
            return _eight_bits(picture)
    except (OSError, ValueError, SyntaxError):  # not a picture Pillow reads: reportlab says what it can
        return None


def _eight_bits(picture: Any) -> Any:
    """``picture`` with 8-bit values: a deeper grey scaled (65535 is white; a 32-bit one by its
    brightest value), anything else as it is."""
    if picture.mode not in DEEP_GREY_MODES:
        return picture
    import numpy as np
    from PIL import Image

    values = np.asarray(picture, dtype=np.uint32)
    top = 65535 if picture.mode != "I" else max(int(values.max()), 1)
    return Image.fromarray((values * 255 // top).astype(np.uint8), "L")


def _turned_upright(data: bytes) -> Any:
    """The picture turned by its EXIF orientation (a Pillow image), or ``None`` when it has none to
    apply. Reads only the file's header unless it must turn it."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.getexif().get(ORIENTATION_TAG, 1) in (0, 1):
                return None
            return ImageOps.exif_transpose(picture)
    except (OSError, ValueError, SyntaxError):  # not a picture Pillow reads: reportlab says what it can
        return None


def dicom_as_jpeg(data: bytes) -> bytes | None:
    """The pixels of a DICOM image as a JPEG for the report, or ``None`` when pydicom cannot."""
    try:
        import numpy as np
        import pydicom
        from PIL import Image

        dataset = pydicom.dcmread(io.BytesIO(data))
        pixels = dataset.pixel_array
        if pixels.ndim == 3 and pixels.shape[-1] not in (3, 4):
            pixels = pixels[0]
        if pixels.dtype != np.uint8:
            span = float(pixels.max() - pixels.min()) or 1.0
            pixels = ((pixels - pixels.min()) * (255.0 / span)).astype(np.uint8)
        # pydicom 3 hands YBR colour pixels over as RGB already.
        mode = "RGB" if pixels.ndim == 3 else "L"
        out = io.BytesIO()
        Image.fromarray(pixels[..., :3] if mode == "RGB" else pixels, mode).save(out, "JPEG", quality=92)
        return out.getvalue()
    except Exception:  # noqa: BLE001 - any DICOM the decoder cannot handle falls back to the thumbnail
        log.info("a DICOM image could not be decoded for the report")
        return None


@contextmanager
def jpeg_passthrough() -> Iterator[None]:
    """reportlab wraps JPEGs in ASCII85 by default (+25 % size, slow): keep them binary meanwhile."""
    with _rl_lock:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved


_rl_lock = threading.Lock()


# -- page furniture ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """What every page carries: the patient, the case id and the page number."""

    title: str
    patient: str
    case_line: str  # "Dossier <id>"
    page_word: str  # "page {n} / {total}"
    #: Said in red under the header of every page, the expert's attached pages too: a training case, an
    #: answer not to act on as it reads (withdrawn, provisional...). A page read alone must say it.
    banner: str = ""
    #: Under the footer: in which zone the times of the document are written.
    zone_line: str = ""
    #: ``patient`` in its two parts, for a page where it does not fit on one line: the names (birth name, given
    #: names, used name) and the traits after them (birth date, sex, INS). Empty: ``patient`` is cut at its
    #: first comma.
    patient_names: str = ""
    patient_traits: str = ""
    #: How many characters end ``patient_names`` with the used name (« (nom utilisé : LEROY) »): kept whole
    #: before anything else when a name too long for any line is shortened.
    used_name_end: int = 0

    def identity_parts(self) -> tuple[str, str]:
        """The names and the traits of the patient, as two lines print them."""
        if self.patient_names:
            return self.patient_names, self.patient_traits
        names, _, traits = self.patient.partition(", ")
        return names, traits


#: The smallest size the identity is printed at on one line (points): under it, it goes on two lines.
_ONE_LINE_FLOOR = 7.0
#: The smallest size of each of its two lines: read without a magnifier on a page filed alone.
_FLOOR = 6.5


def _fitted(c: Any, text: str, font: str, size: float, room: float, fonts_: Fonts, floor: float = 5) -> float:
    """The font size at which ``text`` fits in ``room`` (points), from ``size`` down to ``floor``: the identity
    and the warnings are printed whole, never cut at the page's edge nor over the words beside them."""
    while size > floor and fonts_.width(text, font, size) > room:
        size -= 0.25
    return size


def _shortened(text: str, font: str, size: float, room: float, fonts_: Fonts, end: int = 0) -> str:
    """``text`` as it fits in ``room`` at ``size``: whole when it fits, else shortened in its middle with
    « … », its start (the family name) and its end (the used name, on the names' line) kept. Found from
    outside: a name of hundreds of letters ran past the page's edge even at the smallest size (page 1 says
    it whole). Only such a name is shortened: any real one fits on two lines (:func:`draw_furniture`). The
    last ``end`` characters (the used name) are kept whole while a few of the start can be kept beside them."""
    if fonts_.width(text, font, size) <= room:
        return text
    low, high = 0, len(text)  # characters kept: the most that fit
    while low < high:
        keep = (low + high + 1) // 2
        if fonts_.width(_cut(text, keep, end), font, size) <= room:
            low = keep
        else:
            high = keep - 1
    return _cut(text, low, end)


def _cut(text: str, keep: int, end: int = 0) -> str:
    # The end (the used name, or the traits) whole when there is room, the start (the family name) never
    # left out for it.
    tail = min(keep - min(keep // 3, 20), max(keep // 2, 60, end))
    if not keep:
        return "…"
    # The space before the end kept (found in review: « FONTAINE…(nom utilisé : … »): the used name reads as a
    # word of its own, not glued to the cut family name.
    space = " " if tail and text[len(text) - tail - 1 : len(text) - tail] == " " else ""
    return text[: keep - tail] + "…" + space + text[len(text) - tail :]


def _line(fonts_: Fonts, text: str) -> str:
    return visual_line(fonts_.text(text).replace("\n", " "))


def _draw_fitted(
    c: Any,
    fonts_: Fonts,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    room: float,
    floor: float,
    end: int = 0,
) -> None:
    """``text`` drawn from ``x`` at the size that fits ``room`` (down to ``floor``), shortened only past it,
    its last ``end`` characters kept first."""
    size = _fitted(c, text, font, size, room, fonts_, floor)
    c.setFont(font, size)
    fonts_.draw_string(c, x, y, _shortened(text, font, size, room, fonts_, end), font, size)


def draw_furniture(
    c: Any, furniture: Furniture, fonts_: Fonts, number: int, total: int, width: float, height: float
) -> None:
    """Header and footer of one page, on a reportlab canvas.

    Each carries the patient's whole identity, names, used name, birth date, sex and INS: a page separated
    from the others must still say whose it is (identity vigilance). On one line while it fits at a legible
    size; else on two, the names above and the traits below (found from outside: a long used name was cut in
    the middle of the line, « nom utilisé » lost in the footer)."""
    c.saveState()
    c.setFillColorRGB(0.15, 0.15, 0.15)
    left, inner = 15 * mm, width - 30 * mm
    title = fonts_.text(furniture.title)
    c.setFont(fonts_.regular, 8)
    c.drawRightString(width - 15 * mm, height - 11 * mm, title)
    patient = _line(fonts_, furniture.patient)
    names, traits = (_line(fonts_, part) for part in furniture.identity_parts())
    used = furniture.used_name_end if furniture.patient_names else 0
    room = inner - c.stringWidth(title, fonts_.regular, 8) - 4 * mm
    size = _fitted(c, patient, fonts_.bold, 9, room, fonts_, _ONE_LINE_FLOOR)
    if fonts_.width(patient, fonts_.bold, size) <= room or not traits:
        _draw_fitted(c, fonts_, left, height - 11 * mm, patient, fonts_.bold, 9, room, 5)
    else:  # the names over the whole width, the traits beside the title
        _draw_fitted(c, fonts_, left, height - 7.5 * mm, names, fonts_.bold, 8.5, inner, _FLOOR, used)
        _draw_fitted(c, fonts_, left, height - 11 * mm, traits, fonts_.bold, 8.5, room, _FLOOR)
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.5)
    c.line(15 * mm, height - 13 * mm, width - 15 * mm, height - 13 * mm)
    page = fonts_.text(furniture.page_word.format(n=number, total=total))
    page_room = inner - c.stringWidth(page, fonts_.regular, 8) - 4 * mm
    footer = _line(fonts_, f"{furniture.case_line} — {furniture.patient}")
    size = _fitted(c, footer, fonts_.regular, 8, page_room, fonts_, _ONE_LINE_FLOOR)
    if fonts_.width(footer, fonts_.regular, size) <= page_room or not traits:
        c.line(15 * mm, 12 * mm, width - 15 * mm, 12 * mm)
        c.setFont(fonts_.regular, 8)
        c.drawRightString(width - 15 * mm, 8 * mm, page)
        _draw_fitted(c, fonts_, left, 8 * mm, footer, fonts_.regular, 8, page_room, 5)
    else:  # the names beside the page number, the traits and the case under them (the rule raised for them)
        c.line(15 * mm, 14.5 * mm, width - 15 * mm, 14.5 * mm)
        c.setFont(fonts_.regular, 8)
        c.drawRightString(width - 15 * mm, 11.3 * mm, page)
        _draw_fitted(c, fonts_, left, 11.3 * mm, names, fonts_.regular, 8, page_room, _FLOOR, used)
        rest = _line(fonts_, f"{traits} — {furniture.case_line}")
        _draw_fitted(c, fonts_, left, 8 * mm, rest, fonts_.regular, 8, inner, _FLOOR)
    if furniture.zone_line:
        c.setFont(fonts_.regular, 7)
        c.drawString(15 * mm, 4.5 * mm, fonts_.text(furniture.zone_line))
    if furniture.banner:
        text = fonts_.text(furniture.banner)
        c.setFillColorRGB(0.75, 0.0, 0.0)
        c.setFont(fonts_.bold, _fitted(c, text, fonts_.bold, 8.5, inner, fonts_))
        c.drawCentredString(width / 2, height - 16.5 * mm, text)
    c.restoreState()


def numbered_canvas(furniture: Furniture, fonts_: Fonts, extra_pages: int) -> type[Any]:
    """A canvas class that holds its pages until the end, then numbers them out of the total
    (its own pages plus ``extra_pages`` appended afterwards)."""

    class NumberedCanvas(rl_canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held) + extra_pages
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                width, height = self._pagesize
                draw_furniture(self, furniture, fonts_, number, total, width, height)
                super().showPage()
            super().save()

    return NumberedCanvas


# -- the expert's PDF ----------------------------------------------------------------------------


def pdf_page_count(data: bytes) -> int | None:
    """Pages of a PDF, or ``None`` when it cannot be read (or pypdf is not installed)."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages)
    except ImportError:
        return None
    except Exception:  # noqa: BLE001 - a damaged PDF from the platform is referenced, not appended
        log.warning("an answer PDF could not be read")
        return None


def append_pdfs(
    report: bytes, appended: list[bytes], furniture: Furniture, fonts_: Fonts, first_number: int, total: int
) -> bytes:
    """``report`` followed by the pages of ``appended``, each stamped with the page furniture."""
    from pypdf import PdfReader, PdfWriter

    # An incremental update: the report's bytes (its embedded photographs) are kept as written and
    # only the new pages follow them, instead of pypdf copying every image stream once more.
    writer = PdfWriter(io.BytesIO(report), incremental=True)
    number = first_number
    for data in appended:
        for page in PdfReader(io.BytesIO(data)).pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            overlay = io.BytesIO()
            stamp = rl_canvas.Canvas(overlay, pagesize=(width, height))
            draw_furniture(stamp, furniture, fonts_, number, total, width, height)
            stamp.showPage()
            stamp.save()
            added = writer.add_page(page)
            added.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
            number += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
