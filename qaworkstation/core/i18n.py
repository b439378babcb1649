"""The core's own message catalogue: what the core says to a person, in the person's language.

The window's widgets are translated by Qt's catalogue, but refusals, sync failures and the coaching pack are
worded here, below Qt, and reach the same person (and the command line, which has no Qt). They are marked with
:func:`_` and looked up in ``resources/i18n/<language>/LC_MESSAGES/qaws.mo``, compiled by Babel from the
``.po`` beside it (``make translations``) and shipped compiled, so nothing is built at run time.

English is the source language and the default until a front end calls :func:`use_language`: the window with
the system locale at start-up, the command line with ``LC_ALL``/``LC_MESSAGES``/``LANG``. Machine identifiers,
log lines and exception class names stay English.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "qaws"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
_ENVIRONMENT = ("LC_ALL", "LC_MESSAGES", "LANG")

_catalogue: gettext.NullTranslations = gettext.NullTranslations()


def use_language(code: str | None) -> bool:
    """Speak ``code`` (``zh_CN``, ``zh_CN.UTF-8``, ``zh``; None, ``C`` or ``en_US`` mean English) from now on.

    Returns whether a catalogue was found; without one the source strings (English) are used, as the window
    leaves Qt's strings in English when it has no UI translation, so the two never mix."""
    global _catalogue
    languages = [_zh_cn_for_plain_zh(code)] if code else []
    _catalogue = gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True) if languages \
        else gettext.NullTranslations()
    return isinstance(_catalogue, gettext.GNUTranslations)


def language_from_environment() -> str | None:
    """The language the POSIX environment asks for, as the command line honours it (first set variable of
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), or None."""
    for variable in _ENVIRONMENT:
        if os.environ.get(variable):
            return os.environ[variable]
    return None


def _(message: str) -> str:
    """``message`` (an English sentence, placeholders in braces) in the chosen language."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count`` in the chosen language (Chinese has one form)."""
    return _catalogue.ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Mark a message kept in a module-level table for extraction; it is translated with :func:`_` when used,
    after the language has been chosen."""
    return message


def _zh_cn_for_plain_zh(code: str) -> str:
    """``zh`` alone means Simplified Chinese here: the only Chinese catalogue, and what mainland desks set."""
    return "zh_CN" if code.split(".")[0] in ("zh", "zh_Hans", "zh_Hans_CN") else code
