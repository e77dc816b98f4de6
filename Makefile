# Refund Desk. `make run` sets up and starts the assistant; `make test` sets up and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
BIN         := $(VENV)/bin
INSTALLED   := $(VENV)/.installed
MODEL       := models/refund-desk.tar.gz
TRAIN_INPUT := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null | sort)

# Settings: the environment wins over .env, which wins over these defaults.
-include .env
export
ACTION_PORT       ?= 5055
RASA_PORT         ?= 5005
WEB_PORT          ?= 8080
ACTION_SERVER_URL ?= http://127.0.0.1:$(ACTION_PORT)/webhook
export ACTION_SERVER_URL
# Rasa's telemetry and crash reports would send data to outside services: off unless asked for.
RASA_TELEMETRY_ENABLED ?= false
export RASA_TELEMETRY_ENABLED

.PHONY: help install train run shell test bench cluster validate clean

help:
	@echo "make run    set up (first time), train when data changed, start the assistant"
	@echo "make shell  chat in the terminal (rasa shell with the action server)"
	@echo "make test   set up and run every test (validation, unit, dialogue, NLU, end-to-end)"
	@echo "make bench  Refund Desk vs the stock rasa init bot, side by side (about 15 minutes)"
	@echo "make cluster  2 Rasa + 2 action servers, nginx, Redis, PostgreSQL on this machine"

$(INSTALLED): pyproject.toml scripts/install_embeddings.py
	@py="$$(PYTHON='$(PYTHON)' scripts/find-python.sh)" || exit 1; \
	 if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	   echo "creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV) || exit 1; \
	 fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python scripts/install_embeddings.py
	@touch $@

install: $(INSTALLED)

$(MODEL): $(TRAIN_INPUT) | $(INSTALLED)
	$(BIN)/rasa train --config config.yml --domain domain.yml --data data --out models \
	    --fixed-model-name refund-desk
	@touch $@

train: $(MODEL)

validate: $(INSTALLED)
	$(BIN)/rasa data validate --fail-on-warnings --config config.yml --domain domain.yml --data data

run: $(MODEL)
	@scripts/run.sh

shell: $(MODEL)
	@scripts/run.sh shell

test: $(INSTALLED)
	@scripts/test.sh

bench: $(MODEL)
	PYTHONPATH=$(CURDIR) $(BIN)/python scripts/bench.py

cluster: $(MODEL)
	@scripts/install-test-deps.sh --cluster-only
	@scripts/cluster.sh

clean:
	rm -rf models results .pytest_cache
