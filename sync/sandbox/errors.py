"""Errors the sandbox answers with, as FHIR OperationOutcomes.

Every refusal inside the sandbox is a `FhirError`: the HTTP layer turns it into the
status code and an OperationOutcome whose issues name the offending element, which is
what the client shows to the user in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One OperationOutcome issue: what is wrong (diagnostics) and where (expression)."""

    diagnostics: str
    expression: str | None = None
    code: str = "invalid"
    severity: str = "error"

    def to_json(self) -> dict[str, Any]:
        """The issue as FHIR JSON."""
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


@dataclass
class FhirError(Exception):
    """A refusal: an HTTP status and the issues explaining it."""

    status: int
    issues: list[Issue] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status}: " + "; ".join(issue.diagnostics for issue in self.issues)

    @classmethod
    def one(
        cls,
        status: int,
        diagnostics: str,
        expression: str | None = None,
        code: str = "invalid",
        headers: dict[str, str] | None = None,
    ) -> FhirError:
        """A refusal with a single issue."""
        return cls(status, [Issue(diagnostics, expression, code)], dict(headers or {}))


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    """An OperationOutcome resource holding `issues` (at least one, as R4 requires)."""
    if not issues:
        issues = [Issue("Erreur sans détail", code="exception")]
    return {"resourceType": "OperationOutcome", "issue": [issue.to_json() for issue in issues]}
