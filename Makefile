# Vamos — make demo, make test.
SWIFT      ?= swift
# Release builds with -enable-testing: numeric code is slow in debug, and the tests still get
# @testable access. The same flags everywhere, so nothing is built twice.
BUILD_FLAGS = -c release -Xswiftc -enable-testing
BIN         = .build/release

.PHONY: all deps build test demo golden reference opus-reference check-html check-arm bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Unit, reference, golden, pipeline and bad-input tests (the tests run the built executables).
test: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-swift-testing

# The explainer's example through all six stages.
demo: build
	@echo "let's go" | PATH="$(CURDIR)/$(BIN):$$PATH" pipelines/translate.sh

# pipelines/inspect.sh's page in headless Chromium (installed via apt-get when missing, as root):
# every heatmap in the DOM, a screenshot that is not blank. Not part of make test.
check-html: build
	scripts/check-html.sh

# The kernels built for x86-64 and for arm64 (NEON, under qemu-user) give the same bits.
check-arm:
	scripts/check-kernels-cross.sh

# libFuzzer targets (Fuzz/: the document reader, safetensors, config/vocab) under AddressSanitizer,
# each for FUZZ_SECONDS (default 60); findings in Fuzz/findings/. docs/ROBUSTNESS.md. Not part of make test.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# Rewrites Tests/Golden/<stage>/*.expected from the current code (then review the diff; the goldens
# are also checked against the PyTorch reference, so a regenerated golden cannot drift from it).
golden: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	VAMOS_UPDATE_GOLDEN=1 $(SWIFT) test $(BUILD_FLAGS) --skip-build --filter GoldenTests

# Re-makes the PyTorch reference fixtures (needs: pip install torch transformers safetensors numpy).
reference:
	python3 Tests/Reference/make_reference.py

# Re-makes the opus-mt fixtures: trains tiny Marian checkpoints with SentencePiece models and records
# what transformers computes (needs torch, transformers, sentencepiece, safetensors; about a minute).
opus-reference:
	python3 Tests/Reference/make_opus_fixtures.py

# Vamos vs transformers vs CTranslate2, side by side in one run (needs a Python with torch,
# transformers, ctranslate2, safetensors: PYTHON=/path/to/venv/bin/python); Benchmarks/README.md.
PYTHON ?= python3
bench: build
	$(PYTHON) Benchmarks/bench.py --threads 2

clean:
	rm -rf .build
