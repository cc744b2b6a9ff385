# Allianse: `make run` starts the product with demo data; `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)

.PHONY: run test install install-test system-deps bench lint migrations-check translations clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

system-deps:
	scripts/system_deps.sh

run: install system-deps
	mkdir -p var
	scripts/translations.sh compile
	DEBUG=1 $(PY) -m allianse migrate --noinput -v0
	DEBUG=1 SITE_URL=http://127.0.0.1:$${PORT:-8000} $(PY) -m allianse demo
	DEBUG=1 $(PY) -m allianse runserver 127.0.0.1:$${PORT:-8000}

test: install-test system-deps
	scripts/test.sh

bench: install-test
	$(PY) -m bench

lint: install-test
	$(VENV)/bin/ruff check .

migrations-check: install
	DEBUG=1 $(PY) -m allianse makemigrations --check --dry-run

translations: install
	scripts/translations.sh update

clean:
	rm -rf var/static .pytest_cache
