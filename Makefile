# Sahab front door. `make demo` and `make test` install missing Debian packages first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps test-deps build test demo clean format

all: build

deps:
	./scripts/install-deps.sh build

test-deps:
	./scripts/install-deps.sh build test windows

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# A test that fails is run once more on its own: if it passes then, it is flaky (a race with the
# machine's load, most often), printed as such with its first failure above, and must be fixed;
# one that fails twice fails the run.
test: test-deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)
	cd $(BUILD_DIR) && { ctest --output-on-failure -j $(JOBS) || { \
	  echo "== FLAKY? rerunning the failed tests once, alone: those passing now are flaky =="; \
	  ctest --output-on-failure --rerun-failed; }; }

demo: build
	./scripts/demo.sh $(BUILD_DIR)

format:
	find agent collector planner common tests bench \( -name '*.cpp' -o -name '*.h' \) -print0 | xargs -0 clang-format -i

clean:
	rm -rf $(BUILD_DIR)

.PHONY: fuzz
# libFuzzer runs of the parsers of outside input (tests/fuzz/run.sh), 20 s each.
fuzz: test-deps
	./tests/fuzz/run.sh $(BUILD_DIR)/fuzz 20

.PHONY: package
# sahab-agent .deb and .rpm, sahab-collector .deb in $(BUILD_DIR) (packaging/, docs/install.md).
package: build
	./scripts/install-deps.sh package
	cd $(BUILD_DIR) && cpack

.PHONY: windows windows-deps
# build/windows/bin/sahab-agent.exe, cross-built with mingw-w64 (scripts/build-windows.sh,
# docs/windows-agent.md); its libraries come from Debian's source packages, cached outside the clone.
windows-deps:
	./scripts/install-deps.sh windows

windows: windows-deps
	JOBS=$(JOBS) ./scripts/build-windows.sh $(BUILD_DIR)/windows
