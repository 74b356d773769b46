"""Messages of the core and the commands, in French (default) and English.

A message says what happened and what to do, and never quotes patient data.
"""

from __future__ import annotations

from app import i18n

CATALOGUE = i18n.Catalogue(
    "core",
    {
        # -- key and passphrase --------------------------------------------------------------------
        "key.ask": {"fr": "Phrase secrète de Teleavis : ", "en": "Teleavis passphrase: "},
        "key.ask_again": {"fr": "Répétez la phrase secrète : ", "en": "Repeat the passphrase: "},
        "key.mismatch": {
            "fr": "Les deux phrases secrètes sont différentes. Rien n'a été créé.",
            "en": "The two passphrases differ. Nothing was created.",
        },
        "key.need_passphrase": {
            "fr": "Les données sont verrouillées : donnez la phrase secrète (variable {env} ou au clavier).",
            "en": "The data is locked: give the passphrase ({env} variable or at the prompt).",
        },
        "key.wrong_passphrase": {
            "fr": "Phrase secrète incorrecte : les données restent verrouillées et n'ont pas été modifiées.",
            "en": "Wrong passphrase: the data stays locked and has not been changed.",
        },
        "key.keyring_lost": {
            "fr": "La clé des données est introuvable dans le trousseau du système et aucune phrase secrète "
            "n'est enregistrée. Ouvrez la session où Teleavis a été installé, ou restaurez une sauvegarde.",
            "en": "The data key is not in the system keyring and no passphrase is set. Open the session "
            "Teleavis was installed in, or restore a backup.",
        },
        "key.no_keyring_no_passphrase": {
            "fr": "Aucun trousseau sécurisé sur cette machine : choisissez une phrase secrète "
            "(variable {env}, ou lancez la commande dans un terminal pour la saisir). "
            "Teleavis n'enregistre jamais de données en clair.",
            "en": "No secure keyring on this machine: choose a passphrase ({env} variable, or run the "
            "command in a terminal to type it). Teleavis never stores data unencrypted.",
        },
        "key.missing": {"fr": "Le fichier de clé des données est absent.", "en": "The data key file is missing."},
        "key.damaged": {
            "fr": "Le fichier de clé des données (key.json) est illisible : restaurez une sauvegarde.",
            "en": "The data key file (key.json) is unreadable: restore a backup.",
        },
        # -- storage -------------------------------------------------------------------------------
        "storage.full_open": {
            "fr": "Le disque est plein : Teleavis ne peut pas ouvrir ses données. Rien n'est perdu : libérez "
            "de la place (ou prévenez le support informatique) puis recommencez.",
            "en": "The disk is full: Teleavis cannot open its data. Nothing is lost: free some space (or call "
            "IT support) and try again.",
        },
        "storage.full_when_opened": {
            "fr": "Le disque est plein (ou l'était quand Teleavis a ouvert ses données) : elles se lisent, mais "
            "rien ne peut être enregistré. Rien n'est perdu : libérez de la place (ou prévenez le support "
            "informatique), puis fermez Teleavis et rouvrez-le.",
            "en": "The disk is full (or was when Teleavis opened its data): it can be read, but nothing can be "
            "saved. Nothing is lost: free some space (or call IT support), then close Teleavis and open it again.",
        },
        "storage.full": {
            "fr": "Le disque est plein : rien n'a été perdu, mais ce dernier enregistrement n'a pas été fait. "
            "Libérez de la place (ou prévenez le support informatique) puis recommencez.",
            "en": "The disk is full: nothing was lost, but this last change was not saved. Free some space "
            "(or call IT support) and try again.",
        },
        "storage.readonly": {
            "fr": "Le dossier de données est en lecture seule ou inaccessible : prévenez le support informatique.",
            "en": "The data folder is read-only or out of reach: call IT support.",
        },
        "storage.io": {
            "fr": "Erreur d'écriture sur le disque ({reason}) : recommencez, puis prévenez le support.",
            "en": "Disk write error ({reason}): try again, then call IT support.",
        },
        "storage.cannot_create": {
            "fr": "Impossible de créer le dossier de données {path} ({reason}) : prévenez le support informatique.",
            "en": "Cannot create the data folder {path} ({reason}): call IT support.",
        },
        "storage.dir_unusable": {
            "fr": "Le dossier de données {path} ne peut pas être modifié ({reason}) : rien n'y a été changé. "
            "Prévenez le support informatique.",
            "en": "The data folder {path} cannot be changed ({reason}): nothing in it was changed. Call IT support.",
        },
        "storage.not_a_dir": {
            "fr": "Le dossier de données {path} n'est pas un dossier mais un fichier : il n'a pas été touché. "
            "Donnez un dossier (variable TELEAVIS_HOME).",
            "en": "The data folder {path} is not a folder but a file: it was not touched. "
            "Give a folder (TELEAVIS_HOME variable).",
        },
        "db.locked": {
            "fr": "La base de données est occupée par une autre fenêtre de Teleavis : réessayez dans un instant.",
            "en": "The database is busy in another Teleavis window: try again in a moment.",
        },
        "db.corrupt": {
            "fr": "La base de données est endommagée : ne supprimez rien et restaurez la dernière sauvegarde.",
            "en": "The database is damaged: delete nothing and restore the last backup.",
        },
        "db.too_new": {
            "fr": "Ces données viennent d'une version plus récente de Teleavis : mettez Teleavis à jour.",
            "en": "This data comes from a newer Teleavis: update Teleavis.",
        },
        "db.undecryptable": {
            "fr": "Une donnée ne se déchiffre pas avec cette clé : restaurez une sauvegarde.",
            "en": "A value does not decrypt with this key: restore a backup.",
        },
        "data.altered": {
            "fr": "Données altérées : un élément de ce dossier a été déplacé ou modifié hors de Teleavis. "
            "Il n'est ni affiché ni envoyé ; restaurez la dernière sauvegarde et prévenez le support.",
            "en": "Data altered: an item of this case was moved or changed outside Teleavis. It is neither "
            "shown nor sent; restore the last backup and call support.",
        },
        "settings.altered": {
            "fr": "Données altérées : le réglage « {key} » a été modifié hors de Teleavis. La synchronisation "
            "est arrêtée ; vérifiez-le puis redonnez sa valeur (teleavis config set {key} …).",
            "en": "Data altered: the setting “{key}” was changed outside Teleavis. Sync is stopped; check it, "
            "then set it again (teleavis config set {key} …).",
        },
        "blob.missing": {
            "fr": "Un fichier image ou document du dossier est introuvable sur le disque.",
            "en": "An image or document file of the case is missing from the disk.",
        },
        "blob.damaged": {
            "fr": "Un fichier image ou document du dossier est endommagé.",
            "en": "An image or document file of the case is damaged.",
        },
        # -- cases ---------------------------------------------------------------------------------
        "case.not_found": {
            "fr": "Aucun dossier ne porte l'identifiant « {id} ». Voyez « teleavis case list ».",
            "en": "No case has the id “{id}”. See “teleavis case list”.",
        },
        "case.ambiguous": {
            "fr": "Plusieurs dossiers commencent par « {id} » : donnez plus de caractères.",
            "en": "Several cases start with “{id}”: give more characters.",
        },
        "case.changed_elsewhere": {
            "fr": "Ce dossier a été modifié ailleurs (une autre fenêtre de Teleavis ou une commande) depuis "
            "qu'il a été ouvert : rien n'a été enregistré par-dessus.",
            "en": "This case was changed elsewhere (another Teleavis window or a command) since it was opened: "
            "nothing was saved over it.",
        },
        "case.not_editable": {
            "fr": "Ce dossier est déjà parti : il ne peut plus être modifié.",
            "en": "This case has already been sent: it can no longer be edited.",
        },
        "case.bad_transition": {
            "fr": "Un dossier « {state} » ne peut pas passer à « {target} ».",
            "en": "A case that is “{state}” cannot become “{target}”.",
        },
        "image.not_found": {"fr": "Cette image n'existe pas dans ce dossier.", "en": "This image is not in this case."},
        # A case waiting or being sent while the platform cannot be reached: « envoi en cours » would say
        # it is leaving when nothing can (the window knows the link: ui/sync_service.py).
        "state.waiting_offline": {"fr": "en attente d'envoi (hors ligne)", "en": "waiting to be sent (offline)"},
        # -- the platform's business status, when coded in Teleavis's system (app/business_status.py) --
        "business.received": {"fr": "Reçue par la plateforme", "en": "Received by the platform"},
        "business.accepted": {"fr": "Acceptée par l'expert", "en": "Accepted by the expert"},
        "business.in-progress": {"fr": "En cours d'analyse par l'expert", "en": "Being reviewed by the expert"},
        "business.question": {
            "fr": "L'expert demande un complément",
            "en": "The expert asks for more information",
        },
        "business.resumed": {
            "fr": "Complément reçu, analyse reprise",
            "en": "More information received, review resumed",
        },
        "business.answered": {"fr": "Réponse rendue", "en": "Answer given"},
        "business.amended": {"fr": "Compte rendu modifié", "en": "Report amended"},
        "business.rejected": {"fr": "Refusée par l'expert", "en": "Declined by the expert"},
        "business.rejected-real-patient": {
            "fr": "Refusée : patient réel en formation",
            "en": "Declined: a real patient in training mode",
        },
        "business.cancelled": {"fr": "Annulée par la plateforme", "en": "Cancelled by the platform"},
        "business.cancelled-by-requester": {"fr": "Annulée par le demandeur", "en": "Cancelled by the requester"},
        # -- config --------------------------------------------------------------------------------
        "config.unknown": {
            "fr": "Réglage inconnu « {key} ». Réglages possibles : {known}.",
            "en": "Unknown setting “{key}”. Known settings: {known}.",
        },
        "config.choices": {
            "fr": "Valeur refusée pour « {key} » : choisissez parmi {choices}.",
            "en": "Value refused for “{key}”: choose among {choices}.",
        },
        "config.type": {
            "fr": "Valeur refusée pour « {key} » : « {text} » n'est pas {kind}. Rien n'a été enregistré.",
            "en": "Value refused for “{key}”: “{text}” is not {kind}. Nothing was saved.",
        },
        "config.kind.int": {"fr": "un nombre entier (par exemple 5)", "en": "a whole number (for example 5)"},
        "config.kind.float": {"fr": "un nombre (par exemple 30 ou 2.5)", "en": "a number (for example 30 or 2.5)"},
        "config.kind.bool": {"fr": "true ou false", "en": "true or false"},
        "config.at_least": {
            "fr": "« {key} » doit valoir au moins {n}. Rien n'a été enregistré.",
            "en": "“{key}” must be at least {n}. Nothing was saved.",
        },
    },
)

STATE_NAMES = i18n.Catalogue(
    "state_names",
    {
        "draft": {"fr": "brouillon", "en": "draft"},
        "ready": {"fr": "prêt", "en": "ready"},
        "queued": {"fr": "en attente d'envoi", "en": "waiting to be sent"},
        "sending": {"fr": "envoi en cours", "en": "sending"},
        "sent": {"fr": "envoyé", "en": "sent"},
        "needs-attention": {"fr": "à corriger", "en": "needs attention"},
        "received": {"fr": "reçu par la plateforme", "en": "received by the platform"},
        "accepted": {"fr": "accepté par l'expert", "en": "accepted by the expert"},
        "in-progress": {"fr": "en cours d'expertise", "en": "being reviewed"},
        "on-hold": {"fr": "question de l'expert", "en": "expert has a question"},
        "rejected": {"fr": "refusé", "en": "rejected"},
        "cancelled": {"fr": "annulé", "en": "cancelled"},
        "answered": {"fr": "réponse reçue", "en": "answer received"},
        "archived": {"fr": "archivé", "en": "archived"},
    },
)

SPECIALTY_NAMES = i18n.Catalogue(
    "specialty_names",
    {
        "dermatology": {"fr": "Dermatologie", "en": "Dermatology"},
        "ophthalmology": {"fr": "Ophtalmologie (rétinographie)", "en": "Ophthalmology (retinography)"},
        "wound-care": {"fr": "Plaies et cicatrisation", "en": "Wound care"},
        "other": {"fr": "Autre spécialité", "en": "Other specialty"},
    },
)


SEX_NAMES = i18n.Catalogue(
    "sex_names",
    {
        "male": {"fr": "masculin", "en": "male"},
        "female": {"fr": "féminin", "en": "female"},
        "other": {"fr": "autre", "en": "other"},
        "unknown": {"fr": "non précisé", "en": "unknown"},
    },
)


def tr(key: str, /, **params: object) -> str:
    """The message ``key`` in the user's language."""
    return CATALOGUE.tr(key, **params)


def tr_count(key: str, count: int, /, **params: object) -> str:
    """The message ``key`` about ``count`` things, singular or plural (:meth:`Catalogue.tr_count`)."""
    return CATALOGUE.tr_count(key, count, **params)


#: A number of things in words, singular or plural, for a sentence that counts two kinds of things at
#: once (a sentence about one count has its own ``.one`` form: :func:`tr_count`). Never « 1 dossier(s) ».
COUNTED = i18n.Catalogue(
    "counted",
    {
        "cases": {"fr": "{n} dossiers", "en": "{n} cases"},
        "kept": {"fr": "{n} gardées", "en": "{n} kept"},  # (backups: « 1 gardée »)
        "kept.one": {"fr": "{n} gardée", "en": "{n} kept"},
        "cases.one": {"fr": "{n} dossier", "en": "{n} case"},
        "cases-changed": {"fr": "{n} dossiers créés ou modifiés", "en": "{n} cases created or changed"},
        "cases-changed.one": {"fr": "{n} dossier créé ou modifié", "en": "{n} case created or changed"},
        "cases-archived": {"fr": "{n} dossiers archivés", "en": "{n} cases archived"},
        "cases-archived.one": {"fr": "{n} dossier archivé", "en": "{n} case archived"},
        "cases-purged": {"fr": "{n} dossiers purgés", "en": "{n} cases purged"},
        "cases-purged.one": {"fr": "{n} dossier purgé", "en": "{n} case purged"},
        "would-archive": {"fr": "{n} dossiers seraient archivés", "en": "{n} cases would be archived"},
        "would-archive.one": {"fr": "{n} dossier serait archivé", "en": "{n} case would be archived"},
        "would-purge": {"fr": "{n} purgés", "en": "{n} purged"},
        "would-purge.one": {"fr": "{n} purgé", "en": "{n} purged"},
        "files": {"fr": "{n} fichiers", "en": "{n} files"},
        "files.one": {"fr": "{n} fichier", "en": "{n} file"},
        "audit-entries": {"fr": "{n} entrées du journal d'audit", "en": "{n} audit entries"},
        "audit-entries.one": {"fr": "{n} entrée du journal d'audit", "en": "{n} audit entry"},
        "images": {"fr": "{n} images", "en": "{n} images"},
        "images.one": {"fr": "{n} image", "en": "{n} image"},
        "others": {"fr": "{n} autres", "en": "{n} others"},
        "others.one": {"fr": "{n} autre", "en": "{n} other"},
    },
)


def counted(what: str, n: int) -> str:
    """``n`` things in words, singular or plural: ``counted("cases", 1)`` is « 1 dossier »."""
    return COUNTED.tr_count(what, n, n=n)


def add(entries: dict[str, dict[str, str]]) -> None:
    """Let a module of the core register its own messages next to its code (a key already
    registered is an error: see :class:`app.i18n.Catalogue`)."""
    CATALOGUE.add(entries)


def state_name(state: str, *, offline: bool = False) -> str:
    """The state in words; ``offline``: the platform cannot be reached (a case to send is said waiting)."""
    if offline and str(state) in ("queued", "sending"):
        return CATALOGUE.tr("state.waiting_offline")
    return STATE_NAMES.tr(str(state))


def specialty_name(specialty: str, lang: str | None = None) -> str:
    """The specialty's name in ``lang`` (by default the window's language); an unknown code as it is."""
    if specialty not in SPECIALTY_NAMES:
        return specialty
    return SPECIALTY_NAMES.tr_in(specialty, lang) if lang else SPECIALTY_NAMES.tr(specialty)


def sex_name(sex: str) -> str:
    return SEX_NAMES.tr(sex) if sex in SEX_NAMES else sex
