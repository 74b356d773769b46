"""Resumable image uploads: the tus 1.0 protocol (core, creation and termination extensions).

The platform advertises the endpoint in its CapabilityStatement (`rest[0].extension`,
`urn:teleavis:resumable-upload`). A client creates an upload with `POST <endpoint>`
(`Upload-Length`, `Upload-Metadata` with base64 `contentType` and `imageId`), sends its bytes with
`PATCH <upload>` at the server's `Upload-Offset`, asks `HEAD <upload>` for that offset after a
cut, and may `DELETE` it. A repeated creation with the same `imageId` (and length and type)
returns the same upload, so a client that lost the `Location` does not start over.

What a PATCH carried is kept even when its connection breaks midway (the protocol asks servers
to store partial bodies): on a link cut every few seconds, every byte that arrived counts. When
the last byte arrives the bytes become a Binary exactly as a `POST Binary` would make one; the
final PATCH answers 204 with `Content-Location: Binary/<id>`, and so does a later HEAD (a client
whose last answer was lost learns the Binary without sending anything again).

Unfinished uploads live in memory only: nothing of a patient's photo is written unsealed, and a
restarted sandbox answers 404 for them (the client then creates the upload again).
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.sandbox.errors import FhirError

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination"
OFFSET_TYPE = "application/offset+octet-stream"
#: How long a HEAD or PATCH waits for another PATCH of the same upload to end.
LOCK_WAIT_S = 30.0


@dataclass
class Upload:
    id: str
    length: int
    content_type: str
    image_id: str
    data: bytearray = field(default_factory=bytearray)
    binary_id: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_metadata(header: str) -> dict[str, str]:
    """`key base64value,key2 base64value2` (a key may come without a value); 400 when malformed."""
    found: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = pair.partition(" ")
        if not key or " " in value.strip():
            raise FhirError.one(400, f"Upload-Metadata mal formé : « {pair[:80]} »", code="structure")
        try:
            found[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8") if value.strip() else ""
        except (binascii.Error, UnicodeDecodeError):
            raise FhirError.one(400, f"Upload-Metadata : valeur de « {key} » non base64", code="structure") from None
    return found


class TusUploads:
    """The uploads in progress and their endpoint's answers (status, headers) for the platform."""

    def __init__(self, max_bytes: int, accepted: Callable[[str], bool], finish: Callable[[str, bytes], str]) -> None:
        #: Larger uploads are refused at creation (413), as `POST Binary` refuses them.
        self.max_bytes = max_bytes
        self._accepted = accepted
        #: Checks the finished bytes and stores them as a Binary; its id (raises FhirError).
        self._finish = finish
        self._uploads: dict[str, Upload] = {}
        self._by_image: dict[str, str] = {}
        self._lock = threading.Lock()
        #: PATCH requests served (tests: resumed uploads really resumed).
        self.patches = 0

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Tus-Resumable": TUS_VERSION, **extra}

    def check_version(self, given: str | None) -> None:
        if given != TUS_VERSION:
            raise FhirError.one(
                412,
                f"Tus-Resumable « {given or ''} » non pris en charge ; version : {TUS_VERSION}",
                code="not-supported",
                headers={"Tus-Version": TUS_VERSION},
            )

    def options(self) -> dict[str, str]:
        return self.headers(
            **{"Tus-Version": TUS_VERSION, "Tus-Extension": EXTENSIONS, "Tus-Max-Size": str(self.max_bytes)}
        )

    def create(self, length_header: str | None, metadata_header: str | None) -> tuple[Upload, bool]:
        """A new upload (or the one already made for this image); whether it is new."""
        if length_header is None or not length_header.strip().isdigit():
            raise FhirError.one(400, "Upload-Length exigé (entier positif)", code="required")
        length = int(length_header)
        if length == 0:
            raise FhirError.one(400, "Binary vide", code="required")
        if length > self.max_bytes:
            raise FhirError.one(
                413,
                f"Binary de {length} octets : la limite est {self.max_bytes} octets",
                code="too-long",
                headers=self.headers(),
            )
        metadata = parse_metadata(metadata_header or "")
        content_type = metadata.get("contentType", "").split(";")[0].strip().lower()
        if not self._accepted(content_type):
            raise FhirError.one(415, f"contentType « {content_type} » refusé", code="not-supported")
        image_id = metadata.get("imageId", "")
        with self._lock:
            known = self._uploads.get(self._by_image.get(image_id, "")) if image_id else None
            if known is not None and known.length == length and known.content_type == content_type:
                return known, False
            upload = Upload(uuid.uuid4().hex, length, content_type, image_id)
            self._uploads[upload.id] = upload
            if image_id:
                self._by_image[image_id] = upload.id
        return upload, True

    def get(self, upload_id: str) -> Upload:
        with self._lock:
            upload = self._uploads.get(upload_id)
        if upload is None:
            raise FhirError.one(
                404,
                f"Téléversement {upload_id} inconnu (expiré ou supprimé) : le recréer",
                code="not-found",
                headers=self.headers(),
            )
        return upload

    def _locked(self, upload: Upload) -> None:
        if not upload.lock.acquire(timeout=LOCK_WAIT_S):
            raise FhirError.one(
                423, "Téléversement occupé par une autre requête", code="lock-error", headers=self.headers()
            )

    def head(self, upload_id: str) -> dict[str, str]:
        upload = self.get(upload_id)
        self._locked(upload)  # a PATCH still reading the end of a cut connection finishes first
        try:
            return self._state(upload)
        finally:
            upload.lock.release()

    def _state(self, upload: Upload) -> dict[str, str]:
        state = self.headers(
            **{
                "Upload-Offset": str(len(upload.data) if upload.binary_id is None else upload.length),
                "Upload-Length": str(upload.length),
                "Cache-Control": "no-store",
            }
        )
        if upload.binary_id is not None:
            state["Content-Location"] = f"Binary/{upload.binary_id}"
        return state

    def patch(
        self, upload_id: str, content_type: str, offset_header: str | None, read: Callable[[int], bytes], declared: int
    ) -> dict[str, str]:
        """Append what the body carries (as much as arrives); the answer's headers.

        `read(n)` returns at most n bytes of the body, b"" when the connection ended."""
        if content_type.split(";")[0].strip().lower() != OFFSET_TYPE:
            raise FhirError.one(
                415, f"PATCH exige Content-Type: {OFFSET_TYPE}", code="not-supported", headers=self.headers()
            )
        if offset_header is None or not offset_header.strip().isdigit():
            raise FhirError.one(400, "Upload-Offset exigé", code="required", headers=self.headers())
        upload = self.get(upload_id)
        self._locked(upload)
        try:
            self.patches += 1
            offset = int(offset_header)
            current = len(upload.data) if upload.binary_id is None else upload.length
            if offset != current:
                raise FhirError.one(
                    409,
                    f"Upload-Offset {offset} ≠ {current} : demander HEAD",
                    code="conflict",
                    headers=self.headers(**{"Upload-Offset": str(current)}),
                )
            if offset + declared > upload.length:
                raise FhirError.one(400, "Le morceau dépasse Upload-Length", code="too-long", headers=self.headers())
            remaining = declared
            while remaining > 0 and upload.binary_id is None:
                piece = read(min(remaining, 65536))
                if not piece:
                    break  # the connection broke: what arrived is kept
                upload.data += piece
                remaining -= len(piece)
            if upload.binary_id is None and len(upload.data) == upload.length:
                try:
                    upload.binary_id = self._finish(upload.content_type, bytes(upload.data))
                except FhirError:
                    self._forget(upload)
                    raise
                upload.data = bytearray()  # the bytes live in the Binary now
            return self._state(upload)
        finally:
            upload.lock.release()

    def delete(self, upload_id: str) -> dict[str, str]:
        upload = self.get(upload_id)
        self._locked(upload)
        try:
            self._forget(upload)
        finally:
            upload.lock.release()
        return self.headers()

    def _forget(self, upload: Upload) -> None:
        with self._lock:
            self._uploads.pop(upload.id, None)
            if self._by_image.get(upload.image_id) == upload.id:
                del self._by_image[upload.image_id]
