<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own words its French catalogue (qtbase_fr) lacks in the dialogs Teleavis opens: in this Qt
     release these source texts of its file dialog gained a shortcut and lost their translation, and the
     file dialog's « Type » column (QAbstractFileIconProvider, new) has none. One word it has is not the
     one a French keyboard and our own words use: the Return key, « Retour » there, « Entrée » here (the
     menu said « Ctrl+Retour » beside tooltips saying « Ctrl+Entrée »). Written by hand (no lupdate),
     compiled by packaging/build_translations.py. -->
<TS version="2.1" language="fr_FR">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Voir dans :</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Fichiers de &amp;type :</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Drive</source>
        <translation>Lecteur</translation>
    </message>
    <message>
        <source>File Folder</source>
        <comment>Match Windows Explorer</comment>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <comment>Mac OS X Finder</comment>
        <translation>Raccourci</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Inconnu</translation>
    </message>
</context>
<context>
    <name>QShortcut</name>
    <message>
        <source>Return</source>
        <translation>Entrée</translation>
    </message>
</context>
</TS>
