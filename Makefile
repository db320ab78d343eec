# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WANT := $(shell cat .python-version 2>/dev/null || echo 3.12)

WEB_WORKERS ?= 2
WEB_THREADS ?= 4

.PHONY: run serve test venv migrate lint bench clean

# Pick the Python that .python-version names, else any Python 3.12+ on the PATH.
define find_python
for c in python$(WANT) python3.14 python3.13 python3.12 python3; do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    echo $$c; exit 0; fi; \
done; exit 1
endef

$(VENV)/.installed: pyproject.toml
	@py=$$($(find_python)) || { echo "Unfragile needs Python 3.12 or newer (.python-version asks for $(WANT)); none was found on the PATH." >&2; exit 1; }; \
	 if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$py"; $$py -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_catalog --if-empty
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production mode: DEBUG off, static files collected and served compressed by whitenoise.
# Needs SECRET_KEY (and usually DATABASE_URL, CACHE_URL, ALLOWED_HOSTS) in the environment.
serve: export DEBUG = 0
serve: venv
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalog --if-empty
	$(VENV)/bin/gunicorn unfragile.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) \
		--threads $(WEB_THREADS) --access-logfile - --forwarded-allow-ips '*'

test: venv
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .

# Every bench script in turn (figures in bench/RESULTS.md). Each builds and drops its own
# databases: SQLite in a temporary directory, and PostgreSQL on the server DATABASE_URL names
# (the local one unless set); load.py also needs Redis on 127.0.0.1:6379 and wrk.
bench: venv
	@set -e; export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}; \
	for script in load_catalog recompute versus search load; do \
	  echo "== bench/$$script.py"; $(PY) bench/$$script.py; echo; \
	done

clean:
	rm -rf $(VENV) staticfiles
