# caresim — all builds. `make` (release), `make check` (tests), `make asan` (sanitizers),
# `make bench` (engine benchmark vs the reference kernel, then the model benchmark),
# `make demo`, `make clean`; optional Open MPI build: `make mpi` (build/mpi/caresim-mpi),
# `make check-mpi` (its results against the serial build's, docs/mpi.md).
# V=1 shows full command lines. Everything is built under build/ (git-ignored).

CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
STD     := -std=gnu11
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2
OPT     := -O2 -g
# HDF5 (serial) lives under its own directory on Debian. Recursive (=) so pkg-config runs
# when a recipe needs it, after install-deps has put it in place.
HDF5_CFLAGS = $(shell pkg-config --cflags hdf5-serial 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS = $(shell pkg-config --libs hdf5-serial 2>/dev/null || \
              echo -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5)
CPPFLAGS = -I. -MMD -MP $(HDF5_CFLAGS)
LDLIBS  = -lgsl -lgslcblas -lconfig $(HDF5_LIBS) -lm
TESTLIBS := -lcmocka

REFBENCH_SRC := ../shared/bench/refbench.c

# The commit the binary was built from, recorded in every results file.
GIT_COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Build flavours: release in build/, sanitizers in build/asan/, Open MPI in build/mpi/
# (mpicc, -DCARESIM_MPI, which only cli/batch.c reads; the default build does not need
# MPI).
MPICC   ?= mpicc
ifeq ($(FLAVOUR),mpi)
BUILD   := build/mpi
CC      := $(MPICC)
CPPFLAGS += -DCARESIM_MPI
DEPS_FLAVOUR := build/.deps-mpi-ok
else ifeq ($(FLAVOUR),asan)
BUILD   := build/asan
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(FLAVOUR),fuzz)
# libFuzzer targets (make fuzz, tests/fuzz/README.md): clang, the library instrumented for
# coverage, without OpenMP (the targets run one replication on one thread; without it the
# pragmas are unknown and a thread count can go unused; clang also flags the va_list
# formats of sim_err that gcc accepts).
BUILD   := build/fuzz
CC      := clang
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
           -fno-sanitize-recover=undefined -Wno-unknown-pragmas -Wno-unused-parameter \
           -Wno-format-nonliteral
LDFLAGS += -fsanitize=address,undefined
OPENMP  :=
DEPS_FLAVOUR := build/.deps-fuzz-ok
else
BUILD   := build
endif
OPENMP  ?= -fopenmp
CFLAGS  ?=
CFLAGS  += $(STD) $(WARN) $(OPT) $(OPENMP)
LDFLAGS += $(OPENMP)

# The library holds the engine, the model and everything the command line uses except
# main(); tests link against it.
LIB_SRC   := $(sort $(wildcard sim/*.c models/*.c output/*.c) \
                    $(filter-out cli/main.c,$(wildcard cli/*.c)))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELP := $(BUILD)/obj/tests/testutil.o
DEPS_OK   := $(or $(DEPS_FLAVOUR),build/.deps-ok)

.PHONY: all check asan mpi check-mpi bench demo clean deps docs fuzz
# Keep test objects: they are intermediate files to make, but rebuilding them is waste.
.SECONDARY:
all: $(BUILD)/simbench $(BUILD)/modelbench $(BUILD)/clinic $(if $(wildcard cli/main.c),$(BUILD)/caresim)

# Install missing system packages once (the script is idempotent and does nothing when
# everything is present); re-run when the script changes.
build/.deps-ok: scripts/install-deps.sh
	$(Q)mkdir -p build
	$(Q)scripts/install-deps.sh
	$(Q)touch $@
build/.deps-mpi-ok: scripts/install-deps.sh
	$(Q)mkdir -p build
	$(Q)scripts/install-deps.sh --mpi
	$(Q)touch $@
build/.deps-fuzz-ok: scripts/install-deps.sh
	$(Q)mkdir -p build
	$(Q)scripts/install-deps.sh --fuzz
	$(Q)touch $@
deps: $(DEPS_OK)

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/cli/%.o: CPPFLAGS += -DCARESIM_GIT_COMMIT='"$(GIT_COMMIT)"'

$(BUILD)/libcaresim.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TEST_HELP) $(BUILD)/libcaresim.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TESTLIBS) $(LDLIBS)

# The allocation fault-injection test: our objects' calls to these functions go through
# tests/fault/alloc_fault.c (which can make the n-th fail); shared libraries keep the real
# ones.
comma := ,
ALLOC_WRAPPED := malloc calloc realloc free strdup strndup asprintf vasprintf posix_memalign \
                 realpath open_memstream
$(BUILD)/tests/test_alloc_faults: $(BUILD)/obj/tests/fault/alloc_fault.o
$(BUILD)/tests/test_alloc_faults: LDFLAGS += -Wl$(subst $() ,,$(ALLOC_WRAPPED:%=$(comma)--wrap=%))

# The fuzz regression test calls the fuzz targets (tests/fuzz/*.c) without libFuzzer.
FUZZ_OBJ := $(BUILD)/obj/tests/fuzz/fuzz_scenario.o $(BUILD)/obj/tests/fuzz/fuzz_results.o
$(BUILD)/tests/test_fuzz_regress: $(BUILD)/obj/tests/test_fuzz_regress.o $(FUZZ_OBJ) $(TEST_HELP) \
                                  $(BUILD)/libcaresim.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TESTLIBS) $(LDLIBS)

# A libFuzzer binary per target: entry.c compiled for it, linked with every target (FLAVOUR=fuzz).
# Static patterns: a plain entry_%.o pattern would also serve make's built-in "%: %.o" when
# it tries to remake the included .d files.
FUZZ_TARGETS := scenario results results_raw
FUZZ_ENTRY := $(FUZZ_TARGETS:%=$(BUILD)/obj/tests/fuzz/entry_%.o)
$(FUZZ_ENTRY): $(BUILD)/obj/tests/fuzz/entry_%.o: tests/fuzz/entry.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DFUZZ_TARGET=fuzz_$*_one -c $< -o $@

$(FUZZ_TARGETS:%=$(BUILD)/fuzz_%): $(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/entry_%.o $(FUZZ_OBJ) \
                                                 $(BUILD)/libcaresim.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(BUILD)/simbench: $(BUILD)/obj/bench/simbench.o $(BUILD)/libcaresim.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/modelbench: $(BUILD)/obj/bench/modelbench.o $(BUILD)/libcaresim.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/caresim: $(BUILD)/obj/cli/main.o $(BUILD)/libcaresim.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/caresim-mpi: $(BUILD)/obj/cli/main.o $(BUILD)/libcaresim.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The MPI protocol test (FLAVOUR=mpi; tests/mpi/check.sh runs it under mpirun).
$(BUILD)/tests/mpi/test_batch_mpi: $(BUILD)/obj/tests/mpi/test_batch_mpi.o $(BUILD)/libcaresim.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/clinic: $(BUILD)/obj/examples/clinic.o $(BUILD)/libcaresim.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The reference kernel is compiled with the same compiler and optimisation as ours.
$(BUILD)/refbench: $(REFBENCH_SRC) | $(DEPS_OK)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -O2 -o $@ $< -lm

check: all $(TEST_BIN)
	$(Q)scripts/run-tests.sh $(TEST_BIN)

asan:
	$(Q)$(MAKE) --no-print-directory FLAVOUR=asan check

# Fuzzing (tests/fuzz/README.md): builds the libFuzzer targets with clang into build/fuzz/,
# seeds their corpora (scenario files; small results files made by the release caresim) and
# runs each for FUZZ_TIME seconds; crashing inputs go to build/fuzz/crashes/.
# FUZZ_RUN names the targets run; results_raw is left out by default because corrupt
# files crash libhdf5 1.10 itself (tests/fuzz/README.md): FUZZ_RUN="scenario results
# results_raw" adds it.
FUZZ_TIME ?= 60
FUZZ_RUN ?= scenario results
fuzz: $(BUILD)/caresim
	$(Q)$(MAKE) --no-print-directory FLAVOUR=fuzz $(FUZZ_RUN:%=build/fuzz/fuzz_%)
	$(Q)scripts/fuzz.sh $(FUZZ_TIME) $(BUILD)/caresim $(FUZZ_RUN:%=fuzz_%)

# The MPI build: caresim with its batches split across MPI ranks (docs/mpi.md).
mpi:
	$(Q)$(MAKE) --no-print-directory FLAVOUR=mpi build/mpi/caresim-mpi \
	    build/mpi/tests/mpi/test_batch_mpi

# The protocol test on 1 to 4 ranks; small run, compare, psa and sweep jobs on 1, 2 and 4
# ranks, every table checked equal to the serial build's; interrupted and failing MPI runs.
check-mpi: all mpi
	$(Q)tests/mpi/check.sh $(BUILD)/caresim build/mpi

bench: $(BUILD)/simbench $(BUILD)/modelbench
	$(Q)if [ -f $(REFBENCH_SRC) ]; then $(MAKE) --no-print-directory $(BUILD)/refbench; fi
	$(Q)MODELBENCH=$(BUILD)/modelbench scripts/bench.sh $(BUILD)/simbench $(if $(wildcard $(REFBENCH_SRC)),$(BUILD)/refbench)

# The worked example of the engine, then the base scenario of the health model:
# a summary table and results/base.h5; a
# comparison of three reforms with the base (results/compare_base.h5) and its figures
# (gnuplot) in results/plots/compare_base/.
demo: $(BUILD)/clinic $(BUILD)/caresim
	$(Q)$(BUILD)/clinic
	@echo
	$(Q)$(BUILD)/caresim run scenarios/base.cfg -r 5 -j 2
	@echo
	$(Q)$(BUILD)/caresim compare scenarios/base.cfg scenarios/gatekeeping.cfg \
	    scenarios/capitation.cfg scenarios/integrated_care.cfg -r 5 -j 2
	@echo
	$(Q)$(BUILD)/caresim plot results/compare_base.h5
	@echo "plots: results/plots/compare_base/ (images, with each figure's data and gnuplot script)"
	@echo
	@echo "A small probabilistic sensitivity analysis (60 draws of 2000 persons; a real one:"
	@echo "caresim psa scenarios/base.cfg scenarios/integrated_care.cfg -n 500 -j 2):"
	$(Q)$(BUILD)/caresim psa scenarios/base.cfg scenarios/integrated_care.cfg -n 60 -j 2 \
	    --set run.population=2000
	$(Q)$(BUILD)/caresim plot results/psa_base.h5
	@echo "plots: results/plots/psa_base/ (CE plane, acceptability curves, EVPI)"

# docs/parameters.md is generated from the scenario key table (models/params.c); a test
# fails when the committed file is out of date.
docs: $(BUILD)/caresim
	$(Q)$(BUILD)/caresim params --markdown > docs/parameters.md.tmp
	$(Q)mv docs/parameters.md.tmp docs/parameters.md
	@echo "wrote docs/parameters.md"

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
