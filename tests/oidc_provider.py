"""A real OpenID Connect provider for the login tests: tests/oidc/provider.js under node.

The provider is node's oidc-provider package, pinned in package.json and installed by `make test`
(its node_modules rule runs `npm ci`). It listens on 127.0.0.1 on a free port, is started by the
tests that need it and stopped after them. When node or the package is missing, the tests fail
and say how to install them, rather than being skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc" / "provider.js"
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
START_TIMEOUT = 20  # seconds for node to load the package and listen

# The provider's test people (tests/oidc/provider.js): their password, and their claims.
PASSWORD = "stadens-losenord"
ACCOUNTS = {
    "anna": {"email": "anna.handlaggare@stad.example", "employee_id": "E1001", "groups": ["remiss-soc-handlaggare"]},
    "rita": {
        "email": "rita.registrator@stad.example",
        "employee_id": "E2002",
        "groups": ["remiss-registratorer", "alla-anstallda"],
    },
    "okand": {"email": "okand.person@stad.example", "employee_id": "E9999", "groups": ["alla-anstallda"]},
    "pia": {"email": "pia.politiker@stad.example", "employee_id": "E3003", "groups": ["alla-anstallda"]},
}


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is missing: the login tests run a real OpenID Connect provider (tests/oidc/provider.js). "
            "Run `make test` (it installs Debian's npm, which brings node, and runs npm ci) or "
            "`apt-get install npm && npm ci`.",
            pytrace=False,
        )
    if not PACKAGE.exists():
        pytest.fail(
            f"{PACKAGE.parent.relative_to(ROOT)} is missing: the login tests need the oidc-provider npm package "
            f"pinned in package.json. Run `make test` (its node_modules rule runs npm ci) or `npm ci` in {ROOT}.",
            pytrace=False,
        )
    return node


class Provider:
    def __init__(self, issuer: str):
        self.issuer = issuer

    def expire_codes(self) -> None:
        """Back-date every authorization code the provider has issued."""
        request = urllib.request.Request(f"{self.issuer}/_test/expire-codes", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def hold_callbacks(self, on: bool) -> None:
        """While on, the provider shows the way back to remiss (its redirect to the callback, with the
        code and state) as a link, "Fortsätt till remiss", instead of redirecting."""
        request = urllib.request.Request(f"{self.issuer}/_test/hold-callbacks?on={int(on)}", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def sessions(self) -> list[str]:
        """The accounts the provider holds a login session for (one entry per session)."""
        with urllib.request.urlopen(f"{self.issuer}/_test/sessions", timeout=10) as response:
            return json.loads(response.read())["sessions"]


@contextmanager
def running_provider(*, client_id: str, client_secret: str, base_url: str) -> Iterator[Provider]:
    """The provider, with one client whose addresses are on `base_url` (the live server)."""
    env = {
        **os.environ,
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_REDIRECT_URI": f"{base_url}/oidc/callback/",
        "OIDC_POST_LOGOUT_REDIRECT_URI": f"{base_url}/konto/utloggad/",
    }
    node = require_node()
    # Its warnings go to a file, not a pipe nobody reads (which could fill up and stop it).
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            yield Provider(_issuer(process, errors))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()


def _issuer(process: subprocess.Popen, errors: IO[str]) -> str:
    """The first line the provider prints, {"issuer": ...}, read with a time limit."""
    stdout = process.stdout
    assert stdout is not None
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not line or not line[0].strip():
        process.kill()
        errors.seek(0)
        pytest.fail(f"tests/oidc/provider.js did not start:\n{errors.read()}", pytrace=False)
    return json.loads(line[0])["issuer"]
