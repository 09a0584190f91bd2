# One task runner for people and CI. `make run` and `make test` do all the set-up.
UV      := .tools/bin/uv
EARNEST := .venv/bin/earnest
PY      := .venv/bin/python

.PHONY: run test install services browser node lint docs web web-check model sample bench clean \
        notebook strip-notebooks

run: install            ## Run everything on the embedded default: replay, pipeline, API on :8000
	$(EARNEST) up

# The checks that can stop the run come first, so a missing piece is named at once.
test: node browser install services web/node_modules  ## The whole suite, embedded and PostgreSQL + RabbitMQ
	EARNEST_TEST_BACKENDS=embedded,services $(PY) -m pytest

node:                   ## Fail at once, naming it, if Node.js or npm is missing
	@command -v node >/dev/null || { echo "error: node is missing: install Node.js 20.19+ with npm (https://nodejs.org/)" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "error: npm is missing: install Node.js 20.19+ with npm (https://nodejs.org/)" >&2; exit 1; }

browser:                ## Chromium for the dashboard tests: installed with apt-get as root, else named
	scripts/ensure-chromium

web/node_modules: web/package-lock.json | node  # browser tests drive Chromium with playwright-core
	cd web && npm ci --no-audit --no-fund
	touch web/node_modules

install: $(UV)          ## Create .venv from the lock file
	$(UV) sync --frozen --quiet --compile-bytecode  # every process imports faster, even with PYTHONDONTWRITEBYTECODE

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

services:               ## Start PostgreSQL and RabbitMQ if they are installed but down
	scripts/ensure-services

lint: install           ## ruff (stale noqa comments included) and mypy
	.venv/bin/ruff check src tests bench scripts
	.venv/bin/mypy

docs: install           ## Regenerate the README's settings table and command reference
	$(PY) scripts/docs.py

web: web/node_modules   ## Rebuild the dashboard bundle shipped in the package
	cd web && npm test && npm run build

web-check: web          ## Fail if the shipped dashboard bundle is not what the source builds
	git diff --exit-code --stat -- src/earnest/web/dist

model: install          ## Rebuild the packaged model from the shared dataset
	scripts/rebuild-model

sample: install         ## Rebuild the packaged sample of posts from the shared dataset
	$(PY) scripts/build-sample

notebook: install       ## Open notebooks/ in JupyterLab, on the store EARNEST_* names
	$(UV) run --frozen --with jupyterlab==4.6.6 jupyter lab notebooks/

strip-notebooks: install  ## Remove the notebooks' outputs before a commit (a test checks it)
	$(PY) scripts/strip_notebooks.py

bench: install          ## End-to-end backfill benchmark on the embedded default
	$(PY) bench/bench_embedded.py --posts 100000

clean:
	rm -rf .venv .tools earnest-data
