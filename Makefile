# Covenant: the two commands are `make demo` and `make test`.
# Needs only Python 3.11+ and make; everything else comes from uv.lock.

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck pytest messages install clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed

## Set up, seed the demo sector and serve it on http://127.0.0.1:8000
demo: $(VENV)/.installed
	$(VENV)/bin/covenant demo

## Set up and run the whole suite: lint, types, unit, integration, browser
test: $(VENV)/.installed lint typecheck pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check covenant tests benchmarks
	$(VENV)/bin/ruff format --check covenant tests benchmarks

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy covenant

pytest: $(VENV)/.installed
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

## Refresh every translation catalogue after changing strings (needs GNU gettext); see docs/translations.md
# Dutch covers the grievance handlers' pages too; the other languages the pages of suppliers and
# audit firms (the grievance intake has its own catalogues under covenant/grievances/locale).
LOCALES := nl es fr pt tr id vi zh_Hans km bn hi
messages: $(VENV)/.installed
	cd covenant && ../$(VENV)/bin/django-admin makemessages -l nl --no-obsolete --settings=covenant.settings --pythonpath=..
	cd covenant && ../$(VENV)/bin/django-admin makemessages $(foreach l,$(filter-out nl,$(LOCALES)),-l $(l)) --no-obsolete --ignore 'grievances/*' --settings=covenant.settings --pythonpath=..
	cd covenant && ../$(VENV)/bin/django-admin compilemessages $(foreach l,$(LOCALES),-l $(l)) --settings=covenant.settings --pythonpath=..

clean:
	rm -rf $(VENV) $(TOOLS) var
