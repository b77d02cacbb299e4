# Two commands set everything up: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

# axe-core for the accessibility test (tests/e2e/test_accessibility.py): one pinned version from the npm registry,
# checked against its SHA-256; never a CDN. Not committed (tests/e2e/vendor/ is ignored).
AXE_VERSION := 4.14.1
AXE_SHA256 := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE_JS := tests/e2e/vendor/axe-$(AXE_VERSION).min.js

.PHONY: run serve venue test e2e lint bench install install-test translations system-fonts check-content clean help axe axe-if-npm

help:
	@echo "make run    - install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - install test extras and run the whole suite (one worker per core)"
	@echo "make e2e    - browser tests only (Debian chromium)"
	@echo "make lint   - ruff"
	@echo "make serve  - production server (gunicorn, gunicorn.conf.py); needs SECRET_KEY"
	@echo "make venue  - a workshop's own server on this laptop: make venue VENUE_PACKAGE=file [LAN=1] (README)"
	@echo "make bench  - benchmarks (gunicorn + wrk + Chromium, SQLite and PostgreSQL, < 10 min); table in bench/RESULTS.md"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed translations system-fonts
install-test: $(VENV)/.installed-test translations system-fonts

# Debian packages the Python packages cannot bring: Noto Naskh Arabic for Arabic certificates (fonts-noto-core) and
# poppler-utils (pdftotext, pdftoppm) for the certificate tests. Installed with apt-get where missing and possible;
# otherwise a message says what to install (the site runs without them: Arabic certificates then use DejaVu Sans).
ARABIC_FONT := /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf
system-fonts:
	@missing=""; [ -f $(ARABIC_FONT) ] || missing="fonts-noto-core"; \
	  command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "== installing Debian $$missing"; export DEBIAN_FRONTEND=noninteractive; \
	      { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; } || \
	        echo "could not install $$missing: Arabic certificates need fonts-noto-core (sudo apt-get install $$missing)"; \
	    else echo "missing Debian packages: $$missing (Arabic certificates need fonts-noto-core). Run: sudo apt-get install $$missing"; fi; \
	  fi

# Compile the Flask-Babel catalogues (.po -> .mo); the .mo files are build output, not committed.
translations: $(BIN)/python
	@for po in training/translations/*/LC_MESSAGES/messages.po; do \
	  [ -f "$$po" ] || continue; \
	  $(BIN)/python -c "import sys; from babel.messages.pofile import read_po; from babel.messages.mofile import write_mo; \
	    cat = read_po(open(sys.argv[1], 'rb')); write_mo(open(sys.argv[2], 'wb'), cat)" "$$po" "$${po%.po}.mo"; \
	done

# Local development: debug mode (so a development secret key is allowed); Secure cookies are off on http.
run: install
	$(FLASK) --debug db upgrade
	$(FLASK) --debug demo load
	@$(FLASK) --debug demo accounts
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --debug --no-debugger --host 127.0.0.1 --port $(PORT)

serve: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py app:app

# A venue laptop (README, "Workshops without internet"): its own secret key and SQLite database in instance/,
# started from a session package the first time; 127.0.0.1 unless LAN=1 (or VENUE_HOST=0.0.0.0); gunicorn, no debug.
venue: install
	$(BIN)/python -m training.venue.serve $(if $(VENUE_PACKAGE),--package "$(VENUE_PACKAGE)") \
	  $(if $(filter 1 yes true,$(LAN)),--lan) --port $(or $(VENUE_PORT),8000)

# The suite runs in one test worker per CPU core (pytest-xdist); each worker has its own database
# (tests/helpers/app.py). PYTEST_WORKERS=0 runs it in one process, e.g. to debug with pdb.
PYTEST_WORKERS ?= auto
PYTEST_XDIST := -n $(PYTEST_WORKERS) --dist worksteal

test: install-test axe-if-npm
	$(BIN)/python -m pytest $(PYTEST_XDIST)

e2e: install-test axe-if-npm
	$(BIN)/python -m pytest $(PYTEST_XDIST) -m e2e

# `make test` works on a machine with only Python and make: without npm the accessibility test is skipped
# (never in CI: .ci/run installs npm and runs `make axe` first).
axe-if-npm:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory axe; \
	  else echo "npm not found: the accessibility test will be skipped (apt-get install npm, then make axe)"; fi

axe: $(AXE_JS)
$(AXE_JS):
	@mkdir -p tests/e2e/vendor
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	  tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js && \
	  echo "$(AXE_SHA256)  package/axe.min.js" | sha256sum -c --quiet - && \
	  cp package/axe.min.js $(CURDIR)/$@.tmp && rm -rf $$tmp
	@mv $@.tmp $@

lint: install-test
	$(BIN)/ruff check .

check-content: install
	$(FLASK) content check

# Refresh the message catalogues after changing user-facing strings.
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o training/translations/messages.pot --omit-header --no-location --sort-output .
	$(BIN)/pybabel update -i training/translations/messages.pot -d training/translations --no-fuzzy-matching --ignore-obsolete
	@for po in training/translations/*/LC_MESSAGES/messages.po; do \
	  lang=$$(basename $$(dirname $$(dirname $$po))); \
	  $(BIN)/python scripts/fill_po.py $$po $$(ls training/translations/pending/*.$$lang.json 2>/dev/null) || exit 1; \
	done

clean:
	rm -rf $(VENV) instance/*.sqlite* .pytest_cache

# Benchmarks: page weight in Debian's Chromium, throughput under gunicorn with wrk, scale figures (bench/README.md).
# Installs Debian's wrk and chromium when missing, as .ci/run does for chromium. BENCH_ARGS: e.g. --skip-pg.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || { echo "== installing Debian wrk"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@[ -x /usr/bin/chromium ] || { echo "== installing Debian chromium"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)
