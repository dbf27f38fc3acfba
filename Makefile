# The two commands of the README: `make demo` trains the main practice case, `make test` runs the tests.
SWIFT ?= swift
# Seconds of fuzzing per reader for `make fuzz` (the issue's acceptance run uses FUZZ_SECONDS=600).
FUZZ_SECONDS ?= 180

.PHONY: deps build demo test docs bench fuzz clean

deps:
	@./Scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product deep

demo: build
	./.build/release/deep demo

# The exit tests also run against a release build (messages must survive -O): error-examples is built first.
test: deps
	$(SWIFT) build -c release --product error-examples
	$(SWIFT) test
	$(MAKE) docs

# The DocC catalog (Sources/DeepLearning/DeepLearning.docc) with its snippets (Snippets/, which `swift test` has
# just compiled): any warning — a broken link, a missing snippet, a malformed directive — fails the build.
docs:
	$(SWIFT) package --disable-sandbox generate-documentation --target DeepLearning --warnings-as-errors

bench: build
	./.build/release/deep bench core

# libFuzzer on every file reader (safetensors, IDX, CIFAR, CSV, text, gzip), FUZZ_SECONDS each, in .build-fuzz/;
# `make test` replays the saved crash corpus (Tests/DeepLearningTests/Fixtures/fuzz/) and seeded mutations.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./Scripts/fuzz.sh

clean:
	rm -rf .build .build-fuzz runs
