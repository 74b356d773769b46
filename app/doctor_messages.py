"""The words of ``teleavis doctor`` and of the window's "Aide > Diagnostic": what was found, what to do.

Written for the person at the workstation (a nurse, a GP's secretary) and for the technician they
call: each advice sentence says what to do, in that order, without jargon when it can be avoided.
"""

from __future__ import annotations

from app import messages as M

M.add(
    {
        # -- titles --------------------------------------------------------------------------------------
        "doctor.title.camera": {"fr": "Caméra", "en": "Camera"},
        "doctor.title.keyring": {"fr": "Trousseau (clé des données)", "en": "Keyring (data key)"},
        "doctor.title.data_dir": {"fr": "Dossier de données", "en": "Data folder"},
        "doctor.title.free_space": {"fr": "Place libre sur le disque", "en": "Free disk space"},
        "doctor.title.database": {"fr": "Base de données", "en": "Database"},
        "doctor.title.backup": {"fr": "Sauvegarde automatique", "en": "Automatic backup"},
        "doctor.title.cases": {"fr": "Dossiers", "en": "Cases"},
        "doctor.cases.ok": {
            "fr": "Chaque dossier s'ouvre ({cases}).",  # {cases}: app.messages.counted
            "en": "Every case opens ({cases}).",
        },
        "doctor.cases.altered": {
            "fr": "{count} dossiers sur {total} ne s'ouvrent plus (données abîmées ou modifiées hors de Teleavis) : "
            "{ids}. Les autres s'ouvrent.",
            "en": "{count} cases of {total} no longer open (data damaged or changed outside Teleavis): {ids}. The "
            "others open.",
        },
        "doctor.cases.altered.one": {
            "fr": "{count} dossier sur {total} ne s'ouvre plus (données abîmées ou modifiées hors de Teleavis) : "
            "{ids}. Les autres s'ouvrent.",
            "en": "{count} case of {total} no longer opens (data damaged or changed outside Teleavis): {ids}. The "
            "others open.",
        },
        "doctor.cases.altered.advice": {
            "fr": "Ce qui n'ouvre plus ne se répare pas ici : une sauvegarde faite avant le problème le contient "
            "intact. Gardez les sauvegardes plus anciennes, et appelez le support pour restaurer la bonne "
            "(teleavis restore FICHIER) : ce qui a été fait depuis cette sauvegarde serait à refaire.",
            "en": "What no longer opens cannot be repaired here: a backup made before the problem holds it intact. "
            "Keep the older backups, and call the support to restore the right one (teleavis restore FILE): what "
            "was done since that backup would have to be done again.",
        },
        "doctor.cases.locked": {
            "fr": "Dossiers non ouverts : la clé des données n'est pas disponible ({reason}).",
            "en": "Cases not opened: the data key is not available ({reason}).",
        },
        "doctor.cases.locked.advice": {
            "fr": "Pour les vérifier, donnez la phrase secrète (variable TELEAVIS_PASSPHRASE), ou lancez le "
            "diagnostic depuis la fenêtre (Aide > Diagnostic).",
            "en": "To check them, give the passphrase (TELEAVIS_PASSPHRASE variable), or run the diagnosis from "
            "the window (Help > Diagnosis).",
        },
        "doctor.backup.none": {
            "fr": "Aucune sauvegarde n'est faite : aucun dossier de sauvegarde n'est choisi.",
            "en": "No backup is made: no backup folder is chosen.",
        },
        "doctor.backup.none.advice": {
            "fr": "Choisissez un dossier sur un autre disque ou un partage réseau (Édition > Réglages, onglet "
            "Sécurité ; ou teleavis config set backup.folder DOSSIER) : sans sauvegarde, un disque en panne "
            "emporte les dossiers pas encore envoyés et les réponses reçues.",
            "en": "Choose a folder on another disk or a network share (Edit > Settings, Security tab; or "
            "teleavis config set backup.folder FOLDER): without a backup, a failed disk takes the cases not yet "
            "sent and the answers received.",
        },
        "doctor.backup.off": {
            "fr": "Les sauvegardes automatiques sont arrêtées (backup.every_hours vaut 0).",
            "en": "Automatic backups are off (backup.every_hours is 0).",
        },
        "doctor.backup.off.advice": {
            "fr": "Remettez un intervalle (24 heures, par exemple) dans Édition > Réglages, onglet Sécurité.",
            "en": "Set an interval again (24 hours, say) in Edit > Settings, Security tab.",
        },
        "doctor.backup.missing": {
            "fr": "Le dossier de sauvegarde est introuvable : {path}",
            "en": "The backup folder cannot be found: {path}",
        },
        "doctor.backup.readonly": {
            "fr": "Teleavis ne peut pas écrire dans le dossier de sauvegarde : {path}",
            "en": "Teleavis cannot write in the backup folder: {path}",
        },
        "doctor.backup.readonly.advice": {
            "fr": "Aucune sauvegarde ne s'y fait. Déverrouillez la clé ou la carte (son petit curseur), ou demandez au "
            "support informatique d'ouvrir ce dossier en écriture, ou choisissez-en un autre (Édition > Réglages, "
            "onglet Sécurité).",
            "en": "No backup is made there. Unlock the stick or card (its small switch), or ask IT support to allow "
            "writing into this folder, or choose another one (Edit > Settings, Security tab).",
        },
        "doctor.backup.inside": {
            "fr": "Le dossier de sauvegarde est dans celui des données de Teleavis : aucune sauvegarde n'y est "
            "faite (une restauration l'effacerait, un disque en panne l'emporterait avec les données) : {path}",
            "en": "The backup folder is inside Teleavis's data folder: no backup is made there (a restore would "
            "erase it, a failed disk would take it with the data): {path}",
        },
        "doctor.backup.inside.advice": {
            "fr": "Choisissez un dossier sur un autre disque (clé USB, disque externe, partage réseau).",
            "en": "Choose a folder on another drive (USB stick, external disk, network share).",
        },
        "doctor.backup.missing.advice": {
            "fr": "Branchez le disque ou reconnectez le partage réseau, ou choisissez un autre dossier.",
            "en": "Plug the disk in or reconnect the network share, or choose another folder.",
        },
        "doctor.backup.unplugged": {
            "fr": "Aucune sauvegarde n'est faite : la clé ou le disque de sauvegarde n'est plus branché à "
            "« {mount} », et le dossier {path} est celui, vide, de l'ordinateur lui-même.",
            "en": "No backup is made: the backup stick or drive is no longer plugged in at “{mount}”, and the "
            "folder {path} is the computer's own, empty one.",
        },
        "doctor.backup.unplugged.advice": {
            "fr": "Branchez la clé ou le disque : la sauvegarde se fait dans le quart d'heure si Teleavis est "
            "ouvert. S'il ne sert plus, choisissez à nouveau le dossier (Édition > Réglages, onglet Sécurité ; "
            "ou teleavis config set backup.folder DOSSIER), sur un autre disque que celui des données.",
            "en": "Plug the stick or drive in: the backup is made within a quarter of an hour if Teleavis is "
            "open. If it is no longer used, choose the folder again (Edit > Settings, Security tab; or teleavis "
            "config set backup.folder FOLDER), on another disk than the data's.",
        },
        "doctor.backup.late": {
            "fr": "La dernière sauvegarde date du {when} ({path}).",
            "en": "The last backup is from {when} ({path}).",
        },
        "doctor.backup.late.advice": {
            "fr": "Laissez Teleavis ouvert : il sauvegarde de lui-même. Si rien ne change, voyez le journal.",
            "en": "Leave Teleavis open: it backs up by itself. If nothing changes, see the log.",
        },
        "doctor.backup.first": {
            "fr": "Dossier de sauvegarde : {path} ; la première sauvegarde se fera Teleavis ouvert.",
            "en": "Backup folder: {path}; the first backup will be made while Teleavis is open.",
        },
        "doctor.backup.gone": {
            "fr": "La dernière sauvegarde ({when}) n'est plus là : {file}",
            "en": "The last backup ({when}) is no longer there: {file}",
        },
        "doctor.backup.gone.advice": {
            "fr": "Quelqu'un ou un autre programme l'a supprimée ou déplacée (un autre poste qui sauvegarde dans le "
            "même dossier, un nettoyage automatique) : voyez qui écrit dans ce dossier, ou choisissez-en un à "
            "ce poste seul. Teleavis refait une sauvegarde dans le quart d'heure s'il est ouvert.",
            "en": "Someone or another program deleted or moved it (another workstation backing up to the same "
            "folder, an automatic clean-up): find out who writes in this folder, or choose one for this "
            "workstation alone. Teleavis makes a new backup within a quarter of an hour if it is open.",
        },
        "doctor.backup.future": {
            "fr": "Le dossier de sauvegarde contient {n} sauvegardes datées dans le futur ({names}) : "
            "l'horloge d'un ordinateur était fausse quand elles ont été écrites.",
            "en": "The backup folder holds {n} backups dated in the future ({names}): a computer's clock was "
            "wrong when they were written.",
        },
        "doctor.backup.future.one": {
            "fr": "Le dossier de sauvegarde contient une sauvegarde datée dans le futur ({names}) : "
            "l'horloge d'un ordinateur était fausse quand elle a été écrite.",
            "en": "The backup folder holds a backup dated in the future ({names}): a computer's clock was "
            "wrong when it was written.",
        },
        "doctor.backup.future.advice": {
            "fr": "Pour restaurer, ne choisissez pas la sauvegarde d'après son nom : la dernière par ordre des noms "
            "n'est pas la plus récente. Teleavis ne les supprime pas ; vérifiez l'heure des postes qui écrivent "
            "dans ce dossier.",
            "en": "To restore, do not choose a backup by its name: the last one by name is not the latest. "
            "Teleavis does not delete them; check the clock of the workstations writing in this folder.",
        },
        "doctor.backup.unproven": {
            "fr": "{n} sauvegardes plus anciennes, nommées sans l'identifiant d'un poste "
            "(teleavis-AAAAMMJJ-HHMMSS.tvbak), restent dans le dossier : Teleavis ne peut pas prouver que ce "
            "poste les a écrites, il ne les supprime donc jamais. Si plus aucun poste n'en a besoin, vous "
            "pouvez les supprimer à la main.",
            "en": "{n} older backups, named without a workstation's id (teleavis-YYYYMMDD-HHMMSS.tvbak), remain "
            "in the folder: Teleavis cannot prove that this workstation wrote them, so it never deletes them. "
            "If no workstation needs them any more, you can delete them by hand.",
        },
        "doctor.backup.unproven.one": {
            "fr": "Une sauvegarde plus ancienne, nommée sans l'identifiant d'un poste "
            "(teleavis-AAAAMMJJ-HHMMSS.tvbak), reste dans le dossier : Teleavis ne peut pas prouver que ce "
            "poste l'a écrite, il ne la supprime donc jamais. Si plus aucun poste n'en a besoin, vous "
            "pouvez la supprimer à la main.",
            "en": "An older backup, named without a workstation's id (teleavis-YYYYMMDD-HHMMSS.tvbak), remains "
            "in the folder: Teleavis cannot prove that this workstation wrote it, so it never deletes it. "
            "If no workstation needs it any more, you can delete it by hand.",
        },
        "doctor.backup.ok": {
            "fr": "Dernière sauvegarde le {when} dans {path}.",
            "en": "Last backup on {when} in {path}.",
        },
        "doctor.title.platform": {"fr": "Plateforme", "en": "Platform"},
        "doctor.title.tls": {"fr": "Connexion sécurisée (TLS)", "en": "Secure connection (TLS)"},
        "doctor.title.clock": {"fr": "Heure de l'ordinateur", "en": "Computer clock"},
        "doctor.status.ok": {"fr": "OK", "en": "OK"},
        "doctor.status.warning": {"fr": "ATTENTION", "en": "WARNING"},
        "doctor.status.failed": {"fr": "ÉCHEC", "en": "FAILED"},
        "doctor.advice": {"fr": "À faire : {advice}", "en": "What to do: {advice}"},
        "doctor.summary.ok": {"fr": "Tout est en ordre.", "en": "Everything is in order."},
        "doctor.summary.warnings": {
            "fr": "Aucun échec ; {n} points à surveiller.",
            "en": "No failure; {n} points to watch.",
        },
        "doctor.summary.warnings.one": {
            "fr": "Aucun échec ; {n} point à surveiller.",
            "en": "No failure; {n} point to watch.",
        },
        "doctor.summary.failed": {
            "fr": "{n} échecs : suivez les conseils ci-dessus, puis relancez le diagnostic.",
            "en": "{n} failures: follow the advice above, then run the diagnosis again.",
        },
        "doctor.summary.failed.one": {
            "fr": "{n} échec : suivez les conseils ci-dessus, puis relancez le diagnostic.",
            "en": "{n} failure: follow the advice above, then run the diagnosis again.",
        },
        "doctor.help": {
            "fr": "diagnostic du poste : caméras, trousseau, disque, base, plateforme, horloge",
            "en": "checks this workstation: cameras, keyring, disk, database, platform, clock",
        },
        # -- cameras -------------------------------------------------------------------------------------
        "doctor.camera.none": {"fr": "Aucune caméra trouvée.", "en": "No camera found."},
        "doctor.camera.none.advice": {
            "fr": "Branchez la caméra USB (ou le dermatoscope) directement sur l'ordinateur, attendez quelques "
            "secondes et relancez le diagnostic. Sans caméra, vous pouvez importer des photos ou les "
            "exports du rétinographe ; en mode formation, une caméra de démonstration est proposée.",
            "en": "Plug the USB camera (or dermatoscope) straight into the computer, wait a few seconds and run "
            "the diagnosis again. Without a camera you can still import photos or the retinograph's "
            "exports; in training mode a demo camera is offered.",
        },
        "doctor.camera.found": {
            "fr": "{name} : ouverte, résolutions {resolutions}.",
            "en": "{name}: opened, resolutions {resolutions}.",
        },
        "doctor.camera.unopened": {
            "fr": "{name} : trouvée mais impossible à ouvrir ({reason}).",
            "en": "{name}: found but cannot be opened ({reason}).",
        },
        "doctor.camera.unopened.advice": {
            "fr": "Fermez les autres logiciels qui utilisent la caméra (visioconférence, logiciel du fabricant), "
            "débranchez-la et rebranchez-la. Sous Linux, le compte doit faire partie du groupe « video ».",
            "en": "Close other programs using the camera (video calls, the maker's software), unplug it and plug "
            "it back. On Linux the account must belong to the “video” group.",
        },
        "doctor.camera.low": {
            "fr": "{name} : au mieux {resolution}, trop peu pour une photo de lésion nette.",
            "en": "{name}: at best {resolution}, too little for a sharp lesion photo.",
        },
        "doctor.camera.low.advice": {
            "fr": "Utilisez une caméra d'au moins 1280×720 (idéalement 1920×1080) ou importez les photos d'un "
            "appareil photo.",
            "en": "Use a camera of at least 1280×720 (ideally 1920×1080) or import photos from a camera.",
        },
        "doctor.camera.error": {
            "fr": "La recherche des caméras a échoué ({reason}).",
            "en": "Looking for cameras failed ({reason}).",
        },
        # -- keyring -------------------------------------------------------------------------------------
        "doctor.keyring.ok": {
            "fr": "Trousseau du système disponible ({backend}) ; clé des données : {mode}.",
            "en": "System keyring available ({backend}); data key: {mode}.",
        },
        "doctor.keyring.passphrase": {
            "fr": "Pas de trousseau du système utilisable : la clé des données est protégée par la phrase secrète.",
            "en": "No usable system keyring: the data key is protected by the passphrase.",
        },
        "doctor.keyring.passphrase.advice": {
            "fr": "Rien n'est perdu : la phrase secrète sera demandée à chaque démarrage. Pour ne plus la taper, "
            "ouvrez une session graphique avec un trousseau (GNOME, KDE, Windows, macOS).",
            "en": "Nothing is lost: the passphrase will be asked at each start. To stop typing it, use a "
            "desktop session with a keyring (GNOME, KDE, Windows, macOS).",
        },
        "doctor.keyring.new": {
            "fr": "Pas de trousseau du système utilisable : au premier démarrage, une phrase secrète sera demandée.",
            "en": "No usable system keyring: a passphrase will be asked at the first start.",
        },
        "doctor.keyring.new.advice": {
            "fr": "Choisissez une phrase secrète longue et notez-la en lieu sûr : sans elle, les dossiers ne "
            "peuvent pas être rouverts.",
            "en": "Choose a long passphrase and keep it somewhere safe: without it the cases cannot be opened.",
        },
        "doctor.keyring.lost": {
            "fr": "La clé des données est dans le trousseau du système, qui ne répond pas ici.",
            "en": "The data key is in the system keyring, which does not answer here.",
        },
        "doctor.keyring.lost.advice": {
            "fr": "Ouvrez la session (utilisateur et bureau) où Teleavis a été installé et déverrouillez le "
            "trousseau. Sinon, restaurez une sauvegarde avec sa phrase secrète.",
            "en": "Open the session (user and desktop) Teleavis was installed in and unlock the keyring. "
            "Otherwise, restore a backup with its passphrase.",
        },
        "doctor.keyring.refused": {
            "fr": "Trousseau non retenu ({backends}) : ce n'est pas le coffre sécurisé du système (il peut garder "
            "les secrets dans un simple fichier), la clé des données n'y est donc pas mise.",
            "en": "Keyring not used ({backends}): it is not the system's secure store (it may keep secrets in a "
            "plain file), so the data key is not put there.",
        },
        "doctor.keyring.damaged": {
            "fr": "Le fichier de clé (key.json) est illisible.",
            "en": "The key file (key.json) is unreadable.",
        },
        "doctor.keyring.damaged.advice": {
            "fr": "Ne supprimez rien. Restaurez la dernière sauvegarde (teleavis restore) ou appelez le support.",
            "en": "Delete nothing. Restore the last backup (teleavis restore) or call support.",
        },
        # -- data folder and disk ------------------------------------------------------------------------
        "doctor.data_dir.ok": {"fr": "{path} : accessible en écriture.", "en": "{path}: writable."},
        "doctor.data_dir.new": {
            "fr": "{path} : sera créé au premier démarrage.",
            "en": "{path}: will be created at the first start.",
        },
        "doctor.data_dir.not_dir": {
            "fr": "{path} existe mais n'est pas un dossier.",
            "en": "{path} exists but is not a folder.",
        },
        "doctor.data_dir.full": {
            "fr": "{path} : impossible d'y écrire, le disque est plein.",
            "en": "{path}: cannot write there, the disk is full.",
        },
        "doctor.data_dir.readonly": {
            "fr": "{path} : impossible d'y écrire ({reason}).",
            "en": "{path}: cannot write there ({reason}).",
        },
        "doctor.data_dir.readonly.advice": {
            "fr": "Le compte de cet utilisateur doit pouvoir écrire dans ce dossier : demandez au support "
            "informatique d'en rendre l'utilisateur propriétaire, ou choisissez un autre dossier "
            "(variable TELEAVIS_HOME).",
            "en": "This user's account must be able to write in this folder: ask IT support to make the user its "
            "owner, or choose another folder (TELEAVIS_HOME variable).",
        },
        "doctor.data_dir.open": {
            "fr": "{path} : lisible par d'autres comptes de l'ordinateur (droits {mode}).",
            "en": "{path}: readable by other accounts on this computer (mode {mode}).",
        },
        "doctor.data_dir.open.advice": {
            "fr": "Les données sont chiffrées, mais réservez ce dossier à son utilisateur : chmod 700 {path}",
            "en": "The data is encrypted, but keep this folder to its user: chmod 700 {path}",
        },
        "doctor.space.ok": {"fr": "{free} libres sur le disque des données.", "en": "{free} free on the data disk."},
        "doctor.space.low": {
            "fr": "Seulement {free} libres sur le disque des données.",
            "en": "Only {free} free on the data disk.",
        },
        "doctor.space.low.advice": {
            "fr": "Libérez de la place bientôt (corbeille, téléchargements, anciens fichiers) : chaque dossier "
            "avec ses photos occupe quelques dizaines de Mo.",
            "en": "Free some space soon (bin, downloads, old files): each case with its photos takes a few tens of MB.",
        },
        "doctor.space.full": {
            "fr": "Disque presque plein : {free} libres sur le disque des données.",
            "en": "Disk nearly full: {free} free on the data disk.",
        },
        "doctor.space.full.advice": {
            "fr": "Libérez de la place maintenant (corbeille, téléchargements, anciens fichiers) ou prévenez le "
            "support informatique : sans place, les nouvelles photos et les réponses ne peuvent pas être "
            "enregistrées. Rien de ce qui est déjà enregistré n'est perdu.",
            "en": "Free some space now (bin, downloads, old files) or tell IT support: without space, new photos "
            "and answers cannot be saved. Nothing already saved is lost.",
        },
        # -- database ------------------------------------------------------------------------------------
        "doctor.db.ok": {
            "fr": "Base intègre (version {version}), {cases}.",  # {cases}: app.messages.counted
            "en": "Database intact (version {version}), {cases}.",
        },
        "doctor.db.new": {
            "fr": "Pas encore de base : elle sera créée au premier démarrage.",
            "en": "No database yet: it will be created at the first start.",
        },
        "doctor.db.disk_full": {
            "fr": "La base de données ne peut pas être ouverte : le disque est plein (elle n'est pas "
            "endommagée, ne restaurez pas de sauvegarde).",
            "en": "The database cannot be opened: the disk is full (it is not damaged, do not restore a backup).",
        },
        "doctor.db.read_only": {
            "fr": "La base de données ne peut pas être ouverte : le dossier de données {path} est en lecture seule "
            "(elle n'est pas endommagée, ne restaurez pas de sauvegarde).",
            "en": "The database cannot be opened: the data folder {path} is read-only (it is not damaged, do not "
            "restore a backup).",
        },
        "doctor.db.corrupt": {
            "fr": "La base de données est endommagée ({reason}).",
            "en": "The database is damaged ({reason}).",
        },
        "doctor.db.corrupt.advice": {
            "fr": "N'utilisez plus Teleavis sur ce poste et ne supprimez rien. Restaurez la dernière sauvegarde "
            "(teleavis restore FICHIER) ou appelez le support.",
            "en": "Stop using Teleavis on this computer and delete nothing. Restore the last backup "
            "(teleavis restore FILE) or call support.",
        },
        "doctor.db.too_new": {
            "fr": "La base vient d'une version plus récente de Teleavis (version {version}).",
            "en": "The database comes from a newer Teleavis (version {version}).",
        },
        "doctor.db.too_new.advice": {
            "fr": "Installez la dernière version de Teleavis.",
            "en": "Install the latest Teleavis.",
        },
        "doctor.db.busy": {
            "fr": "La base est occupée par un autre programme ({reason}).",
            "en": "The database is busy in another program ({reason}).",
        },
        "doctor.db.busy.advice": {
            "fr": "Fermez les autres fenêtres de Teleavis et relancez le diagnostic.",
            "en": "Close the other Teleavis windows and run the diagnosis again.",
        },
        # -- platform, TLS, clock ------------------------------------------------------------------------
        "doctor.platform.not_configured": {
            "fr": "Aucune plateforme configurée, et le mode formation est désactivé : rien ne peut partir.",
            "en": "No platform configured, and training mode is off: nothing can be sent.",
        },
        "doctor.platform.not_configured.advice": {
            "fr": "Saisissez l'adresse de la plateforme régionale dans Réglages (ou teleavis config set "
            "platform.url …), ou remettez le mode formation sur « auto ».",
            "en": "Enter the regional platform's address in Settings (or teleavis config set platform.url …), "
            "or set training mode back to “auto”.",
        },
        "doctor.platform.training": {
            "fr": "Aucune plateforme configurée : mode formation (plateforme simulée sur ce poste).",
            "en": "No platform configured: training mode (simulated platform on this computer).",
        },
        "doctor.platform.training.advice": {
            "fr": "Pour envoyer de vrais dossiers, saisissez l'adresse de la plateforme régionale dans Réglages "
            "(ou teleavis config set platform.url …).",
            "en": "To send real cases, enter the regional platform's address in Settings "
            "(or teleavis config set platform.url …).",
        },
        "doctor.platform.ok": {"fr": "{url} répond ({software}).", "en": "{url} answers ({software})."},
        "doctor.platform.proxy": {
            "fr": "Le réglage du proxy est inutilisable (ni http:// ni https://, ou pas d'adresse de proxy) : "
            "rien n'est envoyé à {url}.",
            "en": "The proxy setting cannot be used (neither http:// nor https://, or no proxy address): nothing "
            "is sent to {url}.",
        },
        "doctor.platform.proxy.advice": {
            "fr": "Retapez le proxy dans Réglages > Plateforme (« http://proxy:3128 », avec un identifiant : "
            "« http://utilisateur:mot-de-passe@proxy:3128 ») ou par « teleavis config set proxy - », ou videz-le "
            "s'il n'en faut pas.",
            "en": "Type the proxy again in Settings > Platform (“http://proxy:3128”, with a user name: "
            "“http://user:password@proxy:3128”) or with “teleavis config set proxy -”, or clear it if none is "
            "needed.",
        },
        "doctor.platform.sign_in": {
            "fr": "{url} répond mais demande de se reconnecter.",
            "en": "{url} answers but asks to sign in again.",
        },
        "doctor.platform.refused": {
            "fr": "{url} répond mais refuse {what}.",
            "en": "{url} answers but refuses {what}.",
        },
        "doctor.platform.sign_in_fault": {
            "fr": "{url} répond, mais le jeton d'accès n'a pas pu être renouvelé à l'adresse de connexion (OAuth) "
            "{token_url}.",
            "en": "{url} answers, but the access token could not be renewed at the sign-in (OAuth) address "
            "{token_url}.",
        },
        "doctor.platform.renewed_by_sync": {
            "fr": "{url} répond ; il faut un nouveau jeton d'accès, que la synchronisation demandera avec le jeton "
            "de renouvellement enregistré (le diagnostic ne l'essaie pas : il n'enregistre rien).",
            "en": "{url} answers; a new access token is needed, which syncing will ask for with the renewal token "
            "saved (the diagnosis does not try it: it saves nothing).",
        },
        "doctor.platform.sign_in.advice": {
            "fr": "Reconnectez-vous dans Réglages > Plateforme (ou collez un nouveau jeton d'accès).",
            "en": "Sign in again in Settings > Platform (or paste a new access token).",
        },
        "doctor.platform.unreachable": {"fr": "{url} injoignable ({reason}).", "en": "{url} out of reach ({reason})."},
        # The system's words said in the user's (a tester read « injoignable ([Errno 111] Connection
        # refused) »); they stay in parentheses, for support.
        "doctor.platform.unreachable.said": {
            "fr": "{url} injoignable : {words} ({reason}).",
            "en": "{url} out of reach: {words} ({reason}).",
        },
        "doctor.reason.refused": {"fr": "connexion refusée", "en": "connection refused"},
        "doctor.reason.no_name": {"fr": "adresse introuvable", "en": "address not found"},
        "doctor.reason.no_network": {"fr": "pas de réseau", "en": "no network"},
        "doctor.reason.no_route": {
            "fr": "aucun chemin réseau jusqu'à elle",
            "en": "no network path to it",
        },
        "doctor.platform.unreachable.advice": {
            "fr": "Vérifiez que l'ordinateur a accès à Internet (ouvrez un site connu). Si oui, vérifiez l'adresse "
            "de la plateforme et le proxy dans Réglages, ou demandez au support informatique d'autoriser "
            "cette adresse. En attendant, travaillez normalement : les dossiers partiront tout seuls.",
            "en": "Check that the computer reaches the Internet (open a well-known site). If it does, check the "
            "platform address and the proxy in Settings, or ask IT support to allow this address. Meanwhile "
            "work as usual: cases will leave by themselves.",
        },
        "doctor.platform.cut": {
            "fr": "{url} répond, mais sa réponse a été coupée en route (proxy ou liaison instable) ({reason}).",
            "en": "{url} answers, but its answer was cut on its way (proxy or unstable link) ({reason}).",
        },
        "doctor.platform.cut.advice": {
            "fr": "Réessayez dans un moment. Si cela se répète, signalez-le au support informatique : le proxy ou "
            "la liaison réseau coupe les réponses de la plateforme. En attendant, travaillez normalement : les "
            "dossiers partiront tout seuls.",
            "en": "Try again in a moment. If it happens again, tell IT support: the proxy or the network link cuts "
            "the platform's answers. Meanwhile work as usual: cases will leave by themselves.",
        },
        "doctor.platform.timeout": {"fr": "{url} ne répond pas à temps.", "en": "{url} does not answer in time."},
        "doctor.platform.not_fhir": {
            "fr": "{url} répond, mais pas comme une plateforme de télé-expertise (portail d'accès, proxy ou "
            "mauvaise adresse) : {reason}.",
            "en": "{url} answers, but not as a tele-expertise platform (access portal, proxy or wrong address): "
            "{reason}.",
        },
        "doctor.platform.not_fhir.bare": {
            "fr": "{url} répond, mais pas comme une plateforme de télé-expertise (portail d'accès, proxy ou "
            "mauvaise adresse).",
            "en": "{url} answers, but not as a tele-expertise platform (access portal, proxy or wrong address).",
        },
        "doctor.platform.not_fhir.advice": {
            "fr": "Ouvrez un navigateur : si une page de connexion au réseau (Wi-Fi invité, portail) apparaît, "
            "acceptez-la. Sinon, vérifiez l'adresse de la plateforme dans Réglages.",
            "en": "Open a browser: if a network sign-in page (guest Wi-Fi, portal) appears, accept it. Otherwise "
            "check the platform address in Settings.",
        },
        "doctor.tls.ok": {"fr": "Certificat de la plateforme vérifié{ca}.", "en": "Platform certificate verified{ca}."},
        "doctor.tls.ca": {"fr": " (autorité : {path})", "en": " (authority: {path})"},
        "doctor.tls.training": {"fr": "Sans objet en mode formation.", "en": "Not applicable in training mode."},
        "doctor.tls.local": {
            "fr": "Plateforme sur ce poste (boucle locale) : pas de chiffrement nécessaire.",
            "en": "Platform on this computer (loopback): no encryption needed.",
        },
        "doctor.tls.untested": {
            "fr": "Non vérifié : la plateforme n'a pas pu être jointe.",
            "en": "Not checked: the platform could not be reached.",
        },
        "doctor.tls.failed": {
            "fr": "Le certificat de la plateforme n'est pas reconnu ({reason}).",
            "en": "The platform's certificate is not trusted ({reason}).",
        },
        "doctor.tls.failed.advice": {
            "fr": "Ne forcez pas la connexion. Vérifiez l'adresse de la plateforme ; si votre établissement "
            "utilise sa propre autorité de certification (proxy filtrant), demandez au support le fichier "
            "de l'autorité et indiquez-le dans Réglages (platform.ca_bundle). Vérifiez aussi l'heure.",
            "en": "Do not force the connection. Check the platform address; if your organisation uses its own "
            "certificate authority (filtering proxy), ask support for the authority's file and set it in "
            "Settings (platform.ca_bundle). Check the clock too.",
        },
        "doctor.tls.ca_missing": {
            "fr": "Le fichier d'autorité {path} (platform.ca_bundle) est introuvable.",
            "en": "The authority file {path} (platform.ca_bundle) cannot be found.",
        },
        "doctor.tls.ca_missing.advice": {
            "fr": "Corrigez le chemin dans Réglages (platform.ca_bundle) ou videz ce réglage.",
            "en": "Fix the path in Settings (platform.ca_bundle) or clear this setting.",
        },
        "doctor.tls.plain": {
            "fr": "La plateforme est jointe sans chiffrement (http://).",
            "en": "The platform is reached without encryption (http://).",
        },
        "doctor.tls.plain.advice": {
            "fr": "Utilisez l'adresse en https:// donnée par la plateforme régionale.",
            "en": "Use the https:// address given by the regional platform.",
        },
        "doctor.clock.ok": {
            "fr": "À l'heure (écart de {skew} avec la plateforme).",
            "en": "On time ({skew} off the platform).",
        },
        "doctor.clock.untested": {
            "fr": "Non comparée : pas de réponse datée de la plateforme.",
            "en": "Not compared: no dated answer from the platform.",
        },
        "doctor.clock.off": {
            "fr": "L'horloge de l'ordinateur {direction} de {skew} sur celle de la plateforme.",
            "en": "The computer's clock is {skew} {direction} the platform's.",
        },
        "doctor.clock.ahead": {"fr": "avance", "en": "ahead of"},
        "doctor.clock.behind": {"fr": "retarde", "en": "behind"},
        "doctor.clock.off.advice": {
            "fr": "Mettez l'ordinateur à l'heure (réglage automatique de l'heure par Internet) : une horloge "
            "fausse fait refuser la connexion et fausse les dates des dossiers.",
            "en": "Set the computer's clock right (automatic time from the Internet): a wrong clock makes the "
            "connection fail and puts wrong dates on cases.",
        },
        "doctor.clock.bad_header": {
            "fr": "Date de la plateforme illisible ({value}).",
            "en": "Unreadable platform date ({value}).",
        },
    }
)
