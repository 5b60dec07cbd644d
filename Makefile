# supportgraph: `make run` serves the product, `make test` runs the tests. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
# The package's subpackages and top-level modules (bytecode at install, mypy).
PACKAGES := api bench commerce encryption evals graph guardrails knowledge nlu prompts tools
MODULES := services server settings cli chat
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

.PHONY: help install build web web-test browser promtool screenshots run dev test test-fast lint typecheck eval redteam bench bench-speed bench-nlu lock clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q uv==0.13.8
	@# Bytecode is compiled once here: a start that compiles its imports from source (as it
	@# does where PYTHONDONTWRITEBYTECODE is set) takes twice as long.
	$(UV) pip sync -q --compile-bytecode --python $(PY) $(WHEELS) requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	$(PY) -m compileall -q -j 0 $(addsuffix .py,$(MODULES)) __init__.py $(PACKAGES) > /dev/null
	touch $(STAMP)

install: $(STAMP) ## install the locked dependencies into .venv

build: install ## seed the store, train the intent model, index the knowledge base
	$(VENV)/bin/supportgraph build

# The web screens (web/dist) are rebuilt when any of their sources is newer than the build.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) $(wildcard web/*.html web/*.ts web/*.json web/*.cjs)
NODE_OK = node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'

web/node_modules/.package-lock.json: web/package-lock.json
	@command -v node >/dev/null && $(NODE_OK) || { echo "The web screens need Node.js 20.19 or newer with npm: install it from https://nodejs.org or your system's packages (Debian: apt-get install nodejs npm)."; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build
	touch $@

web: web/dist/index.html ## build the widget, the agent console and the admin screens

web-test: web/node_modules/.package-lock.json ## the screens' unit tests (Vitest)
	cd web && npx vitest run

# The browser tests run in Debian's Chromium (Playwright drives it; no browser download).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } || \
	  { echo "The browser tests need Chromium at $(CHROMIUM): apt-get install chromium (or set CHROMIUM=...)."; exit 1; }

# The alert rules are unit-tested with promtool, from Debian's prometheus package when it installs.
promtool:
	@command -v promtool >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1; } || \
	  echo "promtool is not installed (apt-get install prometheus): the alert-rule tests will skip."

screenshots: install web browser ## retake the README's screenshots (docs/screenshots) with the browser tests
	SUPPORTGRAPH_BROWSER_TESTS=required SUPPORTGRAPH_SCREENSHOTS=$(CURDIR)/docs/screenshots CHROMIUM=$(CHROMIUM) \
	  $(PY) -m pytest tests/e2e/test_browser.py

run: build web ## serve on http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(VENV)/bin/supportgraph serve

dev: install ## serve the graph in LangGraph Studio (langgraph dev)
	LANGGRAPH_CLI_NO_ANALYTICS=1 $(VENV)/bin/langgraph dev --no-browser --port 2024

test: install web web-test browser promtool ## run the test suite: Python, the screens' units, the browser journeys
	SUPPORTGRAPH_BROWSER_TESTS=required CHROMIUM=$(CHROMIUM) $(PY) -m pytest

lint: install ## ruff
	$(VENV)/bin/ruff check .

typecheck: install ## mypy on the package code
	@# mypy needs the package under its own name: a link named supportgraph to this folder.
	mkdir -p build/typecheck && ln -sfn $(CURDIR) build/typecheck/supportgraph
	cd build/typecheck && $(CURDIR)/$(VENV)/bin/mypy --config-file $(CURDIR)/pyproject.toml \
	  $(foreach p,$(PACKAGES),-p supportgraph.$(p)) \
	  $(foreach m,$(MODULES),-m supportgraph.$(m))

bench: bench-speed bench-nlu ## speed and accuracy benchmarks, printed as tables

bench-speed: build ## turn latency beside a bare ReAct agent, and cold start (~5 min)
	$(VENV)/bin/python -P -m supportgraph.bench

bench-nlu: install ## intents, entities and sentiment on public sets (~15 min)
	$(VENV)/bin/python -P -m supportgraph.nlu.bench

eval: install ## every eval suite, offline unless LANGSMITH_API_KEY is set; SUITE=fast for CI's
	$(VENV)/bin/python -P -m supportgraph.evals --suite $(or $(SUITE),all) $(EVAL_ARGS)

redteam: install ## garak red team against a served agent, anonymous and signed in (~20 min; not in test)
	bash evals/redteam/run.sh

lock: ## re-resolve requirements.lock from pyproject.toml
	$(UV) pip compile -q pyproject.toml --extra dev $(WHEELS) --python-version 3.11 -o requirements.lock

clean: ## remove the data directory (store, memory, index, models)
	rm -rf .data
