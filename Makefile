# The README's two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: install run serve deploy-check backup restore test lint format bench messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Embedded default: SQLite file, Celery tasks in-process, e-mail on the console.
run: export DEBUG ?= true
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_par_data
	$(BIN)/python manage.py load_demo
	@echo "PAR Portal: http://$(HOST)/  (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST)

test: export DEBUG ?= true
test: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

# Before any production start: collect the static files (with DEBUG off nothing renders without
# them) and run Django's deployment checks; any warning fails. Needs the production environment.
CHECK_FAIL_LEVEL ?= WARNING
deploy-check: $(STAMP)
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py check --deploy --fail-level $(CHECK_FAIL_LEVEL)

# Production-like: web, worker and beat from the Procfile (needs the variables of README
# "Production"). The web process listens on BIND_HOST:PORT (default 127.0.0.1:8000).
# Static files are collected first; the deployment check's warnings are shown (a plain-HTTP
# trial with SECURE_COOKIES=false has some), only errors stop the start.
serve: $(STAMP)
	$(MAKE) deploy-check CHECK_FAIL_LEVEL=ERROR
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start --port $${PORT:-8000}

# Backup of the database of DATABASE_URL (pg_dump, or the SQLite file) and MEDIA_ROOT into
# backups/<date-time>/; restore one into a fresh, empty database and verify it (SECURITY.md).
backup: $(STAMP)
	$(BIN)/python manage.py backup --to $(or $(BACKUP_DIR),backups)

restore: $(STAMP)
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/<folder> (DATABASE_URL: a fresh database)"; exit 2)
	$(BIN)/python manage.py restore $(BACKUP)

# Speed is measured here, never asserted in tests.
# Pages under load: gunicorn on PostgreSQL (a scratch database par_bench unless BENCH_DATABASE_URL),
# the demo plus generate_load_data; writes BENCHMARKS.md (tests/bench/pages.py).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/par_bench
bench: $(STAMP)
	$(BIN)/python tests/bench/bench.py
	psql "$(BENCH_DATABASE_URL:/par_bench=/postgres)" -qc "CREATE DATABASE par_bench" 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/12} \
	  CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/13} $(BIN)/python tests/bench/pages.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild the Vietnamese catalogue (needs gettext); the compiled .mo is committed.
messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv
	DEBUG=true $(BIN)/python manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-output
