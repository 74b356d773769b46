"""What the simulated experts are and say, per specialty: plausible French, never real advice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import codes as C


@dataclass(frozen=True)
class Expert:
    """A sandbox expert: a Practitioner the sandbox owns."""

    rpps: str  # 11 digits, Luhn-valid, so the expert passes the same checks as a requester.
    family: str
    given: str
    title: str


@dataclass(frozen=True)
class Photos:
    """What the case's photos are, as its Media say: their views (``far``, ``dermoscopy``, ``disc``…) and the eyes
    photographed (``right``, ``left``)."""

    views: frozenset[str] = frozenset()
    eyes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Question:
    """One possible question, asked only of a case it fits (found from outside: a retake of « the disc-centred
    photo » asked of a case that had none; she looked for a photo that did not exist)."""

    text: str
    #: Asked only of a case with a photo of this view (a retake of it).
    retakes: str = ""
    #: Asked only of a case without a photo of this view (one asked for).
    lacks: str = ""
    #: Asked only of a case where one eye alone is photographed (the other asked for).
    one_eye: bool = False

    def fits(self, photos: Photos) -> bool:
        return (
            (not self.retakes or self.retakes in photos.views)
            and (not self.lacks or self.lacks not in photos.views)
            and (not self.one_eye or len(photos.eyes) == 1)
        )


@dataclass(frozen=True)
class Answer:
    """One possible answer: the conclusion, the advice, and how soon to see the patient (days or None); ``eyes``:
    given only to a case where those eyes are photographed (« sur les deux yeux » of a one-eye case was found from
    outside)."""

    conclusion: str
    follow_up: str
    within_days: int | None
    eyes: frozenset[str] = frozenset()
    #: Given only to a case where one eye alone is photographed.
    one_eye: bool = False

    def fits(self, photos: Photos) -> bool:
        return self.eyes <= photos.eyes and (not self.one_eye or len(photos.eyes) == 1)


def fitting(choices: tuple[Question, ...] | tuple[Answer, ...], photos: Photos) -> list[Any]:
    """The choices that fit the case's photos (each specialty has some that fit any case)."""
    return [choice for choice in choices if choice.fits(photos)]


EXPERTS: dict[str, Expert] = {
    "dermatology": Expert("10000000009", "MOREAU", "Hélène", "Dermatologue, CHU (bac à sable)"),
    "ophthalmology": Expert("10000000017", "GARNIER", "Julien", "Ophtalmologiste, centre de lecture (bac à sable)"),
    "wound-care": Expert("10000000025", "LEFÈVRE", "Sophie", "Médecin expert plaies et cicatrisation (bac à sable)"),
    "other": Expert("10000000033", "ROUSSEAU", "Marc", "Médecin expert référent (bac à sable)"),
}

SPECIALTY_LABELS = {
    "dermatology": "Dermatologie",
    "ophthalmology": "Ophtalmologie",
    "wound-care": "Plaies et cicatrisation",
    "other": "Autre spécialité",
}

QUESTIONS: dict[str, tuple[Question, ...]] = {
    "dermatology": (
        Question("Pouvez-vous envoyer une vue rapprochée avec une règle ?"),
        Question("Pourriez-vous joindre une photo en dermoscopie de la lésion ?", lacks="dermoscopy"),
        Question("La lésion a-t-elle saigné ou changé de couleur récemment ? Merci d'ajouter une vue de près."),
    ),
    "ophthalmology": (
        Question("Le cliché centré sur la papille est flou : pouvez-vous en refaire un ?", retakes="disc"),
        Question("Pouvez-vous envoyer le champ centré sur la macula de l'autre œil ?", one_eye=True),
        Question("Quelle est la dernière HbA1c du patient ? Merci de joindre un nouveau cliché si possible."),
    ),
    "wound-care": (
        Question("Pouvez-vous envoyer une vue rapprochée avec une règle ?"),
        Question("Pourriez-vous photographier la plaie après détersion, avec un repère de taille ?"),
        Question("Quel pansement est utilisé actuellement ? Merci d'ajouter une photo des berges."),
    ),
    "other": (
        Question("Pouvez-vous préciser l'évolution depuis la première consultation et joindre une nouvelle photo ?"),
    ),
}

ANSWERS: dict[str, tuple[Answer, ...]] = {
    "dermatology": (
        Answer(
            "Aspect de naevus atypique (asymétrie, bords irréguliers). Une exérèse complète à visée "
            "diagnostique est conseillée.",
            "Adresser le patient en consultation de dermatologie pour exérèse ; photoprotection.",
            30,
        ),
        Answer(
            "Kératose séborrhéique typique, d'allure bénigne. Pas d'exérèse nécessaire.",
            "Surveillance simple ; reconsulter si la lésion change d'aspect ou saigne.",
            None,
        ),
        Answer(
            "Lésion suspecte de carcinome basocellulaire superficiel.",
            "Consultation de dermatologie rapprochée pour biopsie.",
            14,
        ),
    ),
    "ophthalmology": (
        Answer(
            "Pas de signe de rétinopathie diabétique sur les deux yeux.",
            "Dépistage à renouveler dans deux ans si l'équilibre glycémique reste stable.",
            None,
            frozenset({"right", "left"}),
        ),
        Answer(
            "Rétinopathie diabétique non proliférante minime à l'œil droit, pas d'œdème maculaire.",
            "Renforcer l'équilibre glycémique et tensionnel ; nouvelle rétinographie dans un an.",
            365,
            frozenset({"right"}),
        ),
        Answer(
            "Pas de signe de rétinopathie diabétique sur l'œil photographié.",
            "Photographier l'autre œil au prochain dépistage si possible ; dépistage à renouveler dans un an.",
            365,
            one_eye=True,
        ),
        Answer(
            "Rétinopathie diabétique non proliférante sévère avec suspicion d'œdème maculaire.",
            "Consultation d'ophtalmologie rapide pour angiographie et prise en charge.",
            7,
        ),
    ),
    "wound-care": (
        Answer(
            "Ulcère veineux en voie de détersion, berges saines, pas de signe d'infection.",
            "Poursuivre la compression et un pansement hydrocellulaire ; nouvelle photo dans 15 jours.",
            None,
        ),
        Answer(
            "Plaie atone avec fibrine abondante et signes locaux d'infection.",
            "Prélèvement et avis en consultation plaies et cicatrisation.",
            7,
        ),
    ),
    "other": (
        Answer(
            "Les éléments transmis ne montrent pas de signe de gravité.",
            "Poursuivre la surveillance par le médecin traitant.",
            None,
        ),
        Answer(
            "Un examen clinique spécialisé est nécessaire pour conclure.",
            "Consultation spécialisée à programmer.",
            30,
        ),
    ),
}


#: The platform's own words for its business statuses (it is French-speaking, as a real one would be),
#: sent with their code in Teleavis's system: a client says a code it knows in its user's language.
BUSINESS_WORDS = {
    "received": "Reçue par la plateforme",
    "accepted": "Acceptée par l'expert",
    "in-progress": "En cours d'analyse par l'expert",
    "question": "Question de l'expert",
    "resumed": "Complément reçu, analyse reprise",
    "answered": "Réponse rendue",
    "amended": "Compte rendu modifié",
    "rejected": "Refusée par l'expert",
    "rejected-real-patient": "Refusée : patient réel en formation",
    "cancelled": "Annulée par la plateforme",
    "cancelled-by-requester": "Annulée par le demandeur",
}


def business_status(code: str, text: str | None = None) -> dict[str, Any]:
    """A Task.businessStatus: the status coded in Teleavis's system, with the platform's words."""
    words = text or BUSINESS_WORDS[code]
    return {"coding": [{"system": C.BUSINESS_STATUS_SYSTEM, "code": code, "display": words}], "text": words}
