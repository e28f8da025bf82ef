# Thin entry points into scripts/. Extra arguments: make test ARGS='--filter TandemCoreTests'
.PHONY: format lint run test test-fast build web setup clean

ARGS ?=

run:
	scripts/run.sh $(ARGS)

test:
	scripts/test.sh $(ARGS)

# Core, actors and the SQLite store: no services, under a minute after a build.
test-fast:
	scripts/test.sh --fast

build:
	scripts/run.sh --build-only

web:
	scripts/setup.sh run
	Web/build.sh $(ARGS)

setup:
	scripts/setup.sh test

clean:
	Web/build.sh --clean
	swift package clean

# Rewrites the Swift sources in the checked-in style (.swift-format); `make lint` only checks (make test does too).
format:
	scripts/format.sh

lint:
	scripts/format.sh --check
