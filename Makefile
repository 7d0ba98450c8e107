# confapp: `make run` serves the demo, `make test` runs the test suite (see README).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 5000
# Debug mode for the local quick start only: it allows running without SECRET_KEY.
LOCAL := FLASK_DEBUG=1

.PHONY: install run demo test clean

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
