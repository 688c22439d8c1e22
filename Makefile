# controlmap — build, test, install, shapes, bench.
#
#   make map      install missing Debian packages, build, render the default map
#   make test     install missing Debian packages, build, run every test
#   make check-asan   the test suite under AddressSanitizer + UBSan
#   make fresh-check  the two commands above in a pristine Debian root
#   make goldens  rewrite the golden images after a deliberate change
#   make mutants  mutation testing: how many small mistakes the tests catch
#
# What pkg-config says is read when make starts, so a target that installs
# packages first (map, test, check-asan, fuzz, bench) builds in a second make
# that starts after the install: the first run on a fresh machine works.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
BUILD     ?= build

PKGS      := cairo pango pangocairo pangoft2 fontconfig fribidi proj shapelib \
             libwebp libwebpmux libdeflate geos
# GDAL is compiled against but not linked: the library opens it by its
# soname when a layer or an export first needs it (src/data/gdal.c).
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) gdal 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
PKG_OK     := $(shell pkg-config --exists $(PKGS) gdal 2>/dev/null && echo yes)
GDAL_LIBS  := $(shell pkg-config --libs gdal 2>/dev/null)
GDAL_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir gdal 2>/dev/null)/libgdal.so" \
                 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')

WARN      := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
OPT       ?= -O2 -g
CFLAGS    ?=
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) \
              -fPIC -Iinclude $(PKG_CFLAGS) $(CFLAGS)
# giflib ships no pkg-config file.
OTHER_LIBS := -lgif -lm -lpthread -ldl
LDLIBS    := $(PKG_LIBS) $(OTHER_LIBS)
# The shipped dataset's version (a release date), named by --version.
DATASET_VERSION := $(shell cat shapes/VERSION 2>/dev/null)

# One folder a module (docs/architecture.md). A module is compiled with
# include/, its own folder, util's (the growable array and atomic files,
# for every module) and the folders of the modules it uses below it, as
# listed here: reaching into any other module's internals fails to build.
MODULES   := $(filter-out cli,$(notdir $(wildcard src/*)))
USES_page    := text
USES_map     := page
USES_compose := page text
USES_render  := text
USES_anim    := render
USES_batch   := render
mod_inc    = -Isrc/$(1) $(if $(filter util,$(1)),,-Isrc/util) $(foreach u,$(USES_$(1)),-Isrc/$(u))
# The tests, fuzz harnesses and benchmark tools look inside every module.
MOD_INC   := $(MODULES:%=-Isrc/%)
LIB_SRC   := $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
CLI_SRC   := $(wildcard src/cli/*.c)
LIB_OBJ   := $(LIB_SRC:src/%.c=$(BUILD)/lib/%.o)
CLI_OBJ   := $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(wildcard tests/support/*.c)

STATIC    := $(BUILD)/libcontrolmap.a
SHARED    := $(BUILD)/libcontrolmap.so.$(VERSION)
PROGRAM   := controlmap

print-flags-%: pkg-check
.PHONY: all deps deps-test map test check-asan tests goldens mutants install uninstall clean shapes bench fuzz gallery \
        pkg-check fresh-check

all: $(PROGRAM) $(STATIC) $(SHARED)

# A build without the libraries would stop at the first missing header;
# say instead what to run.
pkg-check:
ifneq ($(PKG_OK),yes)
	@echo "controlmap: the libraries are not all installed ($(PKGS));" >&2
	@echo "  run 'make map' or 'make deps' first, which installs them" >&2
	@exit 1
endif

# --- set-up ---------------------------------------------------------------
deps:
	@sh tools/deps.sh

deps-test:
	@sh tools/deps.sh test

# --- library and tool -----------------------------------------------------
$(BUILD)/lib/data/gdal.o: ALL_CFLAGS += $(if $(GDAL_SONAME),-DCM_GDAL_SONAME='"$(GDAL_SONAME)"')
$(BUILD)/lib/%.o: src/%.c $(wildcard include/controlmap/*.h src/*/*.h) | pkg-check
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -fvisibility=hidden $(call mod_inc,$(firstword $(subst /, ,$*))) -DCM_VERSION='"$(VERSION)"' -c $< -o $@

$(BUILD)/cli/%.o: src/cli/%.c $(wildcard include/controlmap/*.h src/cli/*.h) | pkg-check
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -DCM_VERSION='"$(VERSION)"' -DCM_DATADIR='"$(PREFIX)/share/controlmap"' \
	  -DCM_DATASET_VERSION='"$(DATASET_VERSION)"' -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	@echo "  LD      $@"
	@$(CC) -shared -Wl,-soname,libcontrolmap.so.0 -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(PROGRAM): $(CLI_OBJ) $(STATIC)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(LDFLAGS) $(LDLIBS)

# The flags a module is compiled with, and the modules it uses
# (tests/cli_structure.sh).
print-flags-%:
	@echo $(ALL_CFLAGS) $(call mod_inc,$*)
print-uses-%:
	@echo $(if $(filter util,$*),,util) $(USES_$*)

# --- the default map --------------------------------------------------------
# The render says what it wrote.
map: deps
	@$(MAKE) --no-print-directory all
	./$(PROGRAM) render -d 2020-11-10 -o out/2020-11-10.png

# The README's two commands, the first time, in a pristine Debian root made
# by debootstrap (cached between runs); see tools/fresh-check.sh.
fresh-check:
	@sh tools/fresh-check.sh

# --- tests ----------------------------------------------------------------
$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(STATIC) $(wildcard tests/support/*.h tests/fuzz/*.c tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(ALL_CFLAGS) $(MOD_INC) -Itests -o $@ $< $(TEST_SUPPORT) $(STATIC) $(LDFLAGS) $(LDLIBS) $(GDAL_LIBS) $$(pkg-config --libs cmocka libwebpdemux)

$(BUILD)/tests/mkfixtures: tests/mkfixtures.c $(TEST_SUPPORT) $(STATIC)
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_CFLAGS) $(MOD_INC) -Itests -o $@ $< $(TEST_SUPPORT) $(STATIC) $(LDFLAGS) $(LDLIBS)

tests: $(TEST_BIN) $(PROGRAM) $(SHARED) $(if $(wildcard tests/mkfixtures.c),$(BUILD)/tests/mkfixtures)

test: deps-test
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh $(BUILD)

# After a deliberate change to what maps look like: rewrite the golden
# images, then look at them (tests/golden/README.md) before committing.
goldens: tests
	@CM_UPDATE_GOLDEN=1 $(BUILD)/tests/test_golden
	@echo "rewrote tests/golden/*.png: look at them before committing"

# Mutation testing (docs/testing.md): small mistakes from tools/mutants.txt
# made one at a time in a scratch copy; the score is the share the tests
# catch. MUTANT_JOBS=2 runs two at once.
mutants: tests
	@/usr/bin/python3 tools/mutants.py

check-asan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" PROGRAM=build-asan/controlmap tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  CONTROLMAP=build-asan/controlmap sh tests/run.sh build-asan

# --- install --------------------------------------------------------------
# The tool, headers, libraries and controlmap.pc; under share/controlmap the
# styles and the dataset (with its VERSION, SOURCES.md and LICENSES), so
# that the installed styles find the installed dataset (../shapes); the
# manual page; and under share/doc/controlmap the README, the style
# reference and the citation file.
SHARE := $(DESTDIR)$(PREFIX)/share
DOCS  := README.md CITATION.cff LICENSE docs/style.md docs/robustness.md docs/bench.md

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/controlmap \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(SHARE)/controlmap/styles \
	  $(SHARE)/controlmap/shapes/LICENSES $(SHARE)/man/man1 $(SHARE)/doc/controlmap
	install -m 755 $(PROGRAM) $(DESTDIR)$(PREFIX)/bin/controlmap
	install -m 644 include/controlmap/*.h $(DESTDIR)$(PREFIX)/include/controlmap/
	install -m 644 $(STATIC) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(SHARED) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libcontrolmap.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libcontrolmap.so.0
	ln -sf libcontrolmap.so.0 $(DESTDIR)$(PREFIX)/lib/libcontrolmap.so
	install -m 644 styles/*.mss $(SHARE)/controlmap/styles/
	install -m 644 shapes/*.shp shapes/*.shx shapes/*.dbf shapes/*.prj shapes/*.cpg \
	  shapes/VERSION shapes/SOURCES.md $(SHARE)/controlmap/shapes/
	install -m 644 shapes/LICENSES/* $(SHARE)/controlmap/shapes/LICENSES/
	CC="$(CC)" sh tools/pcfile.sh "$(PREFIX)" "$(VERSION)" "$(PKGS)" "$(OTHER_LIBS)" \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/controlmap.pc
	install -m 644 docs/controlmap.1 $(SHARE)/man/man1/controlmap.1
	install -m 644 $(DOCS) $(SHARE)/doc/controlmap/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/controlmap $(DESTDIR)$(PREFIX)/include/controlmap \
	  $(DESTDIR)$(PREFIX)/lib/libcontrolmap.* $(DESTDIR)$(PREFIX)/lib/pkgconfig/controlmap.pc \
	  $(SHARE)/controlmap $(SHARE)/man/man1/controlmap.1 $(SHARE)/doc/controlmap

# --- dataset --------------------------------------------------------------
shapes:
	@sh tools/deps.sh shapes
	/usr/bin/python3 tools/build_shapes.py

# --- the README gallery ------------------------------------------------------
gallery: all
	@sh tools/gallery.sh

clean:
	rm -rf build build-asan $(PROGRAM)

# --- robustness: fuzzing and valgrind (docs/robustness.md) -----------------
#   make fuzz [FUZZ_SECONDS=60]   build the libFuzzer harnesses (clang) and
#                                 run each for FUZZ_SECONDS; fails on a crash
#   make valgrind                 the fixture map rendered, described and
#                                 checked, and every bad-input case, under
#                                 valgrind; fails on any error or leak
FUZZ_SECONDS ?= 60
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  --suppressions=$(CURDIR)/tests/valgrind.supp

fuzz:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run:
	@FUZZ_CFLAGS_PKG="$(PKG_CFLAGS)" FUZZ_LIBS="$(LDLIBS)" sh tools/fuzz.sh run $(FUZZ_SECONDS)

valgrind: $(PROGRAM) $(BUILD)/tests/mkfixtures
	@command -v valgrind >/dev/null || { echo "valgrind: install the valgrind package" >&2; exit 1; }
	@CONTROLMAP=$(PROGRAM) BUILD=$(BUILD) BADINPUT_WRAP="$(VALGRIND)" sh tests/cli_badinput.sh >$(BUILD)/valgrind.log 2>&1; \
	  rc=$$?; grep -E '^FAIL' -A20 $(BUILD)/valgrind.log; tail -n 1 $(BUILD)/valgrind.log; exit $$rc
.PHONY: valgrind fuzz-run
# --- end of robustness -------------------------------------------------------

# --- benchmark (make bench) -------------------------------------------------
# controlmap against MapServer, Mapnik and GMT on the default map, a 37-frame
# batch, and growth on synthetic data; see docs/bench.md. The peers are
# installed by tools/bench/peers.sh, never by `make deps`.
# BENCH_AGAINST=path/to/controlmap also times one render by that build and
# this one in turns (section 7).
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/mksynth $(BUILD)/bench/pnglevels
	@sh tools/bench/peers.sh
	@/usr/bin/python3 tools/bench/bench.py --controlmap ./$(PROGRAM) \
	  --mksynth $(BUILD)/bench/mksynth --pnglevels $(BUILD)/bench/pnglevels --out $(BUILD)/bench \
	  $(if $(BENCH_AGAINST),--against $(BENCH_AGAINST))

$(BUILD)/bench/mksynth: tools/bench/mksynth.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

# zlib against libdeflate, level by level (zlib only here: cairo needs it).
$(BUILD)/bench/pnglevels: tools/bench/pnglevels.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS) $$(pkg-config --libs zlib)
# --- end of benchmark --------------------------------------------------------
