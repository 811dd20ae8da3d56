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

## The test suite (installs system packages it needs, builds, installs the data sets the tests read
## with the CLI's `data fetch` (once, before any test runs, so tests never race to install), runs every test),
## then builds and runs the tutorial, a separate package that uses Scalpel as a library (Examples/SurgicalFineTuning).
test: deps
	$(SWIFT) build --build-tests
	.build/debug/scalpel data fetch
	$(SWIFT) test --skip-build
	cd Examples/SurgicalFineTuning && $(SWIFT) run SurgicalFineTuning

## The main job: the study in small (experiments/demo.yaml): the committed ResNet-26 adapted
## to a corruption, a subpopulation shift and a label flip by each block, the last layer, full
## fine-tuning and Auto-RGN; prints a table per shift and writes demo-report/index.html.
## Rerunning resumes from demo.sqlite (delete it to start over). One engine thread by default:
## on a busy 2-core machine two threads ran the sweep about 3x slower (waiting on each other).
DEMO_THREADS ?= 1
demo: release
	SCALPEL_THREADS=$(DEMO_THREADS) $(BIN) sweep experiments/demo.yaml --db demo.sqlite
	$(BIN) report demo.sqlite --out demo-report

## Benchmarks: Scalpel beside PyTorch on this machine (needs `pip install torch safetensors`);
## the table is in docs/performance.md, its analysis in docs/performance/.
BENCH_ARGS ?= --rounds 1 --wait-idle 120
bench: release
	python3 scripts/bench_compare.py --scalpel $(BIN) $(BENCH_ARGS)
