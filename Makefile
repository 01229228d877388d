# SPDX-License-Identifier: GPL-2.0
#
# tagfuzz: the build.  `make help` lists the targets.
#
# Every source list, flag set and include path of the project is here (one
# place); build.sh drives this file for its commands (test, fuzz, repro,
# coverage, stress, ossfuzz, ...) and installs what is missing first.
# make itself never installs anything.
#
#   make [-jN] [O=DIR] [CC=clang-NN] [V=1]      fuzz targets, replay, scenario, tests, corpus,
#                                               the AFL++ mutator library
#   make check                                  every test (what ./build.sh test runs)
#
# Objects go to $(O)/obj/BUILD/PATH.o with -MMD -MP dependencies; each build
# directory has a .flags file that changes (and so recompiles the build)
# when the compiler or its flags change.

MAKEFLAGS += -rR
.SUFFIXES:
.DELETE_ON_ERROR:

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
space := $(subst ,, )

# --- configuration -------------------------------------------------------------

# CC: `make CC=...` (make's default cc and an exported CC are not used, as in
# the kernel; TAGFUZZ_CC is build.sh's name for it).
ifneq ($(filter default environment undefined,$(origin CC)),)
CC := $(or $(TAGFUZZ_CC),clang)
endif
AR_CMD := ar
# Where everything goes: O=DIR (relative to the directory make runs in).
O := $(or $(TAGFUZZ_OUT),$(ROOT)/out)
OUT := $(abspath $(O))
ifeq ($(origin V),command line)
VERBOSE := $(V)
endif
ifeq ($(VERBOSE),1)
Q :=
else
Q := @
endif
ifneq ($(findstring s,$(firstword -$(filter-out --%,$(MAKEFLAGS)))),)
QUIET_ECHO := 1
endif
# `$(call say,WHAT,NAME)`: the one-line kernel-style progress message.
say = $(if $(Q),$(if $(QUIET_ECHO),,@printf '  %-7s %s\n' '$(1)' '$(2)';))

# --- what is built -------------------------------------------------------------

# A new fuzz target is one word here (fuzz/NAME.c, corpus/NAME/*.txt, and
# optionally fuzz/NAME.dict; without one it gets SCENARIO_DICT).
TARGETS := fuzz_boot fuzz_early_pfn_diff fuzz_pgflags fuzz_pcp
# Every target decodes the same scenario bytes: this whole-op dictionary
# serves targets that have no fuzz/TARGET.dict of their own.
SCENARIO_DICT := fuzz/fuzz_boot.dict

# The library every front end links (libtagfuzz.a).
LIB_SRCS := \
	target/lib/list_debug.c \
	target/sim/glue_alloc_tag.c target/sim/glue_page_alloc.c target/sim/glue_page_ext.c \
	target/sim/glue_pcp_split.c target/sim/glue_memory_failure.c \
	target/mm/memory_hotplug.c target/mm/page_isolation.c target/sim/memory.c \
	target/sim/callers.c target/sim/fault.c target/sim/machine.c \
	target/sim/observe.c target/sim/observe_pcp.c target/sim/page_owner.c target/sim/report.c \
	target/sim/percpu.c target/sim/sched.c target/sim/tags.c target/sim/names.c \
	target/variants/bugs.c target/variants/trackers.c \
	target/variants/early_pfn_none.c target/variants/early_pfn_array256.c \
	target/variants/early_pfn_array8192.c target/variants/early_pfn_pagelist.c \
	target/variants/early_pfn_llist.c target/variants/early_pfn_pool_gfp.c \
	target/variants/early_pfn_pool_high.c \
	target/lib/maple_tree.c target/mm/alloc_tag_pgflags.c target/sim/pgflags.c \
	target/variants/pgflags_v3.c reference/pgflags_model.c \
	reference/model.c reference/pcp_oracle.c reference/oracle.c reference/ledger.c reference/journal.c \
	reference/numa_oracle.c \
	fuzz/codec.c fuzz/phases.c fuzz/run.c fuzz/known.c fuzz/frames.c fuzz/diff.c fuzz/interleave.c \
	fuzz/mutator.c fuzz/trace.c fuzz/status.c
# Coverage guides the fuzzer through the port; the oracles and the codec run
# on every input in loops over all pages, so they are left out of it (as an
# ignore list for libFuzzer's SanitizerCoverage, AFL_LLVM_DENYLIST for AFL++).
NOCOV_SRCS := reference/model.c reference/pcp_oracle.c reference/oracle.c reference/ledger.c reference/journal.c \
	reference/numa_oracle.c target/sim/observe_pcp.c \
	reference/pgflags_model.c fuzz/diff.c target/sim/observe.c fuzz/codec.c fuzz/phases.c \
	fuzz/run.c fuzz/known.c fuzz/frames.c fuzz/expect.c fuzz/interleave.c fuzz/mutator.c target/sim/report.c \
	fuzz/trace.c target/sim/names.c fuzz/status.c
TEST_SRCS := $(patsubst $(ROOT)/%,%,$(sort $(wildcard $(ROOT)/tests/*.c)))
TOOLS := replay scenario report
# The report tool's own parts (fuzz/report.c is its main), linked into out/report only.
REPORT_SRCS := fuzz/report_sym.c fuzz/report_docs.c
# The AFL++ custom mutator library (fuzz/afl_mutator.c over fuzz/mutator.c):
# afl-fuzz dlopen()s it, so it is built with the plain compiler, without
# sanitizers or coverage, position independent, exporting afl_custom_* only.
AFL_MUTATOR_SRCS := fuzz/afl_mutator.c
AFL_MUTATOR := $(OUT)/afl/tagfuzz_mutator.so
# Linked into the tools and the tests only (a text scenario's directives).
TOOL_SRCS := fuzz/expect.c
# The ThreadSanitizer stress build: real threads, sched_threads.c for sched.c.
STRESS_SRCS := $(patsubst target/sim/sched.c,target/sim/sched_threads.c,$(LIB_SRCS)) fuzz/stress.c

# --- layers: include paths and warnings by directory ---------------------------

# Kernel code and its shims see the shim include path only; the harness
# (oracles, runner, front ends) sees its own directories too; tests see all.
# A file in no LAYER_ directory (a new one, say glue translation units) is
# compiled as harness until it gets a line here.
LAYERS := kernel sim harness tests
LAYER_kernel := target/mm/% target/lib/% target/variants/%
LAYER_sim := target/sim/%
LAYER_harness := reference/% fuzz/%
LAYER_tests := tests/%
INC_kernel := -I$(ROOT)/target/include
INC_sim := -I$(ROOT)/target/include
INC_harness := -I$(ROOT)/target/include -I$(ROOT)/fuzz -I$(ROOT)/reference
INC_tests := $(INC_harness) -I$(ROOT)/tests
layer_of = $(firstword $(foreach l,$(LAYERS),$(if $(filter $(LAYER_$(l)),$(1)),$(l))) harness)
layer_inc = $(INC_$(call layer_of,$(1)))
# -Wmissing-prototypes everywhere but target/mm: the harness functions are in
# the glue units now (target/sim/glue_*.c, checked), and what is left there is
# kernel text, whose prototypes live in headers the port does not carry
# (alloc_tag_pgflags.c's module hooks, say).
NO_PROTO_CHECK := target/mm/%
layer_warn = $(if $(filter $(NO_PROTO_CHECK),$(1)),,-Wmissing-prototypes)

# `make check-layers`: kernel translation units must not include a
# harness-only header, the harness must not include a kernel header.
LAYER_KERNEL_TUS := $(patsubst $(ROOT)/%,%,$(sort $(wildcard $(ROOT)/target/mm/*.c $(ROOT)/target/lib/*.c)))
LAYER_HARNESS_TUS := $(patsubst $(ROOT)/%,%,$(sort $(wildcard $(ROOT)/reference/*.c $(ROOT)/fuzz/*.c)))
HARNESS_ONLY_HEADERS := tagfuzz/ops.h tagfuzz/observe.h tagfuzz/variants.h tagfuzz/pgflags.h tagfuzz/names.h
KERNEL_HEADERS := target/include/linux/% target/mm/%

# --- flags (as build.sh used them) ----------------------------------------------

WARN := -std=gnu11 -fno-strict-overflow -Wall -Wextra -Wno-unused-parameter \
	-Wno-sign-compare -Wno-unused-function -Werror
OPT := $(or $(TAGFUZZ_OPT),-O1)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
COMMON := $(WARN) -g $(OPT) $(SAN)
# Comparison tracing is off by default: the port compares its own state, not
# input bytes (every operand passes through the decoder), and it cost 40% of
# each execution (bench/exec_driver.c measures it).  TAGFUZZ_COV_FLAGS or
# COV_FLAGS=... replaces it.
COV_FLAGS := $(if $(filter undefined,$(origin TAGFUZZ_COV_FLAGS)),-fno-sanitize-coverage=trace-cmp,$(TAGFUZZ_COV_FLAGS))
NOCOV_LIST := $(OUT)/nocov.list
FUZZ_FLAGS := $(COMMON) -fsanitize=fuzzer-no-link -fsanitize-coverage-ignorelist=$(NOCOV_LIST) $(COV_FLAGS)
# Fuzz target files themselves: compiled as `clang -fsanitize=fuzzer` compiles them.
FUZZ_MAIN_FLAGS := $(COMMON) -fsanitize=fuzzer
STRESS_FLAGS := $(WARN) -g -O1 -fsanitize=thread -DTF_REAL_THREADS
SRC_COV_FLAGS := $(WARN) -g -O1 -fprofile-instr-generate -fcoverage-mapping
AFL_CC := afl-clang-fast
AFL_MUTATOR_FLAGS := $(WARN) -g $(OPT) -fPIC -fvisibility=hidden
AFL_ENV := AFL_QUIET=1 AFL_LLVM_DENYLIST=$(NOCOV_LIST)
STRESS_SECS := 60

# --- rules ---------------------------------------------------------------------

obj = $(patsubst %.c,$(2)/%.o,$(1))

# $(call build,NAME,DIR,CC,FLAGS,SRCS[,ENV[,EXTRA_PREREQ]]): SRCS compiled into
# DIR with CC FLAGS (and each file's layer flags), DIR/libtagfuzz.a from the
# objects of LIB_SRCS among them.  LOCAL builds add the layer warnings.
define build
$(1)_DIR := $(2)
$(1)_OBJS := $$(call obj,$(5),$(2))
$(1)_LIB_OBJS := $$(call obj,$$(filter $(LIB_SRCS),$(5)),$(2))
$(1)_FLAGS_TEXT := $(strip $(6) $(3) $(4))
ifneq ($$(strip $$(file <$(2)/.flags)),$$($(1)_FLAGS_TEXT))
$(2)/.flags: FORCE
endif
$(2)/.flags:
	$$(Q)mkdir -p $$(@D) && printf '%s\n' '$$($(1)_FLAGS_TEXT)' >$$@
$(2)/%.o: $(ROOT)/%.c $(2)/.flags $(7)
	$$(call say,CC,$(1)/$$*.o)
	$$(Q)mkdir -p $$(@D) && $(6) $(3) $(4) $$(call layer_inc,$$*.c) $$(if $(8),,$$(call layer_warn,$$*.c)) -MMD -MP -c $$< -o $$@
$(2)/libtagfuzz.a: $$($(1)_LIB_OBJS)
	$$(call say,AR,$(1)/libtagfuzz.a)
	$$(Q)rm -f $$@ && $(AR_CMD) rcs $$@ $$^
-include $$($(1)_OBJS:.o=.d)
endef

FUZZ_MAINS := $(TARGETS:%=fuzz/%.c)
$(eval $(call build,fuzz,$(OUT)/obj/fuzz,$(CC),$(FUZZ_FLAGS),$(LIB_SRCS),,$(NOCOV_LIST)))
$(eval $(call build,fuzzmain,$(OUT)/obj/fuzz-main,$(CC),$(FUZZ_MAIN_FLAGS),$(FUZZ_MAINS)))
$(eval $(call build,tools,$(OUT)/obj/tools,$(CC),$(COMMON),$(LIB_SRCS) $(TOOL_SRCS) $(REPORT_SRCS) $(TOOLS:%=fuzz/%.c) $(TEST_SRCS)))
$(eval $(call build,stress,$(OUT)/obj/stress,$(CC),$(STRESS_FLAGS),$(STRESS_SRCS)))
# explore runs tens of thousands of schedules a scenario: -O2 and no
# sanitizers, four times the schedules a second of the ASan+UBSan build (its
# reproducers replay under out/replay, which has them).
EXPLORE_FLAGS := $(WARN) -g -O2
$(eval $(call build,explore,$(OUT)/obj/explore,$(CC),$(EXPLORE_FLAGS),$(LIB_SRCS) $(TOOL_SRCS) fuzz/explore.c))
$(eval $(call build,cov,$(OUT)/obj/cov,$(CC),$(SRC_COV_FLAGS),$(LIB_SRCS) $(FUZZ_MAINS)))
$(eval $(call build,afl,$(OUT)/obj/afl,$(AFL_CC),$(COMMON),$(LIB_SRCS),$(AFL_ENV),$(NOCOV_LIST)))
$(eval $(call build,aflmain,$(OUT)/obj/afl-main,$(AFL_CC),$(COMMON) -fsanitize=fuzzer,$(FUZZ_MAINS),AFL_QUIET=1))
$(eval $(call build,aflmut,$(OUT)/obj/afl-mutator,$(CC),$(AFL_MUTATOR_FLAGS),$(LIB_SRCS) $(AFL_MUTATOR_SRCS)))

# The no-coverage list, in the format both clang's
# -fsanitize-coverage-ignorelist and AFL_LLVM_DENYLIST read.
# Each file twice: `src:*/PATH` for clang, which matches the whole name it
# was given; `src:PATH` for AFL++, which matches `*ENTRY` against the name
# in the debug info, relative when the file is under the current directory
# (a local make), and skips entries longer than that name.
ifneq ($(strip $(file <$(NOCOV_LIST))),$(strip $(foreach s,$(NOCOV_SRCS),src:*/$(s) src:$(s))))
$(NOCOV_LIST): FORCE
endif
$(NOCOV_LIST):
	$(Q)mkdir -p $(@D) && printf 'src:*/%s\nsrc:%s\n' $(foreach s,$(NOCOV_SRCS),$(s) $(s)) >$@

# $(call link,OUTPUT,CC,FLAGS,INPUTS[,LIBS])
define link
$(1): $(4)
	$$(call say,LD,$$(patsubst $(OUT)/%,%,$$@))
	$$(Q)mkdir -p $$(@D) && $(2) $(3) $$^ $(5) -o $$@
endef
$(foreach t,$(TARGETS),$(eval $(call link,$(OUT)/$(t),$(CC),$(COMMON) -fsanitize=fuzzer,$(OUT)/obj/fuzz-main/fuzz/$(t).o $(OUT)/obj/fuzz/libtagfuzz.a)))
$(foreach t,$(TOOLS),$(eval $(call link,$(OUT)/$(t),$(CC),$(COMMON),$(OUT)/obj/tools/fuzz/$(t).o $(call obj,$(TOOL_SRCS) $(if $(filter report,$(t)),$(REPORT_SRCS)),$(OUT)/obj/tools) $(OUT)/obj/tools/libtagfuzz.a)))
$(eval $(call link,$(OUT)/tests,$(CC),$(COMMON),$(call obj,$(TEST_SRCS) $(TOOL_SRCS),$(OUT)/obj/tools) $(OUT)/obj/tools/libtagfuzz.a))
$(eval $(call link,$(OUT)/stress,$(CC),$(STRESS_FLAGS),$(stress_OBJS),-lpthread))
$(eval $(call link,$(OUT)/explore,$(CC),$(EXPLORE_FLAGS),$(OUT)/obj/explore/fuzz/explore.o $(call obj,$(TOOL_SRCS),$(OUT)/obj/explore) $(OUT)/obj/explore/libtagfuzz.a))
$(foreach t,$(TARGETS),$(eval $(call link,$(OUT)/cov/$(t),$(CC),$(SRC_COV_FLAGS) -fsanitize=fuzzer,$(OUT)/obj/cov/fuzz/$(t).o $(OUT)/obj/cov/libtagfuzz.a)))
$(foreach t,$(TARGETS),$(eval $(call link,$(OUT)/afl/$(t),$(AFL_ENV) $(AFL_CC),$(COMMON) -fsanitize=fuzzer,$(OUT)/obj/afl-main/fuzz/$(t).o $(OUT)/obj/afl/libtagfuzz.a)))
$(eval $(call link,$(AFL_MUTATOR),$(CC),$(AFL_MUTATOR_FLAGS) -shared,$(call obj,$(AFL_MUTATOR_SRCS),$(OUT)/obj/afl-mutator) $(OUT)/obj/afl-mutator/libtagfuzz.a))

# The seed corpora: corpus/TARGET/NAME.txt encoded as out/corpus/TARGET/NAME.
CORPUS_FILES := $(foreach t,$(TARGETS),$(patsubst $(ROOT)/corpus/$(t)/%.txt,$(OUT)/corpus/$(t)/%,$(wildcard $(ROOT)/corpus/$(t)/*.txt)))
CORPUS_STALE := $(filter-out $(CORPUS_FILES),$(wildcard $(TARGETS:%=$(OUT)/corpus/%/*)))
define corpus_rule
$(OUT)/corpus/$(1)/%: $(ROOT)/corpus/$(1)/%.txt $(OUT)/scenario
	$$(call say,ENCODE,corpus/$(1)/$$*)
	$$(Q)mkdir -p $$(@D) && $(OUT)/scenario encode $$< $$@ || { echo "corpus/$(1)/$$*.txt does not parse" >&2; rm -f $$@; exit 1; }
endef
$(foreach t,$(TARGETS),$(eval $(call corpus_rule,$(t))))

# --- the OSS-Fuzz/ClusterFuzzLite build (through ./build.sh ossfuzz) -------------
# build.sh passes the builder's toolchain: OSSFUZZ_CFLAGS (the builder's
# CFLAGS as given), OSSFUZZ_COV (the ignore list flag or nothing),
# OSSFUZZ_LINK (the linker and its flags), OSSFUZZ_ENGINE, and the
# directories OSSFUZZ_HOST (the corpus encoder), OSSFUZZ_OBJ, OSSFUZZ_OUT,
# and NOCOV_LIST (written here; AFL_LLVM_DENYLIST names it in AFL++ builds).
# No -Werror there: the builder's clang is newer than ours.
ifneq ($(OSSFUZZ_OBJ),)
OSSFUZZ_LANG := -std=gnu11 -fno-strict-overflow
$(eval $(call build,host,$(OSSFUZZ_HOST),$(CC),$(OSSFUZZ_LANG) -O1,$(LIB_SRCS) $(TOOL_SRCS) fuzz/scenario.c,,,nowarn))
$(eval $(call build,ossfuzz,$(OSSFUZZ_OBJ),$(CC),$(OSSFUZZ_CFLAGS) $(OSSFUZZ_LANG) $(OSSFUZZ_COV),$(LIB_SRCS) $(FUZZ_MAINS),,$(NOCOV_LIST),nowarn))
$(eval $(call link,$(OSSFUZZ_HOST)/scenario,$(CC),$(OSSFUZZ_LANG) -O1,$(OSSFUZZ_HOST)/fuzz/scenario.o $(call obj,$(TOOL_SRCS),$(OSSFUZZ_HOST)) $(OSSFUZZ_HOST)/libtagfuzz.a))
$(foreach t,$(TARGETS),$(eval $(call link,$(OSSFUZZ_OUT)/$(t),$(OSSFUZZ_LINK),,$(OSSFUZZ_OBJ)/fuzz/$(t).o $(OSSFUZZ_OBJ)/libtagfuzz.a,$(OSSFUZZ_ENGINE))))
# AFL++ builds: the custom mutator library too, with OSSFUZZ_MUTATOR_CC (a
# plain clang: afl-fuzz cannot load code instrumented for the target).
ifneq ($(OSSFUZZ_MUTATOR_CC),)
OSSFUZZ_MUTATOR_FLAGS := $(OSSFUZZ_LANG) -O1 -fPIC -fvisibility=hidden
$(eval $(call build,ossfuzzmut,$(OSSFUZZ_HOST)/mutator,$(OSSFUZZ_MUTATOR_CC),$(OSSFUZZ_MUTATOR_FLAGS),$(LIB_SRCS) $(AFL_MUTATOR_SRCS),,,nowarn))
$(eval $(call link,$(OSSFUZZ_OUT)/tagfuzz_mutator.so,$(OSSFUZZ_MUTATOR_CC),$(OSSFUZZ_MUTATOR_FLAGS) -shared,$(call obj,$(AFL_MUTATOR_SRCS),$(OSSFUZZ_HOST)/mutator) $(OSSFUZZ_HOST)/mutator/libtagfuzz.a))
endif
endif
ossfuzz-build:
	$(if $(OSSFUZZ_OBJ),,$(error ossfuzz-build is run by ./build.sh ossfuzz, which sets the OSS-Fuzz variables))
ossfuzz-build: $(if $(OSSFUZZ_OBJ),$(OSSFUZZ_HOST)/scenario $(TARGETS:%=$(OSSFUZZ_OUT)/%) \
	$(if $(OSSFUZZ_MUTATOR_CC),$(OSSFUZZ_OUT)/tagfuzz_mutator.so))

# --- targets -------------------------------------------------------------------

.PHONY: all $(TARGETS) $(TOOLS) explore tests corpus check check-unit check-contract check-layers \
	stress stress-build cov $(TARGETS:%=cov-%) afl $(TARGETS:%=afl-%) afl-mutator ossfuzz-build \
	clean help print-targets FORCE
.DEFAULT_GOAL := all

all: $(TARGETS) $(TOOLS) explore tests corpus afl-mutator
	@:
$(foreach t,$(TARGETS) $(TOOLS) explore tests,$(eval $(t): $(OUT)/$(t)))
# tests/test_afl_mutator.c loads it from beside the test binary ($(OUT)/afl/).
tests: afl-mutator
afl-mutator: $(AFL_MUTATOR)
corpus: $(CORPUS_FILES)
	$(if $(CORPUS_STALE),$(Q)rm -f $(CORPUS_STALE))

# Every test: unit and scenario tests, the build contract, a short stress run.
check: all stress-build
	+$(Q)MAKE='$(MAKE)' bash $(ROOT)/tests/check.sh '$(OUT)'
check-unit: $(OUT)/tests $(AFL_MUTATOR)
	$(Q)cd $(ROOT) && $(OUT)/tests tests/scenarios corpus/regressions $(TARGETS:%=corpus/%)
check-contract: all
	$(Q)TAGFUZZ_OUT='$(OUT)' bash $(ROOT)/tests/build_contract.sh

stress-build: $(OUT)/stress
stress: stress-build
	$(Q)bash $(ROOT)/tests/stress.sh '$(OUT)' $(STRESS_SECS)

cov: $(TARGETS:%=cov-%)
$(foreach t,$(TARGETS),$(eval cov-$(t): $(OUT)/cov/$(t)))
afl: $(TARGETS:%=afl-%) afl-mutator
$(foreach t,$(TARGETS),$(eval afl-$(t): $(OUT)/afl/$(t)))

# $(call layer_check,TU,HEADER-PATTERNS,WHAT): the headers of TU (per
# `$(CC) -MM` with its layer's include path) that match, as a failure.
layer_check = bad=$$(cd $(ROOT) && $(CC) -MM $(call layer_inc,$(1)) $(1) | tr -d '\\' | tr ' ' '\n' | \
	sed -e 's|^$(ROOT)/||' -e ':a' -e 's|[^/]*/\.\./||' -e 'ta' | grep -E '$(2)' | sort -u | \
	sed 's|^target/include/||' | tr '\n' ' '); \
	if [ -n "$$bad" ]; then echo "$(1): $(3) $${bad% }"; rc=1; fi;
HARNESS_ONLY_RE := /($(subst $(space),|,$(subst .,\.,$(HARNESS_ONLY_HEADERS))))$$
KERNEL_HEADERS_RE := ^($(subst $(space),|,$(subst %,.*,$(subst .,\.,$(KERNEL_HEADERS)))))$$
check-layers:
	$(Q)rc=0; \
	$(foreach f,$(LAYER_KERNEL_TUS),$(call layer_check,$(f),$(HARNESS_ONLY_RE),includes harness-only header(s))) \
	$(foreach f,$(LAYER_HARNESS_TUS),$(call layer_check,$(f),$(KERNEL_HEADERS_RE),includes kernel header(s))) \
	if [ $$rc = 0 ]; then echo "check-layers: ok"; else echo "check-layers: FAILED"; fi; exit $$rc

clean:
	$(call say,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)/obj $(OUT)/nocov.list $(addprefix $(OUT)/,$(TARGETS) $(TOOLS) explore tests stress corpus cov afl)

print-targets:
	$(info $(TARGETS))@:
print-%:
	$(info $($*))@:

help:
	@echo 'tagfuzz build (./build.sh help: the commands that fuzz, replay, install)'
	@echo
	@echo '  make [all]          fuzz targets ($(TARGETS)),'
	@echo '                      replay, scenario, explore (-O2, no sanitizers), tests,'
	@echo '                      afl/tagfuzz_mutator.so into $$(O);'
	@echo '                      the corpus into $$(O)/corpus/'
	@echo '  make TARGET         one of the above (fuzz_boot, replay, scenario, tests, corpus, ...)'
	@echo '  make check          every test: unit and scenario tests, the build contract'
	@echo '                      (tests/build_contract.sh), a 5 s ThreadSanitizer stress run,'
	@echo '                      the TSan narrowing probes, every race scenario explored,'
	@echo '                      check-layers;'
	@echo '                      ends "N passed, N failed" (what ./build.sh test runs)'
	@echo '  make check-unit     the unit and scenario tests only'
	@echo '  make check-contract the OSS-Fuzz/ClusterFuzzLite build contract only'
	@echo '  make check-layers   fails if a kernel TU (target/mm/*.c, target/lib/*.c) includes a'
	@echo '                      harness-only header ($(HARNESS_ONLY_HEADERS))'
	@echo '                      or reference/, fuzz/ include a kernel header (target/include/linux, target/mm);'
	@echo '                      lists: LAYER_KERNEL_TUS, LAYER_HARNESS_TUS, HARNESS_ONLY_HEADERS, KERNEL_HEADERS.'
	@echo '                      (part of make check)'
	@echo '  make stress [STRESS_SECS=60]'
	@echo '                      ThreadSanitizer stress run ($$(O)/stress, -DTF_REAL_THREADS)'
	@echo '  make cov, cov-TARGET   source-coverage builds into $$(O)/cov/ (./build.sh coverage runs them)'
	@echo '  make afl, afl-TARGET   AFL++ builds into $$(O)/afl/ (needs afl-clang-fast: ./build.sh deps afl)'
	@echo '  make afl-mutator   $$(O)/afl/tagfuzz_mutator.so, the AFL++ custom mutator library'
	@echo '                      (plain $$(CC); part of all: tests/test_afl_mutator.c loads it)'
	@echo '  make clean          remove what make built (keeps $$(O)/work, findings, corpora of runs)'
	@echo '  make print-targets  the fuzz targets, one line (print-VAR: any variable)'
	@echo
	@echo '  O=DIR      output directory (default out/, or $$TAGFUZZ_OUT)'
	@echo '  CC=CC      compiler (default clang, or $$TAGFUZZ_CC); OPT=-O1 (or $$TAGFUZZ_OPT)'
	@echo '  V=1        print each command'
	@echo '  COV_FLAGS= SanitizerCoverage flags of the fuzz build (default $(if $(filter undefined,$(origin TAGFUZZ_COV_FLAGS)),-fno-sanitize-coverage=trace-cmp,$$TAGFUZZ_COV_FLAGS))'
	@echo
	@echo 'make never installs anything; ./build.sh test and ./build.sh fuzz do.'

FORCE:
