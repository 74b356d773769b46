<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name></name>
    <message>
        <location filename="../../ui/help_dialogs.py" line="29"/>
        <source>Guide d&apos;utilisation — Teleavis</source>
        <translation>User guide — Teleavis</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="39"/>
        <source>Le guide d&apos;utilisation n&apos;est pas installé avec ce programme.</source>
        <translation>The user guide is not installed with this program.</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="55"/>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="56"/>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="56"/>
        <source>propriétaire</source>
        <translation>proprietary</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="57"/>
        <source>Dossier des données</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="58"/>
        <source>Système</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="59"/>
        <source>Python, Qt</source>
        <translation>Python, Qt</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="62"/>
        <source>Composants tiers</source>
        <translation>Third-party components</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="64"/>
        <source>demandes de télé-expertise et leurs réponses</source>
        <translation>tele-expertise requests and their answers</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="66"/>
        <source>Teleavis utilise Qt (LGPL-3.0), OpenCV (Apache-2.0), Python et d&apos;autres logiciels libres, chacun sous sa licence&#xa0;: la liste et les textes sont installés avec le programme.</source>
        <translation>Teleavis uses Qt (LGPL-3.0), OpenCV (Apache-2.0), Python and other free software, each under its own licence: their list and texts are installed with the program.</translation>
    </message>
    <message>
        <location filename="../../ui/help_dialogs.py" line="73"/>
        <source>À propos de Teleavis</source>
        <translation>About Teleavis</translation>
    </message>
</context>
<context>
    <name>AnonymiseDialog</name>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="142"/>
        <source>Anonymiser l&apos;image</source>
        <extracomment>The picture drawn on is at most this long: plenty for a screen, and a 12 MP photo whole would be 36 MB to convert and scale at each paint. The rectangles are kept in the full image&apos;s pixels.</extracomment>
        <translation>Anonymise the image</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="146"/>
        <source>Tracez un rectangle sur chaque zone à cacher (visage, tatouage, bijou, document…), ou laissez l&apos;application trouver le visage.</source>
        <translation>Draw a rectangle over each area to hide (face, tattoo, jewellery, document…), or let the application find the face.</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="156"/>
        <source>&amp;Flouter</source>
        <translation>&amp;Blur</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="157"/>
        <source>&amp;Masquer (noir)</source>
        <translation>&amp;Mask (black)</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="159"/>
        <source>Masquer le &amp;visage</source>
        <translation>Hide the &amp;face</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="160"/>
        <source>&amp;Effacer les zones</source>
        <translation>&amp;Clear the areas</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="169"/>
        <source>Garder aussi l&apos;image d&apos;origine, non anonymisée</source>
        <translation>Also keep the original, non-anonymised image</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="174"/>
        <source>&amp;Appliquer</source>
        <translation>&amp;Apply</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="176"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="193"/>
        <source>Visage trouvé&#xa0;: vérifiez le rectangle, ajoutez-en si besoin.</source>
        <translation>Face found: check the rectangle, add more if needed.</translation>
    </message>
    <message>
        <location filename="../../ui/anonymise_dialog.py" line="195"/>
        <source>Aucun visage trouvé&#xa0;: tracez le rectangle à la main.</source>
        <translation>No face found: draw the rectangle by hand.</translation>
    </message>
</context>
<context>
    <name>CapturePanel</name>
    <message>
        <location filename="../../ui/capture_panel.py" line="562"/>
        <source>⚠ Image {n}&#xa0;: l&apos;appareil l&apos;a enregistrée pour {who}, sans date de naissance ni INS à comparer avec ceux du dossier&#xa0;: le nom seul ne dit pas que c&apos;est ce patient (une mère et sa fille peuvent porter les mêmes noms). Vérifiez sur l&apos;appareil qu&apos;elle est bien la sienne, sinon supprimez-la.</source>
        <translation>⚠ Image {n}: the device recorded it for {who}, without a birth date or an INS to compare with the case&apos;s: a name alone does not say it is this patient (a mother and her daughter may bear the same names). Check on the device that it is this patient&apos;s, otherwise delete it.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="155"/>
        <source>Prendre la photo (Espace, F8)</source>
        <extracomment>The device folder button while new images wait there. How long after the last change of specialty its images are checked again: the arrow keys go through several specialties, and the switch&apos;s own work (the editor&apos;s form, the camera) comes first. A photo&apos;s labels (site, eye, view, note) not saved (a full disk): the words, as the case&apos;s own are said. The images being turned, and the quarter turns asked on each meanwhile (done once it is back). What went wrong for a case after the user had opened another (an import refused, labels not saved): said when that case is shown again, never on the case then shown. The labels a save refused (a full disk), by case and image: kept on screen (read back from the store, what she had just typed vanished), shown again when the case is, and saved again by themselves. Files chosen for each case (its id) not yet stored or refused: counted as its images already. The case whose images are checked again for its new specialty, once it is chosen. Set when the checks running are for a specialty the case no longer has: they stop at the next image. The case whose images are being checked again, and those checks&apos; stop: until their verdicts are written, the case waits to be sent (:meth:`checks_pending`). The cases whose last checks made again failed (a write refused, a full disk): their older verdicts stand, and are checked again before they are sent (:meth:`check_again_if_failed`).</extracomment>
        <translation>Take the photo (Space, F8)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="156"/>
        <source>&amp;Importer un fichier…</source>
        <translation>&amp;Import a file…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="157"/>
        <source>Dossier de l&apos;a&amp;ppareil…</source>
        <translation>&amp;Device folder…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="158"/>
        <source>Anonymiser avant d&apos;enregistrer</source>
        <translation>Anonymise before saving</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="178"/>
        <source>Vues attendues</source>
        <translation>Expected views</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="348"/>
        <location filename="../../ui/capture_panel.py" line="1305"/>
        <source>Cette demande n&apos;est plus modifiable&#xa0;: les images ne peuvent plus changer.</source>
        <translation>This request can no longer be edited: its images cannot change.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="693"/>
        <source>Aucune caméra n&apos;est active&#xa0;: choisissez-en une, ou importez une image.</source>
        <translation>No camera is active: choose one, or import an image.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="749"/>
        <location filename="../../ui/capture_panel.py" line="754"/>
        <location filename="../../ui/capture_panel.py" line="763"/>
        <source>Photo abandonnée&#xa0;: rien n&apos;a été enregistré.</source>
        <translation>Photo discarded: nothing was saved.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1221"/>
        <source>Supprimer définitivement l&apos;image {n} de ce dossier&#x202f;?</source>
        <translation>Permanently delete image {n} from this case?</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="726"/>
        <source>Analyse de la photo…</source>
        <translation>Checking the photo…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="779"/>
        <source>La caméra n&apos;a pas donné d&apos;image&#xa0;: vérifiez-la puis reprenez la photo.</source>
        <translation>The camera gave no image: check it, then take the photo again.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="795"/>
        <source>Reprise de l&apos;image {n}&#xa0;: prenez la nouvelle photo (Espace ou F8).</source>
        <translation>Retaking image {n}: take the new photo (Space or F8).</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="804"/>
        <source>Importer des images</source>
        <translation>Import images</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="805"/>
        <source>Images ({patterns});;Tous les fichiers (*)</source>
        <translation>Images ({patterns});;All files (*)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="857"/>
        <source>Aucun dossier d&apos;appareil n&apos;est réglé&#xa0;: indiquez le dossier où le rétinographe ou l&apos;appareil dépose ses images dans Édition &gt; Réglages…, onglet Prise de vue, «&#xa0;Dossier surveillé&#xa0;».</source>
        <translation>No device folder is set: give the folder where the retinograph or device drops its images in Edit &gt; Settings…, Capture tab, “Watched folder”.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/capture_panel.py" line="941"/>
        <source>%n nouvelle(s) image(s) reçue(s) de l&apos;appareil depuis l&apos;ouverture de ce dossier</source>
        <translation>
            <numerusform>%n new image from the device since this case was opened</numerusform>
            <numerusform>%n new images from the device since this case was opened</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="911"/>
        <source>Nouvelle image reçue de l&apos;appareil&#xa0;: «&#xa0;{name}&#xa0;». Cliquez sur «&#xa0;Dossier de l&apos;appareil&#xa0;» pour l&apos;ajouter à ce patient.</source>
        <translation>New image from the device: “{name}”. Click “Device folder” to add it to this patient’s case.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="926"/>
        <source>Le dossier de l&apos;appareil est inaccessible (appareil, clé USB ou partage réseau débranché)&#xa0;: les nouvelles images ne peuvent pas être annoncées.</source>
        <translation>The device folder cannot be reached (device, USB stick or network share unplugged): new images cannot be announced.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="850"/>
        <source>La fenêtre «&#xa0;Dossier de l&apos;appareil&#xa0;» a été fermée par le verrouillage&#xa0;: aucune image n&apos;a été importée. Rouvrez «&#xa0;Dossier de l&apos;appareil&#xa0;» et cochez de nouveau les images de ce patient.</source>
        <translation>The “Device folder” window was closed when Teleavis locked: no image was imported. Open “Device folder” again and tick this patient&apos;s images again.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="934"/>
        <source>Dossier de l&apos;appareil de nouveau accessible. Les images arrivées entre-temps ne sont pas annoncées&#xa0;: ouvrez «&#xa0;Dossier de l&apos;appareil&#xa0;» pour choisir celles de ce patient.</source>
        <translation>The device folder can be reached again. Images that came meanwhile are not announced: open “Device folder” to pick this patient&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1010"/>
        <source>{n} images importées.</source>
        <translation>{n} images imported.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1055"/>
        <source>{n} fichiers choisis&#xa0;: un dossier contient {max} images au plus. Aucun n&apos;est importé&#x202f;; ce qui est déjà dans le dossier est gardé. Choisissez les photos de ce patient, {max} au plus.</source>
        <translation>{n} files chosen: a case holds {max} images at most. None is imported; what is already in the case is kept. Choose this patient&apos;s photos, {max} at most.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1060"/>
        <source>{n} fichiers choisis&#xa0;: un dossier contient {max} images au plus, celui-ci en a déjà {held}. Aucun n&apos;est importé&#x202f;; ce qui est déjà dans le dossier est gardé. Pour en ajouter, supprimez d&apos;abord une image.</source>
        <translation>{n} files chosen: a case holds {max} images at most, and this one already has {held}. None is imported; what is already in the case is kept. To add one, first delete an image.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1065"/>
        <source>{n} fichiers choisis&#xa0;: un dossier contient {max} images au plus, celui-ci en a déjà {held}. Aucun n&apos;est importé&#x202f;; ce qui est déjà dans le dossier est gardé. Choisissez-en {room} au plus.</source>
        <translation>{n} files chosen: a case holds {max} images at most, and this one already has {held}. None is imported; what is already in the case is kept. Choose {room} at most.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1037"/>
        <source>Import de «&#xa0;{name}&#xa0;»…</source>
        <translation>Importing “{name}”…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1220"/>
        <source>Supprimer l&apos;image</source>
        <translation>Delete the image</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1236"/>
        <source>Image {n} supprimée.</source>
        <translation>Image {n} deleted.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1267"/>
        <source>Cette image (DICOM) ne peut pas être anonymisée ici&#xa0;: anonymisez-la sur l&apos;appareil ou reprenez-la.</source>
        <translation>This (DICOM) image cannot be anonymised here: anonymise it on the device or retake it.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1284"/>
        <source>Ouverture de l&apos;image…</source>
        <translation>Opening the image…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1294"/>
        <source>Anonymisation…</source>
        <translation>Anonymising…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1310"/>
        <source>Cette image (DICOM) ne peut pas être pivotée ici&#xa0;: pivotez-la sur l&apos;appareil et importez-la à nouveau, ou reprenez-la.</source>
        <translation>This image (DICOM) cannot be rotated here: rotate it on the device and import it again, or retake it.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1336"/>
        <source>Rotation de l&apos;image…</source>
        <translation>Rotating the image…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_panel.py" line="1409"/>
        <source>Une erreur inattendue est survenue&#x202f;; elle a été notée dans le journal.</source>
        <translation>An unexpected error occurred; it was written to the log.</translation>
    </message>
</context>
<context>
    <name>CapturePreview</name>
    <message>
        <location filename="../../ui/capture_preview.py" line="44"/>
        <source>Aperçu de la caméra (Espace&#xa0;: prendre la photo)</source>
        <translation>Camera preview (Space: take the photo)</translation>
    </message>
</context>
<context>
    <name>CaptureWords</name>
    <message>
        <location filename="../../ui/image_tile.py" line="367"/>
        <source>Vue éloignée</source>
        <translation>Far view</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="368"/>
        <source>Vue intermédiaire</source>
        <translation>Medium view</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="369"/>
        <source>Vue rapprochée</source>
        <translation>Close-up view</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="370"/>
        <source>Dermoscopie</source>
        <translation>Dermoscopy</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="371"/>
        <source>Centrée sur la macula</source>
        <translation>Macula-centred</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="372"/>
        <source>Centrée sur la papille</source>
        <translation>Disc-centred</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="380"/>
        <source>Œil droit (OD)</source>
        <translation>Right eye (OD)</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="381"/>
        <source>Œil gauche (OG)</source>
        <translation>Left eye (OS)</translation>
    </message>
</context>
<context>
    <name>CaseEditor</name>
    <message>
        <location filename="../../ui/case_editor.py" line="300"/>
        <source>Formulaire de la spécialité</source>
        <extracomment>Whether the identity was stated in the window before this edit: given back when it is undone. A save refused because the case changed elsewhere: its id, ``sent`` (no longer editable: ``case send`` queued it, or the poll found it recorded on the platform) or ``changed`` (saved by another window), and the user&apos;s copy of it, with what she typed that was not saved (:meth:`typed_words`). Edits of cases left before their save was refused (a full disk): given back when reopened. Each case&apos;s revision as this window last read or saved it: a save is written only over that one (``Store.update_case(revision=)``). Moved forward by the writer thread, save after save, in order. Each case&apos;s content as this window read it from the store (:meth:`typed_words`: what she changed). A save refused (a full disk) of the case on screen: tried again by itself, calmly, until written.</extracomment>
        <translation>Specialty form</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="373"/>
        <source>1. Consentement du patient</source>
        <translation>1. Patient&apos;s consent</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="378"/>
        <source>Avant tout, demandez au patient s&apos;il accepte que son dossier et ses photos soient envoyés à un médecin expert. Le reste du dossier s&apos;ouvre ensuite.</source>
        <translation>First of all, ask the patient whether they agree to their case and photos being sent to an expert physician. The rest of the case opens afterwards.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="384"/>
        <source>Le patient accepte la télé-expertise</source>
        <translation>The patient agrees to tele-expertise</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="385"/>
        <source>Consentement&#xa0;:</source>
        <translation>Consent:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="386"/>
        <location filename="../../ui/case_editor.py" line="433"/>
        <location filename="../../ui/case_editor.py" line="543"/>
        <location filename="../../ui/case_editor.py" line="749"/>
        <source>JJ/MM/AAAA</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="389"/>
        <source>Date du consentement&#xa0;:</source>
        <translation>Consent date:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="390"/>
        <source>Nom de la personne qui l&apos;a recueilli</source>
        <translation>Name of the person who recorded it</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="392"/>
        <source>Recueilli par&#xa0;:</source>
        <translation>Recorded by:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="406"/>
        <source>2. Patient</source>
        <translation>2. Patient</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="411"/>
        <source>Tel que sur la pièce d&apos;identité</source>
        <translation>As on the identity document</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="412"/>
        <source>Nom de naissance&#xa0;:</source>
        <translation>Birth name:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="413"/>
        <source>Facultatif</source>
        <translation>Optional</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="414"/>
        <source>Nom utilisé&#xa0;:</source>
        <translation>Used name:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="417"/>
        <source>Nom d&apos;usage, ex. celui de l&apos;époux&#xa0;: il ne s&apos;écrit jamais dans le nom de naissance.</source>
        <translation>The name the patient goes by, e.g. the spouse&apos;s: never written into the birth name.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="419"/>
        <source>Tous, dans l&apos;ordre de la pièce d&apos;identité</source>
        <translation>All of them, in the identity document&apos;s order</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="421"/>
        <source>Prénoms de naissance&#xa0;:</source>
        <translation>Birth given names:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="424"/>
        <source>Premier prénom&#xa0;:</source>
        <translation>First given name:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="429"/>
        <source>Si le premier prénom est composé sans trait d&apos;union sur la pièce (ex. Marie Thérèse), choisissez-le ici.</source>
        <translation>If the first given name is compound without a hyphen on the document (e.g. Marie Thérèse), choose it here.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="434"/>
        <source>Date de naissance&#xa0;:</source>
        <translation>Date of birth:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="435"/>
        <source>code INSEE, ex. 75056</source>
        <translation>INSEE code, e.g. 75056</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="440"/>
        <source>Lieu de naissance&#xa0;:</source>
        <translation>Place of birth:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="573"/>
        <source>Commune de naissance&#x202f;; né à l&apos;étranger&#xa0;: 99 + code du pays (ex. 99134).</source>
        <translation>The commune of birth; born abroad: 99 + the country code (e.g. 99134).</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="448"/>
        <source>Non renseigné</source>
        <translation>Not given</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="212"/>
        <source>la saisie de «&#xa0;{field}&#xa0;»</source>
        <extracomment>What the editor changes in a case (its images&apos; labels are the capture panel&apos;s, saved on their own). Each cell open, with where it is and what it held when opened: « Échap » gives that back. The RNIV&apos;s strict traits and the INS. A qualified identity is the INS fetched from INSi and these traits checked on the ID document: one of them changed by hand, the check no longer holds for it. The identity&apos;s fields whose change in the window makes the identity stated there (``Case.identity_origin``): its status, its document, and the INS and strict traits too, a trait typed in a « Qualifiée » identity opened without it (a case file&apos;s without its birth place) included: she then states the identity herself. The edit, as the Edit menu names it after « Annuler » / « Rétablir »: « Annuler la saisie de « Nom » » (English: &quot;Undo&quot; + &quot;change to “Name”&quot;).</extracomment>
        <translation>change to “{field}”</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="425"/>
        <source>Premier prénom</source>
        <translation>First given name</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="449"/>
        <source>Femme</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="450"/>
        <source>Homme</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="451"/>
        <source>Autre</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="454"/>
        <source>Sexe&#xa0;:</source>
        <translation>Sex:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="459"/>
        <source>Ce dossier a été créé avant le statut de l&apos;identité&#xa0;: il est considéré comme provisoire. Indiquez le statut ci-dessous.</source>
        <translation>This case was created before the identity status existed: it is taken as provisional. Give the status below.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="471"/>
        <source>Provisoire (pièce d&apos;identité non contrôlée)</source>
        <translation>Provisional (ID document not checked)</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="472"/>
        <source>Récupérée (INS obtenu par l&apos;INSi, pièce non contrôlée)</source>
        <translation>Recovered (INS from INSi, document not checked)</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="473"/>
        <source>Validée (pièce d&apos;identité contrôlée, sans INSi)</source>
        <translation>Validated (ID document checked, no INSi)</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="474"/>
        <source>Qualifiée (INSi et pièce d&apos;identité contrôlée)</source>
        <translation>Qualified (INSi and ID document checked)</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="478"/>
        <source>Statut de l&apos;identité&#xa0;:</source>
        <translation>Identity status:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="483"/>
        <location filename="../../ui/case_editor.py" line="912"/>
        <source>Un trait d&apos;identité ou l&apos;INS a été modifié&#xa0;: l&apos;identité n&apos;a plus le statut qu&apos;elle avait. Vérifiez-la de nouveau (téléservice INSi, pièce d&apos;identité), puis choisissez son statut.</source>
        <translation>An identity trait or the INS was changed: the identity no longer has the status it had. Check it again (INSi service, ID document), then choose its status.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="906"/>
        <source>Un trait d&apos;identité a été modifié&#xa0;: il n&apos;a pas été contrôlé sur la pièce d&apos;identité, l&apos;identité n&apos;est plus «&#xa0;Validée&#xa0;». Vérifiez-le sur la pièce d&apos;identité, puis choisissez de nouveau «&#xa0;Validée&#xa0;»&#xa0;: la date du contrôle devient celle du jour.</source>
        <extracomment>The checked traits as the case was opened: a trait changed from one of them (not one filled where there was none, the INS typed after the status was chosen) takes the status back.</extracomment>
        <translation>An identity trait was changed: it was not checked on the ID document, the identity is no longer “Validated”. Check it on the ID document, then choose “Validated” again: the date of the check becomes today&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="493"/>
        <source>— à préciser —</source>
        <translation>— to be specified —</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="494"/>
        <source>Aucune</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="495"/>
        <source>Carte nationale d&apos;identité</source>
        <translation>National identity card</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="496"/>
        <source>Passeport</source>
        <translation>Passport</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="497"/>
        <source>Titre de séjour</source>
        <translation>Residence permit</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="498"/>
        <source>Livret de famille</source>
        <translation>Family record book</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="499"/>
        <source>Extrait d&apos;acte de naissance</source>
        <translation>Birth certificate</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="504"/>
        <source>Carte d&apos;identité</source>
        <translation>Identity card</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="505"/>
        <source>Acte de naissance</source>
        <translation>Birth certificate</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="500"/>
        <source>Document de circulation pour étranger mineur</source>
        <translation>Travel document for a foreign minor</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="506"/>
        <source>Doc. de circulation</source>
        <translation>Travel document</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="526"/>
        <source>Pour un mineur sans pièce d&apos;identité&#xa0;: valable seulement avec la pièce d&apos;identité d&apos;un parent (ou du tuteur, avec la décision de justice), vue elle aussi.</source>
        <translation>For a minor without an ID document: valid only with a parent&apos;s ID document (or the guardian&apos;s, with the court decision), seen too.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="519"/>
        <source>Pièce d&apos;identité contrôlée&#xa0;:</source>
        <translation>ID document checked:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="533"/>
        <source>Admis directement en EHPAD, carte Vitale à photo vue</source>
        <translation>Admitted directly to an EHPAD, photo carte Vitale seen</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="537"/>
        <source>Carte Vitale avec photo (EHPAD)&#xa0;:</source>
        <translation>Carte Vitale with photo (EHPAD):</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="545"/>
        <source>Contrôlée le&#xa0;:</source>
        <translation>Checked on:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="547"/>
        <source>15 caractères, obtenus par le téléservice INSi</source>
        <translation>15 characters, obtained from the INSi teleservice</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="552"/>
        <source>Matricule INS&#xa0;:</source>
        <translation>INS number:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="557"/>
        <source>L&apos;INS n&apos;est transmis à l&apos;expert que si l&apos;identité est qualifiée&#x202f;; sinon, c&apos;est son n° de dossier qui l&apos;est.</source>
        <translation>The INS is sent to the expert only when the identity is qualified; otherwise their file number is.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="561"/>
        <source>Celui de votre structure</source>
        <translation>The one at your practice</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="562"/>
        <source>N° de dossier&#xa0;:</source>
        <translation>File number:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="571"/>
        <source>Pays de naissance (nom INSEE)&#xa0;: {country}.</source>
        <translation>Country of birth (INSEE name, in French): {country}.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="594"/>
        <source>3. Demande</source>
        <translation>3. Request</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="607"/>
        <source>Spécialité&#xa0;:</source>
        <translation>Specialty:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="609"/>
        <source>Normale</source>
        <translation>Routine</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="610"/>
        <source>Urgente</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="611"/>
        <source>Priorité&#xa0;:</source>
        <translation>Priority:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="612"/>
        <source>La question posée à l&apos;expert</source>
        <translation>The question for the expert</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="616"/>
        <source>Question&#xa0;:</source>
        <translation>Question:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="617"/>
        <source>Histoire, examen, durée, évolution</source>
        <translation>History, findings, duration, evolution</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="621"/>
        <source>Résumé clinique&#xa0;:</source>
        <translation>Clinical summary:</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="623"/>
        <source>ex. œil énucléé</source>
        <translation>e.g. enucleated eye</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="626"/>
        <source>À remplir seulement si un œil ne peut pas être photographié&#xa0;: l&apos;expert lit cette raison avec les images.</source>
        <translation>Fill in only if one eye cannot be photographed: the expert reads this reason with the images.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="630"/>
        <source>Un seul œil, pourquoi&#x202f;?</source>
        <translation>One eye only, why?</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="635"/>
        <source>Traitements en cours</source>
        <translation>Current treatments</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="638"/>
        <source>Médicament</source>
        <translation>Medicine</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="638"/>
        <source>Posologie</source>
        <translation>Dosage</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="649"/>
        <source>Ajouter un traitement</source>
        <translation>Add a treatment</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="651"/>
        <source>Retirer le traitement choisi</source>
        <translation>Remove the selected treatment</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="687"/>
        <source>4. Formulaire&#xa0;: {specialty}</source>
        <translation>4. Form: {specialty}</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="725"/>
        <source>Oui</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="726"/>
        <source>Non</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="736"/>
        <source>un nombre entier</source>
        <translation>a whole number</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="740"/>
        <source>un nombre (virgule permise)</source>
        <translation>a number (decimals allowed)</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="1097"/>
        <source>erreur interne, voir le journal</source>
        <translation>internal error, see the log</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="1129"/>
        <source>Les dernières modifications du dossier {id} n&apos;ont pas pu être enregistrées ({words})&#x202f;; elles sont gardées jusqu&apos;à la fermeture de Teleavis&#xa0;: rouvrez ce dossier pour les enregistrer.</source>
        <translation>The last changes to case {id} could not be saved ({words}); they are kept until Teleavis is closed: open that case again to save them.</translation>
    </message>
    <message>
        <location filename="../../ui/case_editor.py" line="1187"/>
        <source>Traitements en cours&#xa0;:</source>
        <translation>Current treatments:</translation>
    </message>
</context>
<context>
    <name>CasePage</name>
    <message>
        <location filename="../../ui/case_page.py" line="257"/>
        <source>Supprimer le brouillon…</source>
        <translation>Delete draft…</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="259"/>
        <source>Supprime ce brouillon jamais envoyé et ses photos de ce poste (une question est posée d&apos;abord)</source>
        <translation>Deletes this draft, never sent, and its photos from this computer (you are asked first)</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="266"/>
        <source>← Liste des dossiers</source>
        <translation>← Case list</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="267"/>
        <source>Retour à la liste des dossiers (Alt+←)</source>
        <translation>Back to the case list (Alt+←)</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="287"/>
        <source>Envoyer des copies réduites</source>
        <extracomment>Since when « Nouveau dossier » was asked for: « ← Liste des dossiers » stands where it stood in the list, and a double click on it made a draft and came straight back (``_back_clicked``).</extracomment>
        <translation>Send reduced copies</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="290"/>
        <source>Les photos pas encore parties sont envoyées en copies réduites (côté le plus long 3000 px, JPEG qualité 90)&#x202f;; l&apos;expert voit qu&apos;il s&apos;agit de copies, les originaux restent sur ce poste.</source>
        <translation>The photos not sent yet go as reduced copies (longest side 3000 px, JPEG quality 90); the expert sees they are copies, the originals stay on this computer.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="324"/>
        <source>Modification en cours…</source>
        <translation>Editing…</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="392"/>
        <source>La plateforme a refusé le dossier&#xa0;: {words} Corrigez-le puis envoyez-le à nouveau.</source>
        <translation>The platform refused the case: {words} Correct it, then send it again.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="253"/>
        <source>Chaque modification est enregistrée automatiquement.</source>
        <extracomment>The least room the capture panel is laid out in before it scrolls: less than a maximised 1366 × 768 window gives it at 100 % (which lays it out as it always was), more than 125 % or 150 % leave it. What she typed in a case that moved out of her hands, in its box (ui/kept_typing.py): the window shows it (held under the lock, as ``told``). The platform cannot be reached (ui/sync_service.py): a case to send is said waiting. Why a case&apos;s queueing was refused while another case was open: said when it is opened again. The last box of words she typed in a case that moved before they were saved (ui/kept_typing.py). The case opened whose audit line waits for its thumbnails to be shown (see ``_note_view``).</extracomment>
        <translation>Every change is saved automatically.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="402"/>
        <source>Enregistré automatiquement.</source>
        <translation>Saved automatically.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="467"/>
        <source>Dossier retenu&#xa0;: il n&apos;est pas parti. Corrigez-le, puis envoyez-le.</source>
        <translation>Case held back: it has not left. Correct it, then send it.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="499"/>
        <source>{name} — {specialty} — dossier {id} — {state}</source>
        <translation>{name} — {specialty} — case {id} — {state}</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="498"/>
        <source>Nouveau patient</source>
        <translation>New patient</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="616"/>
        <source>Le site se règle dans Réglages (Ctrl+,).</source>
        <translation>The site is set in Settings (Ctrl+,).</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="629"/>
        <source>Enregistré.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="636"/>
        <source>Non enregistré&#xa0;: {words}</source>
        <translation>Not saved: {words}</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="657"/>
        <source>Les dernières modifications du dossier {id} n&apos;ont pas été enregistrées&#xa0;: il a été modifié ailleurs entre-temps. Rouvrez-le pour le vérifier.</source>
        <translation>The latest changes to case {id} were not saved: it was changed elsewhere in the meantime. Open it again to check it.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="676"/>
        <source>Ce dossier a été envoyé d&apos;ailleurs (une commande «&#xa0;teleavis case send&#xa0;») pendant que vous le complétiez&#xa0;: il est affiché tel qu&apos;il est parti, sans vos dernières saisies. Pour le corriger, retenez-le avant qu&apos;il ne parte («&#xa0;Retenir le dossier&#xa0;»), puis refaites-les.</source>
        <translation>This case was sent from elsewhere (a “teleavis case send” command) while you were completing it: it is shown as it left, without your latest entries. To correct it, hold it back before it leaves (“Hold the case back”), then enter them again.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="684"/>
        <source>Ce dossier a été modifié ailleurs (une autre fenêtre de Teleavis ou une commande) pendant que vous le complétiez&#xa0;: il est affiché tel qu&apos;il est enregistré, sans vos dernières saisies. Vérifiez-le et refaites-les s&apos;il le faut.</source>
        <translation>This case was changed elsewhere (another Teleavis window or a command) while you were completing it: it is shown as it is saved, without your latest entries. Check it and enter them again if need be.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="808"/>
        <source>Le dossier n&apos;a pas pu partir (erreur interne, voir le journal).</source>
        <translation>The case could not be sent (internal error, see the log).</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="821"/>
        <source>Envoi demandé…</source>
        <translation>Sending requested…</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="761"/>
        <source>Les images sont en cours de vérification&#xa0;: envoyez le dossier dans un instant.</source>
        <translation>The images are being checked: send the case in a moment.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="897"/>
        <source>Dossier préparé en mode formation</source>
        <translation>Case prepared in training mode</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="899"/>
        <source>Ce dossier a été préparé en mode formation. Il partira cette fois vers la plateforme réelle, chez un vrai expert, et l&apos;acte sera facturable.

Est-ce bien un vrai patient, avec sa vraie identité et son consentement&#x202f;?</source>
        <translation>This case was prepared in training mode. This time it will go to the real platform, to a real expert, and the act will be billable.

Is this really a real patient, with their real identity and consent?</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="916"/>
        <source>Dossier préparé pour la plateforme réelle</source>
        <translation>Case prepared for the real platform</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="918"/>
        <source>Ce dossier a été préparé hors du mode formation, pour la plateforme réelle. Il ne part pas vers la plateforme d&apos;essai&#xa0;: il attendra dans la file d&apos;envoi la fin du mode formation, puis partira vers la plateforme réelle, chez un vrai expert.

Le mettre en file d&apos;envoi&#x202f;?</source>
        <translation>This case was prepared outside training mode, for the real platform. It does not go to the test platform: it will wait in the sending queue until training mode ends, then leave for the real platform, to a real expert.

Queue it for sending?</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="669"/>
        <source>La plateforme avait bien enregistré ce dossier&#xa0;: il est maintenant «&#xa0;{state}&#xa0;» et ne se modifie plus ici.</source>
        <translation>The platform had recorded this case after all: it is now “{state}” and is no longer changed here.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="707"/>
        <source>Ce dossier a été modifié ailleurs (une autre fenêtre de Teleavis ou une commande) pendant que vous le complétiez&#xa0;: il est affiché tel qu&apos;il est enregistré. Ce que vous aviez tapé et qui n&apos;a pas pu y être enregistré est ci-dessous&#xa0;: recopiez-en dans le dossier ce qu&apos;il faut.</source>
        <translation>This case was changed elsewhere (another Teleavis window or a command) while you were filling it in: it is shown as it is saved. What you had typed and could not be saved in it is below: copy into the case what is needed.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="713"/>
        <source>Ce dossier a été envoyé d&apos;ailleurs (une commande «&#xa0;teleavis case send&#xa0;») pendant que vous le complétiez&#xa0;: il est affiché tel qu&apos;il est parti, sans vos dernières saisies, qui sont ci-dessous. Pour le corriger, retenez-le avant qu&apos;il ne parte («&#xa0;Retenir le dossier&#xa0;»), puis recopiez-les.</source>
        <translation>This case was sent from elsewhere (a “teleavis case send” command) while you were filling it in: it is shown as it left, without your last entries, which are below. To correct it, hold it back before it leaves (“Hold the case back”), then copy them in again.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="719"/>
        <source>La plateforme avait bien enregistré ce dossier pendant que vous le corrigiez&#xa0;: il est maintenant «&#xa0;{state}&#xa0;» et ne se modifie plus ici. Ce que vous veniez d&apos;y taper n&apos;est pas parti&#x202f;; le voici. Copiez-le, ou gardez-le pour votre réponse à l&apos;expert&#xa0;: elle ne part que si vous l&apos;envoyez, quand l&apos;expert vous pose une question. Si c&apos;est important pour l&apos;avis, voyez avec la plateforme.</source>
        <translation>The platform had recorded this case after all while you were correcting it: it is now “{state}” and is no longer changed here. What you had just typed in it has not left; here it is. Copy it, or keep it for your reply to the expert: it leaves only if you send it, when the expert asks you a question. If it matters for the opinion, see with the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/case_page.py" line="726"/>
        <source>Dossier {id}&#xa0;: {why}</source>
        <translation>Case {id}: {why}</translation>
    </message>
</context>
<context>
    <name>ChecklistPanel</name>
    <message numerus="yes">
        <location filename="../../ui/checklist.py" line="84"/>
        <source>Pas encore envoyé&#xa0;: complétez d&apos;abord la liste ci-dessus (%n élément(s)).</source>
        <translation>
            <numerusform>Not sent yet: first complete the list above (%n item).</numerusform>
            <numerusform>Not sent yet: first complete the list above (%n items).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/checklist.py" line="28"/>
        <source>Ce qu&apos;il reste à faire avant l&apos;envoi</source>
        <translation>What is left to do before sending</translation>
    </message>
    <message>
        <location filename="../../ui/checklist.py" line="31"/>
        <source>Entrée ou double-clic&#xa0;: aller au champ (F6&#xa0;: élément suivant)</source>
        <translation>Enter or double-click: go to the field (F6: next item)</translation>
    </message>
    <message>
        <location filename="../../ui/checklist.py" line="44"/>
        <source>Envoyer à l&apos;expert</source>
        <translation>Send to the expert</translation>
    </message>
    <message>
        <location filename="../../ui/checklist.py" line="45"/>
        <source>Vérifier et envoyer le dossier (Ctrl+Entrée)</source>
        <translation>Check and send the case (Ctrl+Enter)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/checklist.py" line="68"/>
        <source>Il reste %n élément(s) à compléter avant l&apos;envoi&#xa0;:</source>
        <extracomment>The message says sending was refused for the items listed: its count follows the list.</extracomment>
        <translation>
            <numerusform>%n item still to complete before sending:</numerusform>
            <numerusform>%n items still to complete before sending:</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/checklist.py" line="74"/>
        <source>Dossier complet&#xa0;: il peut partir.</source>
        <translation>Case complete: it can be sent.</translation>
    </message>
</context>
<context>
    <name>DeviceFolderDialog</name>
    <message>
        <location filename="../../ui/capture_folder.py" line="205"/>
        <source>«&#xa0;{name}&#xa0;» ({when})</source>
        <translation>“{name}” ({when})</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="470"/>
        <source>{n} images cochées&#xa0;: le dossier d&apos;un patient contient {max} images au plus. Aucune n&apos;est importée pour l&apos;instant&#xa0;: cochez-en {max} au plus.</source>
        <translation>{n} images ticked: a patient&apos;s case holds {max} images at most. None is imported yet: tick {max} at most.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="475"/>
        <source>{n} images cochées&#xa0;: le dossier d&apos;un patient contient {max} images au plus, celui de ce patient en a déjà {held}. Aucune n&apos;est importée&#xa0;: pour en ajouter, supprimez d&apos;abord une image du dossier du patient.</source>
        <translation>{n} images ticked: a patient&apos;s case holds {max} images at most, and this patient&apos;s already has {held}. None is imported: to add one, first delete an image from the patient&apos;s case.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="480"/>
        <source>{n} images cochées&#xa0;: le dossier d&apos;un patient contient {max} images au plus, celui de ce patient en a déjà {held}. Aucune n&apos;est importée pour l&apos;instant&#xa0;: cochez-en {room} au plus.</source>
        <translation>{n} images ticked: a patient&apos;s case holds {max} images at most, and this patient&apos;s already has {held}. None is imported yet: tick {room} at most.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="404"/>
        <source>⚠ Arrivée pendant une copie commencée avant l&apos;ouverture de ce dossier&#xa0;: elle peut être du patient précédent. Non cochée&#xa0;: cochez-la seulement si elle est bien de ce patient.</source>
        <extracomment>Each file&apos;s size and modification time as listed: one changed before it is imported is refused (ui/capture_work.py ``import_file``). The files whose device recorded them for another patient than the case&apos;s (not ticked for it).</extracomment>
        <translation>⚠ Arrived during a copy begun before this case was opened: it may be the previous patient&apos;s. Not ticked: tick it only if it is this patient&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="541"/>
        <source>Déjà importée dans le dossier de ce patient (image n° {n})&#xa0;: non cochée.</source>
        <translation>Already imported into this patient&apos;s case (image no. {n}): not ticked.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="521"/>
        <source>{name} — fichier du {written}, photo prise le {taken} (horloge de l&apos;appareil)</source>
        <translation>{name} — file dated {written}, photo taken on {taken} (by the device&apos;s clock)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="547"/>
        <source>⚠ Déjà dans le dossier d&apos;un autre patient&#xa0;: non cochée, elle ne peut pas être importée ici.</source>
        <translation>⚠ Already in another patient&apos;s case: not ticked, it cannot be imported here.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="190"/>
        <source>⚠ «&#xa0;{name}&#xa0;» a été prise le {when}, un jour précédent&#xa0;: elle peut être d&apos;un patient précédent, restée sur la carte de l&apos;appareil. Vérifiez qu&apos;elle est bien de ce patient, sinon supprimez-la.</source>
        <extracomment>Seconds between two looks at the folder; a file counts once two looks in a row agree on it. The dialog shows the newest images only: each one listed is opened to check it is an image, on the window&apos;s thread, and a device share may hold years of exports. A photo taken on an earlier day than today, by a camera whose clock looks set (within this long before the computer&apos;s), is of an earlier session too: the card may hold the previous patient&apos;s photos only, the newest of them as old as the rest. A camera whose clock was never set (its photos years old) says nothing so. Bytes of the files not ticked read at most (newest first) to tell those already in a case: a share may hold years of exports, each read over the network. Where an image already is, given the hashes it may be stored under: (its number there, whether it is in this case; else in another patient&apos;s), or None.</extracomment>
        <translation>⚠ “{name}” was taken on {when}, on an earlier day: it may be a previous patient&apos;s, left on the device&apos;s card. Check that it is this patient&apos;s, or else delete it.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="196"/>
        <source>⚠ «&#xa0;{name}&#xa0;» a été prise le {when}, des heures avant les autres images choisies&#xa0;: elle peut être d&apos;un patient précédent, restée sur la carte de l&apos;appareil. Vérifiez qu&apos;elle est bien de ce patient, sinon supprimez-la.</source>
        <translation>⚠ “{name}” was taken on {when}, hours before the other images chosen: it may be a previous patient&apos;s, left on the device&apos;s card. Check that it is this patient&apos;s, or else delete it.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="207"/>
        <source>⚠ Prises un jour précédent ou des heures avant les autres images choisies&#xa0;: {names}. Elles peuvent être d&apos;un patient précédent, restées sur la carte de l&apos;appareil. Vérifiez qu&apos;elles sont bien de ce patient, sinon supprimez-les.</source>
        <translation>⚠ Taken on an earlier day or hours before the other images chosen: {names}. They may be a previous patient&apos;s, left on the device&apos;s card. Check that they are this patient&apos;s, or else delete them.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="331"/>
        <source>Dossier de l&apos;appareil</source>
        <extracomment>A file the rest of a copy under way when the watch began brought (the previous case&apos;s): not new. From the watcher&apos;s thread, queued to this object&apos;s (the window&apos;s): the watcher still current is checked there, when it is handled. Checked in the watcher&apos;s thread only, a file seen by the previous case&apos;s watch reached the slot after the next case had opened, and was announced there.</extracomment>
        <translation>Device folder</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="339"/>
        <source>Le dossier de l&apos;appareil ({folder}) est inaccessible&#xa0;: vérifiez que l&apos;appareil, la clé USB ou le partage réseau est bien branché, puis rouvrez cette fenêtre.</source>
        <translation>The device folder ({folder}) cannot be reached: check that the device, the USB stick or the network share is plugged in, then open this window again.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="343"/>
        <source>Cochez les images de ce patient à importer (les plus récentes en premier).</source>
        <translation>Tick this patient&apos;s images to import (most recent first).</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="346"/>
        <source>Une image rangée dans un sous-dossier est montrée avec son chemin (date, examen, nom du patient selon l&apos;appareil)&#xa0;: vérifiez qu&apos;elle est bien de ce patient.</source>
        <translation>An image kept in a subfolder is shown with its path (date, exam, the patient&apos;s name depending on the device): check that it is this patient&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="351"/>
        <source>Seules les {n} images les plus récentes sont montrées&#xa0;: pour une plus ancienne, utilisez «&#xa0;Importer un fichier…&#xa0;».</source>
        <translation>Only the {n} newest images are shown: for an older one, use “Import a file…”.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="356"/>
        <source>Aucune image dans le dossier de l&apos;appareil ({folder})&#xa0;: vérifiez que l&apos;appareil a bien exporté les clichés.</source>
        <translation>No image in the device folder ({folder}): check that the device exported the pictures.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="363"/>
        <source>Fichiers du dossier de l&apos;appareil</source>
        <translation>Files in the device&apos;s folder</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="438"/>
        <source>&amp;Importer</source>
        <extracomment>Why « Importer » did not close the list (more ticked than the case still takes), said above the buttons.</extracomment>
        <translation>&amp;Import</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="439"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="600"/>
        <source>⚠ L&apos;appareil l&apos;a enregistrée pour {who}, pas pour le patient de ce dossier&#xa0;: non cochée. Cochez-la seulement si vous avez vérifié que c&apos;est bien lui.</source>
        <translation>⚠ The device recorded it for {who}, not for this case&apos;s patient: not ticked. Tick it only once you have checked it is this patient.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="589"/>
        <source>⚠ L&apos;appareil l&apos;a enregistrée pour {who}, sans date de naissance ni INS à comparer avec ceux du dossier&#xa0;: le nom seul ne dit pas que c&apos;est ce patient (une mère et sa fille peuvent porter les mêmes noms). Non cochée&#xa0;: cochez-la seulement si vous avez vérifié que c&apos;est bien lui.</source>
        <translation>⚠ The device recorded it for {who}, without a birth date or an INS to compare with the case&apos;s: a name alone does not say it is this patient (a mother and her daughter may bear the same names). Not ticked: tick it only once you have checked it is this patient.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="572"/>
        <source>⚠ Prise le {when}, des heures avant les autres nouvelles images&#xa0;: elle peut être d&apos;un patient précédent, restée sur la carte de l&apos;appareil. Non cochée&#xa0;: cochez-la seulement si elle est bien de ce patient.</source>
        <translation>⚠ Taken on {when}, hours before the other new images: it may be a previous patient&apos;s, left on the device&apos;s card. Not ticked: tick it only if it is this patient&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_folder.py" line="567"/>
        <source>⚠ Prise le {when}, un jour précédent&#xa0;: elle peut être d&apos;un patient précédent, restée sur la carte de l&apos;appareil. Non cochée&#xa0;: cochez-la seulement si elle est bien de ce patient.</source>
        <translation>⚠ Taken on {when}, on an earlier day: it may be a previous patient&apos;s, left on the device&apos;s card. Not ticked: tick it only if it is this patient&apos;s.</translation>
    </message>
</context>
<context>
    <name>DiagnosticDialog</name>
    <message>
        <location filename="../../ui/diagnostic_dialog.py" line="26"/>
        <source>Diagnostic de Teleavis</source>
        <extracomment>The window&apos;s store: each case is opened with its key (to name those that no longer open).</extracomment>
        <translation>Teleavis diagnosis</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostic_dialog.py" line="29"/>
        <source>Vérifications en cours (caméras, réseau, disque)…</source>
        <translation>Checking (cameras, network, disk)…</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostic_dialog.py" line="33"/>
        <source>Résultat du diagnostic</source>
        <translation>Diagnosis result</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostic_dialog.py" line="37"/>
        <source>Copier pour le support</source>
        <translation>Copy for support</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostic_dialog.py" line="83"/>
        <source>Le diagnostic n&apos;a pas pu se terminer&#xa0;: {reason}</source>
        <translation>The diagnosis could not finish: {reason}</translation>
    </message>
</context>
<context>
    <name>DraftDeletionQuestion</name>
    <message>
        <location filename="../../ui/draft_deletion.py" line="15"/>
        <location filename="../../ui/draft_deletion.py" line="29"/>
        <source>Supprimer le brouillon</source>
        <translation>Delete draft</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/draft_deletion.py" line="17"/>
        <source>Supprimer définitivement le brouillon de {name} (%n image(s))&#x202f;?</source>
        <translation>
            <numerusform>Delete the draft of {name} (%n image) for good?</numerusform>
            <numerusform>Delete the draft of {name} (%n images) for good?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/draft_deletion.py" line="21"/>
        <source>Supprimer définitivement ce brouillon sans nom de patient (%n image(s))&#x202f;?</source>
        <translation>
            <numerusform>Delete this draft with no patient name (%n image) for good?</numerusform>
            <numerusform>Delete this draft with no patient name (%n images) for good?</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/draft_deletion.py" line="25"/>
        <source>Dossier {id}. Ce qui y a été saisi et ses photos seront effacés de ce poste, sans retour possible. Il n&apos;a jamais été envoyé&#xa0;: la plateforme n&apos;en a aucune copie.</source>
        <translation>Case {id}. What was typed in it and its photos will be erased from this computer and cannot be restored. It was never sent: the platform has no copy of it.</translation>
    </message>
    <message>
        <location filename="../../ui/draft_deletion.py" line="30"/>
        <source>Garder le brouillon</source>
        <translation>Keep draft</translation>
    </message>
</context>
<context>
    <name>EyeSide</name>
    <message>
        <location filename="../../ui/eye_side_question.py" line="36"/>
        <source>L&apos;image {n} est classée œil droit mais l&apos;appareil l&apos;a enregistrée comme un œil gauche.</source>
        <translation>Image {n} is filed as the right eye, but the device recorded it as a left eye.</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="40"/>
        <source>L&apos;image {n} est classée œil gauche mais l&apos;appareil l&apos;a enregistrée comme un œil droit.</source>
        <translation>Image {n} is filed as the left eye, but the device recorded it as a right eye.</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="44"/>
        <source>L&apos;image {n} est classée œil droit, mais sa papille est à gauche de l&apos;image, comme sur un œil gauche.</source>
        <translation>Image {n} is filed as the right eye, but its optic disc is on the left of the image, as in a left eye.</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="49"/>
        <source>L&apos;image {n} est classée œil gauche, mais sa papille est à droite de l&apos;image, comme sur un œil droit.</source>
        <translation>Image {n} is filed as the left eye, but its optic disc is on the right of the image, as in a right eye.</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="64"/>
        <source>Vérifiez avant d&apos;envoyer&#xa0;: l&apos;avis de l&apos;expert (laser, injection…) porterait sur l&apos;autre œil. Si l&apos;appareil enregistre ses images en miroir, vous pouvez envoyer quand même.</source>
        <translation>Check before sending: the expert&apos;s advice (laser, injection…) would be for the other eye. If the device saves its images mirrored, you may send anyway.</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="71"/>
        <source>Œil à vérifier</source>
        <translation>Check the eye</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="73"/>
        <source>Vérifier les images</source>
        <translation>Check the images</translation>
    </message>
    <message>
        <location filename="../../ui/eye_side_question.py" line="74"/>
        <source>Envoyer quand même</source>
        <translation>Send anyway</translation>
    </message>
</context>
<context>
    <name>FileDialogs</name>
    <message>
        <location filename="../../ui/file_dialogs.py" line="138"/>
        <source>La fenêtre de choix des fichiers a été fermée par le verrouillage&#xa0;: aucune image n&apos;a été importée. Recommencez l&apos;import.</source>
        <extracomment>Qt&apos;s own dialog, whatever the desktop (see above). What Qt&apos;s file dialog records of the folders it went through (group &quot;FileDialog&quot; of QtProject).</extracomment>
        <translation>The file chooser was closed when Teleavis locked: no image was imported. Import them again.</translation>
    </message>
    <message>
        <location filename="../../ui/file_dialogs.py" line="164"/>
        <source>La fenêtre d&apos;enregistrement a été fermée par le verrouillage&#xa0;: rien n&apos;a été enregistré. Recommencez l&apos;enregistrement.</source>
        <translation>The save window was closed when Teleavis locked: nothing was saved. Save it again.</translation>
    </message>
</context>
<context>
    <name>FollowView</name>
    <message>
        <location filename="../../ui/follow_view.py" line="1354"/>
        <source>Image de l&apos;expert — Teleavis</source>
        <translation>Expert&apos;s image — Teleavis</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="522"/>
        <source>Prendre une photo…</source>
        <translation>Take a photo…</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="523"/>
        <source>Ouvre la caméra&#xa0;: chaque photo prise rejoint votre réponse.</source>
        <translation>Opens the camera: each photo taken joins your reply.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2290"/>
        <location filename="../../ui/follow_view.py" line="2296"/>
        <source>Photo prise à {time}</source>
        <translation>Photo taken at {time}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2303"/>
        <source>La caméra n&apos;a pas donné d&apos;image&#xa0;: vérifiez-la puis reprenez la photo.</source>
        <translation>The camera gave no image: check it, then take the photo again.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="332"/>
        <source>Envoyer des copies &amp;réduites</source>
        <extracomment>A camera still&apos;s name as kept with the reply begun (app/reply_drafts.py): its time, in no language (&quot;/&quot; is in no file&apos;s name); shown in the reader&apos;s words (``FollowView._name_shown``). Found in review: kept as the window said it, « Photo prise à 10:12:03 » read back in an English window. Such a name as the window says it, in either language (and as kept before). How long after the last key a reply begun is kept (written sealed by the writer thread). How long the news stays in front of her after an input that is no sign she read it (a modifier alone, a key or a click outside the page) before it counts as read: leaving the page takes less. What only a person in front of the window makes: a key, a click, the wheel, a touch (not a mouse move, which the system may make up when what is under the pointer changes). The keys that move through the page she is reading (a key with a character acts on it too). With one of these held, a key is a shortcut (Alt+← back to the list, Ctrl+L the lock...): it may leave. Where a line of the conversation keeps the id of its message. The last reply&apos;s line, refused, pointing below (at the line above her words back in the box) and above. The room of the pictures sent with a reply, on its line of the conversation (half a tile&apos;s thumbnail tall). What ``FollowView._kept_photos`` says of photos whose recording failed: equal to no photos&apos; marks. Reduced copies chosen for a case waiting to be sent: its next try is now (app/outbox.py ``set_reduced``), the sync woken for it. An unread answer was shown to a person (the view and its answer on screen, the window active). The platform cannot be reached (set by the case page): a case to send is said waiting. An unread answer that came while the case was on screen waits for a person&apos;s input. A person&apos;s input that is no sign she read the news (a modifier alone, outside the page): read if it is still in front of her a moment later, not if she left meanwhile. Per case, the images of a reply the platform refused joined again to the corrected one: (image id, file name). Already in the case (its place said), they go with the reply, not stored twice. They come back by themselves, unless taken off (``_again_off``), kept so on this workstation (app/reply_drafts.py). Those the platform refused as over its size limit (413), taken off by themselves, by case: said. The pictures of the images sent with each reply, by message id, as its conversation line shows them. The thumbnails of the photos joined to the reply begun, by image id, once decoded (ui/reply_places.py). Images being prepared for each case&apos;s reply (read, checked, written on a worker): the reply waits for them (a photo just taken, sent at once, left without it and came into the next reply). Why images for a case&apos;s reply were refused while another case was shown: said on coming back. Replies begun in other cases and not sent: each case keeps its own (words, images) until the user comes back to it. Never carried into another patient&apos;s case. The replies refused by case, as this window last saw them: the words of one refused since come back. The answer on screen: the read mark is for it, not for one stored after it was shown. The row of the exchange holding the expert&apos;s newest message not shown before (None: the news is the answer, at the column&apos;s top): brought into view, and read only once in view.</extracomment>
        <translation>Send &amp;reduced copies</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="335"/>
        <source>Pour une liaison lente&#xa0;: les photos pas encore parties sont envoyées en copies réduites (côté le plus long 3000 px, JPEG qualité 90)&#x202f;; l&apos;expert voit qu&apos;il s&apos;agit de copies, les originaux restent sur ce poste.</source>
        <translation>For a slow link: the photos not sent yet go as reduced copies (longest side 3000 px, JPEG quality 90); the expert sees they are copies, the originals stay on this computer.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="343"/>
        <source>Retenir le dossier (ne pas l&apos;envoyer)</source>
        <translation>Hold the case back (do not send it)</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="345"/>
        <source>Le dossier n&apos;est pas encore parti&#xa0;: il redevient un brouillon, à corriger puis envoyer à nouveau.</source>
        <translation>The case has not left yet: it becomes a draft again, to correct and send again.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="368"/>
        <source>Réponse de l&apos;expert</source>
        <translation>Expert&apos;s answer</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="421"/>
        <source>Images jointes par l&apos;expert&#xa0;: double-clic pour les agrandir</source>
        <translation>Images attached by the expert: double-click to enlarge</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1289"/>
        <source>Ouvrir le compte rendu</source>
        <translation>Open the report</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="428"/>
        <source>Dans le lecteur PDF de l&apos;ordinateur</source>
        <translation>In the computer&apos;s PDF viewer</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="433"/>
        <location filename="../../ui/follow_view.py" line="463"/>
        <source>Marquer comme non lu</source>
        <translation>Mark as unread</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="434"/>
        <source>Le dossier redevient «&#xa0;à lire&#xa0;» dans la liste, pour un collègue</source>
        <translation>The case is “to read” again in the list, for a colleague</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1293"/>
        <source>Le compte rendu est ouvert dans le lecteur PDF de l&apos;ordinateur&#xa0;: il ne se verrouille pas avec Teleavis. Fermez-le avant de quitter le poste.</source>
        <translation>The report is open in the computer&apos;s PDF viewer: it does not lock with Teleavis. Close it before leaving the workstation.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="449"/>
        <location filename="../../ui/follow_view.py" line="807"/>
        <source>Question de l&apos;expert</source>
        <translation>Expert&apos;s question</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="416"/>
        <source>Images jointes par l&apos;expert</source>
        <extracomment>Whether anything of the answer shown can be read (its conclusion, a PDF shown, a picture): an answer whose only PDFs are damaged leaves the case « à lire ».</extracomment>
        <translation>Images attached by the expert</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="452"/>
        <source>Questions de l&apos;expert et vos réponses</source>
        <translation>The expert&apos;s questions and your replies</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="470"/>
        <location filename="../../ui/follow_view.py" line="472"/>
        <source>Votre réponse à l&apos;expert</source>
        <translation>Your answer to the expert</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="510"/>
        <source>Ajouter des images…</source>
        <extracomment>Why the photos joined to a case&apos;s reply could not be kept on this workstation (in the window only). (its words, whether trying again may help: a file gone never comes back, taken off and joined again)</extracomment>
        <translation>Add images…</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="515"/>
        <source>Retirer toutes les images</source>
        <translation>Remove all the images</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2015"/>
        <source>L&apos;image «&#xa0;{image}&#xa0;» de votre réponse refusée est retirée&#xa0;: elle dépasse la taille acceptée par la plateforme. Les autres partent avec votre réponse&#x202f;; pour l&apos;envoyer aussi, exportez-la de nouveau de l&apos;appareil en plus petit, puis joignez-la.</source>
        <translation>The image “{image}” of your refused reply is taken off: it is over the size the platform accepts. The others go with your reply; to send it too, export it again from the device in a smaller size, then attach it.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2009"/>
        <source>L&apos;image «&#xa0;{image}&#xa0;» de votre réponse refusée est retirée&#xa0;: elle dépasse la taille acceptée par la plateforme. Les autres partent avec votre réponse&#x202f;; pour l&apos;envoyer aussi, joignez-la de nouveau&#xa0;: elle partira en copie réduite (l&apos;original reste sur ce poste).</source>
        <translation>The image “{image}” of your refused reply is taken off: it is over the size the platform accepts. The others go with your reply; to send it too, attach it again: it will go as a reduced copy (the original stays on this computer).</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2116"/>
        <source>Votre réponse n&apos;est pas partie&#xa0;: elle a été refusée. Ses mots sont revenus ci-dessous, prêts à être renvoyés&#xa0;: corrigez-les si besoin, puis cliquez «&#xa0;Envoyer la réponse&#xa0;».</source>
        <translation>Your reply has not left: it was refused. Its words are back below, ready to be sent again: correct them if need be, then click “Send the reply”.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2109"/>
        <source>Votre réponse n&apos;est pas partie. Raison&#xa0;: {why} Ses mots sont revenus ci-dessous, prêts à être renvoyés&#xa0;: corrigez-les si besoin, puis cliquez «&#xa0;Envoyer la réponse&#xa0;».</source>
        <translation>Your reply has not left. Reason: {why} Its words are back below, ready to be sent again: correct them if need be, then click “Send the reply”.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="519"/>
        <source>Envoyer la réponse</source>
        <translation>Send the reply</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="562"/>
        <source>Votre demande</source>
        <translation>Your request</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="571"/>
        <source>Historique</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="574"/>
        <source>Historique du dossier</source>
        <translation>Case history</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="576"/>
        <source>Rapport PDF du dossier…</source>
        <translation>Case PDF report…</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="682"/>
        <source>État&#xa0;: {state}</source>
        <extracomment>The answer&apos;s files as sorted and shown, and what they were sorted from (the case, its answer&apos;s files and PDFs): shown again only when that changes.</extracomment>
        <translation>State: {state}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="693"/>
        <source>Pourquoi il n&apos;est pas parti&#xa0;: {words}</source>
        <translation>Why it has not left: {words}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="707"/>
        <source>Motif donné par la plateforme, dans ses propres mots&#xa0;: «&#xa0;{reason}&#xa0;»</source>
        <translation>Reason given by the platform, in its own words: “{reason}”</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="723"/>
        <source>Répondez à l&apos;expert ci-dessous&#xa0;: écrivez votre réponse, ajoutez des photos si besoin («&#xa0;Ajouter des images…&#xa0;», ou «&#xa0;Prendre une photo…&#xa0;» avec la caméra), puis cliquez sur «&#xa0;Envoyer la réponse&#xa0;». Il reprendra alors son analyse.</source>
        <translation>Answer the expert below: write your answer, add photos if needed (“Add images…”, or “Take a photo…” with the camera), then click “Send the reply”. The expert then goes on with the review.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="713"/>
        <source>Le dossier partira dès que la plateforme sera joignable&#x202f;; vous pouvez continuer à travailler.</source>
        <translation>The case will go as soon as the platform can be reached; you can keep working.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="906"/>
        <source>La réponse de l&apos;expert arrivera ici, dans ce dossier, et une alerte vous préviendra (Teleavis fermé&#xa0;: à sa prochaine ouverture). Vous n&apos;avez rien d&apos;autre à faire d&apos;ici là.</source>
        <translation>The expert&apos;s answer will come here, in this case, and an alert will tell you (Teleavis closed: when it is next opened). There is nothing else to do meanwhile.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="899"/>
        <source>La réponse de l&apos;expert arrivera ici, dans ce dossier, et une alerte vous préviendra (Teleavis fermé&#xa0;: à sa prochaine ouverture). Demande urgente&#xa0;: la télé-expertise n&apos;est pas un service d&apos;urgence. Si l&apos;état du patient ne peut pas attendre la réponse, ou s&apos;il s&apos;aggrave, appelez sans attendre le spécialiste de garde ou le 15.</source>
        <translation>The expert&apos;s answer will come here, in this case, and an alert will tell you (Teleavis closed: when it is next opened). Urgent request: tele-expertise is not an emergency service. If the patient&apos;s condition cannot wait for the answer, or gets worse, call the on-call specialist or the emergency number (15 in France) straight away.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="921"/>
        <source>Réponse promise pour le {when}&#xa0;: elle n&apos;est pas encore arrivée.</source>
        <translation>Answer promised for {when}: it has not come yet.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="923"/>
        <source>Réponse promise pour le {when}.</source>
        <translation>Answer promised for {when}.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="807"/>
        <source>Échanges avec l&apos;expert</source>
        <translation>Exchange with the expert</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="734"/>
        <source>Copies réduites demandées&#xa0;: les photos pas encore parties seront envoyées réduites.</source>
        <translation>Reduced copies chosen: the photos not sent yet will go reduced.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="755"/>
        <source>Expert</source>
        <translation>Expert</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="755"/>
        <source>Vous</source>
        <translation>You</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="758"/>
        <source>message retiré par l&apos;expert (envoyé par erreur)&#xa0;: n&apos;en tenez pas compte.</source>
        <translation>message withdrawn by the expert (sent by mistake): disregard it.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="770"/>
        <source>{when}, en attente d&apos;envoi</source>
        <translation>{when}, waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="772"/>
        <source>{when}, non envoyée (voir pourquoi ci-dessus)</source>
        <translation>{when}, not sent (see why above)</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="768"/>
        <source>{when}, non envoyée (voir pourquoi ci-dessous)</source>
        <translation>{when}, not sent (see why below)</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="776"/>
        <source>{who}, {when}&#xa0;: {said}</source>
        <translation>{who}, {when}: {said}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="778"/>
        <source>{who}&#xa0;: {said}</source>
        <translation>{who}: {said}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="839"/>
        <source>Ce dossier a été envoyé à la plateforme d&apos;essai, pendant le mode formation&#xa0;: votre réponse ne peut pas partir vers son expert. S&apos;il s&apos;agit d&apos;un vrai patient, refaites une demande.</source>
        <translation>This case was sent to the test platform, in training mode: your reply cannot reach its expert. If this is a real patient, make a new request.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="833"/>
        <source>La plateforme d&apos;essai de ce dossier de formation a été effacée&#xa0;: votre réponse ne peut plus partir, son expert n&apos;est plus là. Aucun vrai patient n&apos;est concerné&#xa0;: vous pouvez supprimer ce dossier de formation, et en préparer un nouveau pour vous entraîner à répondre.</source>
        <translation>The test platform of this training case was erased: your reply can no longer leave, its expert is gone. No real patient is concerned: you may delete this training case, and prepare a new one to practise replying.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="844"/>
        <source>L&apos;expert a répondu&#xa0;: l&apos;échange est clos, rien ne lui part plus d&apos;ici. Pour une nouvelle question sur ce patient, faites une nouvelle demande.</source>
        <translation>The expert has answered: the exchange is closed, nothing more goes to them from here. For a new question about this patient, make a new request.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="848"/>
        <source>L&apos;expert n&apos;attend pas de réponse&#xa0;: vous pourrez lui écrire ici s&apos;il pose une question.</source>
        <translation>The expert is not waiting for a reply: you can write to them here if they ask a question.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="936"/>
        <source>Formation&#xa0;: l&apos;expert simulé répond (ou pose une question) environ {delay} après l&apos;envoi, quelle que soit la date promise.</source>
        <translation>Training: the simulated expert answers (or asks a question) about {delay} after sending, whatever the promised date.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="941"/>
        <source>Formation&#xa0;: l&apos;expert simulé répond (ou pose une question) environ {delay} après l&apos;envoi.</source>
        <translation>Training: the simulated expert answers (or asks a question) about {delay} after sending.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="955"/>
        <source>Le dossier n&apos;attend plus de réponse de votre part&#xa0;: la réponse commencée ci-dessus n&apos;est pas partie et ne peut pas partir. Effacez-la, ou gardez-la si l&apos;expert pose une nouvelle question.</source>
        <translation>The case no longer waits for a reply from you: the reply begun above has not left and cannot leave. Erase it, or keep it in case the expert asks a new question.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="983"/>
        <source>Envoyé à la plateforme réelle&#xa0;: ce dossier n&apos;est pas suivi pendant le mode formation. La réponse de l&apos;expert et ses questions arriveront quand le mode formation sera arrêté.</source>
        <translation>Sent to the real platform: this case is not followed during training mode. The expert&apos;s answer and questions will come once training mode is turned off.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="988"/>
        <source>Envoyé à la plateforme d&apos;essai pendant le mode formation&#xa0;: ce dossier n&apos;est plus suivi, aucune réponse ne viendra.</source>
        <translation>Sent to the test platform in training mode: this case is no longer followed, no answer will come.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1154"/>
        <source>(pas de conclusion écrite&#xa0;: voir les documents joints)</source>
        <translation>(no written conclusion: see the attached documents)</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1156"/>
        <source>(pas de conclusion écrite&#xa0;: voir le compte rendu)</source>
        <translation>(no written conclusion: see the report)</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1160"/>
        <source>Expert&#xa0;: {name} — {when}</source>
        <translation>Expert: {name} — {when}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1164"/>
        <source>Conseil de suivi&#xa0;: {advice}.</source>
        <translation>Advised follow-up: {advice}.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1198"/>
        <source>Rien de cette réponse ne peut être lu ici&#xa0;: le dossier reste «&#xa0;à lire&#xa0;».</source>
        <translation>Nothing of this answer can be read here: the case stays “to read”.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1220"/>
        <source>Le document «&#xa0;{title}&#xa0;» joint par l&apos;expert est endommagé&#xa0;: Teleavis ne peut pas l&apos;afficher. Demandez-le à l&apos;expert, ou lisez-le sur la plateforme.</source>
        <translation>The document “{title}” the expert joined is damaged: Teleavis cannot show it. Ask the expert for it, or read it on the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1224"/>
        <source>Le compte rendu joint par l&apos;expert est endommagé&#xa0;: Teleavis ne peut pas l&apos;afficher. Demandez-le à l&apos;expert, ou lisez-le sur la plateforme.</source>
        <translation>The report the expert joined is damaged: Teleavis cannot show it. Ask the expert for it, or read it on the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1238"/>
        <source>Pièce jointe «&#xa0;{title}&#xa0;» ({kind})&#xa0;: Teleavis ne peut pas l&apos;afficher, lisez-la sur la plateforme.</source>
        <translation>Attachment “{title}” ({kind}): Teleavis cannot show it, read it on the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1242"/>
        <source>Pièce jointe sans titre ({kind})&#xa0;: Teleavis ne peut pas l&apos;afficher, lisez-la sur la plateforme.</source>
        <translation>Untitled attachment ({kind}): Teleavis cannot show it, read it on the platform.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1257"/>
        <source>Document {n}</source>
        <translation>Document {n}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1263"/>
        <source>L&apos;expert a joint {n} documents PDF&#xa0;: choisissez celui à afficher, ouvrir ou imprimer.</source>
        <translation>The expert attached {n} PDF documents: choose the one to show, open or print.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1280"/>
        <source>Ouvrir le document choisi</source>
        <translation>Open the chosen document</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1281"/>
        <source>Imprimer le document choisi…</source>
        <translation>Print the chosen document…</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1284"/>
        <source>Le document est ouvert dans le lecteur PDF de l&apos;ordinateur&#xa0;: il ne se verrouille pas avec Teleavis. Fermez-le avant de quitter le poste.</source>
        <translation>The document is open in the computer&apos;s PDF viewer: it does not lock with Teleavis. Close it before leaving the workstation.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1290"/>
        <source>Imprimer le compte rendu…</source>
        <translation>Print the report…</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1311"/>
        <source>Image {n}</source>
        <translation>Image {n}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/follow_view.py" line="1405"/>
        <source>Envoi&#xa0;: {done} sur %n image(s) — {sent} Kio sur {total} Kio</source>
        <translation>
            <numerusform>Sending: {done} of %n image — {sent} KiB of {total} KiB</numerusform>
            <numerusform>Sending: {done} of %n images — {sent} KiB of {total} KiB</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1420"/>
        <source> — pour aller plus vite&#xa0;: «&#xa0;Envoyer des copies réduites&#xa0;» (les originaux restent ici).</source>
        <translation> — to go faster: “Send reduced copies” (the originals stay here).</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1416"/>
        <source> — pour aller plus vite&#xa0;: «&#xa0;Envoyer la réponse en copies réduites&#xa0;» (les originaux restent ici).</source>
        <translation> — to go faster: “Send the reply as reduced copies” (the originals stay here).</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1445"/>
        <source>Le dossier n&apos;a pas pu être retenu (erreur interne, voir le journal).</source>
        <translation>The case could not be held back (internal error, see the log).</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1469"/>
        <location filename="../../ui/follow_view.py" line="1493"/>
        <source>Le choix n&apos;a pas pu être enregistré (erreur interne, voir le journal).</source>
        <translation>The choice could not be saved (internal error, see the log).</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1516"/>
        <source>Le PDF n&apos;a pas pu être ouvert&#xa0;: le dossier temporaire n&apos;accepte pas l&apos;écriture.</source>
        <translation>The PDF could not be opened: the temporary folder does not accept writing.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1529"/>
        <source>Aucun programme de cet ordinateur n&apos;a pu ouvrir le PDF. Le document reste lisible ici.</source>
        <translation>No program on this computer could open the PDF. The document can still be read here.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1531"/>
        <source>Aucun programme de cet ordinateur n&apos;a pu ouvrir le PDF. Le compte rendu reste lisible ici.</source>
        <translation>No program on this computer could open the PDF. The report can still be read here.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1544"/>
        <source>Aucune imprimante n&apos;est installée sur cet ordinateur&#xa0;: le document ne peut pas être imprimé d&apos;ici. Vous pouvez l&apos;enregistrer en PDF, avec le dossier, pour l&apos;imprimer depuis un autre poste.</source>
        <translation>No printer is installed on this computer: the document cannot be printed from here. You can save it as a PDF, with the case, to print it from another computer.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1603"/>
        <source>Le document n&apos;a pas pu être imprimé&#xa0;: le dossier privé de cet ordinateur n&apos;accepte pas l&apos;écriture. Rien n&apos;a été envoyé à l&apos;imprimante.</source>
        <translation>The document could not be printed: this computer&apos;s private folder does not accept writing. Nothing was sent to the printer.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1548"/>
        <source>Enregistrer le PDF…</source>
        <translation>Save the PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1549"/>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1645"/>
        <source>Question&#xa0;: {text}</source>
        <translation>Question: {text}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1646"/>
        <source>Résumé clinique&#xa0;: {text}</source>
        <translation>Clinical summary: {text}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1964"/>
        <location filename="../../ui/follow_view.py" line="1988"/>
        <source>bonne qualité</source>
        <translation>good quality</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2231"/>
        <location filename="../../ui/follow_view.py" line="2243"/>
        <source>«&#xa0;{name}&#xa0;» est déjà jointe à cette réponse.</source>
        <translation>“{name}” is already attached to this reply.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2256"/>
        <source>Images pour l&apos;expert</source>
        <translation>Images for the expert</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2257"/>
        <source>Images ({patterns});;Tous les fichiers (*)</source>
        <translation>Images ({patterns});;All files (*)</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2620"/>
        <source>dans ce dossier</source>
        <translation>in this case</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2622"/>
        <source>dans le dossier {case} d&apos;un autre patient</source>
        <translation>in another patient&apos;s case ({case})</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2626"/>
        <source>Une image jointe est déjà {where}&#xa0;: rien n&apos;est parti. Retirez les images et joignez les bonnes.</source>
        <translation>An attached image is already {where}: nothing was sent. Remove the images and attach the right ones.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2604"/>
        <source>Une photo jointe est encore en préparation&#xa0;: rien n&apos;est parti. Attendez qu&apos;elle apparaisse sous le texte, puis envoyez la réponse.</source>
        <translation>An attached photo is still being prepared: nothing was sent. Wait until it appears below the text, then send the reply.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2647"/>
        <source>Votre réponse à l&apos;expert est enregistrée&#xa0;: elle part avec la prochaine synchronisation.</source>
        <translation>Your reply to the expert is saved: it goes with the next synchronisation.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/follow_view.py" line="1951"/>
        <source>%n image(s) jointe(s)</source>
        <translation>
            <numerusform>%n image attached</numerusform>
            <numerusform>%n images attached</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/follow_view.py" line="788"/>
        <source>%n image(s) jointe(s)&#xa0;: </source>
        <translation>
            <numerusform>%n image attached: </numerusform>
            <numerusform>%n images attached: </numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2520"/>
        <source>non légendée</source>
        <translation>not labelled</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="516"/>
        <source>Retire toutes les images jointes&#x202f;; le texte de la réponse est gardé.</source>
        <translation>Removes all the attached images; the reply&apos;s text is kept.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1653"/>
        <source>Images ({n})&#xa0;: {where}</source>
        <translation>Images ({n}): {where}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1999"/>
        <source>image de la réponse refusée&#xa0;: elle part avec celle-ci</source>
        <translation>image of the refused reply: it goes with this one</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1975"/>
        <source>La photo de votre réponse refusée est de nouveau jointe&#xa0;: elle part avec celle-ci, sauf si vous la retirez.</source>
        <translation>The photo of your refused reply is attached again: it goes with this one, unless you take it off.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1980"/>
        <source>Les photos de votre réponse refusée sont de nouveau jointes&#xa0;: elles partent avec celle-ci, sauf si vous les retirez.</source>
        <translation>The photos of your refused reply are attached again: they go with this one, unless you take them off.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="542"/>
        <source>Réessayer de garder les photos</source>
        <translation>Try again to keep the photos</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1729"/>
        <source>erreur inattendue ({kind})</source>
        <translation>unexpected error ({kind})</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1734"/>
        <source>Les photos jointes à la réponse n&apos;ont pas été gardées sur ce poste&#xa0;: {why} Elles restent jointes dans cette fenêtre, mais seraient perdues si Teleavis se fermait.</source>
        <translation>The photos attached to the reply were not kept on this workstation: {why} They stay attached in this window, but would be lost if Teleavis closed.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1742"/>
        <source>Laissez Teleavis ouvert&#xa0;: une fois le problème réglé, cliquez «&#xa0;Réessayer de garder les photos&#xa0;», ou envoyez la réponse.</source>
        <translation>Leave Teleavis open: once the problem is solved, click “Try again to keep the photos”, or send the reply.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="1761"/>
        <source>Les photos jointes sont maintenant gardées sur ce poste.</source>
        <translation>The attached photos are now kept on this workstation.</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2222"/>
        <source>«&#xa0;{name}&#xa0;» n&apos;est pas jointe&#xa0;: {reason}</source>
        <translation>“{name}” is not attached: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/follow_view.py" line="2599"/>
        <source>Écrivez votre réponse avant de l&apos;envoyer.</source>
        <translation>Write your answer before sending it.</translation>
    </message>
</context>
<context>
    <name>ImageLabels</name>
    <message>
        <location filename="../../ui/capture_labels.py" line="47"/>
        <source>Image sélectionnée</source>
        <translation>Selected image</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="61"/>
        <source>&amp;Localisation&#xa0;:</source>
        <translation>Body &amp;site:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="76"/>
        <location filename="../../ui/capture_labels.py" line="206"/>
        <source>— à préciser —</source>
        <extracomment>The site shown was filled in from the photo before (not typed for this one): selected when she comes into the field, so that what she types replaces it (found from outside: « bras droitbras droit »). The images whose site she typed herself: never « filled in » again, even when the photo before says the same words (found in review: her own « bras droit », the same as the first photo&apos;s, was selected under the click meant to add to it, and replaced). Where the mouse went down in a site filled in: a click (not a drag choosing part of it) keeps it whole.</extracomment>
        <translation>— to be given —</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="79"/>
        <source>Œi&amp;l&#xa0;:</source>
        <translation>E&amp;ye:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="84"/>
        <location filename="../../ui/capture_labels.py" line="214"/>
        <source>&amp;Vue&#xa0;:</source>
        <translation>&amp;View:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="59"/>
        <source>ex. dos, talon droit</source>
        <translation>e.g. back, right heel</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="60"/>
        <source>La zone du corps photographiée, ex. dos, avant-bras gauche, talon droit</source>
        <translation>The part of the body photographed, e.g. back, left forearm, right heel</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="89"/>
        <source>Remarque (facultatif)</source>
        <translation>Note (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="90"/>
        <source>Une remarque pour l&apos;expert sur cette image (facultatif)</source>
        <translation>A note for the expert about this image (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="91"/>
        <source>&amp;Note&#xa0;:</source>
        <translation>&amp;Note:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="99"/>
        <source>C&apos;est bien ce patient</source>
        <translation>It is this patient</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="101"/>
        <source>Cette photo est aussi dans le dossier d&apos;un autre patient&#xa0;: confirmez qu&apos;elle est de ce patient</source>
        <translation>This photo is also in another patient&apos;s case: confirm that it is this patient&apos;s</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="111"/>
        <source>Pivoter à &amp;gauche</source>
        <extracomment>The images the checklist says are also in another patient&apos;s case.</extracomment>
        <translation>Rotate &amp;left</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="114"/>
        <source>Tourner la photo d&apos;un quart de tour vers la gauche, sens inverse des aiguilles d&apos;une montre (Alt+G)</source>
        <translation>Turn the photo a quarter turn to the left, anticlockwise (Alt+L)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="117"/>
        <source>Pivoter à droi&amp;te</source>
        <translation>Rotate ri&amp;ght</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="119"/>
        <source>Tourner la photo d&apos;un quart de tour vers la droite, sens des aiguilles d&apos;une montre (Alt+T)</source>
        <translation>Turn the photo a quarter turn to the right, clockwise (Alt+G)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="126"/>
        <source>&amp;Reprendre</source>
        <translation>&amp;Retake</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="127"/>
        <source>La prochaine photo remplacera celle-ci</source>
        <translation>The next photo will replace this one</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="128"/>
        <source>Anon&amp;ymiser…</source>
        <translation>&amp;Anonymise…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="129"/>
        <source>Supprimer</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="130"/>
        <source>Supprimer cette image (Suppr)</source>
        <translation>Delete this image (Del)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="214"/>
        <source>&amp;Champ&#xa0;:</source>
        <translation>&amp;Field:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="290"/>
        <source>Aucun contrôle de qualité n&apos;a été fait sur cette image.</source>
        <translation>No quality check was made on this image.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="325"/>
        <source>{finding} — mesure {measure}</source>
        <translation>{finding} — measure {measure}</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="333"/>
        <source>Détails des contrôles&#xa0;:</source>
        <translation>Details of the checks:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_labels.py" line="329"/>
        <source>, seuil {threshold}</source>
        <translation>, threshold {threshold}</translation>
    </message>
</context>
<context>
    <name>ImageStrip</name>
    <message>
        <location filename="../../ui/image_strip.py" line="34"/>
        <source>Photos du dossier</source>
        <translation>The case&apos;s photos</translation>
    </message>
    <message>
        <location filename="../../ui/image_strip.py" line="53"/>
        <source>Aucune image pour l&apos;instant&#xa0;: prenez une photo ou importez-en une.</source>
        <extracomment>The images their device recorded for another patient than the case&apos;s as it is now. Those it recorded under the case&apos;s names alone (no birth date nor INS to confirm them).</extracomment>
        <translation>No image yet: take a photo or import one.</translation>
    </message>
</context>
<context>
    <name>ImageTile</name>
    <message>
        <location filename="../../ui/image_tile.py" line="264"/>
        <source>Aperçu indisponible</source>
        <translation>Preview unavailable</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="258"/>
        <source>Image de bonne qualité.</source>
        <translation>Good quality image.</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="239"/>
        <source>Autre patient selon l&apos;appareil</source>
        <extracomment>The width of a tile&apos;s lines of words: the tile is as wide for every image, so its labels need not be asked their height for each width a layout tries (opening a case of 8 images asked ~250 times). A label to check (the eye of a retinograph whose optic disc is on the other side): the checklist&apos;s ⚠ colour. The words that the device recorded the image for another patient: the checklist&apos;s ⚠ colour, in bold. The longer side of the expert&apos;s picture opened large: its details, without 48 MB for a 12 MP photo. Whether its device recorded it for another patient than the case&apos;s as it is now (app/validation.py). Whether its device recorded it under the case&apos;s names alone, no birth date nor INS to confirm them.</extracomment>
        <translation>Another patient, says the device</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="241"/>
        <source>Nom seul&#xa0;: identité non confirmée</source>
        <translation>Name only: identity not confirmed</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="270"/>
        <source>✓ Bonne qualité</source>
        <translation>✓ Good quality</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="271"/>
        <source>! À vérifier</source>
        <translation>! To check</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="272"/>
        <source>✗ Inutilisable</source>
        <translation>✗ Unusable</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="286"/>
        <source>Non légendée</source>
        <translation>Not labelled</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="289"/>
        <source>Œil à vérifier</source>
        <translation>Check the eye</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="303"/>
        <source>bonne qualité</source>
        <translation>good quality</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="304"/>
        <source>à vérifier</source>
        <translation>to check</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="305"/>
        <source>inutilisable</source>
        <translation>unusable</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="310"/>
        <source>Image {n}, {verdict}&#xa0;: {quality} — {shows}</source>
        <translation>Image {n}, {verdict}: {quality} — {shows}</translation>
    </message>
    <message>
        <location filename="../../ui/image_tile.py" line="314"/>
        <source>Image {n}, {verdict} — {shows}</source>
        <translation>Image {n}, {verdict} — {shows}</translation>
    </message>
</context>
<context>
    <name>KeptTyping</name>
    <message>
        <location filename="../../ui/kept_typing.py" line="33"/>
        <source>Vos saisies non enregistrées</source>
        <extracomment>Keep them for the reply to the expert: the case&apos;s id, the words. She chose what becomes of them (kept for the reply, or let go): nothing more to show. Her words while the box is put away under the lock (``put_away``).</extracomment>
        <translation>Your entries not saved</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="41"/>
        <source>Vos saisies</source>
        <translation>Your entries</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="47"/>
        <source>Copier</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="48"/>
        <source>Les copie, pour les coller ailleurs (Ctrl+V)</source>
        <translation>Copies them, to paste them elsewhere (Ctrl+V)</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="51"/>
        <source>Garder pour répondre à l&apos;expert</source>
        <translation>Keep for replying to the expert</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="53"/>
        <source>Les met dans votre réponse à l&apos;expert, gardée sur ce poste&#xa0;: elle part quand vous l&apos;envoyez</source>
        <translation>Puts them in your reply to the expert, kept on this computer: it leaves when you send it</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="59"/>
        <source>Les abandonner</source>
        <translation>Let them go</translation>
    </message>
    <message>
        <location filename="../../ui/kept_typing.py" line="82"/>
        <source>Copié&#xa0;: collez-le où il le faut (Ctrl+V).</source>
        <translation>Copied: paste it where it is needed (Ctrl+V).</translation>
    </message>
</context>
<context>
    <name>LiveCamera</name>
    <message>
        <location filename="../../ui/capture_camera.py" line="38"/>
        <source>Caméra</source>
        <extracomment>While no camera is found (outside training), the system is asked again this often: the camera plugged back in starts by itself, as the unplugged banner promises.</extracomment>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../ui/capture_camera.py" line="41"/>
        <source>Ca&amp;méra&#xa0;:</source>
        <translation>Ca&amp;mera:</translation>
    </message>
    <message>
        <location filename="../../ui/capture_camera.py" line="43"/>
        <source>Caméra débranchée — rebranchez-la&#xa0;: la reprise est automatique</source>
        <translation>Camera unplugged — plug it back in: it resumes by itself</translation>
    </message>
    <message>
        <location filename="../../ui/capture_camera.py" line="185"/>
        <source>Aucune caméra trouvée. Branchez la caméra sur l&apos;ordinateur&#xa0;: elle démarre dès qu&apos;elle est reconnue. Sans caméra, importez les images avec «&#xa0;Importer un fichier…&#xa0;» ou «&#xa0;Dossier de l&apos;appareil…&#xa0;».</source>
        <extracomment>The eye the case asks for next: what the demo retinograph draws (``set_eye``).</extracomment>
        <translation>No camera found. Plug the camera into the computer: it starts as soon as it is recognised. Without a camera, import the images with “Import a file…” or “Device folder…”.</translation>
    </message>
    <message>
        <location filename="../../ui/capture_camera.py" line="193"/>
        <source>Démarrage de la caméra…</source>
        <translation>Starting the camera…</translation>
    </message>
    <message>
        <location filename="../../ui/capture_camera.py" line="199"/>
        <source>Caméra arrêtée.</source>
        <translation>Camera stopped.</translation>
    </message>
</context>
<context>
    <name>LockCodeDialog</name>
    <message>
        <location filename="../../ui/setup_wizard.py" line="125"/>
        <source>Code de verrouillage</source>
        <translation>Lock code</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="130"/>
        <source>Enregistrer le code</source>
        <translation>Save the code</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="131"/>
        <source>Plus tard</source>
        <translation>Later</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock.py" line="188"/>
        <source>Teleavis est verrouillé</source>
        <extracomment>How often the idle time is measured again on the clock that counts suspend (see ``IdleWatcher``). The dynamic property the lock sets on each dialog it closes (before closing it as if cancelled): what the dialog was for can then say, once unlocked, that it was not done (ui/file_dialogs.py).</extracomment>
        <translation>Teleavis is locked</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="191"/>
        <source>Les dossiers sont masqués. Tapez votre code ou la phrase secrète pour reprendre.</source>
        <translation>The cases are hidden. Type your code or the passphrase to carry on.</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="196"/>
        <location filename="../../ui/lock.py" line="197"/>
        <source>Code ou phrase secrète</source>
        <translation>Code or passphrase</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="202"/>
        <source>Déverrouiller</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="241"/>
        <source>Ce n&apos;est pas le bon code ou la bonne phrase secrète&#xa0;: retapez-le, en vérifiant les majuscules.</source>
        <translation>That is not the right code or passphrase: type it again, minding capital letters.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/lock.py" line="257"/>
        <source>Trop d&apos;essais incorrects. Réessayez dans %n seconde(s).</source>
        <translation>
            <numerusform>Too many wrong tries. Try again in %n second.</numerusform>
            <numerusform>Too many wrong tries. Try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="1442"/>
        <source>Sauvegarde faite, mais %n dossier(s) ne s&apos;ouvre(nt) plus (données abîmées hors de Teleavis)&#xa0;: {ids}. Elle le(s) contient tel(s) quel(s). Teleavis garde les {keep} dernières sauvegardes et, en plus, la dernière où il(s) s&apos;ouvrai(en)t encore&#xa0;: n&apos;en retirez aucune et appelez le support (Aide &gt; Diagnostic le montre).</source>
        <translation>
            <numerusform>Backup made, but %n case no longer opens (data damaged outside Teleavis): {ids}. The backup holds it as it is. Teleavis keeps the last {keep} backups and, besides, the last one in which it still opened: remove none of them and call the support (Help &gt; Diagnosis shows it).</numerusform>
            <numerusform>Backup made, but %n cases no longer open (data damaged outside Teleavis): {ids}. The backup holds them as they are. Teleavis keeps the last {keep} backups and, besides, the last one in which each still opened: remove none of them and call the support (Help &gt; Diagnosis shows them).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1500"/>
        <source>Le rapport n&apos;est pas enregistré dans «&#xa0;{folder}&#xa0;»&#xa0;: ce dossier est dans celui des données de Teleavis, qu&apos;une restauration remplace entièrement (le rapport serait effacé), et il y resterait lisible par tous, hors du chiffrement. Enregistrez-le sur une clé USB ou dans un autre dossier (Documents, par exemple). Rien n&apos;a été écrit.</source>
        <translation>The report is not saved in “{folder}”: that folder is inside Teleavis&apos;s data folder, which a restore replaces entirely (the report would be erased), and it would lie there readable by anyone, outside the encryption. Save it to a USB stick or another folder (Documents, for instance). Nothing was written.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="1277"/>
        <source>● %n dossier(s) à lire</source>
        <translation>
            <numerusform>● %n case to read</numerusform>
            <numerusform>● %n cases to read</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="509"/>
        <source>Une réponse ou une question de l&apos;expert attend d&apos;être lue&#xa0;: cliquez pour voir la liste.</source>
        <extracomment>The last scheduled backup&apos;s failure said (its words, its way out), ``None`` while none fails. When the scheduled backup running now started, ``None`` while none runs (one at a time).</extracomment>
        <translation>An answer or a question from the expert is waiting to be read: click to see the list.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="862"/>
        <source>Mode formation&#xa0;: les dossiers partent vers une plateforme d&apos;essai, pas vers un expert réel.</source>
        <translation>Training mode: cases go to a test platform, not to a real expert.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1102"/>
        <source>Le dossier {id} n&apos;est pas parti&#xa0;: ouvrez-le pour voir pourquoi.</source>
        <translation>Case {id} was not sent: open it to see why.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="396"/>
        <source>&amp;Dossiers</source>
        <extracomment>What waits for the first frame is done (_first_frame_drawn): drawn, or a second after the start. Message boxes of work that ended under the lock (kind, title, text), shown once unlocked. Boxes of words typed in a case that moved before they were saved (ui/kept_typing.py), until she decides: hidden under the lock, shown again once unlocked. Cases the sync engine moved under the lock, shown on the pages behind it once unlocked (Qt tells a screen reader of a text changed in a hidden widget too: the expert&apos;s answer, the patient&apos;s name). A digest of what the clipboard held when it was filled while Teleavis was the active application (a name, an INS copied here): not every platform says who owns the clipboard.</extracomment>
        <translation>&amp;Cases</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="397"/>
        <source>&amp;Nouveau dossier</source>
        <translation>&amp;New case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="398"/>
        <source>&amp;Liste des dossiers</source>
        <translation>Case &amp;list</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="399"/>
        <source>&amp;Rechercher</source>
        <translation>&amp;Search</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="401"/>
        <source>&amp;Envoyer à l&apos;expert</source>
        <translation>Send to the &amp;expert</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="406"/>
        <source>Supprimer le &amp;brouillon…</source>
        <translation>&amp;Delete draft…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="410"/>
        <source>&amp;Synchroniser maintenant</source>
        <translation>S&amp;ync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="412"/>
        <source>&amp;Verrouiller</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="414"/>
        <source>&amp;Quitter</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="417"/>
        <source>&amp;Édition</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="422"/>
        <source>Élément &amp;manquant suivant</source>
        <translation>Next &amp;missing item</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="423"/>
        <source>&amp;Prendre la photo</source>
        <translation>&amp;Take the photo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="429"/>
        <source>&amp;Réglages…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="436"/>
        <source>&amp;Aide</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="437"/>
        <source>&amp;Guide d&apos;utilisation</source>
        <translation>&amp;User guide</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="438"/>
        <source>&amp;Diagnostic…</source>
        <translation>&amp;Diagnosis…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="440"/>
        <source>À &amp;propos de Teleavis</source>
        <translation>&amp;About Teleavis</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="441"/>
        <source>À propos de &amp;Qt</source>
        <translation>About &amp;Qt</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="457"/>
        <source>Annuler {edit}</source>
        <extracomment>Edit menu, Ctrl+Z: undoes what was typed in the case (never cancels the case or the request). {edit} is the edit undone, « la saisie de « Nom » ».</extracomment>
        <translation>Undo {edit}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="457"/>
        <source>Annuler la saisie</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="461"/>
        <source>Rétablir {edit}</source>
        <extracomment>Edit menu: types again what Ctrl+Z undid. {edit} is « la saisie de « Nom » ».</extracomment>
        <translation>Redo {edit}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="461"/>
        <source>Rétablir la saisie</source>
        <translation>Redo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="609"/>
        <source>Sans code, Teleavis ne se verrouille pas quand vous vous absentez&#xa0;: choisissez-en un dans Édition &gt; Réglages, onglet Sécurité.</source>
        <translation>Without a code, Teleavis does not lock while you are away: choose one in Edit &gt; Settings, Security tab.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="619"/>
        <source>Code de verrouillage enregistré.</source>
        <translation>Lock code saved.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="719"/>
        <source>Votre réponse à l&apos;expert n&apos;est pas envoyée ({ids}). Elle est gardée sur ce poste, mais l&apos;expert ne la recevra qu&apos;une fois «&#xa0;Envoyer la réponse&#xa0;» cliqué.</source>
        <translation>Your reply to the expert has not been sent ({ids}). It is kept on this workstation, but the expert will receive it only once “Send the reply” is clicked.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="724"/>
        <source>Des réponses aux experts ne sont pas envoyées ({ids}). Elles sont gardées sur ce poste, mais les experts ne les recevront qu&apos;une fois «&#xa0;Envoyer la réponse&#xa0;» cliqué.</source>
        <translation>Replies to the experts have not been sent ({ids}). They are kept on this workstation, but the experts will receive them only once “Send the reply” is clicked.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="760"/>
        <source>Un envoi à la plateforme n&apos;est pas encore parti&#xa0;: il partira à la prochaine ouverture de Teleavis. Pour qu&apos;il parte dès que le réseau le permet, laissez Teleavis ouvert.</source>
        <translation>A case or a reply to the expert has not left for the platform yet: it will leave the next time Teleavis is opened. To have it leave as soon as the network allows, leave Teleavis open.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="765"/>
        <source>{n} envois à la plateforme ne sont pas encore partis&#xa0;: ils partiront à la prochaine ouverture de Teleavis. Pour qu&apos;ils partent dès que le réseau le permet, laissez Teleavis ouvert.</source>
        <translation>{n} cases or replies have not been sent yet: they will be sent the next time Teleavis is opened. To have them sent as soon as the network allows, leave Teleavis open.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="773"/>
        <source>Sans code de verrouillage, Teleavis ne se verrouille pas seul&#xa0;: si vous le laissez ouvert, verrouillez la session de l&apos;ordinateur.</source>
        <translation>Without a lock code, Teleavis does not lock by itself: if you leave it open, lock the computer&apos;s session.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="779"/>
        <source>Revenir à la réponse</source>
        <translation>Back to the reply</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="709"/>
        <source>Ce que vous aviez tapé et qui n&apos;a pas pu être enregistré dans le dossier ({ids}) est encore dans sa fenêtre&#xa0;: il sera perdu si vous fermez Teleavis. Copiez-le, ou gardez-le pour votre réponse à l&apos;expert, d&apos;abord.</source>
        <translation>What you had typed and could not be saved in the case ({ids}) is still in its window: it will be lost if you close Teleavis. Copy it, or keep it for your reply to the expert, first.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="781"/>
        <source>Revenir à vos saisies</source>
        <translation>Back to what you typed</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="783"/>
        <source>Laisser Teleavis ouvert</source>
        <translation>Leave Teleavis open</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="787"/>
        <source>Fermer sans l&apos;envoyer</source>
        <translation>Close without sending it</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="787"/>
        <source>Fermer sans les envoyer</source>
        <translation>Close without sending them</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="748"/>
        <source>La photo jointe à la réponse est gardée avec elle&#xa0;: vous la retrouverez à la prochaine ouverture du dossier.</source>
        <translation>The photo attached to the reply is kept with it: you will find it again the next time you open the case.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="736"/>
        <source>La photo jointe n&apos;a pas pu être gardée sur ce poste&#xa0;: elle sera perdue si vous fermez Teleavis.</source>
        <translation>The attached photo could not be kept on this workstation: it will be lost if you close Teleavis.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="741"/>
        <source>{n} photos jointes n&apos;ont pas pu être gardées sur ce poste&#xa0;: elles seront perdues si vous fermez Teleavis.</source>
        <translation>{n} attached photos could not be kept on this workstation: they will be lost if you close Teleavis.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="753"/>
        <source>Les {n} photos jointes aux réponses sont gardées avec elles&#xa0;: vous les retrouverez à la prochaine ouverture du dossier.</source>
        <translation>The {n} photos attached to the replies are kept with them: you will find them again the next time you open the case.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="789"/>
        <source>Fermer quand même</source>
        <translation>Close anyway</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="818"/>
        <source>{name}, dossier {id}</source>
        <translation>{name}, case {id}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="870"/>
        <source>%n dossier(s) envoyé(s) à la plateforme réelle ne sont pas suivis pendant la formation&#xa0;: leurs réponses arriveront quand vous quitterez le mode formation.</source>
        <translation>
            <numerusform>%n case sent to the real platform is not followed during training: its answer will come when you leave training mode.</numerusform>
            <numerusform>%n cases sent to the real platform are not followed during training: their answers will come when you leave training mode.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="890"/>
        <source>Teleavis est déjà ouvert, hors mode formation&#xa0;: les dossiers faits ici partent vers un expert réel. Pour vous former, quittez-le (Dossiers &gt; Quitter), puis relancez-le en mode formation.</source>
        <translation>Teleavis is already open, not in training mode: the cases made here go to a real expert. To train, quit it (Cases &gt; Quit), then start it again in training mode.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="956"/>
        <source>Le dossier n&apos;a pas pu être créé (erreur interne, voir le journal).</source>
        <translation>The case could not be created (internal error, see the log).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="986"/>
        <source>Sélectionnez d&apos;abord un brouillon dans la liste.</source>
        <translation>Select a draft in the list first.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="998"/>
        <source>Ce dossier ne peut pas être supprimé&#xa0;: il a été mis en file d&apos;envoi ou envoyé, et la plateforme peut en avoir une copie. Seul un brouillon jamais envoyé se supprime.</source>
        <translation>This case cannot be deleted: it was queued or sent, and the platform may hold a copy. Only a draft never sent can be deleted.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1029"/>
        <source>Brouillon supprimé.</source>
        <translation>Draft deleted.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1038"/>
        <source>Le brouillon n&apos;a pas pu être supprimé (erreur interne, voir le journal).</source>
        <translation>The draft could not be deleted (internal error, see the log).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1111"/>
        <source>Synchronisation demandée…</source>
        <translation>Sync requested…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1127"/>
        <source>Compte rendu de l&apos;expert reçu</source>
        <translation>Expert&apos;s report received</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1128"/>
        <source>Le compte rendu qui manquait au dossier {id} est arrivé.</source>
        <translation>The missing report of case {id} has arrived.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1132"/>
        <source>Réponse de l&apos;expert retirée</source>
        <translation>Expert&apos;s answer withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1133"/>
        <source>La réponse du dossier {id} a été retirée&#xa0;: n&apos;en tenez pas compte.</source>
        <translation>The answer of case {id} was withdrawn: disregard it.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1137"/>
        <source>Réponse de l&apos;expert modifiée</source>
        <translation>Expert&apos;s answer amended</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1138"/>
        <source>La réponse du dossier {id} a été modifiée par l&apos;expert.</source>
        <translation>The answer of case {id} was amended by the expert.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1142"/>
        <source>Réponse de l&apos;expert</source>
        <translation>Expert&apos;s answer</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1142"/>
        <source>Le dossier {id} a reçu sa réponse.</source>
        <translation>Case {id} has received its answer.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1147"/>
        <source>Réponse retirée par la plateforme</source>
        <translation>Answer taken back by the platform</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1148"/>
        <source>La plateforme a retiré la réponse du dossier {id}&#xa0;: attendez la nouvelle réponse.</source>
        <translation>The platform took back the answer of case {id}: wait for the new answer.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1154"/>
        <source>Dossier repris par l&apos;expert</source>
        <translation>Case taken back by the expert</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1155"/>
        <source>L&apos;expert a repris le dossier {id}&#xa0;: sa réponse peut changer.</source>
        <translation>The expert took case {id} back: the answer may change.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1159"/>
        <source>Question de l&apos;expert retirée</source>
        <translation>Expert&apos;s question withdrawn</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1160"/>
        <source>L&apos;expert a retiré une question du dossier {id}&#xa0;: n&apos;en tenez pas compte.</source>
        <translation>The expert withdrew a question of case {id}: disregard it.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1166"/>
        <source>Question de l&apos;expert</source>
        <translation>Expert&apos;s question</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1167"/>
        <source>L&apos;expert pose une question sur le dossier {id}.</source>
        <translation>The expert asks a question about case {id}.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1173"/>
        <source>Réponse à l&apos;expert non envoyée</source>
        <translation>Reply to the expert not sent</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1174"/>
        <source>Votre réponse sur le dossier {id} n&apos;est pas partie&#xa0;: ouvrez-le pour voir pourquoi.</source>
        <translation>Your reply on case {id} was not sent: open it to see why.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1181"/>
        <source>Le dossier {id} demande votre attention.</source>
        <translation>Case {id} needs your attention.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1213"/>
        <source>Synchronisation en pause&#xa0;: {words}</source>
        <translation>Sync paused: {words}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1214"/>
        <location filename="../../ui/main_window.py" line="1370"/>
        <location filename="../../ui/main_window.py" line="1413"/>
        <source>erreur interne (voir le journal)</source>
        <translation>internal error (see the log)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1231"/>
        <source>En attente d&apos;envoi&#xa0;: {n}</source>
        <translation>Waiting to be sent: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1233"/>
        <source>Dernière synchronisation&#xa0;: {when}</source>
        <translation>Last sync: {when}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1233"/>
        <source>jamais</source>
        <translation>never</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1238"/>
        <location filename="../../ui/main_window.py" line="1305"/>
        <source>Plateforme d&apos;essai sur cette machine</source>
        <translation>Test platform on this computer</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1296"/>
        <source>Réponse en retard</source>
        <translation>Answer overdue</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="1297"/>
        <source>%n dossier(s) attendent une réponse de l&apos;expert au-delà du délai promis.</source>
        <translation>
            <numerusform>%n case is waiting for the expert&apos;s answer past the promised time.</numerusform>
            <numerusform>%n cases are waiting for the expert&apos;s answer past the promised time.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1331"/>
        <source>Plateforme joignable</source>
        <translation>Platform reachable</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1306"/>
        <source>Connexion en cours de vérification…</source>
        <translation>Checking the connection…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1371"/>
        <source>Connexion non vérifiée&#xa0;: {words}</source>
        <translation>Connection not checked: {words}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1357"/>
        <source>Hors ligne&#xa0;: {words} Les dossiers attendent, rien n&apos;est perdu.</source>
        <translation>Offline: {words} Cases wait, nothing is lost.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1421"/>
        <source>Sauvegarde automatique non faite&#xa0;: {words} Vos dossiers sont intacts sur ce poste, et Teleavis réessaie tout seul vers {time}. {advice} Le dossier se choisit dans Édition &gt; Réglages, onglet Sécurité.</source>
        <translation>Automatic backup not made: {words} Your cases are intact on this computer, and Teleavis tries again by itself around {time}. {advice} The folder is chosen in Edit &gt; Settings, Security tab.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1476"/>
        <source>⚠ Sauvegardes non faites</source>
        <translation>⚠ Backups not being made</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1461"/>
        <source>Sauvegarde automatique commencée à {time}, toujours pas terminée plus d&apos;une heure après. Vos dossiers sont intacts sur ce poste. Le disque ou le partage réseau ne répond peut-être plus&#xa0;: vérifiez qu&apos;il est bien branché, ou que le réseau et le serveur de partage marchent, ou choisissez un autre dossier. Le dossier se choisit dans Édition &gt; Réglages, onglet Sécurité.</source>
        <translation>Automatic backup started at {time}, still not finished more than an hour later. Your cases are intact on this computer. The drive or network share may no longer be answering: check that it is plugged in, or that the network and the share&apos;s server work, or choose another folder. The folder is chosen in Edit &gt; Settings, Security tab.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1452"/>
        <source>Sauvegarde faite.</source>
        <translation>Backup made.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1486"/>
        <location filename="../../ui/main_window.py" line="1498"/>
        <source>Rapport PDF du dossier</source>
        <translation>Case PDF report</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1486"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="1522"/>
        <source>Rapport enregistré dans {file} (%n page(s)).</source>
        <translation>
            <numerusform>Report saved in {file} (%n page).</numerusform>
            <numerusform>Report saved in {file} (%n pages).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1525"/>
        <source>Le rapport n&apos;a pas pu être fait.</source>
        <translation>The report could not be made.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1596"/>
        <source>Fin du mode formation</source>
        <translation>Training mode ended</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1582"/>
        <source>Adresse de la plateforme changée</source>
        <translation>Platform address changed</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1584"/>
        <source>Le jeton d&apos;accès et les identifiants de connexion enregistrés pour l&apos;ancienne adresse sont effacés&#xa0;: ils ne sont jamais envoyés à une autre.

Tapez le jeton d&apos;accès (ou le secret client) de la nouvelle plateforme dans Réglages &gt; Plateforme, ou reconnectez-vous avec Pro Santé Connect si elle le demande.</source>
        <translation>The access token and the sign-in credentials saved for the old address are erased: they are never sent to another one.

Type the new platform&apos;s access token (or client secret) in Settings &gt; Platform, or sign in again with Pro Santé Connect if it asks for it.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1598"/>
        <source>Dossiers préparés en mode formation et pas encore partis&#xa0;: {n}. Ils ne partent pas vers la plateforme réelle&#xa0;: vous les trouvez dans la liste, «&#xa0;à corriger&#xa0;».

Vérifiez chacun (identité réelle du patient, consentement), puis envoyez ceux qui doivent partir.</source>
        <translation>Cases prepared in training mode and not yet sent: {n}. They do not go to the real platform: you find them in the list, “Needs attention”.

Check each one (the patient&apos;s real identity, consent), then send those that must go.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1613"/>
        <source>Verrouillage impossible sans code&#xa0;: choisissez-en un dans Réglages, onglet Sécurité.</source>
        <translation>No lock without a code: choose one in Settings, Security tab.</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="129"/>
        <source>Teleavis — %n dossier(s) à lire</source>
        <extracomment>A check that found no network checks again this soon: a real outage said within moments, a moment&apos;s cut not (``check_connection``). A scheduled backup still running after this is said stuck (a share that hangs), not before: a large store written onto a slow USB stick takes more than one round.</extracomment>
        <translation>
            <numerusform>Teleavis — %n case to read</numerusform>
            <numerusform>Teleavis — %n cases to read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OtherPatient</name>
    <message>
        <location filename="../../ui/other_patient_question.py" line="167"/>
        <source>Envoyée, l&apos;expert lirait peut-être la photo d&apos;un autre patient sous le nom de celui-ci. Si elle n&apos;est pas de ce patient, supprimez-la. Si c&apos;est bien lui, vous pouvez envoyer.</source>
        <translation>Sent, the expert might read another patient&apos;s photo under this one&apos;s name. If it is not this patient&apos;s, delete it. If it is, you can send.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="148"/>
        <source>Envoyée, l&apos;expert lirait peut-être la photo d&apos;un autre patient sous le nom de celui-ci. Si elle n&apos;est pas de ce patient, supprimez-la. Si c&apos;est bien lui (une photo ancienne jointe pour comparer, ou l&apos;horloge de l&apos;appareil mal réglée), vous pouvez envoyer.</source>
        <translation>Sent, the expert might read another patient&apos;s photo under this one&apos;s name. If it is not this patient&apos;s, delete it. If it is (an old photo joined for comparison, or the device&apos;s clock set wrong), you can send.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="141"/>
        <source>Envoyée, l&apos;expert lirait peut-être la photo d&apos;un autre patient sous le nom de celui-ci. Si elle n&apos;est pas de ce patient, retirez-la de la réponse. Si c&apos;est bien lui (une photo ancienne jointe pour comparer, ou l&apos;horloge de l&apos;appareil mal réglée), vous pouvez envoyer.</source>
        <translation>Sent, the expert might read another patient&apos;s photo under this one&apos;s name. If it is not this patient&apos;s, remove it from the reply. If it is (an old photo joined for comparison, or the device&apos;s clock set wrong), you can send.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="155"/>
        <source>Photo d&apos;une séance précédente&#x202f;?</source>
        <translation>Photo from an earlier session?</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="98"/>
        <source>L&apos;image {n} a été enregistrée par l&apos;appareil au seul nom de {recorded}, sans date de naissance ni INS à comparer avec ceux du dossier&#xa0;: le nom seul ne dit pas que c&apos;est {patient}, la patiente du dossier (une mère et sa fille peuvent porter les mêmes noms).</source>
        <translation>The device recorded image {n} under the name alone of {recorded}, without a birth date or an INS to compare with the case&apos;s: a name alone does not say it is {patient}, the case&apos;s patient (a mother and her daughter may bear the same names).</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="105"/>
        <source>L&apos;image {n} a été enregistrée par l&apos;appareil au seul nom de {recorded}, sans date de naissance ni INS à comparer avec ceux du dossier&#xa0;: le nom seul ne dit pas que c&apos;est {patient}, le patient du dossier (un père et son fils peuvent porter les mêmes noms).</source>
        <translation>The device recorded image {n} under the name alone of {recorded}, without a birth date or an INS to compare with the case&apos;s: a name alone does not say it is {patient}, the case&apos;s patient (a father and his son may bear the same names).</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="122"/>
        <source>Envoyée, l&apos;expert lirait peut-être l&apos;image d&apos;un autre patient sous le nom de celui-ci. Vérifiez sur l&apos;appareil à qui elle appartient. Si elle n&apos;est pas de ce patient, supprimez-la. Si c&apos;est bien lui, vous pouvez envoyer.</source>
        <translation>Sent, the expert might read another patient&apos;s image under this one&apos;s name. Check on the device whose it is. If it is not this patient&apos;s, delete it. If it is this patient, you may send.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="40"/>
        <source>le patient de ce dossier</source>
        <translation>this case&apos;s patient</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="55"/>
        <source>Les images {n} ont été enregistrées par l&apos;appareil pour {recorded}, et non pour {patient}, le patient du dossier.</source>
        <translation>Images {n} were recorded by the device for {recorded}, not for {patient}, the case&apos;s patient.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="61"/>
        <source>L&apos;image {n} a été enregistrée par l&apos;appareil pour {recorded}, et non pour {patient}, le patient du dossier.</source>
        <translation>Image {n} was recorded by the device for {recorded}, not for {patient}, the case&apos;s patient.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="67"/>
        <source>Les images {n} ont été enregistrées par l&apos;appareil pour un autre patient que {patient}&#xa0;: nom, prénom, date de naissance, sexe ou INS différents de ceux du dossier.</source>
        <translation>Images {n} were recorded by the device for another patient than {patient}: a name, given name, birth date, sex or INS other than the case&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="73"/>
        <source>L&apos;image {n} a été enregistrée par l&apos;appareil pour un autre patient que {patient}&#xa0;: nom, prénom, date de naissance, sexe ou INS différents de ceux du dossier.</source>
        <translation>Image {n} was recorded by the device for another patient than {patient}: a name, given name, birth date, sex or INS other than the case&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="81"/>
        <source>Envoyée, l&apos;expert lirait l&apos;image d&apos;un autre patient sous le nom de celui-ci. Vérifiez sur l&apos;appareil à qui elle appartient. Si elle n&apos;est pas de ce patient, supprimez-la. Si c&apos;est bien lui (un nom mal saisi sur l&apos;appareil), vous pouvez envoyer.</source>
        <translation>Sent, the expert would read another patient&apos;s image under this one&apos;s name. Check on the device whose image it is. If it is not this patient&apos;s, delete it. If it is this patient&apos;s (a name mistyped on the device), you may send.</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="186"/>
        <source>Image d&apos;un autre patient&#x202f;?</source>
        <translation>Another patient&apos;s image?</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="188"/>
        <source>Vérifier les images</source>
        <translation>Check the images</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="189"/>
        <source>C&apos;est bien ce patient, envoyer</source>
        <translation>It is this patient, send</translation>
    </message>
    <message>
        <location filename="../../ui/other_patient_question.py" line="197"/>
        <source>{first} et {last}</source>
        <translation>{first} and {last}</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="22"/>
        <source>Déverrouiller Teleavis</source>
        <translation>Unlock Teleavis</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="22"/>
        <source>Choisir la phrase secrète de Teleavis</source>
        <translation>Choose the Teleavis passphrase</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="29"/>
        <source>Choisissez la phrase secrète qui protège les dossiers de cette machine. Sans elle, les données ne peuvent pas être lues&#xa0;: notez-la en lieu sûr. Quatre mots sans lien entre eux font une bonne phrase.</source>
        <translation>Choose the passphrase that protects the cases on this computer. Without it the data cannot be read: write it down somewhere safe. Four unrelated words make a good passphrase.</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="34"/>
        <source>Tapez la phrase secrète de Teleavis pour ouvrir les dossiers.</source>
        <translation>Type the Teleavis passphrase to open the cases.</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="40"/>
        <source>Phrase secrète&#xa0;:</source>
        <translation>Passphrase:</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="44"/>
        <source>Répétez-la&#xa0;:</source>
        <translation>Repeat it:</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/unlock_dialog.py" line="49"/>
        <source>Phrase secrète incorrecte. Encore %n essai(s).</source>
        <translation>
            <numerusform>Wrong passphrase. %n try left.</numerusform>
            <numerusform>Wrong passphrase. %n tries left.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="53"/>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="53"/>
        <source>Ouvrir</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="55"/>
        <source>Quitter</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="63"/>
        <source>La phrase secrète est vide.</source>
        <translation>The passphrase is empty.</translation>
    </message>
    <message>
        <location filename="../../ui/unlock_dialog.py" line="66"/>
        <source>Les deux phrases sont différentes.</source>
        <translation>The two passphrases differ.</translation>
    </message>
</context>
<context>
    <name>PinForm</name>
    <message>
        <location filename="../../ui/setup_wizard.py" line="84"/>
        <source>Quand vous vous absentez, Teleavis se verrouille et masque les dossiers. Choisissez le code qui le déverrouillera (au moins 4 caractères). Il sera aussi demandé à chaque démarrage.</source>
        <translation>When you step away, Teleavis locks and hides the cases. Choose the code that will unlock it (at least 4 characters). It will also be asked at every start.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="92"/>
        <source>Code&#xa0;:</source>
        <translation>Code:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="94"/>
        <source>Répétez-le&#xa0;:</source>
        <translation>Repeat it:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="106"/>
        <source>Les deux codes sont différents.</source>
        <translation>The two codes differ.</translation>
    </message>
</context>
<context>
    <name>PlatformForm</name>
    <message>
        <location filename="../../ui/setup_forms.py" line="502"/>
        <source>Certificats (CA)</source>
        <translation>Certificates (CA)</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="596"/>
        <source>Le fichier «&#xa0;{path}&#xa0;» est introuvable. Vérifiez le chemin du fichier que le support de la plateforme a fourni.</source>
        <translation>The file “{path}” cannot be found. Check the path of the file the platform&apos;s support gave.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="600"/>
        <source>«&#xa0;{path}&#xa0;» n&apos;est pas un fichier&#xa0;: donnez le chemin du fichier de certificats lui-même.</source>
        <translation>“{path}” is not a file: give the path of the certificate file itself.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="603"/>
        <source>Le fichier «&#xa0;{path}&#xa0;» ne peut pas être lu (droits d&apos;accès)&#xa0;: demandez au support informatique de le rendre lisible.</source>
        <translation>The file “{path}” cannot be read (access rights): ask IT support to make it readable.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="608"/>
        <source>«&#xa0;{path}&#xa0;» n&apos;est pas un fichier de certificats au format PEM (des blocs «&#xa0;-----BEGIN CERTIFICATE-----&#xa0;» lisibles)&#xa0;: demandez au support de la plateforme le certificat de son autorité au format PEM.</source>
        <translation>“{path}” is not a certificate file in PEM format (readable “-----BEGIN CERTIFICATE-----” blocks): ask the platform&apos;s support for its authority&apos;s certificate in PEM format.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="616"/>
        <source>Rien n&apos;a été enregistré.</source>
        <translation>Nothing was saved.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="616"/>
        <source>La connexion n&apos;a pas été testée.</source>
        <translation>The connection was not tested.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="741"/>
        <source>Vérifiez le réglage, puis testez à nouveau.</source>
        <translation>Check the setting, then test again.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="468"/>
        <source>Mode formation&#xa0;: plateforme d&apos;essai intégrée, aucun envoi réel</source>
        <extracomment>What the sync&apos;s words say of its own retries (sync/client.py): true of the cases it sends, not of a connection test, which is made once. Whether the last ``save()`` changed where cases go (the sync engine must then start afresh).</extracomment>
        <translation>Training mode: built-in test platform, nothing really sent</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="469"/>
        <source>Plateforme régionale de télé-expertise</source>
        <translation>Regional tele-expertise platform</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="479"/>
        <source>Jeton d&apos;accès personnel (ou identifiants ci-dessous)</source>
        <translation>Personal access token (or credentials below)</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="484"/>
        <source>Fichier des autorités de certification (facultatif)</source>
        <translation>Certificate authorities file (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="485"/>
        <source>Adresse de la plateforme&#xa0;:</source>
        <translation>Platform address:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="486"/>
        <source>Jeton d&apos;accès&#xa0;:</source>
        <translation>Access token:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="487"/>
        <source>Adresse de connexion (OAuth)&#xa0;:</source>
        <translation>Sign-in address (OAuth):</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="488"/>
        <source>Identifiant client&#xa0;:</source>
        <translation>Client id:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="489"/>
        <source>Secret client&#xa0;:</source>
        <translation>Client secret:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="490"/>
        <source>Proxy&#xa0;:</source>
        <translation>Proxy:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="499"/>
        <source>Certificats (CA)&#xa0;:</source>
        <translation>Certificates (CA):</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="516"/>
        <source>Tester la connexion</source>
        <translation>Test the connection</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="647"/>
        <source>Donnez l&apos;adresse de la plateforme, ou choisissez le mode formation.</source>
        <translation>Give the platform&apos;s address, or choose training mode.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="655"/>
        <source>Retapez le mot de passe du proxy&#xa0;: «&#xa0;***&#xa0;» ne fait que masquer celui enregistré.</source>
        <translation>Type the proxy&apos;s password again: “***” only hides the saved one.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="711"/>
        <source>Test en cours…</source>
        <translation>Testing…</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="736"/>
        <source>Connexion réussie ({words}).</source>
        <translation>Connection works ({words}).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="740"/>
        <location filename="../../ui/setup_forms.py" line="750"/>
        <source>Échec&#xa0;: {words}</source>
        <translation>Failed: {words}</translation>
    </message>
</context>
<context>
    <name>PscSignIn</name>
    <message>
        <location filename="../../ui/psc_sign_in.py" line="58"/>
        <source>Se connecter avec Pro Santé Connect</source>
        <extracomment>A sign-in as another professional than the workstation&apos;s (``another_account``), kept only once the settings are saved with the current code (ui/settings_dialog.py): the tokens and who signed in.</extracomment>
        <translation>Sign in with Pro Santé Connect</translation>
    </message>
    <message>
        <location filename="../../ui/psc_sign_in.py" line="68"/>
        <location filename="../../ui/psc_sign_in.py" line="117"/>
        <source>Connecté&#xa0;: {name} ({number})</source>
        <translation>Signed in: {name} ({number})</translation>
    </message>
    <message>
        <location filename="../../ui/psc_sign_in.py" line="102"/>
        <source>Connecté&#xa0;: {name} (RPPS {rpps}). Pour que les dossiers partent sous ce compte, tapez le code actuel (ou la phrase secrète) ci-dessus, puis «&#xa0;Enregistrer&#xa0;».</source>
        <translation>Signed in: {name} (RPPS {rpps}). For the cases to be sent under this account, type the current code (or the passphrase) above, then “Save”.</translation>
    </message>
    <message>
        <location filename="../../ui/psc_sign_in.py" line="84"/>
        <source>Connexion en cours…</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <location filename="../../ui/psc_sign_in.py" line="125"/>
        <source>Connexion impossible&#xa0;: {why}</source>
        <translation>Sign-in failed: {why}</translation>
    </message>
</context>
<context>
    <name>ReplyCamera</name>
    <message>
        <location filename="../../ui/reply_camera.py" line="71"/>
        <source>Photo prise&#xa0;: vérification…</source>
        <translation>Photo taken: checking…</translation>
    </message>
    <message>
        <location filename="../../ui/reply_camera.py" line="80"/>
        <source>Reprenez la photo, ou «&#xa0;Terminer&#xa0;».</source>
        <translation>Take the photo again, or “Done”.</translation>
    </message>
    <message>
        <location filename="../../ui/reply_camera.py" line="32"/>
        <source>Photo pour l&apos;expert</source>
        <extracomment>What waits for the still (to be called on a worker: it blocks until the camera gives it), and the camera&apos;s name (the device recorded with the photo).</extracomment>
        <translation>Photo for the expert</translation>
    </message>
    <message>
        <location filename="../../ui/reply_camera.py" line="35"/>
        <source>Prendre la photo (Espace)</source>
        <translation>Take the photo (Space)</translation>
    </message>
    <message>
        <location filename="../../ui/reply_camera.py" line="38"/>
        <source>Terminer</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../ui/reply_camera.py" line="41"/>
        <source>Cadrez la zone demandée par l&apos;expert, puis prenez la photo.</source>
        <translation>Frame the area the expert asked for, then take the photo.</translation>
    </message>
    <message>
        <location filename="../../ui/reply_camera.py" line="66"/>
        <source>Aucune caméra n&apos;est active&#xa0;: choisissez-en une, ou fermez et importez une image.</source>
        <translation>No camera is active: choose one, or close this and import an image.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/reply_camera.py" line="84"/>
        <source>%n photo(s) prise(s)&#xa0;: elle(s) rejoigne(nt) votre réponse, sous le texte. Reprenez-en une, ou «&#xa0;Terminer&#xa0;».</source>
        <translation>
            <numerusform>%n photo taken: it joins your reply, below the text. Take another, or “Done”.</numerusform>
            <numerusform>%n photos taken: they join your reply, below the text. Take another, or “Done”.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReplyPlaces</name>
    <message>
        <location filename="../../ui/reply_places.py" line="86"/>
        <source>Retirer</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="88"/>
        <source>Retirer l&apos;image {n}</source>
        <translation>Remove image {n}</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="96"/>
        <source>Photo jointe {n}</source>
        <translation>Attached photo {n}</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="89"/>
        <source>Retire cette image seulement&#x202f;; les autres et le texte sont gardés.</source>
        <translation>Removes this image only; the others and the text are kept.</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="71"/>
        <source>Image {n} ({name})&#xa0;:</source>
        <extracomment>The thumbnail at the start of each row: half a tile&apos;s, large enough to know the lesion (and the patient&apos;s skin). The row&apos;s « Retirer » clicked: that image (its index) taken off the reply, the others kept. Found by a nurse&apos;s pass: the only button, « Retirer les images », took off every photo to drop one. Per row, the image&apos;s view or a retinograph&apos;s field. Per retinograph&apos;s row, its « ⚠ Œil à vérifier » (hidden while the eye and the disc agree). Per row, its « Retirer » (that image only). Per row, the photo&apos;s thumbnail (empty until :meth:`set_picture` gives it).</extracomment>
        <translation>Image {n} ({name}):</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="73"/>
        <source>Image {n}&#xa0;:</source>
        <translation>Image {n}:</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="81"/>
        <source>champ</source>
        <translation>field</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="81"/>
        <source>vue</source>
        <translation>view</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="118"/>
        <source>— champ&#x202f;? —</source>
        <translation>— field? —</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="118"/>
        <source>— vue&#x202f;? —</source>
        <translation>— view? —</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="126"/>
        <source>Le champ photographié (macula, papille), s&apos;il est connu</source>
        <translation>The field photographed (macula, optic disc), if known</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="128"/>
        <source>La vue&#xa0;: éloignée, intermédiaire, rapprochée ou dermoscopie, si elle est connue</source>
        <translation>The view: far, medium, close-up or dermoscopy, if known</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="130"/>
        <source>La vue&#xa0;: éloignée, intermédiaire ou rapprochée, si elle est connue</source>
        <translation>The view: far, medium or close-up, if known</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="141"/>
        <source>— quel œil&#x202f;? —</source>
        <translation>— which eye? —</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="145"/>
        <source>L&apos;œil photographié&#xa0;: l&apos;expert doit le savoir</source>
        <translation>The eye photographed: the expert must know it</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="146"/>
        <source>Œil à vérifier</source>
        <translation>Check the eye</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="171"/>
        <source>Localisation, ex. dos, talon droit</source>
        <translation>Body site, e.g. back, right heel</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="172"/>
        <source>La zone du corps photographiée&#xa0;: l&apos;expert doit la savoir</source>
        <translation>The body site photographed: the expert must know it</translation>
    </message>
</context>
<context>
    <name>ReplyReduce</name>
    <message>
        <location filename="../../ui/reply_places.py" line="220"/>
        <source>Envoyer la réponse en copies réduites</source>
        <extracomment>A photo whose longest side is over this (pixels), or whose file is over ``LARGE_BYTES``, is worth sending reduced on a slow link (sync/reduced.py&apos;s copy: longest side 3000 px; a 12 MP phone photo is 4000 px). What may go reduced: photos (a DICOM&apos;s header is part of it), as sync/reduced.py&apos;s ``PHOTO_TYPES``. The reply (its message id) whose photos are to go reduced: the caller records it.</extracomment>
        <translation>Send the reply as reduced copies</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="224"/>
        <source>Pour une liaison lente&#xa0;: les photos de votre réponse pas encore parties sont envoyées en copies réduites (côté le plus long 3000 px, JPEG qualité 90)&#x202f;; l&apos;expert voit qu&apos;il s&apos;agit de copies, les originaux restent sur ce poste.</source>
        <translation>For a slow link: the photos of your reply not gone yet are sent as reduced copies (longest side 3000 px, JPEG quality 90); the expert sees that they are copies, the originals stay on this computer.</translation>
    </message>
    <message>
        <location filename="../../ui/reply_places.py" line="232"/>
        <source>Copies réduites demandées pour la réponse&#xa0;: ses photos pas encore parties seront envoyées réduites.</source>
        <translation>Reduced copies asked for the reply: its photos not gone yet will be sent reduced.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="328"/>
        <source>Ce dossier est dans celui des données de Teleavis ({data})&#xa0;: une restauration remplace tout ce dossier et effacerait les sauvegardes gardées là (et un disque en panne les emporterait avec les données). Choisissez une clé USB, un disque externe ou un autre dossier.</source>
        <translation>This folder is inside Teleavis&apos;s data folder ({data}): a restore replaces that whole folder and would erase the backups kept there (and a failed disk would take them with the data). Choose a USB stick, an external disk or another folder.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="541"/>
        <source>Rien n&apos;a été enregistré.</source>
        <translation>Nothing was saved.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="113"/>
        <source>Choisir…</source>
        <extracomment>How long the window waits for a look at the backup folder before going on without it: a local disk answers in a few milliseconds; a network share whose server went away blocks the call for minutes (an NFS hard mount: until it comes back), found in review freezing Réglages, then the whole window. After this, a look at the backup folder still running is said under it: the folder does not answer.</extracomment>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="140"/>
        <source>Réglages de Teleavis</source>
        <translation>Teleavis settings</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="144"/>
        <source>Réglages</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="153"/>
        <source>Pour changer le praticien ou la structure</source>
        <translation>To change the practitioner or the organisation</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="160"/>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="162"/>
        <source>Plateforme</source>
        <translation>Platform</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="192"/>
        <source>Automatique (caméra branchée)</source>
        <translation>Automatic (plugged-in camera)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="189"/>
        <source>Automatique (caméra branchée, sinon démonstration)</source>
        <translation>Automatic (plugged-in camera, else demo)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="190"/>
        <source>Caméra de démonstration</source>
        <translation>Demo camera</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="194"/>
        <source>Caméra USB n° {n}</source>
        <translation>USB camera no. {n}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="203"/>
        <source>Caméra&#xa0;:</source>
        <translation>Camera:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="206"/>
        <source>La meilleure disponible</source>
        <translation>The best available</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="213"/>
        <source>Résolution&#xa0;:</source>
        <translation>Resolution:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="215"/>
        <source>Dossier où le rétinographe dépose ses images</source>
        <translation>Folder where the retinograph drops its images</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="217"/>
        <source>Dossier surveillé&#xa0;:</source>
        <translation>Watched folder:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="217"/>
        <source>Choisir le dossier surveillé</source>
        <translation>Choose the watched folder</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="269"/>
        <source>Choisir le dossier des sauvegardes</source>
        <extracomment>The backup folder chosen with « Choisir… » (the one shown, chosen again: a drive retired, its empty mount point now the folder meant), its mount recorded as it is now on « Enregistrer ». The look at the backup folder running (its number), a new one asked meanwhile (``_again``): one at a time, a share that does not answer holding one thread, not one more at each key typed.</extracomment>
        <translation>Choose the backups folder</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="378"/>
        <source>Ce dossier ne répond pas pour l&apos;instant (partage réseau ou disque qui ne répond plus)&#xa0;: aucune sauvegarde ne s&apos;y fera tant qu&apos;il ne répond pas. Vérifiez le réseau ou le disque, ou choisissez un autre dossier.</source>
        <translation>This folder does not answer for now (a network share or a drive no longer answering): no backup will be made there until it answers. Check the network or the drive, or choose another folder.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="393"/>
        <source>Ce dossier est introuvable pour l&apos;instant&#xa0;: aucune sauvegarde ne s&apos;y fera tant qu&apos;il n&apos;est pas là. Branchez la clé ou le disque, ou choisissez un dossier avec «&#xa0;Choisir…&#xa0;» (qui peut en créer un).</source>
        <translation>This folder cannot be found for now: no backup will be made there until it is. Plug in the USB stick or drive, or choose a folder with “Choose…” (which can create one).</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="397"/>
        <source>Teleavis ne peut pas écrire dans ce dossier (clé verrouillée, dossier en lecture seule ou interdit)&#xa0;: aucune sauvegarde ne s&apos;y fera. Choisissez-en un autre, ou demandez au support informatique d&apos;y autoriser l&apos;écriture.</source>
        <translation>Teleavis cannot write into this folder (a locked stick, a read-only or forbidden folder): no backup will be made there. Choose another one, or ask IT support to allow writing there.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="402"/>
        <source>La clé ou le disque de sauvegarde n&apos;est plus branché à «&#xa0;{mount}&#xa0;»&#xa0;: ce dossier est celui, vide, de l&apos;ordinateur, et aucune sauvegarde ne s&apos;y fait. Branchez-le. S&apos;il ne sert plus, choisissez un dossier sur un autre disque avec «&#xa0;Choisir…&#xa0;».</source>
        <translation>The backup stick or drive is no longer plugged in at “{mount}”: this folder is the computer&apos;s own, empty one, and no backup is made there. Plug it in. If it is no longer used, choose a folder on another drive with “Choose…”.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="219"/>
        <source>Prise de vue</source>
        <translation>Capture</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="225"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="226"/>
        <source>jamais</source>
        <translation>never</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="230"/>
        <source>Verrouiller après&#xa0;:</source>
        <translation>Lock after:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="235"/>
        <source>Laisser vide pour garder le code actuel</source>
        <translation>Leave empty to keep the current code</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="242"/>
        <source>Pour changer le code ou allonger le délai</source>
        <translation>To change the code or lengthen the delay</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="159"/>
        <location filename="../../ui/settings_dialog.py" line="176"/>
        <location filename="../../ui/settings_dialog.py" line="244"/>
        <source>Code actuel ou phrase secrète&#xa0;:</source>
        <translation>Current code or passphrase:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="171"/>
        <source>Pour changer le mode, l&apos;adresse, le compte, le proxy ou les certificats</source>
        <translation>To change the mode, the address, the account, the proxy or the certificates</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="237"/>
        <source>Aucun code pour l&apos;instant&#xa0;: tapez-en un ({n} caractères au moins)</source>
        <translation>No code yet: type one (at least {n} characters)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="239"/>
        <source>Code de déverrouillage&#xa0;:</source>
        <translation>Unlock code:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="275"/>
        <source>Dossier de sauvegarde&#xa0;:</source>
        <translation>Backup folder:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="280"/>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="282"/>
        <source>Sauvegarder toutes les&#xa0;:</source>
        <translation>Back up every:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="283"/>
        <source>Sécurité</source>
        <translation>Security</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="288"/>
        <source>Celle du système</source>
        <translation>The system&apos;s</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="292"/>
        <source>Langue&#xa0;:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="293"/>
        <source>La nouvelle langue s&apos;applique au prochain démarrage de Teleavis.</source>
        <translation>The new language applies the next time Teleavis starts.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="296"/>
        <source>Langue</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="306"/>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="307"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../ui/setup_wizard.py" line="41"/>
        <source>Bienvenue dans Teleavis</source>
        <translation>Welcome to Teleavis</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="44"/>
        <source>Suivant &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="45"/>
        <source>&lt; Précédent</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="46"/>
        <source>Commencer</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="47"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="51"/>
        <source>Teleavis envoie vos demandes de télé-expertise (dermatologie, rétinographie, plaies) à un médecin expert et vous rapporte sa réponse.

Deux réglages suffisent pour commencer&#xa0;: qui demande l&apos;avis (votre site), et où partent les dossiers. Sans plateforme, Teleavis démarre en mode formation&#xa0;: vous pouvez essayer tout le parcours avec une plateforme d&apos;essai et une caméra de démonstration.</source>
        <translation>Teleavis sends your tele-expertise requests (dermatology, retinography, wound care) to an expert physician and brings back the answer.

Two settings are enough to start: who asks for the opinion (your site), and where the cases go. Without a platform, Teleavis starts in training mode: you can try the whole loop with a test platform and a demo camera.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="60"/>
        <source>Bienvenue</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="62"/>
        <source>Votre site</source>
        <translation>Your site</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="64"/>
        <source>Plateforme de télé-expertise</source>
        <translation>Tele-expertise platform</translation>
    </message>
    <message>
        <location filename="../../ui/setup_wizard.py" line="72"/>
        <source>Code de verrouillage</source>
        <translation>Lock code</translation>
    </message>
</context>
<context>
    <name>SiteForm</name>
    <message>
        <location filename="../../ui/setup_forms.py" line="60"/>
        <source>11 chiffres, sur la carte CPS</source>
        <translation>11 digits, on the CPS card</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="65"/>
        <source>Médecin généraliste, infirmier(e)…</source>
        <translation>General practitioner, nurse…</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="66"/>
        <source>9 chiffres</source>
        <translation>9 digits</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="75"/>
        <source>Proposé dès le n° FINESS ou SIRET saisi (ou donné par votre informatique)</source>
        <translation>Proposed once the FINESS or SIRET is typed (or your IT department&apos;s value)</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="78"/>
        <source>Le praticien qui demande l&apos;avis&#xa0;:</source>
        <translation>The practitioner asking for the opinion:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="79"/>
        <source>N° RPPS&#xa0;:</source>
        <translation>RPPS no.:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="92"/>
        <source>Nom&#xa0;:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="93"/>
        <source>Prénom&#xa0;:</source>
        <translation>First name:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="94"/>
        <source>Fonction&#xa0;:</source>
        <translation>Role:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="95"/>
        <source>La structure&#xa0;:</source>
        <translation>The organisation:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="96"/>
        <source>N° FINESS&#xa0;:</source>
        <translation>FINESS no.:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="110"/>
        <source>Nom de la structure&#xa0;:</source>
        <translation>Organisation name:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="111"/>
        <source>Origine des n° de dossier&#xa0;:</source>
        <translation>Origin of file numbers:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="114"/>
        <source>Un patient sans INS est désigné par son numéro de dossier dans votre structure&#x202f;; ce réglage dit d&apos;où vient ce numéro. Gardez la valeur proposée, sauf si votre service informatique vous en donne une autre.</source>
        <translation>A patient without an INS is named by their file number in your organisation; this setting says where that number comes from. Keep the proposed value unless your IT department gives you another one.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="205"/>
        <source>À remplir.</source>
        <translation>Required.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="218"/>
        <source>Le numéro RPPS compte 11 chiffres (carte CPS ou annuaire santé).</source>
        <translation>An RPPS number has 11 digits (CPS card or health directory).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="206"/>
        <source>Ce numéro {what} contient une faute de frappe (sa clé ne correspond pas)&#xa0;: vérifiez-le.</source>
        <translation>This {what} number has a typing mistake (its check digit does not match): please check it.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="246"/>
        <source>Le numéro FINESS compte 9 caractères (chiffres&#x202f;; 2A ou 2B au début en Corse).</source>
        <translation>A FINESS number has 9 characters (digits; 2A or 2B at the start in Corsica).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="275"/>
        <source>Gardez la valeur proposée une fois le n° FINESS (ou SIRET, SIREN) saisi, ou mettez celle que votre service informatique vous donne (urn:oid:…).</source>
        <translation>Keep the value proposed once the FINESS (or SIRET, SIREN) number is typed, or put the one your IT department gives you (urn:oid:…).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="62"/>
        <source>9 chiffres, si vous n&apos;avez pas de n° RPPS</source>
        <translation>9 digits, if you have no RPPS number</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="68"/>
        <source>14 chiffres, si la structure n&apos;a pas de n° FINESS</source>
        <translation>14 digits, if the organisation has no FINESS number</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="69"/>
        <source>9 chiffres (facultatif avec le SIRET)</source>
        <translation>9 digits (optional with the SIRET)</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="80"/>
        <source>ou n° ADELI&#xa0;:</source>
        <translation>or ADELI no.:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="97"/>
        <source>ou n° SIRET&#xa0;:</source>
        <translation>or SIRET no.:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="98"/>
        <source>ou n° SIREN&#xa0;:</source>
        <translation>or SIREN no.:</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="85"/>
        <source>Le n° RPPS, ou à défaut le n° ADELI (professionnel pas encore inscrit au RPPS, comme certain(e)s infirmier(e)s)&#xa0;: l&apos;un des deux suffit.</source>
        <translation>The RPPS number, or else the ADELI number (a professional not yet registered in the RPPS, as some nurses are): either one is enough.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="103"/>
        <source>Le n° FINESS&#x202f;; une structure qui n&apos;en a pas (un centre de santé, par exemple) donne son n° SIRET, ou à défaut son n° SIREN (les 9 premiers chiffres du SIRET).</source>
        <translation>The FINESS number; an organisation without one (a health centre, for instance) gives its SIRET number, or else its SIREN number (the first 9 digits of the SIRET).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="209"/>
        <source>À remplir&#xa0;: le n° RPPS, ou à défaut le n° ADELI.</source>
        <translation>Required: the RPPS number, or else the ADELI number.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="237"/>
        <source>À remplir&#xa0;: le n° FINESS, ou à défaut le n° SIRET ou SIREN.</source>
        <translation>Required: the FINESS number, or else the SIRET or SIREN number.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="227"/>
        <source>Le numéro ADELI compte 9 chiffres, ou 2A, 2B, 9A à 9F puis 7 chiffres en Corse et outre-mer (carte CPS ou attestation d&apos;inscription).</source>
        <translation>The ADELI number has 9 digits, or 2A, 2B, 9A to 9F then 7 digits in Corsica and overseas (CPS card or registration certificate).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="254"/>
        <source>Le numéro SIRET compte 14 chiffres (avis de situation INSEE, ou annuaire des entreprises).</source>
        <translation>The SIRET number has 14 digits (INSEE registration notice, or the French business directory).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="262"/>
        <source>Le numéro SIREN compte 9 chiffres (les 9 premiers du SIRET).</source>
        <translation>The SIREN number has 9 digits (the first 9 of the SIRET).</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="266"/>
        <source>Ce SIREN n&apos;est pas celui du SIRET (ses 9 premiers chiffres)&#xa0;: corrigez l&apos;un des deux.</source>
        <translation>This SIREN is not the SIRET&apos;s (its first 9 digits): correct one of them.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="216"/>
        <source>Ce numéro de 9 chiffres est un n° ADELI&#xa0;: mettez-le dans le champ «&#xa0;ou n° ADELI&#xa0;».</source>
        <translation>This 9-digit number is an ADELI number: put it in the “or ADELI no.” field.</translation>
    </message>
    <message>
        <location filename="../../ui/setup_forms.py" line="243"/>
        <source>Ce numéro de 14 chiffres est un n° SIRET&#xa0;: mettez-le dans le champ «&#xa0;ou n° SIRET&#xa0;».</source>
        <translation>This 14-digit number is a SIRET number: put it in the “or SIRET no.” field.</translation>
    </message>
</context>
<context>
    <name>StartLockDialog</name>
    <message>
        <location filename="../../ui/start_lock.py" line="49"/>
        <source>Les réglages du site de ce poste sont à faire&#xa0;: ils s&apos;ouvriront une fois le code ou la phrase secrète tapé.</source>
        <translation>This workstation&apos;s site settings are still to be made: they will open once the code or the passphrase is typed.</translation>
    </message>
    <message>
        <location filename="../../ui/start_lock.py" line="38"/>
        <source>Le mode formation est demandé&#xa0;: il ne sera mis en route qu&apos;une fois le code ou la phrase secrète tapé.</source>
        <translation>Training mode was asked for: it will only be turned on once the code or the passphrase is typed.</translation>
    </message>
    <message>
        <location filename="../../ui/start_lock.py" line="42"/>
        <source>Les réglages du site de ce poste sont à refaire&#xa0;: ils s&apos;ouvriront une fois le code ou la phrase secrète tapé.</source>
        <translation>This workstation&apos;s site settings need to be set again: they will open once the code or the passphrase is typed.</translation>
    </message>
    <message>
        <location filename="../../ui/start_lock.py" line="60"/>
        <source>Quitter</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>TrainingWords</name>
    <message>
        <location filename="../../ui/worklist.py" line="100"/>
        <source>Dossier préparé en mode formation&#xa0;: patient fictif, pour la plateforme d&apos;essai.</source>
        <translation>Case prepared in training mode: fictitious patient, for the test platform.</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="104"/>
        <source>Dossier préparé en mode formation, pour la plateforme réelle (vrai expert, acte facturable)&#xa0;: vérifiez qu&apos;il s&apos;agit bien d&apos;un vrai patient.</source>
        <translation>Case prepared in training mode, for the real platform (a real expert, a billable act): check that it is a real patient.</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="109"/>
        <source>Dossier de formation&#xa0;: patient fictif, réponse simulée.</source>
        <translation>Training case: fictitious patient, simulated answer.</translation>
    </message>
</context>
<context>
    <name>ViewChecklist</name>
    <message>
        <location filename="../../ui/capture_checklist.py" line="44"/>
        <source> (facultatif)</source>
        <translation> (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/capture_checklist.py" line="44"/>
        <source> (conseillé)</source>
        <translation> (advised)</translation>
    </message>
</context>
<context>
    <name>WindowClaim</name>
    <message>
        <location filename="../../ui/single_instance.py" line="278"/>
        <source>Teleavis est déjà ouvert sur ce poste. Sa fenêtre est peut-être cachée derrière une autre, ou attend encore votre mot de passe&#xa0;: retrouvez-la dans la barre des tâches.</source>
        <extracomment>A name the window may have written: ``teleavis-`` and 32 hexadecimal digits, in a folder or not. The longest path a local socket may have (``sun_path`` holds 108 bytes on Linux, 104 on macOS).</extracomment>
        <translation>Teleavis is already open on this computer. Its window may be hidden behind another one, or still waiting for your passphrase: find it in the taskbar.</translation>
    </message>
</context>
<context>
    <name>Worklist</name>
    <message>
        <location filename="../../ui/worklist.py" line="505"/>
        <source>Nouveau dossier</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="506"/>
        <source>Créer un dossier (Ctrl+N)</source>
        <translation>Create a case (Ctrl+N)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/worklist.py" line="712"/>
        <source>Mode formation&#xa0;: seuls les dossiers de formation sont affichés. %n dossier(s) réel(s) masqué(s) pendant la formation&#xa0;: ils reviennent, et ceux en attente partent, quand vous la quittez.</source>
        <translation>
            <numerusform>Training mode: only the training cases are shown. %n real case is hidden during training: it comes back, and leaves if it is waiting, when you leave training mode.</numerusform>
            <numerusform>Training mode: only the training cases are shown. %n real cases are hidden during training: they come back, and those waiting leave, when you leave training mode.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/worklist.py" line="702"/>
        <source>Recherche dans tous les dossiers, quel que soit le filtre&#xa0;: %n dossier(s) trouvé(s).</source>
        <translation>
            <numerusform>Searching every case, whatever the filter: %n case found.</numerusform>
            <numerusform>Searching every case, whatever the filter: %n cases found.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="491"/>
        <source>Nom, INS, votre n° de dossier ou code Teleavis</source>
        <extracomment>The person asked to delete this case (a draft never sent; the window checks and asks first).</extracomment>
        <translation>Name, INS, your file number or Teleavis code</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="494"/>
        <source>Trouve un patient par son nom, son INS (avec ou sans espaces), le n° de dossier que votre structure lui donne (avec ou sans tiret&#xa0;: D-2291, D2291 ou 2291), ou un dossier par son code Teleavis, celui qui suit «&#xa0;dossier&#xa0;» en haut du dossier ouvert.</source>
        <translation>Finds a patient by name, by INS (with or without spaces), by the file number your organisation gives them (with or without its dash: D-2291, D2291 or 2291), or a case by its Teleavis code, the one after “case” at the top of the open case.</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="499"/>
        <source>Rechercher un dossier</source>
        <translation>Search for a case</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="522"/>
        <source>Liste des dossiers</source>
        <translation>List of cases</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="706"/>
        <source>Aucun dossier ne correspond à «&#xa0;{search}&#xa0;», dans aucun filtre. Vérifiez l&apos;orthographe, ou cherchez par INS, par votre n° de dossier ou par le code Teleavis du dossier.</source>
        <translation>No case matches “{search}”, in any filter. Check the spelling, or search by INS, by your file number or by the case&apos;s Teleavis code.</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="720"/>
        <source>Aucun dossier pour l&apos;instant. Créez le premier avec «&#xa0;Nouveau dossier&#xa0;» (Ctrl+N).</source>
        <translation>No cases yet. Create the first one with “New case” (Ctrl+N).</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="724"/>
        <source>Aucun dossier dans «&#xa0;{filter}&#xa0;». Les autres sont sous «&#xa0;Tous&#xa0;»&#x202f;; un nouveau dossier se crée avec «&#xa0;Nouveau dossier&#xa0;» (Ctrl+N).</source>
        <translation>No case in “{filter}”. The others are under “All”; a new case is created with “New case” (Ctrl+N).</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="741"/>
        <source>À terminer</source>
        <translation>To finish</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="742"/>
        <source>En attente</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="743"/>
        <source>Réponses</source>
        <translation>Answered</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="744"/>
        <source>À traiter</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="745"/>
        <source>Tous</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="751"/>
        <source>Tous les dossiers</source>
        <translation>All cases</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="804"/>
        <source>{name} — dossier {id} — {state}</source>
        <translation>{name} — case {id} — {state}</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="805"/>
        <source>(patient sans nom)</source>
        <translation>(patient without a name)</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="841"/>
        <source>&amp;Ouvrir</source>
        <translation>&amp;Open</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="843"/>
        <source>&amp;Supprimer le brouillon…</source>
        <translation>&amp;Delete draft…</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="847"/>
        <source>Seul un brouillon jamais envoyé se supprime.</source>
        <translation>Only a draft never sent can be deleted.</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <location filename="../../ui/worklist.py" line="223"/>
        <source>(patient sans nom)</source>
        <extracomment>Training mode on: the training cases only (found from outside: a trainee at a real cart saw every real patient&apos;s case, and found any with a search). ``Worklist.refresh`` sets it. Cases waiting because the platform answered it cannot record them yet (409/412), not a cut. Whether the words kept were made with the data key (names) or before it (initials): kept either way, since the view asks each cell&apos;s words several times before the first window shows (~10 ms for a page of rows), and made again once the key is there, however it came. The platform cannot be reached: a case to send is said waiting, not « envoi en cours ».</extracomment>
        <translation>(patient without a name)</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="276"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="277"/>
        <source>Spécialité</source>
        <translation>Specialty</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="278"/>
        <source>Priorité</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="279"/>
        <source>État</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="280"/>
        <source>Dernier changement</source>
        <translation>Last change</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="281"/>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="316"/>
        <source>Réponse de l&apos;expert promise pour le {when}</source>
        <translation>Expert&apos;s answer promised by {when}</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="319"/>
        <source>La plateforme ne peut pas enregistrer ce dossier pour l&apos;instant&#xa0;: il n&apos;est pas parti. Ouvrez-le pour voir pourquoi.</source>
        <translation>The platform cannot record this case for now: it has not left. Open it to see why.</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="342"/>
        <source>réponse retirée par l&apos;expert</source>
        <translation>answer withdrawn by the expert</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="344"/>
        <source>réponse modifiée par l&apos;expert</source>
        <translation>answer amended by the expert</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="346"/>
        <source>réponse provisoire</source>
        <translation>provisional answer</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="348"/>
        <source>{state} — refusé pour l&apos;instant par la plateforme</source>
        <translation>{state} — refused by the platform for now</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="353"/>
        <source>[Formation]</source>
        <translation>[Training]</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="356"/>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="356"/>
        <source>Normale</source>
        <translation>Routine</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="357"/>
        <source>{state} — à lire</source>
        <translation>{state} — not read yet</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="359"/>
        <source>{state} — en retard</source>
        <translation>{state} — overdue</translation>
    </message>
    <message>
        <location filename="../../ui/worklist.py" line="325"/>
        <source>Dossier {id}</source>
        <translation>Case {id}</translation>
    </message>
</context>
</TS>
