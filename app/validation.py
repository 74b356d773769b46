"""The case checklist: every missing or wrong item of a case, in the user's language.

One function, ``validate_case``, serves the window's checklist panel, ``case import`` (which refuses
values that are wrong) and ``case send`` (which refuses anything that blocks sending); with the other
cases of the workstation, ``same_ins_elsewhere`` adds an INS that already stands for another patient.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from app import clock, forms, i18n, quality_words
from app import messages as M
from app.device_patient import names_only
from app.device_patient import recorded_for_another as another_patient
from app.findings import Finding, Severity
from app.folding import fold
from app.identifiers import (
    CORSICA_SPLIT,
    adeli_is_valid,
    birth_place_agrees,
    birth_place_is_valid,
    finess_is_valid,
    ins_birth_place,
    ins_disagreements,
    ins_format_ok,
    ins_is_valid,
    ins_sex,
    ins_trait,
    is_code_system,
    national_system,
    rpps_is_valid,
    siren_is_valid,
    siret_is_valid,
)
from app.model import (
    DERMATOLOGY_VIEWS,
    DISC_SIDE_CHECK,
    EDITABLE_STATES,
    EYES,
    IDENTITY_DOCUMENTS,
    IDENTITY_STATUSES,
    NO_DOCUMENT,
    NOT_CHECKED_KEY,
    ORIGIN_WINDOW,
    OTHER_PATIENT_CHECK,
    SEXES,
    Case,
    CaseImage,
    CaseState,
    Patient,
    Priority,
    Requester,
    Specialty,
    name_key,
    name_text,
    utc_now,
)
from app.moments import clock_set_ahead, parse_date_time
from app.views import PER_EYE, canonical, expected_views, offered_views, photographed_eyes

MAX_IMAGES = 8

M.add(
    {
        "v.specialty": {"fr": "Choisissez la spécialité de l'expert.", "en": "Choose the expert's specialty."},
        "v.priority": {
            "fr": "Priorité inconnue : « routine » ou « urgent ».",
            "en": "Unknown priority: “routine” or “urgent”.",
        },
        "v.question": {"fr": "Écrivez la question posée à l'expert.", "en": "Write the question for the expert."},
        "v.summary": {
            "fr": "Écrivez le résumé clinique (histoire, examen, durée, évolution).",
            "en": "Write the clinical summary (history, findings, duration, evolution).",
        },
        "v.family": {"fr": "Nom de naissance du patient manquant.", "en": "Patient's birth name is missing."},
        "v.given": {"fr": "Prénom du patient manquant.", "en": "Patient's first name is missing."},
        "v.hidden_characters": {
            "fr": "{what} contient un caractère invisible ou de contrôle (copié d'un autre logiciel ?) : retapez-le.",
            "en": "{what} holds an invisible or control character (copied from another program?): type it again.",
        },
        "v.name_signs": {
            "fr": "{what} contient « {signs} », qui ne s'écrit pas dans un nom (des lettres, des espaces, des "
            "traits d'union, des apostrophes) : vérifiez-le sur la pièce d'identité.",
            "en": "{what} holds “{signs}”, which is not written in a name (letters, spaces, hyphens, "
            "apostrophes): check it against the identity document.",
        },
        "v.name_signs_ins": {
            "fr": "{what} contient « {signs} », qui n'est pas dans les traits que donne le téléservice INSi "
            "(des lettres de A à Z, des espaces, des traits d'union, des apostrophes). Identité qualifiée : "
            "recopiez-le tel que l'INSi l'a retourné.",
            "en": "{what} holds “{signs}”, which is not in the traits the INSi teleservice gives (letters A to "
            "Z, spaces, hyphens, apostrophes). Qualified identity: copy it as INSi returned it.",
        },
        # « ^ », « = » and « \\ » cut a DICOM Person Name: typed in a name, they move a given name into the
        # family name of the images' header (tests/capture/test_dicom_person_name.py). Said without that reason: a
        # dermatology nurse sends no DICOM, and « DICOM » tells her nothing (found reading the session's change).
        "v.name_pn_signs": {
            "fr": "{what} contient « {signs} », qui ne s'écrit pas dans un nom : retirez-le (un nom s'écrit avec des "
            "lettres, des espaces, des traits d'union, des apostrophes). Rien de ce qui est enregistré n'est perdu.",
            "en": "{what} holds “{signs}”, which is not written in a name: remove it (a name is written with letters, "
            "spaces, hyphens, apostrophes). Nothing saved is lost.",
        },
        "v.name_dicom_length": {
            "fr": "Le nom et les prénoms du patient font {n} caractères dans l'en-tête des images DICOM, qui n'en "
            "admet que {most} : ils ne peuvent pas y être écrits sans être coupés, et un nom coupé est un autre nom. "
            "Vérifiez-les sur la pièce d'identité ; s'ils sont justes, retirez les images DICOM et importez-les "
            "de l'appareil en JPEG (ou photographiez-les). Le dossier reste ici, rien n'est perdu.",
            "en": "The patient's names come to {n} characters in the DICOM images' header, which holds {most} at "
            "most: they cannot be written there without being cut, and a name cut short is another name. Check "
            "them against the identity document; if they are right, remove the DICOM images and import them from "
            "the device as JPEG (or photograph them). The case stays here, nothing is lost.",
        },
        "v.what.family": {"fr": "Le nom de naissance du patient", "en": "The patient's birth name"},
        "v.what.given": {"fr": "Le prénom du patient", "en": "The patient's first name"},
        "v.what.local_id": {"fr": "Le n° de dossier du patient", "en": "The patient's file number"},
        "v.what.used_name": {"fr": "Le nom utilisé du patient", "en": "The patient's used name"},
        "v.family_married": {
            "fr": "Le nom de naissance semble contenir un nom d'époux (« {word} ») : n'écrivez ici que le nom "
            "de naissance, tel que sur la pièce d'identité, et le nom d'usage (celui de l'époux) dans "
            "« Nom utilisé » (« used_name » dans un fichier de dossier).",
            "en": "The birth name seems to hold a spouse's name (“{word}”): write only the birth name here, as "
            "on the identity document, and the name the patient goes by (the spouse's) in “Used name” "
            "(“used_name” in a case file).",
        },
        "v.used_name_married": {
            "fr": "Nom utilisé : écrivez le nom seul, sans « {word} » (ex. LEROY).",
            "en": "Used name: write the name alone, without “{word}” (e.g. LEROY).",
        },
        "v.birth_date": {"fr": "Date de naissance du patient manquante.", "en": "Patient's date of birth is missing."},
        "v.birth_date_old": {
            "fr": "Date de naissance avant 1880 : vérifiez l'année.",
            "en": "Date of birth before 1880: check the year.",
        },
        "v.birth_date_no_day": {
            "fr": "Date de naissance invalide : ce jour n'existe pas ({day} ?) ; vérifiez le jour et le mois.",
            "en": "Invalid date of birth: there is no such day ({day}?); check the day and the month.",
        },
        # The INSi service writes an unknown day or month as 00; the RNIV has such a date completed
        # before it is stored, and FR Core's birthDate is that completed date (a full date).
        "v.birth_date_partial": {
            "fr": "Date de naissance incomplète (jour ou mois inconnu, « 00 ») : seule une date complète est "
            "acceptée. Saisissez la date complète que retient le dossier du patient dans votre établissement "
            "(l'identitovigilance fixe comment compléter une date inconnue : demandez à votre référent).",
            "en": "Incomplete date of birth (day or month unknown, “00”): only a full date is taken. Type the "
            "full date your facility's record of the patient holds (identity vigilance sets how an unknown "
            "date is completed: ask your referent).",
        },
        "v.birth_date_future": {
            "fr": "Date de naissance dans le futur : vérifiez l'année.",
            "en": "Date of birth in the future: check the year.",
        },
        "v.birth_date_bad": {
            "fr": "Date de naissance invalide : attendue sous la forme AAAA-MM-JJ, dans le passé.",
            "en": "Invalid date of birth: expected as YYYY-MM-DD, in the past.",
        },
        "v.birth_place": {
            "fr": "Lieu de naissance : code INSEE de la commune attendu, 5 caractères (ex. 75056 ; "
            "2A ou 2B pour la Corse) ; né à l'étranger : 99 suivi du code du pays (ex. 99134).",
            "en": "Place of birth: the INSEE code of the commune is expected, 5 characters (e.g. 75056; "
            "2A or 2B for Corsica); born abroad: 99 followed by the country code (e.g. 99134).",
        },
        "v.birth_place_corsica": {
            "fr": "Lieu de naissance : depuis 1976, une commune de Corse s'écrit 2A ou 2B (ex. 2A004) ; "
            "le code 20 est celui des naissances d'avant 1976.",
            "en": "Place of birth: since 1976 a Corsican commune is written 2A or 2B (e.g. 2A004); code 20 "
            "is for births before 1976.",
        },
        "v.birth_place_missing": {
            "fr": "Lieu de naissance (code INSEE) non renseigné : les plateformes qui appliquent FR Core "
            "le demandent avec l'INS d'une identité qualifiée.",
            "en": "Place of birth (INSEE code) not given: platforms applying FR Core ask for it with "
            "the INS of a qualified identity.",
        },
        "v.sex": {
            "fr": "Sexe du patient inconnu : male, female, other ou unknown.",
            "en": "Unknown patient sex: male, female, other or unknown.",
        },
        "v.ins_format": {
            "fr": "Le matricule INS doit compter 15 caractères (chiffres, 2A ou 2B pour la Corse).",
            "en": "The INS must have 15 characters (digits, 2A or 2B for Corsica).",
        },
        "v.ins_key": {
            # Not the carte Vitale: a child's may bear a parent's number. The INS comes from INSi.
            "fr": "La clé de contrôle du matricule INS ne correspond pas : vérifiez sa saisie avec le "
            "résultat du téléservice INSi.",
            "en": "The INS control key does not match: check it against what the INSi teleservice returned.",
        },
        "v.ins_sex": {
            "fr": "Le matricule INS désigne {ins_sex} (1er chiffre) mais le sexe saisi est « {sex} » : "
            "vérifiez le sexe et l'INS sur la pièce d'identité ou l'INSi.",
            "en": "The INS denotes {ins_sex} (first digit) but the sex entered is “{sex}”: check the sex "
            "and the INS against the ID document or INSi.",
        },
        "v.ins_birth": {
            "fr": "Le matricule INS ne correspond pas à la date de naissance (l'année et le mois de "
            "naissance sont ses chiffres 2 à 5) : vérifiez l'une et l'autre.",
            "en": "The INS does not match the date of birth (digits 2 to 5 are the birth year and month): check both.",
        },
        "v.ins_birth_place": {
            "fr": "Le lieu de naissance ({place}) diffère de celui que porte l'INS ({ins_place}, ses chiffres "
            "6 à 10) : vérifiez l'un et l'autre (une commune fusionnée depuis la naissance peut l'expliquer).",
            "en": "The place of birth ({place}) differs from the one the INS carries ({ins_place}, its digits "
            "6 to 10): check both (a commune merged since the birth may explain it).",
        },
        "v.ins_sex_other": {
            "fr": "Identité qualifiée : le sexe est celui de l'INS (homme ou femme), pas « Autre ».",
            "en": "Qualified identity: the sex is the INS's (male or female), not “Other”.",
        },
        "v.ins_elsewhere": {
            "fr": "Cet INS est déjà celui d'un autre patient ici (dossier {id} : {name}, né(e) le {born}). Un INS "
            "n'appartient qu'à une seule personne : l'un des deux dossiers porte un INS qui n'est pas le sien. "
            "Vérifiez l'INS de ce patient avec le téléservice INSi ou sa pièce d'identité (le numéro de la carte "
            "Vitale peut être celui d'un parent ou d'un conjoint). Dans le doute, l'identité ne peut pas rester "
            "qualifiée (l'INS ne part alors pas).",
            "en": "This INS already belongs to another patient here (case {id}: {name}, born {born}). An INS "
            "belongs to one person only: one of the two cases carries an INS that is not its patient's. Check "
            "this patient's INS with the INSi teleservice or their identity document (the carte Vitale number "
            "may be a parent's or a spouse's). In doubt, the identity cannot stay qualified (the INS then does "
            "not leave).",
        },
        # The number agrees with the other patient's sex and birth, not with this one's: most often the
        # carte Vitale of a child (or a spouse) typed as the INS, the insured parent's number.
        "v.ins_elsewhere_theirs": {
            "fr": "Cet INS est celui d'un autre patient ici (dossier {id} : {name}, né(e) le {born}) : il "
            "correspond au sexe et à la date de naissance de cette personne, pas à ceux de ce patient. C'est "
            "sans doute le numéro de la carte Vitale d'un parent ou d'un conjoint, qui n'est pas l'INS de ce "
            "patient. Reprenez l'INS de ce patient sur le résultat du téléservice INSi. Dans le doute, "
            "l'identité ne peut pas rester qualifiée (l'INS ne part alors pas).",
            "en": "This INS is another patient's here (case {id}: {name}, born {born}): it agrees with that "
            "person's sex and date of birth, not with this patient's. It is most likely the carte Vitale number "
            "of a parent or a spouse, which is not this patient's INS. Take this patient's INS from what the "
            "INSi teleservice returned. In doubt, the identity cannot stay qualified (the INS then does not "
            "leave).",
        },
        "v.local_id_elsewhere": {
            "fr": "Ce n° de dossier est déjà celui d'un autre patient ici (dossier {id} : {name}, né(e) le "
            "{born}) : vérifiez-le dans le dossier du patient.",
            "en": "This file number already belongs to another patient here (case {id}: {name}, born {born}): "
            "check it in the patient's record.",
        },
        # The same number on the same patient's traits written apart by a hyphen or an apostrophe in place of a
        # space (« JEAN-NOEL » / « JEAN NOEL »): two traits to every check (tests/app/test_one_name_rule.py), never
        # merged; what to correct where, and who corrects a case already sent
        # (tests/app/test_local_id_written_apart.py).
        "v.local_id_written": {
            "fr": "Ce n° de dossier est déjà celui du dossier {id} ({name}, né(e) le {born}), où le nom ou le prénom "
            "s'écrit autrement : « {theirs} » là-bas, « {ours} » ici. Un trait d'union (prénom composé) et une "
            "espace (deux prénoms) ne disent pas la même identité : un seul numéro ne part pas sous deux écritures. "
            "Vérifiez sur la pièce d'identité. Si ce dossier-ci est faux, corrigez-le comme la pièce. {other}",
            "en": "This file number already belongs to case {id} ({name}, born {born}), where the name or first name "
            "is written otherwise: “{theirs}” there, “{ours}” here. A hyphen (a composed first name) and a space "
            "(two first names) are not the same identity: one number does not leave under two writings. Check the "
            "identity document. If this case is wrong, correct it as the document reads. {other}",
        },
        "v.local_id_written_unnamed": {
            "fr": "Ce n° de dossier est déjà celui du dossier {id} (à voir avec « teleavis case show {id} »), même "
            "date de naissance, où le nom ou le prénom s'écrit autrement (un trait d'union ou une apostrophe à la "
            "place d'une espace, ou l'inverse) : un seul numéro ne part pas sous deux écritures. Vérifiez sur la "
            "pièce d'identité. Si ce dossier-ci est faux, corrigez-le comme la pièce. {other}",
            "en": "This file number already belongs to case {id} (see “teleavis case show {id}”), same birth date, "
            "where the name or first name is written otherwise (a hyphen or an apostrophe in place of a space, or "
            "the reverse): one number does not leave under two writings. Check the identity document. If this case "
            "is wrong, correct it as the document reads. {other}",
        },
        # The same INS on the same patient's traits written apart by a hyphen or an apostrophe in place of a space:
        # said as the file number's, with the INSi teleservice's writing the one to follow once qualified
        # (tests/app/test_ins_written_apart.py; found in review: the generic « not its patient's INS, a parent's
        # carte Vitale » was a false lead).
        "v.ins_written": {
            "fr": "Cet INS est déjà celui du dossier {id} ({name}, né(e) le {born}), où le nom ou le prénom s'écrit "
            "autrement : « {theirs} » là-bas, « {ours} » ici. Un trait d'union (prénom composé) et une espace (deux "
            "prénoms) ne disent pas la même identité : un seul INS ne part pas sous deux écritures. Vérifiez sur la "
            "pièce d'identité et sur le résultat du téléservice INSi, qui fait foi pour une identité qualifiée. Si "
            "ce dossier-ci est faux, corrigez-le comme l'écrit l'INSi. {other}",
            "en": "This INS already belongs to case {id} ({name}, born {born}), where the name or first name is "
            "written otherwise: “{theirs}” there, “{ours}” here. A hyphen (a composed first name) and a space (two "
            "first names) are not the same identity: one INS does not leave under two writings. Check the identity "
            "document and what the INSi teleservice returned, which is the reference for a qualified identity. If "
            "this case is wrong, correct it as the INSi writes it. {other}",
        },
        "v.ins_written_unnamed": {
            "fr": "Cet INS est déjà celui du dossier {id} (à voir avec « teleavis case show {id} »), même date de "
            "naissance, où le nom ou le prénom s'écrit autrement (un trait d'union ou une apostrophe à la place "
            "d'une espace, ou l'inverse) : un seul INS ne part pas sous deux écritures. Vérifiez sur la pièce "
            "d'identité et sur le résultat du téléservice INSi. Si ce dossier-ci est faux, corrigez-le comme "
            "l'écrit l'INSi. {other}",
            "en": "This INS already belongs to case {id} (see “teleavis case show {id}”), same birth date, where "
            "the name or first name is written otherwise (a hyphen or an apostrophe in place of a space, or the "
            "reverse): one INS does not leave under two writings. Check the identity document and what the INSi "
            "teleservice returned. If this case is wrong, correct it as the INSi writes it. {other}",
        },
        "v.other_case_open": {
            "fr": "Si c'est l'autre, corrigez-le dans le dossier {id}.",
            "en": "If the other one is, correct it in case {id}.",
        },
        # A case queued and not yet sent can still be held back (a draft again) and corrected here; it leaves at
        # the next sync otherwise (found in review: it was said gone, to be reported to identity vigilance).
        "v.other_case_queued": {
            "fr": "Si c'est l'autre, il attend de partir : retenez-le avant la prochaine synchronisation (dans le "
            "dossier {id}, « Retenir le dossier », ou « teleavis case cancel {id} »), puis corrigez-le.",
            "en": "If the other one is, it is waiting to leave: hold it back before the next synchronisation (in case "
            "{id}, “Hold the case back”, or “teleavis case cancel {id}”), then correct it.",
        },
        "v.other_case_sent": {
            "fr": "Si c'est l'autre, il est déjà parti et ne peut plus être corrigé ici : signalez-le à la "
            "cellule d'identitovigilance de votre structure, qui fait corriger l'identité avec la plateforme. Ce "
            "dossier-ci reste ici en attendant, rien n'est perdu.",
            "en": "If the other one is, it has already left and can no longer be corrected here: report it to your "
            "organisation's identity-vigilance team, who have the identity corrected with the platform. This case "
            "waits here meanwhile, nothing is lost.",
        },
        # The same, for output that may end in a log or a mail (the command line): the other patient
        # is named by the case only; the window, before the user's eyes, names them.
        "v.ins_elsewhere_unnamed": {
            "fr": "Cet INS est déjà celui d'un autre patient ici (dossier {id}, à voir avec « teleavis case show "
            "{id} »). Un INS n'appartient qu'à une seule personne : l'un des deux dossiers porte un INS qui n'est "
            "pas le sien. Vérifiez l'INS de ce patient avec le téléservice INSi ou sa pièce d'identité (le numéro "
            "de la carte Vitale peut être celui d'un parent ou d'un conjoint). Dans le doute, l'identité ne peut "
            "pas rester qualifiée (l'INS ne part alors pas).",
            "en": "This INS already belongs to another patient here (case {id}, see “teleavis case show {id}”). "
            "An INS belongs to one person only: one of the two cases carries an INS that is not its patient's. "
            "Check this patient's INS with the INSi teleservice or their identity document (the carte Vitale "
            "number may be a parent's or a spouse's). In doubt, the identity cannot stay qualified (the INS then "
            "does not leave).",
        },
        "v.ins_elsewhere_theirs_unnamed": {
            "fr": "Cet INS est celui d'un autre patient ici (dossier {id}, à voir avec « teleavis case show {id} ») "
            ": il correspond au sexe et à la date de naissance de cette personne, pas à ceux de ce patient. C'est "
            "sans doute le numéro de la carte Vitale d'un parent ou d'un conjoint, qui n'est pas l'INS de ce "
            "patient. Reprenez l'INS de ce patient sur le résultat du téléservice INSi. Dans le doute, "
            "l'identité ne peut pas rester qualifiée (l'INS ne part alors pas).",
            "en": "This INS is another patient's here (case {id}, see “teleavis case show {id}”): it agrees with "
            "that person's sex and date of birth, not with this patient's. It is most likely the carte Vitale "
            "number of a parent or a spouse, which is not this patient's INS. Take this patient's INS from what "
            "the INSi teleservice returned. In doubt, the identity cannot stay qualified (the INS then does not "
            "leave).",
        },
        "v.local_id_elsewhere_unnamed": {
            "fr": "Ce n° de dossier est déjà celui d'un autre patient ici (dossier {id}, à voir avec « teleavis "
            "case show {id} ») : vérifiez-le dans le dossier du patient.",
            "en": "This file number already belongs to another patient here (case {id}, see “teleavis case "
            "show {id}”): check it in the patient's record.",
        },
        "v.image_elsewhere": {
            "fr": "Image {n} : cette photo est aussi dans le dossier {id} d'un autre patient ({name}, né(e) le "
            "{born}, image {m}). Une photo n'est que d'un seul patient : vérifiez de qui elle est. Si elle n'est "
            "pas de ce patient, supprimez-la ; si elle l'est, cliquez sur l'image puis sur « C'est bien ce "
            "patient ».",
            "en": "Image {n}: this photo is also in case {id}, another patient's ({name}, born {born}, image {m}). "
            "A photo is of one patient only: check whose it is. If it is not this patient's, delete it; if it "
            "is, click the image, then “It is this patient”.",
        },
        # In a terminal (``case show``, ``case send``): nothing to click there, and no command edits an image.
        "v.image_elsewhere_terminal": {
            "fr": "Image {n} : cette photo est aussi dans le dossier {id} d'un autre patient ({name}, né(e) le "
            "{born}, image {m}). Une photo n'est que d'un seul patient : vérifiez de qui elle est. Ouvrez ce "
            "dossier dans la fenêtre Teleavis : supprimez-la si elle n'est pas de ce patient, ou confirmez qu'elle "
            "l'est (cliquez sur l'image, puis sur « C'est bien ce patient »).",
            "en": "Image {n}: this photo is also in case {id}, another patient's ({name}, born {born}, image {m}). "
            "A photo is of one patient only: check whose it is. Open this case in the Teleavis window: delete it "
            "if it is not this patient's, or confirm that it is (click the image, then “It is this patient”).",
        },
        "v.image_elsewhere_unnamed": {
            "fr": "Image {n} : cette photo est aussi dans le dossier {id} d'un autre patient (image {m}). Une photo "
            "n'est que d'un seul patient : vérifiez de qui elle est. Ouvrez ce dossier dans la fenêtre Teleavis : "
            "supprimez-la si elle n'est pas de ce patient, ou confirmez qu'elle l'est (cliquez sur l'image, puis "
            "sur « C'est bien ce patient »).",
            "en": "Image {n}: this photo is also in case {id}, another patient's (image {m}). A photo is of one "
            "patient only: check whose it is. Open this case in the Teleavis window: delete it if it is not this "
            "patient's, or confirm that it is (click the image, then “It is this patient”).",
        },
        "v.ins_sex_missing": {
            "fr": "Identité qualifiée : indiquez le sexe (homme ou femme), un trait strict de l'identité, "
            "qui doit concorder avec l'INS.",
            "en": "Qualified identity: give the sex (male or female), a strict identity trait, which must agree "
            "with the INS.",
        },
        "v.identity_status": {
            "fr": "Statut de l'identité inconnu : provisional, recovered, validated ou qualified.",
            "en": "Unknown identity status: provisional, recovered, validated or qualified.",
        },
        "v.identity_ins_needed": {
            "fr": "Identité {status} : elle vient du téléservice INSi, donnez son matricule INS.",
            "en": "{Status} identity: it comes from the INSi service, give its INS.",
        },
        "v.local_needed": {
            "fr": "L'identité n'est pas qualifiée : l'INS ne sera pas transmis. Donnez le n° de "
            "dossier du patient (ou qualifiez l'identité).",
            "en": "The identity is not qualified: the INS will not be sent. Give the patient's file "
            "number (or qualify the identity).",
        },
        "v.identity_document_missing": {
            "fr": "Identité {status} : indiquez la pièce d'identité contrôlée et la date du contrôle.",
            "en": "{Status} identity: say which ID document was checked, and when.",
        },
        "v.identity_document_none": {
            "fr": "Identité {status} mais pièce d'identité contrôlée « Aucune » : une identité n'est {status} qu'une "
            "fois une pièce d'identité à haut niveau de confiance contrôlée{insi}. Choisissez la pièce vue et la "
            "date du contrôle ; si aucune pièce n'a été vue, choisissez le statut « {instead} »{consequence}.",
            "en": "{Status} identity but ID document checked “None”: an identity is {status} only once a high-trust "
            "ID document has been checked{insi}. Choose the document seen and the date of the check; if no "
            "document was seen, choose the status “{instead}”{consequence}.",
        },
        "v.identity_none.insi": {"fr": " (en plus de l'INSi)", "en": " (besides INSi)"},
        "v.identity_none.ins_kept": {
            "fr": " (l'INS ne sera alors pas transmis)",
            "en": " (the INS will then not be sent)",
        },
        "v.identity_document": {"fr": "Pièce d'identité contrôlée inconnue.", "en": "Unknown ID document checked."},
        # (a foreign minor's travel document: no exception, no box under it)
        "v.identity_document_minor": {
            "fr": "Le livret de famille, l'acte de naissance et le document de circulation pour étranger mineur ne "
            "valident que l'identité d'un mineur : pour un adulte, il faut une carte d'identité, un passeport ou "
            "un titre de séjour (sinon, laissez le statut « Récupérée » ou « Provisoire »).",
            "en": "A family record book, a birth certificate or a travel document for a foreign minor validates a "
            "minor's identity only: an adult needs an identity card, a passport or a residence permit (else keep "
            "the status “Recovered” or “Provisional”).",
        },
        # (the family record book, the birth certificate: RNIV's EHPAD exception said, its box being under them)
        "v.identity_document_minor_ehpad": {
            "fr": "Le livret de famille, l'acte de naissance et le document de circulation pour étranger mineur ne "
            "valident que l'identité d'un mineur : pour un adulte, il faut une carte d'identité, un passeport ou "
            "un titre de séjour (sinon, laissez le statut « Récupérée » ou « Provisoire »). Seule exception : un "
            "résident admis directement en EHPAD dont la carte Vitale avec photo a été vue aussi (la case « Admis "
            "directement en EHPAD » sous la pièce ; patient.identity_ehpad_vitale dans un fichier de dossier).",
            "en": "A family record book, a birth certificate or a travel document for a foreign minor validates a "
            "minor's identity only: an adult needs an identity card, a passport or a residence permit (else keep "
            "the status “Recovered” or “Provisional”). One exception: a resident admitted directly to an EHPAD "
            "(care home) whose carte Vitale with photo was seen too (the box “Admitted directly to an "
            "EHPAD” under the document; patient.identity_ehpad_vitale in a case file).",
        },
        "v.identity_date": {
            "fr": "Date du contrôle de l'identité invalide (AAAA-MM-JJ, pas dans le futur).",
            "en": "Invalid identity check date (YYYY-MM-DD, not in the future).",
        },
        "v.identity_date_unborn": {
            "fr": "Date du contrôle de l'identité antérieure à la date de naissance : corrigez-la (le jour où la "
            "pièce d'identité a été vue).",
            "en": "Identity check date before the birth date: correct it (the day the ID document was seen).",
        },
        "sex.male": {"fr": "un homme", "en": "a man"},
        "sex.female": {"fr": "une femme", "en": "a woman"},
        "sex.entered.male": {"fr": "Homme", "en": "Male"},
        "sex.entered.female": {"fr": "Femme", "en": "Female"},
        "identity.provisional": {"fr": "provisoire", "en": "provisional"},
        "identity.recovered": {"fr": "récupérée", "en": "recovered"},
        "identity.validated": {"fr": "validée", "en": "validated"},
        "identity.qualified": {"fr": "qualifiée", "en": "qualified"},
        "v.identity": {
            "fr": "Donnez le matricule INS du patient ou, à défaut, son n° de dossier.",
            "en": "Give the patient's INS or, failing that, the patient's file number.",
        },
        "v.consent": {
            "fr": "Recueillez le consentement du patient à la télé-expertise avant l'envoi.",
            "en": "Record the patient's consent to tele-expertise before sending.",
        },
        "v.consent_date_future": {
            "fr": "Date du consentement ({day}) après la date du jour de ce poste ({today}) : vérifiez-la, "
            "ou l'horloge de l'ordinateur si c'est elle qui retarde.",
            "en": "Consent date ({day}) after this workstation's date ({today}): check it, or the computer's "
            "clock if it is behind.",
        },
        "v.consent_date_no_day": {
            "fr": "Date du consentement invalide : ce jour n'existe pas ({day} ?) ; vérifiez le jour et le mois.",
            "en": "Invalid consent date: there is no such day ({day}?); check the day and the month.",
        },
        "v.consent_date": {
            "fr": "Date du consentement manquante ou invalide (AAAA-MM-JJ).",
            "en": "Consent date missing or invalid (YYYY-MM-DD).",
        },
        "v.captured_future": {
            "fr": "Image {n} : sa date de prise de vue est dans le futur. L'horloge de l'appareil est sans "
            "doute mal réglée ; l'expert verra cette date.",
            "en": "Image {n}: its capture date is in the future. The device's clock is probably wrong; the "
            "expert will see this date.",
        },
        "v.captured_earlier": {
            "fr": "Image {n} : prise le {when}, {before} les autres images du dossier. Elle peut être d'un "
            "patient précédent, restée sur la carte de l'appareil : vérifiez qu'elle est bien de ce patient, "
            "sinon supprimez-la.",
            "en": "Image {n}: taken on {when}, {before} the case's other images. It may be a previous "
            "patient's, left on the device's card: check that it is this patient's, else delete it.",
        },
        "v.captured_earlier_here": {
            "fr": "Image {n} : prise avec la caméra dans Teleavis le {when}, {before} les images ajoutées "
            "ensuite au dossier. Vérifiez qu'elle est bien de ce patient (le dossier ouvert à ce moment-là était-il "
            "le sien ?), sinon supprimez-la.",
            "en": "Image {n}: taken with the camera in Teleavis on {when}, {before} the images added to the case "
            "later. Check that it is this patient's (was the case open then theirs?), else delete it.",
        },
        # The same, of a photo joined to a reply: named as the reply numbers it (the case has its own image 1),
        # and « retirez-la », the reply's button (it has no « Supprimer »; found from outside).
        "v.reply_captured_earlier": {
            "fr": "Photo {n} de la réponse : prise le {when}, {before} les autres images du dossier. Elle peut être "
            "d'un patient précédent, restée sur la carte de l'appareil : vérifiez qu'elle est bien de ce patient, "
            "sinon retirez-la.",
            "en": "Reply photo {n}: taken on {when}, {before} the case's other images. It may be a previous "
            "patient's, left on the device's card: check that it is this patient's, else remove it.",
        },
        "v.reply_captured_earlier_here": {
            "fr": "Photo {n} de la réponse : prise avec la caméra dans Teleavis le {when}, {before} les images "
            "ajoutées ensuite. Vérifiez qu'elle est bien de ce patient (le dossier ouvert à ce moment-là était-il "
            "le sien ?), sinon retirez-la.",
            "en": "Reply photo {n}: taken with the camera in Teleavis on {when}, {before} the images added later. "
            "Check that it is this patient's (was the case open then theirs?), else remove it.",
        },
        # How long before the newest of the others (found by testers: a photo of 2015 said « des heures avant »).
        "v.before.hours": {"fr": "des heures avant", "en": "hours before"},
        "v.before.days": {"fr": "des jours avant", "en": "days before"},
        "v.before.months": {"fr": "des mois avant", "en": "months before"},
        "v.before.years": {"fr": "des années avant", "en": "years before"},
        "v.consent_before_birth": {
            "fr": "Date du consentement antérieure à la naissance du patient : vérifiez-la.",
            "en": "The consent's date is before the patient's birth: check it.",
        },
        "v.consent_by": {"fr": "Indiquez qui a recueilli le consentement.", "en": "Say who recorded the consent."},
        "v.treatment": {"fr": "Traitement sans nom.", "en": "A treatment has no name."},
        "v.no_image": {"fr": "Ajoutez au moins une image.", "en": "Add at least one image."},
        "v.demo_image": {
            "fr": "Image {n} : prise avec la caméra de démonstration (une image fabriquée par le programme, pas "
            "une photo de ce patient). Supprimez-la, branchez la caméra et reprenez la photo, ou importez-la.",
            "en": "Image {n}: taken with the demo camera (a picture made by the program, not a photo of this "
            "patient). Delete it, plug the camera in and take the photo again, or import it.",
        },
        "v.demo_image.reply": {
            "fr": "Image {n} : prise avec la caméra de démonstration (une image fabriquée par le programme, pas "
            "une photo de ce patient) : rien n'est parti, votre texte est gardé. Retirez-la, branchez la caméra "
            "et reprenez la photo, ou joignez-la avec « Ajouter des images… ».",
            "en": "Image {n}: taken with the demo camera (a picture made by the program, not a photo of this "
            "patient): nothing has left, your text is kept. Remove it, plug the camera in and take the photo "
            "again, or attach it with “Add images…”.",
        },
        "v.demo_image.reply_sent": {
            "fr": "Image {n} : prise avec la caméra de démonstration (une image fabriquée par le programme, pas "
            "une photo de ce patient) : la réponse n'est pas partie, votre texte est gardé et cette image retirée. "
            "Branchez la caméra et reprenez la photo, ou joignez-la avec « Ajouter des images… », puis envoyez "
            "la réponse.",
            "en": "Image {n}: taken with the demo camera (a picture made by the program, not a photo of this "
            "patient): the reply has not left, your text is kept and that image taken off. Plug the camera in and "
            "take the photo again, or attach it with “Add images…”, then send the reply.",
        },
        "v.too_many": {
            "fr": "Huit images au plus par dossier : retirez-en {extra}.",
            "en": "At most eight images per case: remove {extra}.",
        },
        "v.far": {
            "fr": "Vue éloignée manquante (zone du corps reconnaissable).",
            "en": "Far view missing (body site recognisable).",
        },
        "v.close": {
            "fr": "Vue rapprochée manquante (lésion nette, remplissant le cadre).",
            "en": "Close-up view missing (sharp lesion, filling the frame).",
        },
        "v.body_site": {
            "fr": "Image {n} : indiquez la localisation (zone du corps).",
            "en": "Image {n}: give the body site.",
        },
        "v.view": {
            "fr": "Image {n} : indiquez la vue (éloignée, intermédiaire, rapprochée, dermoscopie).",
            "en": "Image {n}: give the view (far, medium, close-up, dermoscopy).",
        },
        # A wound's form expects no dermoscopy (app.views.offered_views): not named to her.
        "v.view.wound": {
            "fr": "Image {n} : indiquez la vue (éloignée, intermédiaire, rapprochée).",
            "en": "Image {n}: give the view (far, medium, close-up).",
        },
        "v.eye": {
            "fr": "Image {n} : indiquez l'œil (droit ou gauche).",
            "en": "Image {n}: say which eye (right or left).",
        },
        "v.eye_bad": {
            "fr": "Image {n} : œil inconnu, « right » ou « left ».",
            "en": "Image {n}: unknown eye, “right” or “left”.",
        },
        "v.field": {
            "fr": "Image {n} : indiquez le champ (centré sur la macula ou sur la papille).",
            "en": "Image {n}: give the field (macula-centred or disc-centred).",
        },
        "v.view_missing": {"fr": "{label} manquante.", "en": "{label} missing."},
        "v.macula": {
            "fr": "{eye} : champ centré sur la macula manquant.",
            "en": "{eye}: macula-centred field missing.",
        },
        "v.disc": {
            "fr": "{eye} : pas de champ centré sur la papille (conseillé pour le dépistage, pas obligatoire).",
            "en": "{eye}: no disc-centred field (advised for screening, not required).",
        },
        "v.field_missing": {"fr": "{eye} : {label} manquant.", "en": "{eye}: {label} missing."},
        "v.eye_missing": {
            "fr": "{eye} : aucune rétinographie. Photographiez cet œil ou, s'il ne peut pas l'être, "
            "dites pourquoi (« Un seul œil, pourquoi ? »).",
            "en": "{eye}: no retinograph. Photograph this eye or, if it cannot be, say why (“One eye only, why?”).",
        },
        "v.no_eye": {"fr": "Aucune rétinographie rattachée à un œil.", "en": "No retinograph is labelled with an eye."},
        "v.quality": {
            "fr": "Image {n} inutilisable : {reason} Reprenez-la ou retirez-la.",
            "en": "Image {n} is unusable: {reason} Retake or remove it.",
        },
        "v.quality_warn": {"fr": "Image {n} : {reason}", "en": "Image {n}: {reason}"},
        # A wrong eye sends the expert's advice (laser, injection) to the other eye. Not blocking: the
        # nurse may know better (an export mirrored by the device, an unusual field).
        "v.eye_side.left": {
            "fr": "La papille est à gauche de l'image : cela ressemble à un œil gauche, pas à l'œil droit "
            "indiqué. Vérifiez l'œil choisi.",
            "en": "The optic disc is on the left of the image: this looks like a left eye, not the right eye "
            "chosen. Check the eye.",
        },
        "v.eye_side.right": {
            "fr": "La papille est à droite de l'image : cela ressemble à un œil droit, pas à l'œil gauche "
            "indiqué. Vérifiez l'œil choisi.",
            "en": "The optic disc is on the right of the image: this looks like a right eye, not the left eye "
            "chosen. Check the eye.",
        },
        # The device's own word (a DICOM's laterality), said before the disc's: it is no guess.
        "v.eye_side.device.left": {
            "fr": "L'appareil a enregistré cette image comme un œil gauche, pas l'œil droit indiqué. "
            "Vérifiez l'œil choisi.",
            "en": "The device recorded this image as a left eye, not the right eye chosen. Check the eye.",
        },
        "v.eye_side.device.right": {
            "fr": "L'appareil a enregistré cette image comme un œil droit, pas l'œil gauche indiqué. "
            "Vérifiez l'œil choisi.",
            "en": "The device recorded this image as a right eye, not the left eye chosen. Check the eye.",
        },
        # The same eye filed twice, once as each: the other eye is not photographed, and the expert's
        # advice for one eye would go to the other.
        "v.same_eye": {
            "fr": "Images {a} et {b} : la papille est du même côté sur les deux, l'une est classée œil droit et "
            "l'autre œil gauche : c'est sans doute le même œil deux fois. Vérifiez l'œil de chacune.",
            "en": "Images {a} and {b}: the optic disc is on the same side in both, one filed as the right eye and "
            "the other as the left: this is probably the same eye twice. Check the eye of each.",
        },
        # A field filed as the other one: the eye may lack the field the screening protocol asks for.
        "v.field_doubt.disc": {
            "fr": "La papille est au centre du champ : cela ressemble à un champ centré sur la papille, pas sur "
            "la macula comme indiqué. Vérifiez le champ choisi.",
            "en": "The optic disc is in the middle of the field: this looks like a disc-centred field, not the "
            "macula-centred one chosen. Check the field.",
        },
        "v.field_doubt.macula": {
            "fr": "La papille est loin du centre du champ : cela ressemble à un champ centré sur la macula, pas "
            "sur la papille comme indiqué. Vérifiez le champ choisi.",
            "en": "The optic disc is far from the middle of the field: this looks like a macula-centred field, "
            "not the disc-centred one chosen. Check the field.",
        },
        "v.site": {
            "fr": "Le site n'est pas configuré (praticien RPPS, structure FINESS) : lancez « teleavis init ».",
            "en": "The site is not set up (practitioner RPPS, organisation FINESS): run “teleavis init”.",
        },
        "v.patient_system_national": {
            "fr": "L'origine des n° de dossier réglée pour le site est celle d'un identifiant national ({what}) : "
            "la plateforme refuserait ce patient ou le confondrait avec un autre. Faites-la remplacer dans "
            "les réglages du site par celle de votre service informatique.",
            "en": "The origin of file numbers set for the site is that of a national identifier ({what}): the "
            "platform would refuse this patient or mix them up with another. Have it replaced in the site's "
            "settings by your IT department's.",
        },
        "v.patient_system_code": {
            "fr": "L'origine des n° de dossier réglée pour le site est l'adresse d'une terminologie (une liste de "
            "codes), pas celle de vos n° de dossier : la plateforme confondrait ce patient avec celui d'une autre "
            "structure. Faites-la remplacer dans les réglages du site par celle de votre service informatique.",
            "en": "The origin of file numbers set for the site is the address of a terminology (a list of codes), "
            "not that of your file numbers: the platform would mix this patient up with another organisation's. "
            "Have it replaced in the site's settings by your IT department's.",
        },
        "v.rpps": {
            "fr": "Le numéro RPPS (ou ADELI) du demandeur est invalide.",
            "en": "The requester's RPPS (or ADELI) number is invalid.",
        },
        "v.finess": {
            "fr": "Le numéro FINESS (ou SIRET, SIREN) de la structure est invalide.",
            "en": "The organisation's FINESS (or SIRET, SIREN) is invalid.",
        },
        "eye.right": {"fr": "Œil droit", "en": "Right eye"},
        "eye.left": {"fr": "Œil gauche", "en": "Left eye"},
    }
)

_VIEW_MESSAGES = {"far": "v.far", "close-up": "v.close"}
_FIELD_MESSAGES = {"macula": "v.macula", "disc": "v.disc"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # (another script's digits are no calendar's)
#: A birth date whose day or month is unknown: 00 as the INSi service writes it, or left out (1950-02, 1950).
_PARTIAL_DATE = re.compile(r"^\d{4}(?:-00-\d{2}|-\d{2}-00|-\d{2})?$", re.ASCII)


def parse_date(text: str) -> date | None:
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def no_such_day(text: str) -> str | None:
    """The day of a date written in the right form but absent from the calendar (``1950-02-31``), as a
    reader says it (« 31 février », "31 February"; « 31/13 » for a month past 12); None for any other
    text. Said as such: « attendue sous la forme JJ/MM/AAAA » did not tell the nurse, who had typed
    that form, that the day was what was wrong."""
    if not isinstance(text, str) or not _DATE.match(text) or parse_date(text) is not None:
        return None
    _year, month, day = (int(part) for part in text.split("-"))
    if 1 <= month <= 12:
        return f"{day} {_MONTHS.get(i18n.language(), _MONTHS['fr'])[month - 1]}"
    return f"{day:02d}/{month:02d}"


def _name_signs(text: str, *, trait: bool = False) -> str:
    """The characters of ``text`` a name does not hold (digits, punctuation, symbols), each once, in the
    order typed: a name is letters (accents kept), spaces, hyphens and apostrophes. Control and invisible
    characters are left to :func:`_hidden_characters`. ``trait`` (an INS trait): a letter no A–Z writing
    holds too (another script: « Иванов »), which the INSi teleservice never returns (``ins_trait``)."""
    import unicodedata

    kept = {" ", "-", "'"}
    signs = [
        ch
        for ch in name_text(text)
        if ch not in kept
        and unicodedata.category(ch) not in ("Cc", "Cf")
        and (
            unicodedata.category(ch)[0] not in ("L", "M")
            or (trait and unicodedata.category(ch)[0] == "L" and not _A_TO_Z.fullmatch(ins_trait(ch)))
        )
    ]
    return " ".join(dict.fromkeys(signs))


#: An INS trait's letters, as the INSi teleservice writes them.
_A_TO_Z = re.compile(r"[A-Z]+")


def _hidden_characters(text: str) -> bool:
    """Whether ``text`` holds a control or invisible formatting character (escape, NUL, bidi override)."""
    import unicodedata

    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


#: Words that tie a name to a marriage (folded): « épouse », « ép. », « veuve », « née »… A birth name
#: holding one as a word of its own has had the used name written into it (« DUPONT épouse LEROY »),
#: which the RNIV forbids: the birth name is a strict trait, the used name a trait of its own.
MARRIAGE_WORDS = frozenset({"epouse", "ep", "epse", "veuve", "vve", "nee", "divorcee"})
_PARTICLES = frozenset({"de", "la", "le", "du", "des", "d", "l"})
_NAME_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def marriage_word(name: str) -> str:
    """The first word of ``name`` that ties it to a marriage, as typed (« ép »), or "" when none.

    A word is a run of letters (joined by hyphens or apostrophes): « EPEE », « NEEL » or « VEUVE-
    CLICQUOT » are names, not « ép. », « née » or « veuve ». A name of a single word is a name, and so
    is one after a particle (« DE LA VEUVE »)."""
    words: list[str] = _NAME_WORDS.findall(name)
    if len(words) < 2:
        return ""
    for before, word in zip(["", *words], words, strict=False):
        if fold(word) in MARRIAGE_WORDS and fold(before) not in _PARTICLES:
            return word
    return ""


def _f(code: str, field: str, key: str, severity: str = "missing", **params: object) -> Finding:
    return Finding(code=code, field=field, message=M.tr(key, **params), severity=severity)  # type: ignore[arg-type]


def validate_identity(case: Case, today: date | None = None) -> list[Finding]:
    """Patient identity: names, birth date, sex, INS key (Corsica included) or local id."""
    from app.patient import PN_SIGNS

    out: list[Finding] = []
    p = case.patient
    today = today or clock.today()
    if not p.family.strip():
        out.append(_f("patient.family", "patient.family", "v.family"))
    elif word := marriage_word(p.family):
        # Said, not blocking: the nurse corrects it in a moment, and a name read wrongly as married
        # must not hold a case back. Under the field as it is typed, and in the checklist.
        out.append(_f("patient.family.married", "patient.family", "v.family_married", "warning", word=word))
    if word := marriage_word(p.used_name):
        out.append(_f("patient.used_name.married", "patient.used_name", "v.used_name_married", "warning", word=word))
    if not p.given or not p.given[0].strip():
        out.append(_f("patient.given", "patient.given", "v.given"))
    if not p.birth_date:
        out.append(_f("patient.birth_date", "patient.birth_date", "v.birth_date"))
    else:
        born = parse_date(p.birth_date)
        if born is None and _PARTIAL_DATE.match(p.birth_date):
            out.append(_f("patient.birth_date.invalid", "patient.birth_date", "v.birth_date_partial", "error"))
        elif born is None and (day := no_such_day(p.birth_date)):
            out.append(_f("patient.birth_date.invalid", "patient.birth_date", "v.birth_date_no_day", "error", day=day))
        elif born is None:
            out.append(_f("patient.birth_date.invalid", "patient.birth_date", "v.birth_date_bad", "error"))
        elif born > today:
            out.append(_f("patient.birth_date.invalid", "patient.birth_date", "v.birth_date_future", "error"))
        elif born.year < 1880:  # a slip of the century (1850 for 1950): said as such
            out.append(_f("patient.birth_date.invalid", "patient.birth_date", "v.birth_date_old", "error"))
    if p.birth_place and not birth_place_is_valid(p.birth_place):
        out.append(_f("patient.birth_place.invalid", "patient.birth_place", "v.birth_place", "error"))
    elif p.birth_place.startswith("20") and p.birth_date >= CORSICA_SPLIT:
        out.append(_f("patient.birth_place.invalid", "patient.birth_place", "v.birth_place_corsica", "error"))
    if p.sex not in SEXES:
        out.append(_f("patient.sex", "patient.sex", "v.sex", "error"))
    hidden = [
        field
        for field, text in (
            ("family", p.family),
            ("used_name", p.used_name),
            ("given", " ".join(p.given)),
            ("local_id", p.local_id or ""),
        )
        if _hidden_characters(text)
    ]
    for field, text in (("family", p.family), ("given", " ".join(p.given)), ("used_name", p.used_name)):
        # Said, not blocking: the ID document has the last word (found by an identity-vigilance review:
        # « MARTIN2 » or « P@ul » were sent as strict traits).
        # A qualified identity's birth name and given names are the INS traits, which hold no such sign, nor
        # a letter of another script: one typed there is a trait typed wrong, sent as the official name beside
        # the INS.
        trait = p.ins_sent() and field in ("family", "given")
        if pn_signs := " ".join(dict.fromkeys(ch for ch in text if ch in PN_SIGNS)):
            # Blocking whatever the identity's status: no name holds them, and in a DICOM header they move
            # one name into another (a patient mis-identified).
            what = M.tr(f"v.what.{field}")
            out.append(
                _f(
                    f"patient.{field}.signs",
                    f"patient.{field}",
                    "v.name_pn_signs",
                    "error",
                    what=what,
                    signs=pn_signs,
                )
            )
        elif field not in hidden and (signs := _name_signs(text, trait=trait)):
            what = M.tr(f"v.what.{field}")
            key, severity = ("v.name_signs_ins", "error") if trait else ("v.name_signs", "warning")
            out.append(_f(f"patient.{field}.signs", f"patient.{field}", key, severity, what=what, signs=signs))
    for field in hidden:
        # Found from outside: escape sequences and a right-to-left override in a case file's name were
        # kept, sent as the official name of a qualified identity, and rewrote the terminal's lines.
        what = M.tr(f"v.what.{field}")
        out.append(_f(f"patient.{field}.characters", f"patient.{field}", "v.hidden_characters", "error", what=what))
    if p.ins:
        if not ins_format_ok(p.ins):
            out.append(_f("patient.ins.format", "patient.ins", "v.ins_format", "error"))
        elif not ins_is_valid(p.ins):
            out.append(_f("patient.ins.key", "patient.ins", "v.ins_key", "error"))
        else:
            out.extend(_ins_agreement(case))
    elif not (p.local_id or "").strip():
        out.append(_f("patient.identifier", "patient.ins", "v.identity"))
    out.extend(_identity_status(case, today))
    return out


def _ins_agreement(case: Case) -> list[Finding]:
    """Identity vigilance: the INS encodes the sex and the birth year and month; a disagreement with
    what was typed means one of them is wrong (or the INS is someone else's)."""
    p = case.patient
    out = []
    wrong = ins_disagreements(p.ins or "", p.sex, p.birth_date)
    if "sex" in wrong:
        out.append(
            _f(
                "patient.ins.sex",
                "patient.ins",
                "v.ins_sex",
                "error",
                ins_sex=M.tr(f"sex.{ins_sex(p.ins or '')}"),
                sex=M.tr(f"sex.entered.{p.sex}"),
            )
        )
    if "birth" in wrong:
        out.append(_f("patient.ins.birth", "patient.ins", "v.ins_birth", "error"))
    if p.birth_place and birth_place_is_valid(p.birth_place) and not birth_place_agrees(p.ins or "", p.birth_place):
        out.append(
            _f(
                "patient.birth_place.ins",
                "patient.birth_place",
                "v.ins_birth_place",
                "warning",
                place=p.birth_place,
                ins_place=ins_birth_place(p.ins or "") or "",
            )
        )
    return out


def _identity_status(case: Case, today: date) -> list[Finding]:
    """The identity's status (RNIV), the document checked, and what the status implies for the
    identifier sent: the INS only for a qualified identity, else the local id."""
    p = case.patient
    out: list[Finding] = []
    if p.identity_status not in IDENTITY_STATUSES:
        return [_f("patient.identity_status", "patient.identity_status", "v.identity_status", "error")]
    if p.identity_status in ("recovered", "qualified") and not p.ins:
        out.append(
            _f(
                "patient.identity_status.ins",
                "patient.ins",
                "v.identity_ins_needed",
                status=M.tr(f"identity.{p.identity_status}"),
                Status=M.tr(f"identity.{p.identity_status}").capitalize(),
            )
        )
    if p.ins_sent() and not p.birth_place:
        # FR Core's fr-core-patient-ins has the birth place 1..1, but the platform contract's qualified
        # identities come without it: worth saying, not blocking.
        out.append(_f("patient.birth_place.missing", "patient.birth_place", "v.birth_place_missing", "warning"))
    if p.ins_sent() and p.sex == "other":  # the national identity knows men and women (FR Core's INS gender)
        out.append(_f("patient.sex.ins", "patient.sex", "v.ins_sex_other", "error"))
    elif p.ins_sent() and p.sex not in ("male", "female"):
        # A strict trait of the RNIV, and the INS's sex digit is checked against it: left unknown, an INS of
        # someone of the other sex (a spouse's) would go unnoticed.
        out.append(_f("patient.sex.ins", "patient.sex", "v.ins_sex_missing", "error"))
    if p.ins and not p.ins_sent() and not (p.local_id or "").strip():
        out.append(_f("patient.local_id", "patient.local_id", "v.local_needed"))
    if p.identity_status in ("validated", "qualified") and p.identity_document == NO_DOCUMENT:
        # Found from outside: « Qualifiée » with « Aucune » was a mere warning and the INS went for an identity whose
        # document nobody had checked (RNIV: qualified = INSi AND a high-trust ID document; validated = the
        # document). Said so, the status contradicts the answer: sending waits, what to do instead is said.
        qualified = p.identity_status == "qualified"
        out.append(
            _f(
                "patient.identity_document.none",
                "patient.identity_document",
                "v.identity_document_none",
                "error",
                status=M.tr(f"identity.{p.identity_status}"),
                Status=M.tr(f"identity.{p.identity_status}").capitalize(),
                instead=M.tr("identity.recovered" if qualified else "identity.provisional").capitalize(),
                insi=M.tr("v.identity_none.insi") if qualified else "",
                consequence=M.tr("v.identity_none.ins_kept") if qualified and p.ins else "",
            )
        )
    elif p.identity_status in ("validated", "qualified") and not p.identity_document:
        # Not said (a case file without the key: docs/cli.md's hospital system that checked it but does not say
        # which; a case stored before « Aucune » was told apart): asked for, not blocking. Made in the window, or its
        # status, document, INS or a strict trait set there, the list of documents in front of her: waited for, as
        # « Aucune » is (notes 36, 37).
        out.append(
            _f(
                "patient.identity_document.missing",
                "patient.identity_document",
                "v.identity_document_missing",
                "missing" if ORIGIN_WINDOW in (case.origin, case.identity_origin) else "warning",
                status=M.tr(f"identity.{p.identity_status}"),
                Status=M.tr(f"identity.{p.identity_status}").capitalize(),
            )
        )
    if p.identity_document and p.identity_document not in (*IDENTITY_DOCUMENTS, NO_DOCUMENT):
        out.append(_f("patient.identity_document", "patient.identity_document", "v.identity_document", "error"))
    elif (
        p.identity_status in ("validated", "qualified")
        and p.identity_document in MINORS_DOCUMENTS
        and not (p.identity_ehpad_vitale and p.identity_document in EHPAD_DOCUMENTS)
        and _adult_on(p.birth_date, parse_date(p.identity_checked_on) or today)
    ):
        # RNIV: these documents are of high trust for a minor only (with a parent's own ID document).
        said = (
            "v.identity_document_minor_ehpad" if p.identity_document in EHPAD_DOCUMENTS else "v.identity_document_minor"
        )
        out.append(_f("patient.identity_document.minor", "patient.identity_document", said, "error"))
    if p.identity_checked_on:
        checked = parse_date(p.identity_checked_on)
        born = parse_date(p.birth_date)
        if checked is None or checked > today:
            out.append(_f("patient.identity_checked_on", "patient.identity_checked_on", "v.identity_date", "error"))
        elif born is not None and checked < born:  # no check of this patient's document: a slip of the year
            out.append(
                _f("patient.identity_checked_on", "patient.identity_checked_on", "v.identity_date_unborn", "error")
            )
    return out


#: ID documents that validate a minor's identity only (RNIV 2024, volet 1, 3.3.3): the family record book and
#: the birth certificate (with a parent's own ID document), a foreign minor's travel document.
MINORS_DOCUMENTS = ("LE", "AN", "DC")
#: ... and an adult's too for a resident admitted directly to an EHPAD, with the resident's carte Vitale bearing
#: a photograph (RNIV 2024, volet 1, 3.3.3: ``Patient.identity_ehpad_vitale``).
EHPAD_DOCUMENTS = ("LE", "AN")


def ehpad_vitale_asked(p: Patient, today: date | None = None) -> bool:
    """Whether the EHPAD resident's carte Vitale (RNIV 2024, volet 1, 3.3.3) is a question for this identity:
    validated or qualified on the family record book or the birth certificate, the patient no known minor (a
    minor's identity is validated on them with a parent's ID document; a birth date not known yet asks)."""
    if p.identity_status not in ("validated", "qualified") or p.identity_document not in EHPAD_DOCUMENTS:
        return False
    day = parse_date(p.identity_checked_on) or today or clock.today()
    return parse_date(p.birth_date) is None or _adult_on(p.birth_date, day)


def _adult_on(birth_date: str, day: date) -> bool:
    """Whether someone born on ``birth_date`` (ISO) was 18 on ``day``; False when the date is not known."""
    born = parse_date(birth_date)
    if born is None:
        return False
    return (day.year - born.year - ((day.month, day.day) < (born.month, born.day))) >= 18


def validate_content(case: Case, today: date | None = None) -> list[Finding]:
    """Everything but the images and the site."""
    out = validate_identity(case, today)
    if case.specialty not in tuple(Specialty):
        out.append(_f("specialty", "specialty", "v.specialty", "error"))
    if case.priority not in tuple(Priority):
        out.append(_f("priority", "priority", "v.priority", "error"))
    if not case.question.strip():
        out.append(_f("question", "question", "v.question"))
    if not case.summary.strip():
        out.append(_f("summary", "summary", "v.summary"))
    consent = case.consent
    if not consent.given:
        out.append(_f("consent", "consent.given", "v.consent"))
    else:
        signed = parse_date(consent.date)
        born = parse_date(case.patient.birth_date)
        if signed is None and (day := no_such_day(consent.date)):
            out.append(_f("consent.date", "consent.date", "v.consent_date_no_day", day=day))
        elif signed is None:
            out.append(_f("consent.date", "consent.date", "v.consent_date"))
        elif signed > (now := today or clock.today()):
            # Named, with the workstation's own today: a clock fallen behind is told from a slip of the date.
            out.append(
                _f(
                    "consent.date",
                    "consent.date",
                    "v.consent_date_future",
                    day=i18n.date_words(signed.isoformat()),
                    today=i18n.date_words(now.isoformat()),
                )
            )
        elif born is not None and signed < born:
            # A slip of the year (1952 for 2025): the legal record of the consent would be false.
            out.append(_f("consent.date", "consent.date", "v.consent_before_birth"))
        if not consent.recorded_by.strip():
            out.append(_f("consent.recorded_by", "consent.recorded_by", "v.consent_by"))
    for i, treatment in enumerate(case.treatments):
        if not treatment.name.strip():
            out.append(_f("treatment.name", f"treatments[{i}].name", "v.treatment", "error"))
    if case.specialty in tuple(Specialty):
        out.extend(forms.check_answers(case.specialty, case.form))
    return out


def image_place(specialty: str, image: CaseImage, n: int, where: str = "") -> list[Finding]:
    """Where on the patient image ``n`` was taken, as the expert needs it: the eye of a retinograph,
    the body site of any other photo. A case's image and one joined to a reply alike."""
    where = where or f"images[{n - 1}]"
    if specialty == Specialty.OPHTHALMOLOGY:
        if not image.eye:
            return [_f("image.eye", f"{where}.eye", "v.eye", n=n)]
        if image.eye not in EYES:
            return [_f("image.eye.invalid", f"{where}.eye", "v.eye_bad", "error", n=n)]
        return []
    if not image.body_site.strip():
        return [_f("image.body_site", f"{where}.body_site", "v.body_site", n=n)]
    return []


#: The code of :func:`eye_side`'s warning.
EYE_SIDE = "image.eye.side"


def eye_side(image: CaseImage, n: int, where: str = "") -> list[Finding]:
    """A retinograph the device recorded as the other eye, or whose optic disc lies on the other eye's
    side of the image (a warning).

    A DICOM's device says which eye it photographed (``DEVICE_EYE_CHECK``, kept at import); in a fundus
    photograph the disc is on the nasal side: on the right of the image for a right eye, on the left
    for a left eye (``DISC_SIDE_CHECK``). The eye is a label the nurse may change at any time (and a
    retake or a case file may set it before the import), so each is compared with it here, each time
    the checklist is made, the device's word first. Nothing is said of the disc when it was not found
    with confidence, or lies in the centre (a disc-centred field).
    """
    sentence = eye_side_words(image)
    if sentence is None:
        return []
    where = where or f"images[{n - 1}]"
    return [_f(EYE_SIDE, f"{where}.eye", "v.quality_warn", "warning", n=n, reason=sentence)]


def eye_side_words(image: CaseImage, lang: str | None = None) -> str | None:
    """What :func:`eye_side` says of this image, without its number (the window's tile and labels
    show it beside the image itself), or ``None``. In ``lang`` when given (a report printed in
    another language), else the user's."""
    doubt = eye_doubt(image)
    if doubt is None:
        return None
    side, said_by = doubt
    key = f"v.eye_side.device.{side}" if said_by == "device" else f"v.eye_side.{side}"
    return M.CATALOGUE.tr_in(key, lang) if lang else M.tr(key)


def eye_doubt(image: CaseImage) -> tuple[str, str] | None:
    """The eye a retinograph seems to be when that is not the eye chosen for it, and what says so:
    ``("left", "device")`` when its device recorded it as a left eye, else ``("left", "disc")`` when its
    optic disc lies where a left eye's does; ``None`` when they agree with the eye chosen, or nothing
    tells. The device's word comes first: it is no guess."""
    if image.eye not in EYES:
        return None
    device = next((e for e in (f.device_eye() for f in image.quality) if e is not None), None)
    if device is not None and device != image.eye:
        return device, "device"
    side = next((s for s in (f.disc_side() for f in image.quality) if s is not None), None)
    if side is not None and side != image.eye:
        return side, "disc"
    return None


#: The code of :func:`field_doubt`'s warning.
FIELD_DOUBT = "image.field.doubt"
#: The optic disc's distance from the field's centre, in field radii, under which a field looks
#: disc-centred, and from which it looks macula-centred. A 45° field centred on the fovea puts the disc
#: some 15° away, two thirds of a radius; one centred on the disc keeps it within about a disc's width
#: of the centre. Between the two nothing is said.
DISC_CENTRED_WITHIN, MACULA_CENTRED_FROM = 0.2, 0.45


def field_doubt(image: CaseImage, n: int, where: str) -> list[Finding]:
    """A retinograph filed as macula-centred whose optic disc is in the middle of the field, or as
    disc-centred whose disc is far from it (a warning): the expert reads the two fields of the screening
    protocol, and the eye may lack one. Nothing is said of a field named otherwise, or whose disc was not
    found with confidence (``DISC_SIDE_CHECK``)."""
    sentence = field_doubt_words(image)
    if sentence is None:
        return []
    return [_f(FIELD_DOUBT, f"{where}.view", "v.quality_warn", "warning", n=n, reason=sentence)]


def field_doubt_words(image: CaseImage, lang: str | None = None) -> str | None:
    """What :func:`field_doubt` says of this image, without its number, or ``None``: in ``lang`` when
    given (a report printed in another language), else the user's. Found by a tester: the window's
    checklist said it, the report's image page said « aucune remarque » for the same image."""
    view = canonical(image.view)
    disc = next((f for f in image.quality if f.check == DISC_SIDE_CHECK and f.measure is not None), None)
    if view not in ("macula", "disc") or disc is None or disc.measure is None:
        return None
    offset = abs(disc.measure)
    if view == "macula" and offset < DISC_CENTRED_WITHIN:
        looks = "disc"
    elif view == "disc" and offset >= MACULA_CENTRED_FROM:
        looks = "macula"
    else:
        return None
    key = f"v.field_doubt.{looks}"
    return M.CATALOGUE.tr_in(key, lang) if lang else M.tr(key)


def looks_like(image: CaseImage) -> str | None:
    """The eye a retinograph seems to be (``right``, ``left``: as its device recorded it, or where its
    optic disc lies) when that is not the eye chosen for it; ``None`` when they agree, or nothing tells."""
    doubt = eye_doubt(image)
    return doubt[0] if doubt else None


def reply_eye_sides(specialty: str, images: list[CaseImage]) -> list[Finding]:
    """The eye-side warnings (:func:`eye_side`) of the images joined to a reply, numbered as the reply
    numbers them: a retinograph joined there goes to the expert as a case's does, and a wrong eye sends
    the advice to the other eye all the same. Warnings: the nurse may know better."""
    if specialty != Specialty.OPHTHALMOLOGY:
        return []
    return [f for n, image in enumerate(images, start=1) for f in eye_side(image, n, f"reply.images[{n - 1}]")]


#: The code of :func:`other_patient`'s warning.
#: The code of the finding refusing a demo camera's still in a real case (:func:`demo_image`).
DEMO_IMAGE = "image.demo"
#: The names the demo camera (``capture.demo.DemoCamera``) gives its stills' device, in every language
#: (tests/app/test_demo_image_refused.py checks they are its own).
DEMO_DEVICES = frozenset(
    {"Caméra de démonstration", "Demo camera", "Rétinographe de démonstration", "Demo retinograph"}
)


def demo_still(image: CaseImage) -> bool:
    """Whether ``image`` is a still of the demo camera (its device's name, in either language)."""
    return image.device in DEMO_DEVICES


def demo_images(images: list[CaseImage], where: str = "images") -> list[Finding]:
    """The demo camera's stills among the ``images`` of a case going to the real platform, numbered from 1:
    blocking. Its pictures are realistic skin or fundus drawings with no mark; sent, a real expert would
    read a synthetic image as this patient's. Asked by ``Store.checklist`` for a case's images, only when
    they go to the real platform (a reply's photos: ``sync.follow.reply_photo_refused``, as it is queued and
    sent; ``where`` ``"reply.images"``: its words say what to do there)."""
    key = "v.demo_image.reply" if where.startswith("reply.") else "v.demo_image"
    return [
        _f(DEMO_IMAGE, f"{where}[{n - 1}].device", key, "error", n=n)
        for n, image in enumerate(images, start=1)
        if demo_still(image)
    ]


OTHER_PATIENT = "image.patient.other"


def recorded_for_another(image: CaseImage, patient: Patient) -> bool:
    """Whether the image's device recorded it for another patient than ``patient``, the case's as it is
    now (``app.device_patient``: its name, first given name, birth date, sex or INS; an identity typed or
    corrected after the import is compared as it is). An image imported before the device's identity was
    kept has only its ``patient`` finding, compared at its import."""
    if image.device_patient is not None:
        return another_patient(image.device_patient, patient)
    return any(f.check == OTHER_PATIENT_CHECK and f.level != "ok" for f in image.quality)


def other_patient(image: CaseImage, patient: Patient, n: int, where: str = "") -> list[Finding]:
    """An image its device recorded for another patient (a warning under its own code, that the window
    asks about before the image leaves and ``case send`` says on stderr): sent, the expert would read
    another patient's image under this one's name. Not blocking: a name mistyped on the device is the
    same patient, which the nurse checks. Names nobody (the command line's output may end in a log)."""
    if not recorded_for_another(image, patient):
        return []
    where = where or f"images[{n - 1}]"
    sentence = quality_words.words("patient.other") or ""
    return [_f(OTHER_PATIENT, f"{where}.patient", "v.quality_warn", "warning", n=n, reason=sentence)]


#: The code of :func:`unconfirmed_patient`'s warning.
NAMES_ONLY = "image.patient.names-only"


def names_only_image(image: CaseImage, patient: Patient) -> bool:
    """Whether the image's device wrote the case's names only, without a birth date, an INS nor the site's
    file number (``app.device_patient.names_only``): nothing says it is this patient's."""
    return image.device_patient is not None and names_only(image.device_patient, patient)


def unconfirmed_patient(image: CaseImage, patient: Patient, n: int, where: str = "") -> list[Finding]:
    """An image its device recorded under the case's names alone (a warning under its own code, that the
    window asks about before the image leaves, as « Dossier de l'appareil » holds such a file unticked,
    and ``case import`` and ``case send`` say on stderr): a mother and her daughter, two homonyms share
    them (RNIV: names are no match without the birth date). Names nobody."""
    if not names_only_image(image, patient):
        return []
    where = where or f"images[{n - 1}]"
    sentence = quality_words.words("patient.names-only") or ""
    return [_f(NAMES_ONLY, f"{where}.patient", "v.quality_warn", "warning", n=n, reason=sentence)]


def reply_other_patients(images: list[CaseImage], patient: Patient) -> list[Finding]:
    """:func:`other_patient` and :func:`unconfirmed_patient` for the images joined to a reply, numbered as
    the reply numbers them: such an image reaches the expert as a case's does, whatever the specialty."""
    return [
        f
        for n, image in enumerate(images, start=1)
        for check in (other_patient, unconfirmed_patient)
        for f in check(image, patient, n, f"reply.images[{n - 1}]")
    ]


#: The code of :func:`taken_earlier`'s warning.
EARLIER_PHOTO = "image.captured.earlier"
#: An image also in another patient's case (a case file brought it; the window refuses it at its import).
IMAGE_ELSEWHERE = "image.elsewhere"
#: A photo taken this long before the newest of the others is of an earlier session: a previous patient's
#: left on the camera's card, imported with this one's (as « Dossier de l'appareil » and « Importer un
#: fichier… » say at the import, ui/capture_folder.py).
EARLIER_SESSION = timedelta(hours=3)


def _taken(images: list[CaseImage], now: datetime) -> dict[int, datetime]:
    """When each image was taken (by index), of those whose file gave a time (not an import's, not a date alone)."""
    taken: dict[int, datetime] = {}
    for index, image in enumerate(images):
        moment = parse_date_time(image.captured_at) if len(image.captured_at) > 10 and not image.time_unknown else None
        # A time in the future is its own warning (« image.future »: a clock set ahead), neither newest nor
        # earlier: found in review, a camera years ahead made every photo taken today « earlier », to delete.
        if moment is not None and moment.tzinfo is not None and not clock_set_ahead(moment, now):
            taken[index] = moment
    return taken


def _before(gap: timedelta) -> str:
    """« des heures avant » under a day, else days, months or years: as long before as it was."""
    if gap < timedelta(days=1):
        return M.tr("v.before.hours")
    if gap < timedelta(days=31):
        return M.tr("v.before.days")
    if gap < timedelta(days=365):
        return M.tr("v.before.months")
    return M.tr("v.before.years")


def earlier_sessions(
    images: list[CaseImage], now: datetime | None = None, also: Iterable[datetime] = ()
) -> dict[int, datetime]:
    """The images (by index) taken :data:`EARLIER_SESSION` before the newest of the others (and of ``also``,
    the moments they are compared with besides: a reply's, the case's), with when each was taken. Only a time
    the file gave counts (not an import's time, not a date alone). An earlier day alone is said at the import
    only: a draft begun one day holds that day's images when it leaves the next. A still taken here is one of
    them too, only not said a card's leftover (``taken_earlier``): found in review, a draft resumed hours later
    may be open in front of another patient."""
    taken = _taken(images, now or utc_now())
    newest = max([*taken.values(), *also], default=None)
    return {
        index: moment for index, moment in taken.items() if newest is not None and newest - moment > EARLIER_SESSION
    }


def _earlier_finding(
    image: CaseImage, moment: datetime, gap: timedelta, field: str, n: int, *, reply: bool = False
) -> Finding:
    """What the checklist says of a photo of an earlier session, ``gap`` before the newest: the time as the
    camera wrote it (its clock, as the import says it). ``reply``: a photo joined to a reply, in its words."""
    # A still taken here: in the workstation's zone (stored in UTC), and never said left on a card (note 36).
    if image.taken_here:
        moment = moment.astimezone()
    when = f"{i18n.date_words(moment.date().isoformat())} {moment:%H:%M}"
    words = "v.captured_earlier_here" if image.taken_here else "v.captured_earlier"
    if reply:
        words = words.replace("v.", "v.reply_", 1)
    return _f(EARLIER_PHOTO, field, words, "warning", n=n, when=when, before=_before(gap))


def taken_earlier(case: Case) -> list[Finding]:
    """The case's photos that look taken in an earlier session (:func:`earlier_sessions`), a warning under its
    own code that the window asks about before the case leaves, as it does for another patient's image:
    imported, it was said once under the capture panel, and the case left in one click."""
    now = utc_now()
    newest = max(_taken(case.images, now).values(), default=None)
    out = []
    for index, moment in sorted(earlier_sessions(case.images, now).items()):
        assert newest is not None  # (an earlier one is earlier than the newest)
        out.append(
            _earlier_finding(case.images[index], moment, newest - moment, f"images[{index}].captured_at", index + 1)
        )
    return out


def reply_taken_earlier(case: Case, images: list[CaseImage]) -> list[Finding]:
    """The photos joined to a reply that look taken in an earlier session, numbered as the reply numbers them:
    the case's rule (:func:`earlier_sessions`), the reply's photos compared with each other and with the
    case's images, or, when none of those gives a time, with the moment the case was begun. The expert asked
    once the case was sent: a photo years older may be a previous patient's, left on the card, and reaches
    the expert as a case's does (found from outside: a 2001 photo joined to a reply left in one click); one
    taken since the case, for the expert's question, is the newest. Found in review: the begun moment counted
    beside the images' own times, and a photo of the case's own session (taken at a visit, the case begun
    hours later) was asked about, where in the case it is not."""
    now = utc_now()
    others = list(_taken(case.images, now).values())
    begun = parse_date_time(case.created_at) if len(case.created_at) > 10 else None
    if not others and begun is not None and begun.tzinfo is not None and not clock_set_ahead(begun, now):
        others = [begun]
    newest = max([*_taken(images, now).values(), *others], default=None)
    out = []
    for index, moment in sorted(earlier_sessions(images, now, also=others).items()):
        assert newest is not None  # (an earlier one is earlier than the newest)
        field = f"reply.images[{index}].captured_at"
        out.append(_earlier_finding(images[index], moment, newest - moment, field, index + 1, reply=True))
    return out


def dicom_name_length(case: Case) -> list[Finding]:
    """The patient's names as a DICOM image's header writes them (``Patient.dicom_name``) longer than a Person
    Name's component group holds (64 characters, PS3.5 6.2): refused when the case has a DICOM image, never
    cut (a name cut short is another name). A photo's file carries no name."""
    from app.patient import PN_GROUP_MAX  # (a case's patient is loaded by then: app.patient's docstring)

    if not any(image.content_type == "application/dicom" for image in case.images):
        return []
    n = len(case.patient.dicom_name())
    if n <= PN_GROUP_MAX:
        return []
    return [_f("patient.name.dicom_length", "patient.family", "v.name_dicom_length", "error", n=n, most=PN_GROUP_MAX)]


def validate_images(case: Case) -> list[Finding]:
    """Image count, labels, the specialty's views or fields, and unusable images."""
    out: list[Finding] = []
    images = case.images
    if not images:
        return [_f("images.none", "images", "v.no_image")]
    if len(images) > MAX_IMAGES:
        out.append(_f("images.too_many", "images", "v.too_many", extra=len(images) - MAX_IMAGES))
    out.extend(dicom_name_length(case))
    retina = case.specialty == Specialty.OPHTHALMOLOGY
    for n, image in enumerate(images, start=1):
        where = f"images[{n - 1}]"
        out.extend(image_place(case.specialty, image, n, where))
        if retina:
            if not image.view.strip():
                out.append(_f("image.field", f"{where}.view", "v.field", n=n))
            out.extend(eye_side(image, n, where))
            out.extend(field_doubt(image, n, where))
        else:
            if case.specialty in (Specialty.DERMATOLOGY, Specialty.WOUND_CARE) and not image.view.strip():
                words = "v.view" if "dermoscopy" in offered_views(case.specialty) else "v.view.wound"
                out.append(_f("image.view", f"{where}.view", words, n=n))
        taken = parse_date_time(image.captured_at) if len(image.captured_at) > 10 else None
        if taken is not None and taken.tzinfo is not None and clock_set_ahead(taken, utc_now()):
            # A device whose clock was never set: the expert would read the lesion's history wrong.
            out.append(_f("image.future", f"{where}.captured_at", "v.captured_future", "warning", n=n))
        out.extend(other_patient(image, case.patient, n, where))
        out.extend(unconfirmed_patient(image, case.patient, n, where))
        for finding in image.quality:
            if finding.check == OTHER_PATIENT_CHECK and finding.level != "blocking":
                continue  # said by other_patient, under its own code
            if finding.level == "blocking":
                out.append(_f("image.quality", f"{where}.quality", "v.quality", n=n, reason=finding.text()))
            elif finding.level == "warning":
                out.append(
                    _f(
                        NOT_CHECKED_AGAIN if finding.key == NOT_CHECKED_KEY else "image.quality.warning",
                        f"{where}.quality",
                        "v.quality_warn",
                        "warning",
                        n=n,
                        reason=finding.text(),
                    )
                )
    out.extend(taken_earlier(case))
    if retina:
        out.extend(same_eye_twice(images))
    out.extend(_view_findings(case))
    return out


#: The code of the warning of an image this release's checks failed on (``capture.rechecks``): its older
#: verdict stands; ``case send`` says it, as the window's checklist does.
NOT_CHECKED_AGAIN = "image.quality.not-checked-again"


#: The code of :func:`same_eye_twice`'s warning.
SAME_EYE = "images.eye.same"


def _disc_side_seen(image: CaseImage) -> str | None:
    """The side of the image where its optic disc was found with confidence, far off the centre (as a
    macula-centred field puts it, :data:`MACULA_CENTRED_FROM`): ``left`` or ``right``, whether or not that
    side was claimed for an eye (a phone's or an indirect lens's image may be turned half a turn); ``None``
    when the disc was nearer the centre, not found, or checked before its side was kept in words. (Found
    in review: a disc-centred field aimed a little to the side, its disc a third of a radius off, was
    compared with the other eye's macula-centred field and the two eyes said to be the same one.)"""
    for finding in image.quality:
        if finding.check == DISC_SIDE_CHECK and finding.key:
            if finding.measure is None or abs(finding.measure) < MACULA_CENTRED_FROM:
                return None
            side = finding.key.removeprefix("optic-disc.").removesuffix(".unclaimed")
            return side if side in ("left", "right") else None
    return None


def same_eye_twice(images: list[CaseImage]) -> list[Finding]:
    """Two retinographs from one device, one filed as the right eye and the other as the left, whose optic
    discs lie on the same side of the image (a warning): two eyes put their discs on opposite sides, the
    same eye (taken again, or the same image exported twice) on the same one. The same eye imported twice
    and filed once as each sends the expert no picture of the other eye, and one eye's advice to both.
    Said whether or not the side tells which eye (as a device's images are turned, both are), and not when
    an image's own eye is already doubted (:func:`eye_side`)."""
    seen = [
        (n, image.eye, side, image.device)
        for n, image in enumerate(images, start=1)
        if image.eye in EYES and (side := _disc_side_seen(image)) is not None and eye_doubt(image) is None
    ]
    out: list[Finding] = []
    for i, (a, eye_a, side_a, device_a) in enumerate(seen):
        for b, eye_b, side_b, device_b in seen[i + 1 :]:
            if eye_a != eye_b and side_a == side_b and device_a == device_b:
                out.append(_f(SAME_EYE, f"images[{b - 1}].eye", "v.same_eye", "warning", a=a, b=b))
    return out


def _view_findings(case: Case) -> list[Finding]:
    """The expected views (app/views.py) that no image gives: one finding per missing view, or per
    retina field of a photographed eye; one per eye not photographed at all, which points at the
    single-eye reason."""
    expected = expected_views(case.specialty, case.images, case.single_eye_reason)
    missing = [view for view in expected if view.required and not view.present]
    if case.specialty not in PER_EYE:
        return [
            _f(f"views.{view.view}", "images", _VIEW_MESSAGES.get(view.view, "v.view_missing"), label=view.label)
            for view in missing
        ]
    photographed = photographed_eyes(case.images)
    if not photographed:
        return [_f("fields.eye", "images", "v.no_eye")] if missing else []
    out: list[Finding] = []
    for eye in EYES:
        eye_name = M.tr(f"eye.{eye}")
        if eye not in photographed:
            if any(view.eye == eye for view in missing):
                out.append(_f(f"fields.{eye}", "single_eye_reason", "v.eye_missing", eye=eye_name))
            continue
        # A field the screening only advises (the disc-centred one) is said as a warning, never blocking:
        # many programmes take one field per eye, and the contract asks for each eye photographed.
        out.extend(
            _f(
                f"fields.{eye}.{view.view}",
                "images",
                _FIELD_MESSAGES.get(view.view, "v.field_missing"),
                "missing" if view.required else "warning",
                eye=eye_name,
                label=view.name,
            )
            for view in expected
            if view.eye == eye and not view.present
        )
    return out


def validate_site(requester: Requester | None) -> list[Finding]:
    if requester is None:
        return [_f("site", "site", "v.site")]
    out = []
    # The RPPS, or the ADELI of a professional not in the RPPS; the FINESS, or the SIRET or SIREN of a
    # structure without one (app/site.py).
    if not (
        rpps_is_valid(requester.rpps) if requester.rpps or not requester.adeli else adeli_is_valid(requester.adeli)
    ):
        out.append(_f("site.rpps", "site.rpps", "v.rpps", "error"))
    if requester.finess or not (requester.siret or requester.siren):
        structure_ok = finess_is_valid(requester.finess)
    else:
        structure_ok = (not requester.siret or siret_is_valid(requester.siret)) and (
            not requester.siren or siren_is_valid(requester.siren)
        )
    if not structure_ok:
        out.append(_f("site.finess", "site.finess", "v.finess", "error"))
    if what := national_system(requester.patient_id_system):
        out.append(
            _f("site.patient_id_system", "site.patient_id_system", "v.patient_system_national", "error", what=what)
        )
    elif is_code_system(requester.patient_id_system):
        out.append(_f("site.patient_id_system", "site.patient_id_system", "v.patient_system_code", "error"))
    return out


def validate_case(case: Case, requester: Requester | None, today: date | None = None) -> list[Finding]:
    """Every missing or wrong item of ``case``, in the user's language, in reading order."""
    return validate_site(requester) + validate_content(case, today) + validate_images(case)


def same_ins_elsewhere(case: Case, others: list[Case], *, named: bool = True) -> list[Finding]:
    """The INS of this case already stands here for a patient of other strict traits (names, first given
    name, birth date, sex): one number on two identities, an identity conflict (RNIV). Blocking when both
    INS are sent (qualified identities): the platform files a case by its INS, so this one would reach the
    expert under the other patient's identity. Otherwise said as a warning (the case goes with its file
    number), to be resolved before either identity is qualified. ``named``: the finding names the other
    patient (on screen); otherwise only their case (the command line's output may end in a log)."""
    p = case.patient
    if not p.ins:
        return []
    out = []
    for other in others:
        o = other.patient
        if not _conflicting(p, o):
            continue
        blocking = p.ins_sent() and o.ins_sent()
        severity: Severity = "error" if blocking else "warning"
        if (written := _written_apart(p, o)) is not None:
            # One person's traits written two ways: which to correct where, as for a file number.
            ours, theirs = _as_shown(p, written[0]), _as_shown(o, written[1])
            key = "v.ins_written" if named else "v.ins_written_unnamed"
            out.append(_written_elsewhere("patient.ins", key, other, ours, theirs, severity))
            continue
        key = _ins_elsewhere_key(p, o, named=named)
        out.append(_elsewhere("patient.ins", key, other, severity))
    return out


def _as_shown(p: Patient, name: str) -> str:
    """A trait of ``p`` as its full name shows it (``Patient.full_name``): a qualified identity's by its INS
    traits (« JEAN-NOEL »), else as typed."""
    from app.identifiers import ins_trait

    return ins_trait(name) if p.ins_sent() else name


def _written_elsewhere(field: str, key: str, other: Case, ours: str, theirs: str, severity: Severity) -> Finding:
    """The finding on ``field`` for ``other``'s case holding the same number under this patient's traits written
    otherwise (``ours``, ``theirs``), with what to do by that case's state: corrected there while it is open,
    held back first while it waits to leave, reported to identity vigilance once it has left."""
    what = (
        "v.other_case_open"
        if other.state in EDITABLE_STATES
        else "v.other_case_queued"
        if other.state == CaseState.QUEUED
        else "v.other_case_sent"
    )
    o = other.patient
    message = M.tr(
        key,
        id=other.id[:8],
        name=o.shown_name(),
        born=i18n.date_words(o.birth_date) or "?",
        ours=ours,
        theirs=theirs,
        other=M.tr(what, id=other.id[:8]),
    )
    return Finding(f"{field}.elsewhere", field, message, severity)


def _conflicting(p: Patient, o: Patient) -> bool:
    """Whether two records' strict traits differ: names or birth date, or both sexes told and different (a
    sex not told yet in one of them is no other person)."""
    ours, theirs = _traits(p), _traits(o)
    if ours[:3] != theirs[:3]:
        return True
    told = ("male", "female", "other")
    return p.sex in told and o.sex in told and p.sex != o.sex


def _ins_elsewhere_key(p: Patient, other: Patient, *, named: bool) -> str:
    """The words for an INS found in another patient's case: when the number agrees with that patient's
    sex and birth (which an INS encodes) and not with this one's, it is theirs, and most often a parent's
    carte Vitale typed for a child; otherwise which of the two is wrong is for the nurse to check."""
    ins = p.ins or ""
    theirs = bool(ins_disagreements(ins, p.sex, p.birth_date)) and not ins_disagreements(
        ins, other.sex, other.birth_date
    )
    key = "v.ins_elsewhere_theirs" if theirs else "v.ins_elsewhere"
    return key if named else f"{key}_unnamed"


def same_local_id_elsewhere(case: Case, others: list[Case], *, named: bool = True) -> list[Finding]:
    """The site's file number of this patient already stands here for a patient of other strict traits:
    a patient sent without the INS is filed on the platform by it, under the other patient's identity.
    ``named`` as for :func:`same_ins_elsewhere`."""
    out = []
    for other in others:
        if _traits(other.patient) == _traits(case.patient):
            continue
        written = _written_apart(case.patient, other.patient)
        if written is None:
            key = "v.local_id_elsewhere" if named else "v.local_id_elsewhere_unnamed"
            out.append(_elsewhere("patient.local_id", key, other))
            continue
        # Never one patient for that (no merge, nothing let through): said so that the nurse knows which
        # record to correct, and who corrects one that has left (found in review: no way on was said).
        key = "v.local_id_written" if named else "v.local_id_written_unnamed"
        out.append(_written_elsewhere("patient.local_id", key, other, *written, "error"))
    return out


def _written_apart(p: Patient, o: Patient) -> tuple[str, str] | None:
    """The trait (birth name, else first given name) two records write apart by a hyphen or an apostrophe in
    place of a space (or the reverse), as each typed it, when that is all that differs (the other traits the
    same): ``(ours, theirs)``; None otherwise."""
    if (p.birth_date, p.sex) != (o.birth_date, o.sex):
        return None

    def loose(text: str) -> str:
        return " ".join(name_key(text).replace("-", " ").replace("'", " ").split())

    pairs = [(p.family, o.family), (p.given[0] if p.given else "", o.given[0] if o.given else "")]
    if any(loose(ours) != loose(theirs) for ours, theirs in pairs):
        return None
    ours, theirs = next((a, b) for a, b in pairs if name_key(a) != name_key(b))
    return name_text(ours), name_text(theirs)


def image_elsewhere(number: int, other: Case, there: int, *, named: bool = True, window: bool = True) -> Finding:
    """Image ``number`` of this case is also image ``there`` of ``other``, another patient's case: one of
    the two is wrong. Said (not blocking: the nurse may know it is right) until the photo is removed or
    confirmed as this patient's. ``named`` as for :func:`same_ins_elsewhere`; unnamed, or not ``window``
    (``case show``), what to do is said for a terminal: in the window (found from outside: « cliquez sur
    l'image » printed by ``case show``)."""
    o = other.patient
    key = "v.image_elsewhere_unnamed" if not named else "v.image_elsewhere" if window else "v.image_elsewhere_terminal"
    return _f(
        IMAGE_ELSEWHERE,
        f"images[{number - 1}]",
        key,
        "warning",
        n=number,
        id=other.id[:8],
        m=there,
        name=o.full_name(),
        born=i18n.date_words(o.birth_date) or "?",
    )


def _elsewhere(field: str, key: str, other: Case, severity: str = "error") -> Finding:
    """The finding (blocking unless told) on ``field`` that names the other case (and its patient, when
    ``key``'s words say them)."""
    o = other.patient
    born = i18n.date_words(o.birth_date) or "?"
    return _f(f"{field}.elsewhere", field, key, severity, id=other.id[:8], name=o.shown_name(), born=born)


def _traits(p: Patient) -> tuple[str, str, str, str]:
    """The strict traits two cases of one patient share: names as ``name_key`` compares them (the platform's
    Patient is compared so too), birth date, sex."""
    return name_key(p.family), name_key(p.given[0] if p.given else ""), p.birth_date, p.sex


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocks_sending()]


__all__ = [
    "DERMATOLOGY_VIEWS",
    "Finding",
    "blocking",
    "validate_case",
    "validate_content",
    "validate_identity",
    "validate_images",
    "validate_site",
]
