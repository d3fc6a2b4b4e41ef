"""Words in the reader's language, from gettext catalogs.

English is the source language (msgids are the English text); ``svcctl/locale/zh`` holds the
Chinese catalog. Chinese is the office's language: what a member of staff reads is Chinese
unless ``--lang en``, ``SVCCTL_LANG=en`` or ``language: en`` in svcctl.yaml says otherwise.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from importlib import resources

from ..core.model import DEFAULT_LANGUAGE as DEFAULT
from ..core.model import LANGUAGES


@lru_cache(maxsize=None)
def translator(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    folder = resources.files("svcctl").joinpath("locale")
    return gettext.translation("svcctl", localedir=str(folder), languages=[lang], fallback=True)


def words(lang: str):
    """The ``_`` of a language: ``_('Due')`` is '到期' in Chinese, 'Due' in English."""
    return translator(lang).gettext
