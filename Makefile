# Scalpel: the commands of a new user and of CI.
SWIFT ?= swift
RELEASE = $(SWIFT) build -c release --product scalpel
BIN = .build/release/scalpel

.PHONY: deps build test demo sweep-demo bench release

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

## The study in small: every block, last layer, full fine-tuning and Auto-RGN on a corruption, a
## subpopulation shift and a label flip (experiments/demo.yaml); prints a table per shift and
## writes demo-report/index.html. Rerunning resumes: delete demo.sqlite to start over.
sweep-demo: release
	$(BIN) sweep experiments/demo.yaml --db demo.sqlite
	$(BIN) report demo.sqlite --out demo-report

## Benchmarks: Scalpel beside PyTorch on this machine (needs `pip install torch safetensors`);
## the table and its analysis are in docs/performance.md.
BENCH_ARGS ?= --rounds 1 --wait-idle 120
bench: release
	python3 scripts/bench_compare.py --scalpel $(BIN) $(BENCH_ARGS)
