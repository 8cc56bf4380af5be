# The two commands a newcomer needs: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= How fast must we acknowledge a customer complaint?

.PHONY: install demo test lint unit chat serve i18n

$(BIN)/cxbot: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(BIN)/cxbot

install: $(BIN)/cxbot
	@./deploy/get-dictionary

demo: install
	$(BIN)/cxbot ingest
	$(BIN)/cxbot chat "$(QUESTION)"

lint: install
	$(BIN)/ruff check bot tests bench fuzz testkit
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: lint unit

chat: install
	$(BIN)/cxbot chat

serve: install
	$(BIN)/cxbot serve

# Extract the bot's marked strings and merge them into bot/i18n/locale/*/cxbot.po (docs/i18n.md)
i18n: install
	$(BIN)/python -m bot.i18n update
