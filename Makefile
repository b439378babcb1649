# Set-up and everyday commands. `make run` and `make test` each do the whole set-up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO := demo-library
STAMP := $(VENV)/.installed

.PHONY: run test demo system-deps screenshots translations clean

run: $(DEMO)/.analysed
	QAWS_DB=$(DEMO)/library.sqlite3 $(VENV)/bin/qaws

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

system-deps:
	./scripts/system-deps.sh

$(STAMP): pyproject.toml scripts/system-deps.sh
	./scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# The demo library: the bundled sample calls, imported with their metadata and analysed once.
$(DEMO)/.analysed: $(STAMP) $(wildcard resources/demo/*) $(wildcard rubrics/*.yaml)
	mkdir -p $(DEMO)
	QAWS_DB=$(DEMO)/library.sqlite3 $(VENV)/bin/qaws analyze resources/demo
	touch $@

demo: $(DEMO)/.analysed

screenshots: $(DEMO)/.analysed
	xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) scripts/screenshot.py --db $(DEMO)/library.sqlite3 --out docs

clean:
	rm -rf $(VENV) $(DEMO)

# After changing UI strings or the core's _() messages: refresh both catalogues, translate new entries (Qt
# Linguist for the .ts, any PO editor for the .po), compile. The compiled .qm and .mo are committed.
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate qaworkstation/ui/*.py -no-obsolete -ts resources/i18n/qaws_zh_CN.ts
	$(VENV)/bin/pyside6-lrelease resources/i18n/qaws_zh_CN.ts -qm resources/i18n/qaws_zh_CN.qm
	$(VENV)/bin/pybabel -q extract --no-location --sort-output --add-comments=TRANSLATORS: \
		--project="QA Workstation" -o resources/i18n/qaws.pot qaworkstation/core
	$(VENV)/bin/pybabel -q update --no-fuzzy-matching --ignore-obsolete \
		-i resources/i18n/qaws.pot -d resources/i18n -D qaws -l zh_CN
	$(VENV)/bin/pybabel -q compile -d resources/i18n -D qaws -l zh_CN
