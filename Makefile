# jam3ia: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export JAM3IA_INSTANCE_PATH ?= $(CURDIR)/instance
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run serve test lint install install-test assets translations screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the dependencies change; the stamps remember what was installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

app/static/vendor/socket.io.min.js: node_modules/.package-lock.json
	mkdir -p app/static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js app/static/vendor/

# The design system (docs/ui.md): Bootstrap (LTR and RTL builds), its icons, the IBM Plex Sans
# Arabic face (Arabic and Latin subsets, regular and bold) and Leaflet, copied from node_modules.
VENDOR_UI := app/static/vendor/.ui-stamp
FONT_DIR := node_modules/@fontsource/ibm-plex-sans-arabic
$(VENDOR_UI): node_modules/.package-lock.json Makefile
	mkdir -p app/static/vendor/bootstrap app/static/vendor/icons/fonts app/static/vendor/fonts/files app/static/vendor/leaflet/images
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.rtl.min.css \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js app/static/vendor/bootstrap/
	sed -i '/sourceMappingURL/d' app/static/vendor/bootstrap/*.css app/static/vendor/bootstrap/*.js
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css app/static/vendor/icons/
	cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff app/static/vendor/icons/fonts/
	cat $(FONT_DIR)/400.css $(FONT_DIR)/700.css > app/static/vendor/fonts/plex-arabic.css
	cp $(FONT_DIR)/files/ibm-plex-sans-arabic-*-[47]00-normal.woff* app/static/vendor/fonts/files/
	cp node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/leaflet.js app/static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png app/static/vendor/leaflet/images/
	@touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d app/translations >/dev/null

assets: app/static/vendor/socket.io.min.js $(VENDOR_UI) translations

install: $(VENV)/.installed assets

install-test: $(VENV)/.installed-test assets

run: install
	$(BIN)/jam3ia db upgrade
	$(BIN)/jam3ia seed-demo --once
	$(BIN)/jam3ia run --host 127.0.0.1 --port 5000

serve: install
	$(BIN)/jam3ia db upgrade
	$(BIN)/jam3ia serve --workers $${WORKERS:-2} --port $${PORT:-8000}

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole suite on SQLite, then again on PostgreSQL (skipped when it is unreachable,
# failed instead when JAM3IA_REQUIRE_SERVICES=1). The scale tests (marker "services") start
# their own workers on PostgreSQL and Redis whatever the pass: they run in the first only.
test: install-test lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -n 2 -m "not e2e and not services" $(PYTEST_ARGS)

# The README's pictures: the demo's main pages in Arabic and French, on a phone and a desktop.
screenshots: install-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) node_modules app/static/vendor instance
