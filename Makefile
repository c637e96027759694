# The two commands of the README: `make dev` (run the portal locally) and `make test`.
# Both install everything they need from the project's own files, into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: dev test install lock sizes perf web browser lint typecheck audit synth deploy-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Exactly the locked versions (hash-checked, no resolver: --no-deps), then the project itself.
# requirements/runtime.txt is the same lock the Lambda layers are built from (infra/bundling.py);
# requirements/dev.txt adds the local target, CDK and test tools, constrained to it.
LOCKS := requirements/runtime.txt requirements/dev.txt
$(VENV)/.installed: $(LOCKS) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps $(addprefix -r ,$(LOCKS))
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	$(BIN)/portal embedder export --model sentence-transformers/all-MiniLM-L6-v2  # MiniLM as ONNX in .local/ (once; tests and PORTAL_LOCAL_EMBEDDING_MODEL use it)
	touch $@

install: $(VENV)/.installed

# Re-resolve after changing pyproject.toml's dependencies (or to take newer releases).
# runtime: universal (Lambda's Python 3.14 on arm64 and this machine's 3.11 on x86_64 alike);
# infra (the deploy job) and dev: this machine kind only (x86_64, 3.11; dev's CPU build of torch
# lies in /opt/wheels).
lock: install
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --generate-hashes \
		--custom-compile-command "make lock" -o requirements/runtime.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --extra infra -c requirements/runtime.txt \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 \
		--generate-hashes --custom-compile-command "make lock" -o requirements/infra.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --extra dev -c requirements/runtime.txt \
		-c requirements/infra.txt --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
		--find-links /opt/wheels --generate-hashes --custom-compile-command "make lock" -o requirements/dev.txt

# The README's bundle size table, from the built layers (tests/infra/test_sizes.py checks it).
sizes: install
	$(BIN)/python -m infra.sizes --write README.md

# The README's performance table, from the bench commands run on this machine (minutes).
perf: install
	$(BIN)/portal bench report --write README.md

web/node_modules/.package-lock.json: web/package-lock.json
	npm --prefix web ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(shell find web/src web/index.html -type f 2>/dev/null)
	npm --prefix web run build

web: web/dist/index.html

# The e2e tests drive Debian's Chromium (no browser download); without it they skip and say so.
# fonts-nanum: without a Korean font the screenshots show boxes for Hangul (tests/e2e/test_fonts.py).
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=ko 2>/dev/null | grep -q .; } || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; } || \
		echo "chromium or fonts-nanum unavailable: tests/e2e will be skipped or fail on the font check"

dev: install web
	$(BIN)/portal dev --port $${PORT:-8000}

# Lint and types first: they take seconds and fail fast. Then pytest in two steps: every test but
# the IAM contract on all cores (pytest-xdist; one database per worker, the CDK suites together on
# one worker, tests/conftest.py), then the contract alone over the AWS calls the workers wrote to
# TEST_RUN_DIR, against the app they synthesized there (tests/deploy/shared_calls.py).
TEST_WORKERS ?= auto
TEST_RUN_DIR := $(CURDIR)/.local/test-run
test: install web browser
	$(BIN)/ruff check layers functions infra tests
	$(BIN)/ruff format --check layers functions infra tests
	$(BIN)/mypy
	$(BIN)/mypy --explicit-package-bases functions  # the handlers: one module name (handler) per folder
	npm --prefix web run --silent typecheck
	npm --prefix web run --silent lint
	npm --prefix web test --silent
	rm -rf $(TEST_RUN_DIR)
	PORTAL_TEST_RUN_DIR=$(TEST_RUN_DIR) $(BIN)/pytest -q -p no:cacheprovider --durations=25 \
		-n $(TEST_WORKERS) --dist loadgroup -m "not after_all_calls"
	PORTAL_TEST_RUN_DIR=$(TEST_RUN_DIR) PORTAL_CDK_OUT=$(TEST_RUN_DIR)/cdk.out \
		$(BIN)/pytest -q -p no:cacheprovider tests/deploy/test_iam_contract.py

lint: install web/node_modules/.package-lock.json
	$(BIN)/ruff check layers functions infra tests
	$(BIN)/ruff format --check layers functions infra tests
	npm --prefix web run --silent lint

typecheck: install web/node_modules/.package-lock.json
	$(BIN)/mypy
	$(BIN)/mypy --explicit-package-bases functions
	npm --prefix web run --silent typecheck

# For review, not a gate: code nothing calls (vulture; framework entry points and schema fields
# show up too) and functions above complexity 15 (radon; the house rule is none in layers/).
VULTURE_IGNORE := @*.get,@*.post,@*.put,@*.patch,@*.delete,@*.websocket,@*.exception_handler,@*.middleware,@field_validator,@model_validator,@property,@cached_property
audit: install
	-$(BIN)/vulture layers/portal/portal functions infra --exclude "infra/.build" --min-confidence 60 \
		--ignore-decorators "$(VULTURE_IGNORE)" --ignore-names "handler,_*,model_config"
	$(BIN)/radon cc -s -n C layers/portal/portal infra --exclude "infra/.build/*"

synth: install
	PATH="$(CURDIR)/$(BIN):$$PATH" npx --yes aws-cdk@2 synth --quiet

# What `cdk deploy` would create, proved without an account: synth with the CDK CLI, start every
# function from cdk.out with its synthesized environment, check every AWS call against the caller's
# role, then cdk-nag and cfn-lint. Ends with the table: function, starts, calls, size, memory, timeout.
# (`make test` runs the same tests on an in-process synth.)
deploy-check: install
	rm -rf cdk.out
	$(MAKE) --no-print-directory synth
	PORTAL_CDK_OUT=cdk.out $(BIN)/pytest -q -p no:cacheprovider tests/deploy tests/infra/test_nag.py tests/infra/test_cfn_lint.py

clean:
	rm -rf $(VENV) .local cdk.out web/dist web/node_modules
