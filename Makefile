# `make run`: create .venv if missing, install the package (JAX backend), train addition_rnn.
# `make test`: create the environment with all three backends, lint, and test on each backend.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BACKENDS ?= jax torch tensorflow
# pytest-xdist workers per backend pass: most tests are small models, bound by Python and
# compilation on one core, so two workers keep both cores of a small machine busy.
TEST_WORKERS ?= 2
FASHION_DIR := /usr/share/datasets/fashion-mnist

.PHONY: run test lint fashion-mnist chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-all: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all,dev]"
	touch $@ $(VENV)/.installed-base

run: $(VENV)/.installed-base
	$(BIN)/keras-classics train addition_rnn --preset quick

# Debian's dataset-fashion-mnist package: real data for the Fashion-MNIST test (needs root).
fashion-mnist:
	@test -f $(FASHION_DIR)/train-images-idx3-ubyte.gz || \
		( (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist) >/dev/null 2>&1 || \
		  echo "note: could not install dataset-fashion-mnist; its test will be skipped" )

# Debian's chromium: the browser the report tests render report.html and the gallery in.
chromium:
	@command -v chromium >/dev/null 2>&1 || \
		( (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || \
		  echo "note: could not install chromium; the browser test will be skipped" )

lint: $(VENV)/.installed-all
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

test: $(VENV)/.installed-all fashion-mnist chromium lint
	@for backend in $(BACKENDS); do \
		echo "== tests on $$backend =="; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest -q -p no:cacheprovider \
			-n $(TEST_WORKERS) tests || exit 1; \
	done

clean:
	rm -rf $(VENV) runs .pytest_cache
