"""Errors a user can act on. Each carries a sentence in the user's language and an exit code.

Everything that is not a ``TeleavisError`` is a bug: it is logged (with a case id, never with
patient data) and reported as an internal error.
"""

from __future__ import annotations


class TeleavisError(Exception):
    """An expected failure with a message for the user. ``exit_code`` follows docs/cli.md."""

    exit_code = 1

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class UsageError(TeleavisError):
    exit_code = 2


class DataLocked(TeleavisError):
    """No data key: no keyring entry, no passphrase, or a wrong passphrase."""

    exit_code = 3


class StorageError(TeleavisError):
    """The disk or the database refused: full, read-only, locked, or damaged."""


class DataAltered(StorageError):
    """A sealed item that does not belong where it is found (moved, swapped or rewritten without the key)."""


class CaseFileError(TeleavisError):
    """A case file or site file that cannot be taken as it is; ``details`` lists every problem."""


class ImageRejected(TeleavisError):
    """An image that cannot be used at all (unreadable, empty, too large, not an image)."""


class AlreadyStored(TeleavisError):
    """The same image (the same file, or the same bytes) is already in this case, or in another
    patient's case: one of the two would be wrong."""

    def __init__(self, case_id: str, number: int, same_case: bool, conflict: bool = False) -> None:
        super().__init__(f"image already stored as number {number} of case {case_id}")
        self.case_id = case_id
        self.number = number
        self.same_case = same_case
        #: The other case bears this patient's INS or file number under other strict traits: an identity
        #: conflict (``Patient.identity_conflict``), not plainly another patient.
        self.conflict = conflict


class NotFound(TeleavisError):
    pass


class InvalidTransition(TeleavisError):
    pass


class CaseChanged(TeleavisError):
    """The case was saved by someone else (another window, a command) since the copy being saved was
    read: writing that copy would silently take back what they wrote."""
