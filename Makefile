# confapp: `make run` serves the demo, `make test` runs the test suite (see README).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 5000
# Exported, so BASE_URL (links, QR codes, e-mails) follows the port unless BASE_URL is set.
export PORT
# Debug mode for the local quick start only: it allows running without SECRET_KEY.
LOCAL := FLASK_DEBUG=1

.PHONY: install run demo test clean translations

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

demo: install
	$(LOCAL) $(BIN)/flask --app wsgi db upgrade
	$(LOCAL) $(BIN)/flask --app wsgi demo

run: demo
	$(LOCAL) $(BIN)/flask --app wsgi run --port $(PORT)

test: install
	$(BIN)/python -m pytest -n 2 -q

clean:
	rm -rf $(VENV) instance .pytest_cache

# German is the source language; English lives in confapp/translations/en. After changing texts:
# `make translations`, translate the new entries in messages.po, then `make translations` again.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o confapp/translations/messages.pot --no-location --omit-header --no-wrap .
	test -f confapp/translations/en/LC_MESSAGES/messages.po || \
	  $(BIN)/pybabel init -i confapp/translations/messages.pot -d confapp/translations -l en
	$(BIN)/pybabel update -i confapp/translations/messages.pot -d confapp/translations -l en --no-fuzzy-matching --no-wrap
	$(BIN)/pybabel compile -d confapp/translations
