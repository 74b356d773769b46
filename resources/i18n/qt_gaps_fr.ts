<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own words its French catalogue (qtbase_fr) lacks in the dialogs Teleavis opens: in this Qt
     release these source texts of its file dialog gained a shortcut and lost their translation. Written
     by hand (no lupdate), compiled by packaging/build_translations.py. -->
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
</TS>
