# supportgraph: `make run` serves the product, `make test` runs the tests. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
PORT ?= 8000
# The repo root is the `supportgraph` package; keep the working directory off sys.path so its
# `guardrails/` folder never shadows the guardrails-ai library.
export PYTHONSAFEPATH := 1
export HF_HUB_OFFLINE := 1
# torch must be the CPU build: from the local wheel folder when there is one, else from
# PyTorch's CPU index.
ifneq ($(strip $(PIP_FIND_LINKS)),)
WHEELS := --find-links $(PIP_FIND_LINKS)
else
WHEELS := --extra-index-url https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match
endif

.PHONY: help install build run dev test test-fast lint typecheck eval bench bench-nlu lock clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q uv==0.13.8
	$(UV) pip sync -q --python $(PY) $(WHEELS) requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## install the locked dependencies into .venv

build: install ## seed the store, train the intent model, index the knowledge base
	$(VENV)/bin/supportgraph build

run: build ## serve on http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(VENV)/bin/supportgraph serve

dev: install ## serve the graph in LangGraph Studio (langgraph dev)
	LANGGRAPH_CLI_NO_ANALYTICS=1 $(VENV)/bin/langgraph dev --no-browser --port 2024

test: install ## run the test suite
	$(PY) -m pytest

lint: install ## ruff
	$(VENV)/bin/ruff check .

typecheck: install ## mypy on the package code
	@# mypy needs the package under its own name: a link named supportgraph to this folder.
	mkdir -p build/typecheck && ln -sfn $(CURDIR) build/typecheck/supportgraph
	cd build/typecheck && $(CURDIR)/$(VENV)/bin/mypy --config-file $(CURDIR)/pyproject.toml \
	  $(foreach p,api commerce evals graph guardrails knowledge nlu prompts tools,-p supportgraph.$(p)) \
	  $(foreach m,services server settings cli chat,-m supportgraph.$(m))

bench: bench-nlu ## speed and accuracy benchmarks, printed as tables

bench-nlu: install ## intents, entities and sentiment on public sets (~15 min)
	$(VENV)/bin/python -P -m supportgraph.nlu.bench

eval: install ## every eval suite, offline unless LANGSMITH_API_KEY is set; SUITE=fast for CI's
	$(VENV)/bin/python -P -m supportgraph.evals --suite $(or $(SUITE),all) $(EVAL_ARGS)

lock: ## re-resolve requirements.lock from pyproject.toml
	$(UV) pip compile -q pyproject.toml --extra dev $(WHEELS) --python-version 3.11 -o requirements.lock

clean: ## remove the data directory (store, memory, index, models)
	rm -rf .data
