"""The answer's file names: "<city> <reference> remissvar", as ministries ask it to be named.

Its own module because both the .docx (remiss.memo.docx) and the answer package
(remiss.memo.package, which builds the .docx) name their files with it.
"""

from __future__ import annotations

import re

SUFFIX = "remissvar"

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def package_name(city: str, reference: str) -> str:
    """'Stockholms stad SOU 2022:67 remissvar', as ministries ask the answer to be named."""
    return " ".join(f"{city} {reference} {SUFFIX}".split())


def safe_filename(name: str) -> str:
    """`name` usable as a file name on any system: forbidden characters become "-"."""
    cleaned = _WINDOWS_FORBIDDEN.sub("-", name)
    cleaned = " ".join(cleaned.split()).strip(" .")
    return cleaned or "remissvar"


def file_stem(city: str, reference: str) -> str:
    """'Stockholms stad SOU 2022-67 remissvar': the files' names without their extension."""
    return safe_filename(package_name(city, reference))
