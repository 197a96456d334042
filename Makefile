# LabJobs: `make run` serves the demo site, `make test` runs the whole suite.
# Both work on a fresh machine: they create .venv, install the pinned requirements and,
# unless DATABASE_URL is set, start the project's own embedded PostgreSQL under .data/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint format db-start db-stop migrate seed clean-db chromium bench fuzz loadtest faultrun mailoutage backup restore bench-data
BENCH_LISTINGS ?= 100000

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "LabJobs needs Python 3.11 or newer (set PYTHON=python3.11).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

db-start: $(VENV)/.installed
	$(BIN)/python manage.py devdb start

db-stop: $(VENV)/.installed
	$(BIN)/python manage.py devdb stop

migrate: db-start
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# The site and one queue worker (mail, scheduled work) together; Ctrl-C stops both.
run: seed
	@echo "LabJobs on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(BIN)/python manage.py procrastinate worker --name make-run & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: db-start chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests (apt-get install chromium)..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Search benchmark on a database of its own (labjobs_bench): make bench BENCH_LISTINGS=1000000
bench: $(VENV)/.installed
	DATABASE_NAME=labjobs_bench $(BIN)/python manage.py devdb start
	DATABASE_NAME=labjobs_bench $(BIN)/python manage.py seed_bench --listings $(BENCH_LISTINGS)
	# Persistent connections, as README's production example has them.
	DATABASE_NAME=labjobs_bench CONN_MAX_AGE=60 $(BIN)/python manage.py bench_search

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit -q -c pyproject.toml -r accounts labjobs listings bench --severity-level high
	$(BIN)/pip-audit --progress-spinner off -r requirements.txt -r requirements-dev.txt

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Stops the embedded server and deletes its data (the demo data comes back with make run).
clean-db: $(VENV)/.installed
	-$(BIN)/python manage.py devdb stop
	rm -rf .data/postgres

# Hypothesis-driven requests to every URL as every role: 10,000 inputs, no server error.
fuzz: db-start
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-10000} $(BIN)/python -m pytest -q -s -p no:randomly tests/system/test_fuzz.py

# Backups: database (pg_dump custom format) and uploaded files, into backups/<time>/.
backup: db-start
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR))

# Restore into a new, empty database and MEDIA_ROOT: make restore BACKUP_DIR=backups/<time>
# DATABASE_NAME=labjobs_restored MEDIA_ROOT=/srv/labjobs/media-restored
restore: $(VENV)/.installed
	@test -n "$(BACKUP_DIR)" || { echo "Usage: make restore BACKUP_DIR=backups/<time>"; exit 2; }
	$(BIN)/python manage.py restore --input $(BACKUP_DIR)

bench-data: $(VENV)/.installed
	DATABASE_NAME=labjobs_bench $(BIN)/python manage.py devdb start
	DATABASE_NAME=labjobs_bench $(BIN)/python manage.py migrate --noinput -v0
	@DATABASE_NAME=labjobs_bench $(BIN)/python manage.py shell --no-imports -c \
	  "from listings.models import Listing; import sys; sys.exit(Listing.objects.public().count() < 1000)" \
	  || DATABASE_NAME=labjobs_bench $(BIN)/python manage.py seed_bench --listings $(BENCH_LISTINGS)

# Tools of the load and fault runs (Locust), apart from the application's requirements.
$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	@touch $@

# The mixed-user load (bench/locustfile.py) on loopback: gunicorn (2 workers, production
# settings) on the 100k benchmark data, 8 Locust users, 30 s.
loadtest: bench-data $(VENV)/.bench-installed
	DATABASE_NAME=labjobs_bench $(BIN)/python bench/loadtest.py

# The same load for 90 s with the mail server down for the first 60 s, a queue worker
# running: every email delivered once it is back?
mailoutage: bench-data $(VENV)/.bench-installed
	DATABASE_NAME=labjobs_bench $(BIN)/python bench/mail_outage.py

# The same load for 40 s, with PostgreSQL stopped for 5 s a third of the way in.
faultrun: bench-data $(VENV)/.bench-installed
	DATABASE_NAME=labjobs_bench $(BIN)/python bench/faultrun.py
