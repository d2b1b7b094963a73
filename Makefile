# remiss: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite,
# `make check` runs the linters, the type check and the migrations check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Debian packages the app and its tests need: fonts for the PDF (nothing is downloaded at run
# time), poppler-utils to look at PDF pages, chromium for the browser tests. The memo's fonts
# (remiss/glyphs.py, memo.css): DejaVu for the text; Noto Serif Hebrew from fonts-noto-core for
# Yiddish; Symbola for emoji, arrows and check marks; Droid Sans Fallback for fullwidth forms;
# fontconfig's fc-list to find them.
DEB_RUN := fonts-dejavu-core fonts-dejavu-extra fonts-noto-core fonts-symbola fonts-droid-fallback fontconfig
DEB_TEST := $(DEB_RUN) poppler-utils chromium
# The browser tests' node packages, pinned in package.json/package-lock.json and installed into
# node_modules by npm (Debian's `npm`, added only when no npm is on the PATH): axe-core for the
# accessibility checks, and oidc-provider, the OpenID Connect provider the login tests run against.
# npm writes node_modules/.package-lock.json on every install, so a lock file that changed (a new
# package) installs again.
NODE_PACKAGES := node_modules/.package-lock.json
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The server for `make test-postgres`: the OS's initdb/pg_ctl, installed by the script when missing.
DEB_PG := postgresql

.PHONY: run test check install install-dev pins system-deps system-deps-test migrate demo clean

# Two hashed lock files (see the header of requirements.in): requirements.txt is what production
# runs, and all that `make run` installs; requirements-dev.txt adds the tests, the benchmarks and
# the checks, for `make test`, `make check` and CI.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.txt
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install-dev: $(VENV)/.installed-dev

# Regenerates both lock files from the .in files, keeping every version they already pin unless an
# .in file asks for another; requirements.txt first, since requirements-dev.in is constrained by it.
# The index options pip is configured with stay out of the files.
PIN_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
pins: install-dev
	$(VENV)/bin/pip-compile $(PIN_FLAGS) --output-file requirements.txt requirements.in
	$(VENV)/bin/pip-compile $(PIN_FLAGS) --output-file requirements-dev.txt requirements-dev.in

# Installs only what is missing, so a ready machine needs no network here.
system-deps:
	@missing=$$(for p in $(DEB_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

system-deps-test:
	@missing=$$(for p in $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py loaddemo
	$(PY) manage.py loadmeetings

# runserver and one task worker beside it (scripts/run-dev.sh); the worker compiles memos and is
# replaced after every 20 tasks, and stops when runserver stops.
run: system-deps demo
	PY=$(PY) bash scripts/run-dev.sh

$(NODE_PACKAGES): $(wildcard package-lock.json) | system-deps-test
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

test: system-deps-test install-dev $(NODE_PACKAGES)
	$(PY) -m pytest -q

# Lint, formatting, types and migrations, in that order; separate from `make test`, and run by CI
# before the tests. mypy checks the files pyproject.toml's [tool.mypy] names: the whole package.
check: install-dev
	$(PY) -m ruff check remiss tests bench scripts
	$(PY) -m ruff format --check remiss tests bench scripts manage.py
	$(PY) -m mypy
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite again, on a throwaway PostgreSQL that scripts/with-postgres.sh starts on a free
# port in a temp dir and removes afterwards.
.PHONY: test-postgres
test-postgres: system-deps-test install-dev $(NODE_PACKAGES)
	PG_DEB_PACKAGES="$(DEB_PG)" bash scripts/with-postgres.sh $(PY) -m pytest -q

# Benchmarks (never in CI): the memo and the web under load. They print their figures and write
# bench/RESULTS.md; bench/web.py needs wrk, and starts its own PostgreSQL like test-postgres.
# bench/memo.py counts pages with pypdf, hence requirements-dev.txt.
DEB_BENCH := wrk
.PHONY: bench bench-deps
bench-deps:
	@missing=$$(for p in $(DEB_BENCH); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

bench: system-deps bench-deps install-dev
	$(PY) bench/memo.py
	$(PY) bench/import_organisation.py
	PG_DEB_PACKAGES="$(DEB_PG)" $(PY) bench/web.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
