# Vamos — make demo, make test.
SWIFT      ?= swift
# Release builds with -enable-testing: numeric code is slow in debug, and the tests still get
# @testable access. The same flags everywhere, so nothing is built twice.
BUILD_FLAGS = -c release -Xswiftc -enable-testing
BIN         = .build/release

.PHONY: all deps build test demo golden reference opus-reference check-html check-arm check-asan bench fuzz clean

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

# The unit tests once under AddressSanitizer (its own build in .build/asan; the tests run the ASan-built
# stages). About 8 minutes here, so not part of make test / CI (docs/ROBUSTNESS.md). Leak reports at
# exit are off: a stage exits from deep inside with live objects on its stack, which LeakSanitizer
# calls leaks; the fuzz targets check leaks per input instead.
check-asan: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests --sanitize=address --build-path .build/asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-swift-testing --sanitize=address --build-path .build/asan

# libFuzzer targets (Fuzz/: the document reader, safetensors, config/vocab, SentencePiece) under AddressSanitizer,
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
