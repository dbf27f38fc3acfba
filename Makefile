# The two commands of the README: `make demo` trains the main practice case, `make test` runs the tests.
SWIFT ?= swift

.PHONY: deps build demo test bench clean

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

bench: build
	./.build/release/deep bench core

clean:
	rm -rf .build runs
