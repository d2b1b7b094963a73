"""The lock files: production's requirements.txt carries nothing the tests or the checks need, and
every pin in both files is exact and hashed, so `pip install --require-hashes` accepts them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"

# Installed for the tests, the benchmarks or the checks only; none of them belongs on a server.
TEST_ONLY = {
    "pytest",
    "pytest-django",
    "playwright",
    "hypothesis",
    "schemathesis",
    "factory-boy",
    "faker",
    "pypdf",
    "mypy",
    "ruff",
    "django-stubs",
    "pip-tools",
}

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)$")


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: FactoryBoy, factory_boy and factory.boy are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path: Path) -> list[list[str]]:
    """The requirement lines of a pip-compile output, each as its tokens (continuations joined,
    comments dropped)."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (line.split("#", 1)[0].split() for line in text.splitlines())
    return [tokens for tokens in lines if tokens]


def pins(path: Path) -> dict[str, str]:
    """Name (normalised) → pinned version, for every requirement line in `path`."""
    found = {}
    for tokens in requirements(path):
        match = PIN.match(tokens[0])
        assert match, f"{path.name}: not an exact pin: {' '.join(tokens)}"
        found[normalise(match["name"])] = match["version"]
    return found


@pytest.mark.parametrize("path", [RUNTIME, DEV], ids=lambda path: path.name)
def test_every_pin_is_exact_and_hashed(path):
    entries = requirements(path)
    assert entries, f"{path.name} lists nothing"
    for tokens in entries:
        assert PIN.match(tokens[0]), f"{path.name}: not an exact pin: {tokens[0]}"
        hashes = [token for token in tokens[1:] if token.startswith("--hash=sha256:")]
        assert hashes, f"{path.name}: {tokens[0]} has no hash"
        assert len(hashes) == len(tokens) - 1, f"{path.name}: {tokens[0]} carries more than hashes"


def test_production_carries_nothing_test_only():
    found = sorted(TEST_ONLY & pins(RUNTIME).keys())
    assert not found, f"requirements.txt installs test-only packages: {found}; they belong in requirements-dev.in"


def test_development_runs_what_production_runs():
    runtime, dev = pins(RUNTIME), pins(DEV)
    assert {name: dev.get(name) for name in runtime} == runtime
    assert {"pytest", "playwright", "mypy", "ruff", "django-stubs"} <= dev.keys()
