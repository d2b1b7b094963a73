# remiss: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Debian packages the app and its tests need: fonts for the PDF (nothing is downloaded at run
# time), poppler-utils to look at PDF pages, chromium for the browser tests.
DEB_RUN := fonts-dejavu-core fonts-dejavu-extra
DEB_TEST := $(DEB_RUN) poppler-utils chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install system-deps system-deps-test migrate demo clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Installs only what is missing, so a ready machine needs no network here.
system-deps:
	@missing=$$(for p in $(DEB_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

system-deps-test:
	@missing=$$(for p in $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py loaddemo

run: system-deps demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: system-deps-test install
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
