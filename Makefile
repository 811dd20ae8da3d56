# Scalpel: the commands of a new user and of CI.
SWIFT ?= swift
RELEASE = $(SWIFT) build -c release --product scalpel
BIN = .build/release/scalpel

.PHONY: deps build test demo bench release

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(RELEASE)

## The test suite (installs system packages it needs, builds, runs every test).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## The main job: trains a small network with the engine (replaced by the demo study later).
demo: release
	$(BIN) demo

## Engine benchmarks (release build).
bench: release
	$(BIN) bench engine
