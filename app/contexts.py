"""Where each sealed value belongs: the associated data (AES-GCM "context") of every sealed item.

A sealed value opens only with the context it was sealed under, so the context names everything the
value must stay attached to. An item copied, moved to another case or swapped with another one then
no longer opens, and the store reports the data as altered (``DataAltered``) instead of showing it.
Contexts of schema version 4 and later; migration 4 re-sealed older values (``legacy_*``).

What a data-key rotation must carry over, each under the same context with the new key:

- ``cases.content``, ``cases.answer``, ``cases.images_seal``, the platform's words
  (``cases.business_status`` / ``status_reason`` / ``last_error`` when sealed, ``outbox.last_error``);
- ``images.meta``, ``messages.body``, every blob file under ``objects/`` (``blob``);
- sealed ``settings`` values, and every settings row's tag (``settings.row_tag``);
- every image row's tag (``images.binary_tag``, :func:`image_binary`), every message's state tag
  (``messages.state_tag``) and every case's read mark (``cases.read_tag``, over its sealed answer);
- what is keyed rather than sealed: ``search_tokens`` and ``acts.patient`` (``DataKey.index_token``), the audit chain's
  hashes (``DataKey.mac``; the table refuses UPDATE) and the ``audit-head`` file beside key.json
  (``audit.write_head``), and the ``archive_key`` of backups still to be restored (they carry their
  own key record, so they open with the key they were made with).
"""

from __future__ import annotations


def case_content(case_id: str) -> bytes:
    return f"case:{case_id}:content".encode()


def case_answer(case_id: str) -> bytes:
    return f"case:{case_id}:answer".encode()


def platform_words(case_id: str, column: str) -> bytes:
    """The platform's free text kept on a case (``business_status``, ``status_reason``, ``last_error``)."""
    return f"case:{case_id}:{column}".encode()


def outbox_error(case_id: str) -> bytes:
    """The last error of a case's outbox row (the platform's words when it refused)."""
    return f"outbox:{case_id}:last_error".encode()


def case_images(case_id: str) -> bytes:
    """A case's list of its images (ids and hashes): an image moved away, or in, shows."""
    return f"case:{case_id}:images".encode()


def image_meta(case_id: str, image_id: str, blob: str, thumb_blob: str | None, sha1: str, size: int) -> bytes:
    """An image's labels, bound to its case, its id, its blobs and its content's hash: a row moved to
    another case, or two images' blobs swapped, no longer open."""
    return f"image:{case_id}:{image_id}:{blob}:{thumb_blob or ''}:{sha1}:{size}:meta".encode()


def image_binary(
    case_id: str,
    image_id: str,
    blob: str,
    thumb_blob: str | None,
    sha1: str,
    size: int,
    binary_id: str | None,
    upload_url: str | None,
    copy_sent: str | None,
) -> bytes:
    """What an image row's keyed tag (``images.binary_tag``, purpose :data:`BINARY_TAG`) covers: its
    case, id, blobs, hash and size, and its copy on the platform (Binary id, resumable upload's address,
    the copy sent), which change while it is sent and are kept in clear. One taken from another image
    (another patient's photo named in this case's Media) no longer matches."""
    import json

    fields = [case_id, image_id, blob, thumb_blob, sha1, size, binary_id, upload_url, copy_sent]
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def copy_hash(case_id: str, image_id: str) -> bytes:
    """The hash of the copy sent in place of an image (reduced, a DICOM restamped), sealed inside
    ``images.copy_sent``: the bytes the expert received, which whoever holds them would find by it."""
    return f"image:{case_id}:{image_id}:copy-sent:sha1".encode()


def copy_facts(case_id: str, image_id: str) -> bytes:
    """The facts of the copy sent in place of an image (its hash, byte size, width and height: schema 25),
    sealed inside ``images.copy_sent``."""
    return f"image:{case_id}:{image_id}:copy-sent:facts".encode()


#: The purpose of the keyed tag of an image row (``DataKey.tag``).
BINARY_TAG = "image-binary"


def message_state(case_id: str, message_id: str, direction: str, state: str, platform_id: str | None) -> bytes:
    """What a message's keyed tag (``messages.state_tag``, purpose :data:`MESSAGE_STATE_TAG`) covers: its
    state in clear (a reply queued, sent or refused; an expert's question received or withdrawn) and its
    platform id, bound to the message and its case. A state rewritten without the key no longer matches."""
    return f"message:{case_id}:{message_id}:{direction}:{state}:{platform_id or ''}".encode()


#: The purpose of the keyed tag of a message's state (``DataKey.tag``).
MESSAGE_STATE_TAG = "message-state"


def read_mark(case_id: str, answer: bytes | None, questions: str | None) -> bytes:
    """What a case's read mark (``cases.read_tag``, purpose :data:`READ_TAG`) covers: the news it was
    read with, its sealed answer as stored and its expert's messages (``id:state``, by id). The unread
    mark cleared without the key, or news come since, no longer match: the case is shown unread."""
    import hashlib

    digest = hashlib.sha256(answer or b"").hexdigest()
    return f"read:{case_id}:{digest}:{questions or ''}".encode()


#: The purpose of the keyed tag of a case's read mark (``DataKey.tag``).
READ_TAG = "read-mark"


def message_body(case_id: str, message_id: str) -> bytes:
    return f"message:{case_id}:{message_id}:body".encode()


def blob(blob_id: str) -> bytes:
    return b"blob:" + blob_id.encode()


def setting(key: str) -> bytes:
    return b"setting:" + key.encode()


def legacy_image_meta(image_id: str) -> bytes:
    """Schema ≤ 3: an image's labels were bound to the image id only."""
    return f"image:{image_id}:meta".encode()


def legacy_message_body(message_id: str) -> bytes:
    """Schema ≤ 3: a message was bound to its id only."""
    return f"message:{message_id}:body".encode()
