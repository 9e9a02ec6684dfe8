# The two commands a newcomer needs: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install messages node-tools pdf-deps migrate content admin lint format check api-contract bench bench-registrations lighthouse clean

# Links in e-mails and calendar files point at the address served here, unless PORTAL_BASE_URL
# says otherwise (an IPv6 host goes in brackets).
RUN_BASE_URL = $(or $(PORTAL_BASE_URL),http://$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT))

# The development server, and beside it the task worker that sends e-mails (printed in
# this terminal) and imports long spreadsheets; the worker stops with the server.
# TASKS_BACKEND=immediate does that work in the request instead, without a worker.
run: install messages migrate content admin
	@export PORTAL_BASE_URL='$(RUN_BASE_URL)'; \
	if [ "$${TASKS_BACKEND:-database}" = database ]; then \
	  $(BIN)/python manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite in as many processes as the machine has cores (pytest-xdist), each test file whole in
# one process, so that a file's shared set-up (a server, a browser) is made once.
TEST_WORKERS ?= auto
test: install messages node-tools pdf-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# Pango (for WeasyPrint), the Noto fonts and Droid Sans Fallback (Chinese), for the case studies'
# PDF briefs. Best effort: where they cannot be installed (no root, no apt-get), the brief's tests
# skip and say what is missing.
pdf-deps:
	-@ldconfig -p | grep -q libpangoft2-1.0 || scripts/ensure-debian-packages libpangoft2-1.0-0
	-@fc-list "Noto Sans Arabic" family | grep -q . || scripts/ensure-debian-packages fonts-noto-core
	-@fc-list "Droid Sans Fallback" family | grep -q . || scripts/ensure-debian-packages fonts-droid-fallback
	-@fc-list "Noto Sans CJK SC" family | grep -q . || scripts/ensure-debian-packages fonts-noto-cjk

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The interface in the six languages: each locale/<language>/LC_MESSAGES/django.po compiled into
# the .mo file Django reads (not kept in git: made again whenever a catalogue changes). msgfmt
# comes with Debian's gettext package. locale/README.md says how the catalogues are kept.
MO_STAMP := locale/.compiled
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)

messages: $(MO_STAMP)

$(MO_STAMP): $(STAMP) $(PO_FILES)
	@scripts/ensure-debian-packages msgfmt:gettext
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
	touch $(MO_STAMP)

# axe-core, vnu-jar and Lighthouse for the quality checks (package-lock.json pins them). Without
# npm, or when its registry cannot be reached, the accessibility and HTML checks skip and say why.
node-tools: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@scripts/node-tools

migrate: install
	$(BIN)/python manage.py migrate --noinput

content: install
	$(BIN)/python manage.py load_portal_content

admin: install
	$(BIN)/python manage.py ensure_local_admin --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks, not part of `make test`. The benchmark database is its own (default SQLite in
# var/bench.sqlite3), its case studies made by devtools' `manage.py generate_volume`; for the
# production-like figures use PostgreSQL and 100,000 case studies:
#   make bench BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/sscportal_bench BENCH_CASES=100000
# BENCH_REDIS_URL: the page cache in Redis, as in production (default: each worker's memory).
BENCH_CASES ?= 1000
export BENCH_DATABASE_URL BENCH_CASES BENCH_REDIS_URL

# The read API held to its OpenAPI schema by Schemathesis, against a live server (CI runs it).
api-contract: install messages
	scripts/api-contract

bench: install
	scripts/ensure-debian-packages wrk
	$(BIN)/python scripts/bench.py --cases $(BENCH_CASES)

# Many people registering for one event at once over HTTP: exactly min(places, clients) must be
# confirmed. Its own PostgreSQL database unless BENCH_DATABASE_URL says otherwise (default
# postgres://root@127.0.0.1:5432/sscportal_bench_reg, created if missing).
BENCH_CLIENTS ?= 500
BENCH_PLACES ?= 100

bench-registrations: install
	$(BIN)/python scripts/bench_registrations.py --clients $(BENCH_CLIENTS) --places $(BENCH_PLACES)

lighthouse: install node-tools
	scripts/ensure-debian-packages chromium
	fc-list :lang=zh | grep -q . || scripts/ensure-debian-packages fonts-noto-cjk
	$(BIN)/python scripts/lighthouse.py --cases $(BENCH_CASES)

clean:
	rm -rf $(VENV) var node_modules
