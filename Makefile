# Allianse: `make run` starts the product with demo data; `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)

.PHONY: run test install install-test lock hooks system-deps bench bench-scale loadtest lint migrations-check translations clean

# One environment for running, the demo and the tests: every dependency at the version and hashes
# of requirements.lock, then the project itself (its dependencies are already there).
$(VENV)/.installed: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

# The same environment: the lock holds the test tools too, so `pytest` runs after either.
install-test: install

# After a change of pyproject.toml: the whole tree with every extra, with hashes, for Python 3.11
# on Linux x86_64. Versions that pyproject.toml does not pin stay as locked unless UPGRADE=1.
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
		$(if $(UPGRADE),--upgrade) -q -o requirements.lock

hooks: install
	$(VENV)/bin/pre-commit install

system-deps:
	scripts/system_deps.sh

run: install system-deps
	mkdir -p var
	scripts/translations.sh compile
	DEBUG=1 $(PY) -m allianse migrate --noinput -v0
	DEBUG=1 SITE_URL=http://127.0.0.1:$${PORT:-8000} $(PY) -m allianse demo
	DEBUG=1 scripts/run.sh

test: install system-deps
	scripts/test.sh

bench: install
	$(PY) -m bench

# The product at a health trust's size on PostgreSQL (bench/scale.py): sizes S and L side by side.
bench-scale: install
	mkdir -p var
	$(PY) -m bench scale --size S --json var/bench-scale-S.json
	$(PY) -m bench scale --size L --json var/bench-scale-L.json
	$(PY) -m bench scale --compare var/bench-scale-S.json var/bench-scale-L.json

# Concurrent patients' check submissions against gunicorn (deploy/gunicorn.conf.py), then the same
# with the server killed mid-load; on SQLite and on a throwaway PostgreSQL (loadtest/).
loadtest: install
	$(PY) -m loadtest.run
	$(PY) -m loadtest.fault

lint: install
	scripts/test.sh lint

migrations-check: install
	DEBUG=1 $(PY) -m allianse makemigrations --check --dry-run

translations: install
	scripts/translations.sh update

clean:
	rm -rf var/static .pytest_cache .mypy_cache .import_linter_cache
