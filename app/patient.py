"""Who a case is about (``Patient``).

Imported as ``app.model``'s (``from app.model import Patient``): defined apart so that the window's start, whose
worklist shows rows (``CaseSummary``, their initials stored) and no patient before the first window shows, does
not define it (a dataclass, ~0.3 ms: it exec's the code it generates). ``tests/ui/test_start_imports.py`` checks
that it is not loaded then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app import messages as M
from app.model import name_key, name_text


@dataclass
class Patient:
    """Who the case is about: names, birth, sex, identifiers, and how the identity was checked (RNIV)."""

    family: str = ""
    given: list[str] = field(default_factory=list)
    birth_date: str = ""  # ISO date, YYYY-MM-DD
    #: INSEE code of the birth commune (``99`` + country code for a birth abroad), empty when not
    #: collected (cases stored before it existed load so). Sealed with the rest of the identity.
    birth_place: str = ""
    #: The used name (RNIV « nom utilisé », FR Core's usualName), e.g. a spouse's name, when the patient
    #: goes by one; never written into ``family``, the birth name, which is a strict trait and is not
    #: altered. Empty when none (cases stored before it existed load so). Sealed with the identity.
    used_name: str = ""
    sex: str = "unknown"
    ins: str | None = None
    local_id: str | None = None
    identity_status: str = "provisional"
    #: The ID document checked, one of IDENTITY_DOCUMENTS; ``NO_DOCUMENT`` (« none ») when none was; empty when
    #: not said (a case file without the key; any case stored before « none » was told apart loads so).
    identity_document: str = ""
    identity_checked_on: str = ""  # ISO date the document was checked
    #: RNIV 2024 (volet 1, 3.3.3): a resident admitted directly to an EHPAD whose own carte Vitale bearing a
    #: photograph was seen beside the family record book or birth certificate (``LE``, ``AN``), which then
    #: validate an adult's identity. False when not said (cases stored before it existed load so).
    identity_ehpad_vitale: bool = False

    def ins_sent(self) -> bool:
        """Whether the INS goes to the platform: only a qualified identity's (RNIV)."""
        return bool(self.ins) and self.identity_status == "qualified"

    def birth_name(self) -> str:
        """The birth name (family name) in capitals, as it is shown, printed and sent (FR Core, INS traits);
        accents kept as typed (« LÉVÊQUE »)."""
        return name_text(self.family).upper()

    def names_sent(self, *, with_ins: bool) -> tuple[str, list[str]]:
        """The birth name and the birth given names (in order, blanks left out) as they are written for another
        system, the platform's Patient and a DICOM header alike. ``with_ins`` (the INS goes beside them): its
        traits, as the INSi teleservice writes them (``app.identifiers.ins_trait``: « OEUVRAY », « LAETITIA »);
        else as the window and the PDF show them, the birth name in capitals, accents kept."""
        from app.identifiers import ins_trait

        if with_ins:
            return ins_trait(self.family), [ins_trait(g) for g in self.given if g.strip()]
        return self.birth_name(), [name_text(g) for g in self.given if g.strip()]

    def dicom_name(self) -> str:
        """The Patient's Name of a DICOM header Teleavis writes (PS3.5 6.2.1: family^first given name^the
        others), named as the FHIR Patient beside it (:meth:`names_sent`: with the INS, by its traits).

        A sign that cuts a Person Name (:data:`PN_SIGNS`) or a control character in a name is written as a
        space: typed, it would have moved a given name into the family name (found in review: « DUPONT^Jean »
        read as family « DUPONT », given « JEAN »). The checklist refuses such a name before it is sent
        (``app.validation``); this keeps the header's structure for one stored before."""
        family, given = self.names_sent(with_ins=self.ins_sent())
        parts = (family, given[0] if given else "", " ".join(given[1:]))
        return "^".join(_pn_component(part) for part in parts).rstrip("^")

    def full_name(self) -> str:
        """The birth name as French identity rules write it: family name in capitals, then the given names.
        A qualified identity by its INS traits, as the platform and the DICOM header get them (:meth:`names_sent`:
        « OEUVRAY LAETITIA MARIE-ELOISE »): once qualified, the traits shown are the INSi teleservice's (RNIV;
        found in review, the window, ``case show`` and the PDF showed « ŒUVRAY Lætitia » beside the INS)."""
        family, given = self.names_sent(with_ins=self.ins_sent())
        return " ".join(part for part in (family, " ".join(given)) if part)

    def used_name_shown(self) -> str:
        """The used name as it is shown beside the birth name, in capitals; empty when none, or when it
        is the birth name itself (accents and case set aside, ligatures spelt out: « OEUVRAY » is « Œuvray »)."""
        used = name_text(self.used_name).upper()
        return used if used and name_key(used) != name_key(self.family) else ""

    def shown_name(self, lang: str | None = None) -> str:
        """The name a person reads: the birth name and given names, then the used name said as such
        (« DUPONT Jeanne (nom utilisé : LEROY) »); in ``lang``, else the user's language."""
        name, used = self.full_name(), self.used_name_shown()
        if not used:
            return name
        if lang:
            return M.CATALOGUE.tr_in("name.with_used", lang, name=name, used=used)
        return M.tr("name.with_used", name=name, used=used)

    def initials(self) -> str:
        """Initials only, as the worklist shows them (``M.P.``): of the name shown (:meth:`full_name`), a qualified
        identity's INS traits (« O.L. » beside « OEUVRAY LAETITIA »; found in review: « Œ.L. »), else the names as
        shown (:func:`name_text`: composed, found in review: a name pasted decomposed gave « E. » for « É. »)."""
        family, first = name_text(self.family), name_text(self.given[0] if self.given else "")
        if self.ins_sent():
            from app.identifiers import ins_trait

            family, first = ins_trait(family), ins_trait(first)
        family = family.strip()[:1].upper()
        given = first.strip()[:1].upper()
        return ".".join(part for part in (family, given) if part) + ("." if family or given else "")

    def same_person(self, other: Patient) -> bool:
        """Whether two records are of the same patient: the same strict traits (birth name and first given
        name, accents, case, hyphens and spaces set aside; birth date), and the same INS or file number
        when both have one. A number shared by two records of other traits is no proof of one person: it is
        an identity conflict (RNIV), one of the two records wrong (:meth:`identity_conflict`)."""
        for ours, theirs in ((self.ins, other.ins), (self.local_id, other.local_id)):
            if ours and theirs:
                if _number(ours) != _number(theirs):
                    return False
                break
        return self._traits() == other._traits()

    def identity_conflict(self, other: Patient) -> bool:
        """Whether the two records share an INS or a file number under other strict traits: one number on
        two identities, which is never the same patient, nor plainly another one."""
        shared = any(
            ours and theirs and _number(ours) == _number(theirs)
            for ours, theirs in ((self.ins, other.ins), (self.local_id, other.local_id))
        )
        return shared and self._traits() != other._traits()

    def _traits(self) -> tuple[str, str, str]:
        return name_key(self.family), name_key(self.given[0] if self.given else ""), self.birth_date.strip()


#: The signs that cut a DICOM Person Name (PS3.5 6.2, VR PN): « ^ » parts its components (family, given,
#: middle…), « = » its component groups (alphabetic, ideographic, phonetic), « \\ » its values. No name holds
#: them, nor do the INS traits (A–Z, space, hyphen, apostrophe).
PN_SIGNS = "^=\\"
#: The most characters a Person Name's component group holds (PS3.5 6.2), its « ^ » included.
PN_GROUP_MAX = 64


def _pn_component(text: str) -> str:
    """``text`` as one component of a DICOM Person Name: its PN signs and control or format characters
    written as spaces, single spaces."""
    import unicodedata

    return " ".join(
        "".join(" " if ch in PN_SIGNS or unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text).split()
    )


def _number(value: str) -> str:
    """An INS or file number as compared: spaces set aside, letters (2A/2B) in capitals."""
    return "".join(value.split()).upper()
