# The two commands of the README: `make run` (portal with demo data) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test setup demo lint format messages vendor worker beat clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

setup: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py load_conferences
	$(PY) manage.py seed_demo --scale 1 --seed 1
	$(PY) manage.py load_selection_rules
	$(PY) manage.py seed_products --seed 1

# Serves the portal; without REDIS_URL a Celery worker with embedded beat runs beside it on the
# filesystem broker under var/celery, and stops with it.
run: setup
	@if [ -z "$$REDIS_URL" ]; then \
	  $(VENV)/bin/celery -A khuyencong worker -B -Q celery,pdf --pool solo --loglevel INFO \
	    --schedule var/celery/beat-schedule & WORKER=$$!; \
	  trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST); \
	else \
	  echo "REDIS_URL is set: start 'make worker' and 'make beat' in two other terminals."; \
	  $(PY) manage.py runserver $(HOST); \
	fi

worker: $(VENV)/.run-deps
	$(VENV)/bin/celery -A khuyencong worker --loglevel INFO -Q celery,pdf

beat: $(VENV)/.run-deps
	$(VENV)/bin/celery -A khuyencong beat --loglevel INFO --schedule var/celery/beat-schedule

# axe-core (package.json devDependencies) for the accessibility tests: installed when npm is there.
test: $(VENV)/.dev-deps
	@if [ ! -d node_modules/axe-core ] && command -v npm >/dev/null; then npm ci --no-audit --no-fund; fi
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev-deps
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(VENV)/.dev-deps
	$(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

# Refresh the vendored front-end files from the npm registry (package.json pins them).
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

clean:
	rm -rf var
