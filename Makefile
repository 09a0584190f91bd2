# One task runner for people and CI. `make run` and `make test` do all the set-up.
UV      := .tools/bin/uv
EARNEST := .venv/bin/earnest
PY      := .venv/bin/python

.PHONY: run test install services lint web web-check model bench clean

run: install            ## Run everything on the embedded default: replay, pipeline, API on :8000
	$(EARNEST) up

test: install services web/node_modules  ## The whole suite, embedded and PostgreSQL + RabbitMQ
	EARNEST_TEST_BACKENDS=embedded,services $(PY) -m pytest

web/node_modules: web/package-lock.json  # browser tests drive Chromium with playwright-core
	cd web && npm ci --no-audit --no-fund
	touch web/node_modules

install: $(UV)          ## Create .venv from the lock file
	$(UV) sync --frozen --quiet

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

services:               ## Start PostgreSQL and RabbitMQ if they are installed but down
	scripts/ensure-services

lint: install
	.venv/bin/ruff check src tests bench
	.venv/bin/mypy

web: web/node_modules   ## Rebuild the dashboard bundle shipped in the package
	cd web && npm test && npm run build

web-check: web          ## Fail if the shipped dashboard bundle is not what the source builds
	git diff --exit-code --stat -- src/earnest/web/dist

model: install          ## Rebuild the packaged model from the shared dataset
	scripts/rebuild-model

bench: install          ## End-to-end backfill benchmark on the embedded default
	$(PY) bench/bench_embedded.py --posts 100000

clean:
	rm -rf .venv .tools earnest-data
