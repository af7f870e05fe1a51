# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
SWIFT ?= swift
OUT ?= demo-out

.PHONY: setup build release test demo bench clean

setup:
	@bash tools/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

test:
	@bash tools/setup.sh --test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: release
	$$($(SWIFT) build -c release --show-bin-path)/ovseg3r demo --out $(OUT)

bench: release
	$$($(SWIFT) build -c release --show-bin-path)/ovseg3r bench all

clean:
	rm -rf .build
