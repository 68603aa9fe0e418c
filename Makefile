# Taskscope: the commands README gives a user. Each target installs what is missing first.
.PHONY: deps run build build-release test test-load test-asan test-tsan fuzz bench bench-ui screenshot clean

CMAKE_BUILD = cmake --build --preset
HEADLESS = QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software

deps:
	@bash cmake/install-deps.sh

build/%/build.ninja: CMakeLists.txt CMakePresets.json | deps
	cmake --preset $*

build: deps build/dev/build.ninja
	$(CMAKE_BUILD) dev

# The window from the optimised build: a workshop watches it, and a Debug build drains the
# trace several times slower (more events lost, slower frames).
run: deps build/release/build.ninja
	$(CMAKE_BUILD) release
	./build/release/app/taskscope $(ARGS)

test: build
	$(HEADLESS) ctest --preset dev

# The suite with the machine busy: one CPU-bound process per core beside `ctest -j3`, LOAD_RUNS
# times, on the dev build or (LOAD_PRESET=release) the optimised one. Every run must pass.
LOAD_RUNS ?= 1
LOAD_PRESET ?= dev
test-load: deps build/$(LOAD_PRESET)/build.ninja
	$(CMAKE_BUILD) $(LOAD_PRESET)
	@bash tests/load/run-under-load.sh $(LOAD_PRESET) $(LOAD_RUNS)

test-asan: deps build/asan/build.ninja
	$(CMAKE_BUILD) asan
	$(HEADLESS) ctest --preset asan

test-tsan: deps build/tsan/build.ninja
	$(CMAKE_BUILD) tsan
	$(HEADLESS) ctest --preset tsan

# libFuzzer on every parser of outside input (tests/fuzz, docs/fuzzing.md), FUZZ_SECONDS each,
# with clang's ASan and UBSan. make test replays the corpus without clang.
FUZZ_SECONDS ?= 60
fuzz: deps build/fuzz/build.ninja
	$(CMAKE_BUILD) fuzz --target fuzz_preset fuzz_setting fuzz_commandline
	@bash tests/fuzz/run-fuzzers.sh $(FUZZ_SECONDS)

# The Tokio peer (tests/bench/tokio-peer.sh) is built first, then run by bench_runtime between
# its own rounds: the sync figures are ratios to Tokio 1.24 measured in the same minute.
bench: deps build/release/build.ninja
	$(CMAKE_BUILD) release
	@bash tests/bench/tokio-peer.sh build
	@for b in $$(find build/release/tests/bench -maxdepth 1 -name 'bench_*' -type f -executable | sort); do \
		TASKSCOPE_TOKIO_PEER="$(CURDIR)/tests/bench/tokio-peer.sh" "$$b" || exit 1; done
	$(MAKE) --no-print-directory bench-ui

# The window's frame times under Xvfb, with the software and the OpenGL (llvmpipe) backends.
BENCH_UI_SECONDS ?= 2
bench-ui: deps build/release/build.ninja
	$(CMAKE_BUILD) release
	QT_QUICK_BACKEND=software xvfb-run -a -s "-screen 0 1600x1000x24" ./build/release/app/taskscope --bench-ui $(BENCH_UI_SECONDS)
	QT_QUICK_BACKEND= QSG_RHI_BACKEND=opengl LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1600x1000x24" ./build/release/app/taskscope --bench-ui $(BENCH_UI_SECONDS)

# A screenshot of the real window under Xvfb, for README and for looking at changes.
screenshot: build
	xvfb-run -a -s "-screen 0 1600x1000x24" ./build/dev/app/taskscope --size 1600x1000 --screenshot docs/screenshot.png $(ARGS)

clean:
	rm -rf build
