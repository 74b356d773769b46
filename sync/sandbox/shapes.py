"""Shapes of answers and searches other platforms use, which the sandbox can be told to produce.

The contract (docs/platform-api.md §5) leaves room: a platform may point to the expert's PDF with a
relative or an absolute URL, carry it inline (``Attachment.data``), join pictures, write a
conclusion with no PDF, amend a report after the first answer, refuse or cancel a request itself;
and it may page its search results its own way. The default shapes are the sandbox's own; tests
set others per sandbox (``expert.shape``, ``platform.search_shape``) or per case
(``expert.shapes[case_id]``) to see that the client follows every one.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

#: What the expert does with a case it has read.
OUTCOMES = ("answer", "reject", "cancel")
#: Where an attachment's bytes are: ``relative`` (``Binary/<id>``), ``absolute`` (on the platform's
#: own base), ``foreign`` (on another host, ``AnswerShape.foreign_base``), ``inline`` (``data``), ``none``.
WHERE = ("relative", "absolute", "foreign", "inline", "none")
#: Kinds of attachments, with their content type.
KINDS = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class AnswerShape:
    """How the simulated expert answers a case (the default is the sandbox's usual answer)."""

    outcome: str = "answer"
    #: The report's attachments, each (kind, where); empty for a conclusion without a PDF.
    files: tuple[tuple[str, str], ...] = (("pdf", "relative"),)
    foreign_base: str = "http://files.other-host.example/share"
    #: Amend the report once, some time after the answer (``SimulatedExpert.amend`` does it at once).
    amend: bool = False
    #: Whether amending the report also updates the Task (some platforms do, others do not).
    amend_touches_task: bool = False
    reason: str = "Demande hors du champ de la télé-expertise : adresser le patient en consultation."

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r}: one of {', '.join(OUTCOMES)}")
        for kind, where in self.files:
            if kind not in KINDS or where not in WHERE:
                raise ValueError(f"attachment ({kind!r}, {where!r}): kinds {list(KINDS)}, places {list(WHERE)}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerShape:
        """From a fixture's JSON (``files`` as a list of [kind, where] pairs)."""
        values = dict(data)
        if "files" in values:
            values["files"] = tuple((str(kind), str(where)) for kind, where in values["files"])
        return cls(**values)


@dataclass(frozen=True)
class SearchShape:
    """How searches answer: page size, where ``next`` links point, ``total``, ``_lastUpdated``."""

    #: The server's largest page, whatever ``_count`` asks (None: ``_count`` alone decides).
    page_size: int | None = None
    #: ``absolute`` (``[base]/Task?…&_offset=n``), ``relative`` (``Task?…``), ``getpages``
    #: (``[base]?_getpages=<id>&_getpagesoffset=n``, as HAPI FHIR writes them), ``foreign``
    #: (on ``foreign_base``: a broken or hostile server).
    next_link: str = "absolute"
    foreign_base: str = "http://pages.other-host.example/fhir"
    total: bool = True
    last_updated: bool = True
    #: Search parameters refused with a 400 (a strict server without `_lastUpdated` or `_count`).
    refuse: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.next_link not in ("absolute", "relative", "getpages", "foreign"):
            raise ValueError(f"next_link {self.next_link!r}")
        if self.page_size is not None and self.page_size < 1:
            raise ValueError("page_size must be at least 1")


@dataclass
class AttachmentBytes:
    """What the expert attaches: its bytes and content type (the store gives it an id)."""

    kind: str
    data: bytes
    title: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return KINDS[self.kind]

    @property
    def sha1_b64(self) -> str:
        return base64.b64encode(hashlib.sha1(self.data, usedforsecurity=False).digest()).decode("ascii")


def picture(kind: str, seed: str) -> bytes:
    """A small annotated picture (an expert's marked-up photo), as JPEG or PNG bytes."""
    from PIL import Image, ImageDraw

    shade = int(hashlib.sha256(seed.encode()).hexdigest()[:2], 16)
    image = Image.new("RGB", (320, 240), (200, 170 - shade // 4, 150))
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 70, 210, 170), outline=(220, 20, 20), width=4)
    draw.line((215, 120, 290, 60), fill=(220, 20, 20), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG" if kind == "jpeg" else "PNG")
    return out.getvalue()


def presented_form(
    item: AttachmentBytes, where: str, binary_id: str | None, base_url: str, foreign_base: str, issued: str
) -> dict[str, Any]:
    """The ``presentedForm`` entry for an attachment placed ``where`` (see ``WHERE``)."""
    form: dict[str, Any] = {"contentType": item.content_type, "language": "fr", "title": item.title, "creation": issued}
    if where == "none":
        return form
    if where == "inline":
        form["data"] = base64.b64encode(item.data).decode("ascii")
    elif where == "relative":
        form["url"] = f"Binary/{binary_id}"
    elif where == "absolute":
        form["url"] = f"{base_url.rstrip('/')}/Binary/{binary_id}"
    else:
        form["url"] = f"{foreign_base.rstrip('/')}/Binary/{binary_id}"
    form["size"] = len(item.data)
    form["hash"] = item.sha1_b64
    return form


def asks_question(case_id: str, rate: float) -> bool:
    """Whether the expert asks a question on this case: a fixed draw per case id (``rate`` of cases)."""
    if rate <= 0:
        return False
    draw = int(hashlib.sha256(f"question:{case_id}".encode()).hexdigest()[:8], 16) / 0x1_0000_0000
    return draw < rate
