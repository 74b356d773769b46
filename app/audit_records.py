"""The audit trail's records: its head, a witness tag, what ``verify`` found.

Imported as ``app.audit``'s (``audit.Head``, ``from app.audit import AuditCheck``): defined apart so that the
window's start, which opens the store (and with it ``app.audit``) but reads no head, tag or check before the
first window shows, does not define them (three dataclasses, ~1 ms: each exec's the code it generates).
``tests/ui/test_start_imports.py`` checks that it is not loaded then.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import messages as M


@dataclass(frozen=True)
class Head:
    """The log's last entry (its sequence number and hash): as the database has it, or as recorded beside it."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Witness:
    """A head as a Task's tag carries it (``<seq>-<time>-<hash>-<mac>``)."""

    seq: int
    #: When the tag was made (Unix seconds): a restore written after it explains a head gone.
    time: int
    #: The first 32 hex digits of the entry's chain hash (a keyed MAC: it reveals nothing).
    hash: str
    #: A MAC of the three under the data key: the platform cannot make one up.
    mac: str

    @property
    def code(self) -> str:
        return f"{self.seq}-{self.time}-{self.hash}-{self.mac}"


@dataclass(frozen=True)
class AuditCheck:
    """What ``verify`` found along the log's chain; ``ok`` when nothing is wrong."""

    rows: int
    first_broken: int | None  # seq of the first row whose link does not hold
    #: Rows cut from the end or the log wiped: the recorded head (seq) the log no longer reaches;
    #: -1 when the head file is missing or does not open.
    head_lost: int | None = None
    #: Cases with no ``created`` entry (their history was cut).
    uncreated: tuple[str, ...] = ()
    #: The platform was seen holding this entry while the log did not (``record_rewound``).
    rewound: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken is None and self.head_lost is None and not self.uncreated and self.rewound is None

    def problem(self) -> str:
        """What does not hold, in the user's language ("" when the log is intact)."""
        if self.first_broken is not None:
            return M.tr("audit.problem.link", seq=self.first_broken)
        if self.head_lost == -1:
            return M.tr("audit.problem.head")
        if self.head_lost is not None:
            return M.tr("audit.problem.cut", seq=self.head_lost, rows=self.rows)
        if self.rewound is not None:
            return M.tr("audit.problem.rewound", seq=self.rewound)
        if self.uncreated:
            return M.tr_count(
                "audit.problem.uncreated", len(self.uncreated), n=len(self.uncreated), id=self.uncreated[0][:8]
            )
        return ""
