# Thin entry points into scripts/. Extra arguments: make test ARGS='--filter TandemCoreTests'
.PHONY: run test build web setup clean

ARGS ?=

run:
	scripts/run.sh $(ARGS)

test:
	scripts/test.sh $(ARGS)

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
