"""An image ready to be stored: its record, its bytes and its thumbnail.

Imported as ``app.store``'s (``from app.store import NewImage``): defined apart so that the window's start, which
opens the store but stores no image before the first window shows, does not define it (a dataclass, ~0.3 ms: it
exec's the code it generates). ``tests/ui/test_start_imports.py`` checks that it is not loaded then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.model import CaseImage


@dataclass
class NewImage:
    """An image ready to be stored: its record, its bytes and its thumbnail."""

    record: CaseImage
    data: bytes
    thumbnail: bytes | None = None
    #: An imported file's SHA-1 (base64) as the device wrote it, when the stored bytes differ from it
    #: (a DICOM rewritten for its patient): how the same export is known again.
    source_sha1: str | None = None
    #: Its files are on disk already (:meth:`Store.write_files`): the store records them, or removes them.
    written: bool = field(default=False, init=False)
