# GridWatch: `make run` (set up and open the app on the demo community)
# and `make test` (set up and run every test). Both work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO   := data/demo/gridwatch.gpkg
# The store `make run` opens: STORE=... if given, else $GRIDWATCH_STORE, else
# the bundled demo in demo mode (--demo: demo accounts without a password, on
# this machine only). `python -m geo serve` runs the app with the serving
# settings: bound to $GRIDWATCH_ADDRESS (127.0.0.1 by default), Streamlit's
# error details off, uploads up to $GRIDWATCH_MAX_FILE_MB.
STORE  ?=
PORT   ?= 8501

.PHONY: install system-deps run test demo bench clean

install: $(VENV)/.installed assets

# Python packages, pinned; re-run only when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# System packages (Chromium, CJK fonts, poppler): installed when root, else a hint.
system-deps:
	bash scripts/install-system-deps.sh

# Map assets, for the map offline: Leaflet + plugins from npm (pinned in
# package-lock.json) and folium's heat plugin, copied to static/vendor/
# (gitignored) that the app serves itself (see scripts/vendor_assets.sh).
.PHONY: assets
assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json scripts/vendor_assets.sh | $(VENV)/.installed
	sh scripts/vendor_assets.sh $(PY)
	touch $@

$(DEMO): | $(VENV)/.installed
	$(PY) -m geo demo --out $(dir $(DEMO))

demo: $(DEMO)

run: install system-deps $(DEMO)
	$(PY) -m geo serve --port $(PORT)$(if $(strip $(STORE)), --store $(STORE),$(if $(strip $(GRIDWATCH_STORE)),, --demo))

# Two workers (the machine has two cores); tests of one file share a worker,
# so each browser test module starts its app server once.
PYTEST_WORKERS ?= 2
# With a test database (GRIDWATCH_TEST_DATABASE_URL; always in CI) the store tests run on
# PostGIS too, and the browser tests run once more with the app serving its store from it.
test: install system-deps
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile
	$(if $(or $(GRIDWATCH_TEST_DATABASE_URL),$(filter true,$(CI))),$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile -m browser --store-backend postgis)

bench: install
	$(PY) benchmarks/join.py

clean:
	rm -rf $(VENV) data/demo .pytest_cache test-artifacts
