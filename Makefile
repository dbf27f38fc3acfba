# The two commands of the README: `make demo` trains the main practice case, `make test` runs the tests.
SWIFT ?= swift

.PHONY: deps build demo test docs bench clean

deps:
	@./Scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product deep

demo: build
	./.build/release/deep demo

test: deps
	$(SWIFT) test
	$(MAKE) docs

# The DocC catalog (Sources/DeepLearning/DeepLearning.docc) with its snippets (Snippets/, which `swift test` has
# just compiled): any warning — a broken link, a missing snippet, a malformed directive — fails the build.
docs:
	$(SWIFT) package --disable-sandbox generate-documentation --target DeepLearning --warnings-as-errors

bench: build
	./.build/release/deep bench core

clean:
	rm -rf .build runs
