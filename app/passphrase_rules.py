"""How strong a new passphrase must be, and a sentence that helps when it is not.

The passphrase is what stands between a stolen disk (or backup) and the patients' records: scrypt
makes each guess cost, but a guessable phrase is found in the first thousand tries whatever the
cost. The rule is a small estimate in the spirit of zxcvbn, without its 800 kB of word lists:
repeated characters, keyboard rows, counting sequences and the commonest passwords count for
almost nothing; what is left must be at least 12 characters worth about 50 bits.
"""

from __future__ import annotations

import math

from app import messages as M
from app.folding import fold as _fold

MIN_LENGTH = 12
MIN_BITS = 50.0

M.add(
    {
        "passphrase.too_short": {
            "fr": "Phrase secrète trop courte ({length} caractères) : il en faut au moins {minimum}. Quatre mots "
            "sans lien entre eux font une bonne phrase, facile à retenir (par exemple « {example} »).",
            "en": "Passphrase too short ({length} characters): at least {minimum} are needed. Four unrelated "
            'words make a good one that is easy to remember (for example "{example}").',
        },
        "passphrase.guessable": {
            "fr": "Phrase secrète trop facile à deviner (répétitions, suites comme « 1234 » ou « azerty », mots "
            "de passe courants). Prenez quatre mots sans lien entre eux, les vôtres : sur le modèle de "
            "« {example} », mais pas ceux-là (un exemple publié est refusé).",
            "en": 'Passphrase too easy to guess (repeats, runs such as "1234" or "qwerty", common passwords). '
            'Take four unrelated words of your own: like "{example}", but not those (a published example is '
            "refused).",
        },
    }
)

# Illustrations only: a user who copies one gets a guessable phrase, so they are refused too.
_EXAMPLE = {"fr": "lampe girafe orage biscuit", "en": "lamp giraffe storm biscuit"}

# Rows of the keyboards our users have, and counting: a run along one of them is one guess.
_RUNS = (
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
)
# The commonest passwords and the words everyone tries first (French and English).
_COMMON = (
    "motdepasse",
    "password",
    "passw0rd",
    "secret",
    "teleavis",
    "bonjour",
    "soleil",
    "doudou",
    "loulou",
    "marseille",
    "chouchou",
    "coucou",
    "jetaime",
    "iloveyou",
    "admin",
    "welcome",
    "bienvenue",
    "letmein",
    "dragon",
    "monkey",
    "football",
    "master",
    "sunshine",
    "princess",
    "qwerty",
    "azerty",
    "hopital",
    "cabinet",
    "infirmier",
    "infirmiere",
    "medecin",
    "docteur",
    "patient",
    "sante",
    "lampe girafe orage biscuit",
    "lamp giraffe storm biscuit",
)


def _effective(text: str) -> list[str]:
    """The phrase as the guesses an attacker would make: a common word, a keyboard run or a
    repeated unit is one symbol, whatever its length."""
    folded = _fold(text)
    for word in sorted(_COMMON, key=len, reverse=True):
        folded = folded.replace(word, "\x00")
    symbols: list[str] = []
    i = 0
    while i < len(folded):
        # A unit of 1-4 characters repeated (aaaa, abab, 123123) counts once.
        for unit in (1, 2, 3, 4):
            piece = folded[i : i + unit]
            repeats = 1
            while folded[i + repeats * unit : i + (repeats + 1) * unit] == piece and len(piece) == unit:
                repeats += 1
            if repeats >= 2 and repeats * unit >= 3:
                symbols.append(piece)
                i += repeats * unit
                break
        else:
            run = 1
            for row in _RUNS:
                for seq in (row, row[::-1]):
                    at = seq.find(folded[i : i + 3]) if len(folded) - i >= 3 else -1
                    if at >= 0:
                        length = 3
                        while i + length < len(folded) and seq[at : at + length + 1] == folded[i : i + length + 1]:
                            length += 1
                        run = max(run, length)
            symbols.append(folded[i : i + run])
            i += run
    return symbols


def _bits(text: str, symbols: list[str]) -> float:
    pool = 0
    if any(c.islower() for c in text):
        pool += 26
    if any(c.isupper() for c in text):
        pool += 26
    if any(c.isdigit() for c in text):
        pool += 10
    if any(not c.isalnum() for c in text):
        pool += 33
    distinct = len(set(symbols))
    # Each symbol is one pick from the pool; few distinct symbols mean the pool is much smaller.
    return len(symbols) * math.log2(max(2, min(pool, distinct * 4)))


def weakness(secret: str) -> str | None:
    """``None`` when ``secret`` is strong enough for a new passphrase, else the sentence saying why
    and what to do (in the user's language)."""
    from app import i18n

    example = _EXAMPLE["en" if i18n.language() == "en" else "fr"]
    length = len(secret)
    if length < MIN_LENGTH:
        return M.tr("passphrase.too_short", length=length, minimum=MIN_LENGTH, example=example)
    symbols = _effective(secret)
    if len(symbols) < 8 or _bits(secret, symbols) < MIN_BITS:
        return M.tr("passphrase.guessable", example=example)
    return None
