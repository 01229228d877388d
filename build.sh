#!/usr/bin/env bash
# tagfuzz: the one entry point.  ./build.sh help lists the commands.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Inside the OSS-Fuzz/ClusterFuzzLite builder image the toolchain comes in CC,
# CXX, CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE and the destination in OUT: keep
# them before the local defaults below reuse the names OUT and CC.
OSSFUZZ_CC=${CC-}
OSSFUZZ_CXX=${CXX-}
OSSFUZZ_OUT=${OUT-}
OUT=${TAGFUZZ_OUT:-$ROOT/out}
# make runs in $ROOT: a relative TAGFUZZ_OUT is relative to here.
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
CC=${TAGFUZZ_CC:-clang}
JOBS=$(nproc 2>/dev/null || echo 2)

# The Makefile holds the fuzz targets, the sources, the flags and the rules
# (make help); build.sh installs what is missing and drives it.  TARGETS and
# SCENARIO_DICT come from it (load_targets).
TARGETS=()
SCENARIO_DICT=
# libFuzzer's scheduling: inputs that run long (bursts of thousands of
# allocations, kept for the hit-count buckets they fill) get their energy
# scaled down by their run time, so fuzzing spends its time on many short
# runs rather than a few long ones (docs/benchmarks.md: 3-4x the exec/s,
# the same or more features).  Used by `fuzz`, `bench` and the .options
# files of `ossfuzz`; TAGFUZZ_LIBFUZZER_FLAGS replaces it (empty: none).
read -r -a LF_FLAGS <<<"${TAGFUZZ_LIBFUZZER_FLAGS--entropic_scale_per_exec_time=1}"

die() { echo "build.sh: $*" >&2; exit 2; }
log() { echo "build.sh: $*" >&2; }
for f in "${LF_FLAGS[@]}"; do
	# -name=value only: the .options files need both halves.
	[[ "$f" =~ ^-[a-z_]+=[^=]+$ ]] ||
		die "TAGFUZZ_LIBFUZZER_FLAGS: '$f' is not a libFuzzer flag of the form -name=value"
done

usage() {
	cat <<'EOF'
usage: ./build.sh [COMMAND]
  (none)                 build fuzz targets (libFuzzer+ASan+UBSan), replay, scenario, tests into out/
                         (make [-jN]: the same, without installing; make help)
  test                   install what is missing, build, run every test (make check)
  fuzz [OPTS] [TARGET] [SECS]
                         fuzz TARGET (default fuzz_boot) for SECS seconds (default 300)
                         from the shipped corpus; a progress line every 10 s, then a
                         summary: coverage, known findings hit, each new finding once
                         per signature
      --engine E         libfuzzer (default) or afl (AFL++ 4, afl-clang-fast, persistent mode)
      --jobs N|all       parallel fuzzing processes (libFuzzer -fork=N, AFL++ -M/-S)
  repro FILE|DIR|ZIP [OPTS]
                         replay a reproducer (libFuzzer crash file, AFL++ crash,
                         ClusterFuzzLite artifact or its downloaded .zip, .txt
                         scenario): signature, variant, scenario, trace, verdict;
                         OPTS are replay's (--trace=events or --trace=sched: one half
                         of the trace; out/replay --help)
  explore FILE|DIR [--preemptions N] [--bugs LIST]
                         every schedule of each run group of a text scenario (of each one
                         in DIR) with at most N change points (default 2) and every first
                         CPU, in a fixed order; stops at the first new finding and writes
                         its reproducer to out/explored/; prints the schedules run and time
  stress [SECS]          ThreadSanitizer stress: the shipped scenarios and random ones with
                         one real thread per simulated CPU, for SECS seconds (default 60)
  minimize FILE          shrink a reproducer op by op, keeping its signature;
                         writes out/minimized/NAME.min.txt (a regression scenario) and NAME.min
  report FILE|DIR|ZIP... [--out DIR] [--together] [--no-minimize]
                         a plain-text report for linux-mm of each distinct finding
                         (subject, code followed, Config, Phase, Sequence, Consequence,
                         Upstream lines, Reproducer, trace; README "Reporting a
                         finding"); fuzzer inputs are minimized first; --out DIR writes
                         one file per finding, --together one for all
  coverage [TARGET] [DIR...]
                         source-based coverage of TARGET over its seed corpus, the
                         fuzzing corpora in out/ and any DIRs: HTML report, and
                         line/branch coverage per file of target/
  ossfuzz                the OSS-Fuzz/ClusterFuzzLite build: fuzz targets with $CC,
                         $CFLAGS, $LIB_FUZZING_ENGINE into $OUT, each with
                         TARGET_seed_corpus.zip, TARGET.dict and TARGET.options (the
                         default command when LIB_FUZZING_ENGINE and OUT are set)
  corpus                 encode the text corpus into out/corpus/TARGET/
  bench [--quick] [OPTS] benchmarks: exec/s against a trivial target, time to first finding of
                         every known-buggy variant (libFuzzer, AFL++), coverage, peak memory;
                         table into bench/results/ (bench/run.sh --help lists OPTS)
  deps [afl] [coverage]  install the Debian packages the build (and AFL++, coverage) needs (as root)
  help                   this list
Environment: TAGFUZZ_BUGS=a,b (bug switches: the variant), TAGFUZZ_STRICT=1 (report
known findings), TAGFUZZ_TRACKER=NAME|a,b (early-PFN tracker variant, docs/variants.md),
TAGFUZZ_PCP=upstream|split|header|diff (PCP free path, docs/pcp.md),
TAGFUZZ_WHAT_IF=smp-early-boot (lift the boot order: other CPUs run during early boot and
page_ext_init; findings end in [what-if], docs/findings.md), TAGFUZZ_OUT=DIR
(instead of out/), TAGFUZZ_CC (instead of clang), TAGFUZZ_LIBFUZZER_FLAGS (libFuzzer
scheduling flags for fuzz, bench and ossfuzz; default -entropic_scale_per_exec_time=1).
EOF
}

# --- dependencies ----------------------------------------------------------

APT_UPDATED=0
apt_install() {
	[ "$(id -u)" = 0 ] || die "missing: $*; as root run: ./build.sh deps $DEPS_WHAT (or apt-get install $*)"
	export DEBIAN_FRONTEND=noninteractive
	if [ "$APT_UPDATED" = 0 ]; then
		apt-get update -qq
		APT_UPDATED=1
	fi
	log "installing $* (Debian packages)"
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_toolchain() {
	command -v "$CC" >/dev/null 2>&1 || return 1
	command -v make >/dev/null 2>&1 || return 1
	# The runtimes -fsanitize=fuzzer,address,undefined links: when the
	# compiler knows where they are, no probe link.
	local rt found=1
	for rt in fuzzer asan ubsan_standalone; do
		[ -f "$("$CC" -print-file-name="libclang_rt.$rt-$(uname -m).a" 2>/dev/null)" ] || found=0
	done
	[ "$found" = 0 ] || return 0
	local t
	t=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}\n' >"$t/t.c"
	if "$CC" -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" >/dev/null 2>&1; then
		rm -rf "$t"
		return 0
	fi
	rm -rf "$t"
	return 1
}

# The major version of $CC: llvm-profdata/llvm-cov must match it.
cc_major() {
	"$CC" --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1
}

# llvm_tool NAME: the llvm tool NAME of $CC's version, or nothing.
llvm_tool() {
	local v
	v=$(cc_major)
	if [ -n "$v" ] && command -v "$1-$v" >/dev/null 2>&1; then
		echo "$1-$v"
	elif [ -n "$v" ] && [ -x "/usr/lib/llvm-$v/bin/$1" ]; then
		echo "/usr/lib/llvm-$v/bin/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		echo "$1"
	fi
}

# deps [base] [afl] [coverage] [test]: install what is missing.
DEPS_WHAT=
deps() {
	local what=("$@") w
	[ ${#what[@]} -gt 0 ] || what=(base)
	DEPS_WHAT="${what[*]}"
	for w in "${what[@]}"; do
		case $w in
		base)
			if ! have_toolchain; then
				log "installing make, clang and its sanitizer runtimes (Debian packages)"
				apt_install make clang libclang-rt-14-dev llvm ||
					apt_install make clang llvm
				have_toolchain || die "clang is installed but cannot link -fsanitize=fuzzer,address,undefined"
			fi
			;;
		zip)
			# seed corpus archives (python3's zipfile stands in for both)
			if ! command -v zip >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then
				if [ "$(id -u)" = 0 ]; then
					apt_install zip unzip
				else
					log "zip/unzip are missing (apt-get install zip unzip); python3 stands in where it can"
				fi
			fi
			;;
		afl)
			deps base
			command -v afl-clang-fast >/dev/null 2>&1 && command -v afl-fuzz >/dev/null 2>&1 ||
				apt_install afl++
			command -v afl-clang-fast >/dev/null 2>&1 || die "afl++ is installed but afl-clang-fast is missing"
			;;
		coverage)
			deps base
			if [ -z "$(llvm_tool llvm-profdata)" ] || [ -z "$(llvm_tool llvm-cov)" ]; then
				apt_install "llvm-$(cc_major)" || apt_install llvm
			fi
			[ -n "$(llvm_tool llvm-cov)" ] || die "llvm-cov for clang $(cc_major) is missing"
			;;
		test)
			deps base zip
			# The workflow check parses YAML.
			python3 -c 'import yaml' >/dev/null 2>&1 || [ "$(id -u)" != 0 ] ||
				apt_install python3 python3-yaml || true
			;;
		*) die "deps: unknown component '$w' (have: base afl coverage)" ;;
		esac
	done
}

# --- building ----------------------------------------------------------------

# mk ARGS...: make in the tree, into $OUT, with $CC (the Makefile has the
# sources, flags and rules; make help lists its targets).
mk() {
	make -C "$ROOT" --no-print-directory O="$OUT" CC="$CC" "$@"
}

# load_targets: TARGETS and SCENARIO_DICT, as the Makefile lists them.
load_targets() {
	[ ${#TARGETS[@]} = 0 ] || return 0
	command -v make >/dev/null 2>&1 || deps base
	read -r -a TARGETS <<<"$(mk -s print-targets)"
	SCENARIO_DICT=$(mk -s print-SCENARIO_DICT)
	[ ${#TARGETS[@]} -gt 0 ] && [ -n "$SCENARIO_DICT" ] ||
		die "make print-targets / print-SCENARIO_DICT gave nothing (is the Makefile there?)"
}

dict_for() {
	load_targets
	if [ -f "$ROOT/fuzz/$1.dict" ]; then
		echo "$ROOT/fuzz/$1.dict"
	else
		echo "$ROOT/$SCENARIO_DICT"
	fi
}

# encode_corpus SCENARIO_TOOL TARGET DIR: corpus/TARGET/*.txt as fuzzer inputs
# in DIR (the OSS-Fuzz seed corpora; make encodes out/corpus/ itself).
encode_corpus() {
	local tool=$1 t=$2 dir=$3 f
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$ROOT/corpus/$t"/*.txt; do
		[ -e "$f" ] || continue
		"$tool" encode "$f" "$dir/$(basename "$f" .txt)" ||
			die "corpus/$t/$(basename "$f") does not parse"
	done
}

# The fuzz targets, replay, scenario, tests and the encoded corpus (make all).
build() {
	deps base
	load_targets
	mk -j"$JOBS" all || die "the build failed"
}

# AFL++ flavour: the same library and sanitizers through afl-clang-fast;
# -fsanitize=fuzzer links AFL++'s libFuzzer-style driver (libAFLDriver.a),
# which runs LLVMFuzzerTestOneInput in persistent mode.
build_afl() {
	deps afl
	build
	mk -j"$JOBS" afl || die "the AFL++ build failed"
}

# --- the OSS-Fuzz / ClusterFuzzLite build contract --------------------------

is_afl_build() {
	[ "${FUZZING_ENGINE:-}" = afl ] || [[ "$(basename "$1")" == afl-* ]]
}

# zip_dir DIR ZIP: the files of DIR, flat, into a new ZIP (zip, or python3's zipfile).
zip_dir() {
	rm -f "$2"
	if command -v zip >/dev/null 2>&1; then
		(cd "$1" && zip -q -X -j "$2" ./*) || die "zip $2 failed"
	elif command -v python3 >/dev/null 2>&1; then
		python3 - "$1" "$2" <<'EOF' || die "writing $2 failed"
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
EOF
	else
		die "neither zip nor python3 is installed: cannot write $2 (apt-get install zip)"
	fi
}

# Runs inside the builder image (or with its variables set by hand): CC,
# CFLAGS, LIB_FUZZING_ENGINE and OUT are required, CXX/CXXFLAGS (the linker
# when set), WORK, SANITIZER, FUZZING_ENGINE and ARCHITECTURE are honoured.
# CFLAGS and LIB_FUZZING_ENGINE are used as given, split into words as the
# builder's own scripts do; the project adds only its language flags and
# include paths (no -Werror: the builder's clang is newer than ours).
ossfuzz() {
	local out=$OSSFUZZ_OUT cc=$OSSFUZZ_CC cxx=$OSSFUZZ_CXX
	[ -n "$out" ] || die "ossfuzz: \$OUT is not set (the OSS-Fuzz/ClusterFuzzLite builder sets OUT, CC, CFLAGS, LIB_FUZZING_ENGINE)"
	[ -n "$cc" ] || die "ossfuzz: \$CC is not set"
	[ -n "${LIB_FUZZING_ENGINE:-}" ] || die "ossfuzz: \$LIB_FUZZING_ENGINE is not set"
	command -v "$cc" >/dev/null 2>&1 || die "ossfuzz: CC=$cc is not installed"
	local cflags=() cxxflags=() engine=()
	read -r -a cflags <<<"${CFLAGS:-}"
	read -r -a cxxflags <<<"${CXXFLAGS:-}"
	read -r -a engine <<<"$LIB_FUZZING_ENGINE"
	local flavour=${FUZZING_ENGINE:-libfuzzer}-${SANITIZER:-none}-${ARCHITECTURE:-x86_64}
	local work
	if [ -n "${WORK:-}" ]; then
		work=$WORK/tagfuzz
	else
		work=$(mktemp -d)/tagfuzz
	fi
	mkdir -p "$out" "$work"
	log "OSS-Fuzz build ($flavour) with CC=$cc into $out (intermediate files in $work)"
	load_targets
	local cov=() mutcc=
	if is_afl_build "$cc"; then
		export AFL_LLVM_DENYLIST=$work/nocov.list AFL_QUIET=1
		# The AFL++ custom mutator library, for afl-fuzz to load
		# (AFL_CUSTOM_MUTATOR_LIBRARY=$OUT/tagfuzz_mutator.so): a plain
		# clang, as afl-fuzz cannot load code instrumented for the target.
		mutcc=$(command -v clang || true)
		[ -n "$mutcc" ] || log "no plain clang in PATH: $out/tagfuzz_mutator.so not built"
	elif [[ " ${cflags[*]} " == *fuzzer-no-link* || " ${cflags[*]} " == *" -fsanitize-coverage="* ]]; then
		cov=(-fsanitize-coverage-ignorelist="$work/nocov.list")
	fi
	local link=("$cc" "${cflags[@]}")
	[ -z "$cxx" ] || link=("$cxx" "${cxxflags[@]}")

	# make builds the host tools (the corpus encoder, with the project's
	# flags only, so that running it in the builder does not depend on the
	# sanitizer flavour) and the targets: every source with $CFLAGS as
	# given, the project's code linked in statically (an archive), only the
	# toolchain's own runtimes and libc shared.
	local obj=$work/obj-$flavour t
	mk -j"$JOBS" ossfuzz-build CC="$cc" OSSFUZZ_CFLAGS="${cflags[*]}" OSSFUZZ_COV="${cov[*]}" \
		OSSFUZZ_LINK="${link[*]}" OSSFUZZ_ENGINE="${engine[*]}" OSSFUZZ_HOST="$work/host" \
		OSSFUZZ_OBJ="$obj" OSSFUZZ_OUT="$out" NOCOV_LIST="$work/nocov.list" OSSFUZZ_MUTATOR_CC="$mutcc" ||
		die "the OSS-Fuzz build failed"
	for t in "${TARGETS[@]}"; do
		cp "$(dict_for "$t")" "$out/$t.dict"
		# The port wraps unsigned counters on purpose, as the kernel does
		# (the undefined build's unsigned-integer-overflow check is
		# recoverable; this keeps it quiet, as OSS-Fuzz's runners do).
		{
			printf '[libfuzzer]\ndict = %s.dict\n' "$t"
			local f
			for f in "${LF_FLAGS[@]}"; do
				f=${f#-}
				printf '%s = %s\n' "${f%%=*}" "${f#*=}"
			done
			printf '\n[ubsan]\nsilence_unsigned_overflow = 1\n'
		} >"$out/$t.options"
		ls "$ROOT/corpus/$t"/*.txt >/dev/null 2>&1 ||
			die "corpus/$t/ has no seed scenarios (*.txt); every target ships a seed corpus"
		encode_corpus "$work/host/scenario" "$t" "$work/corpus/$t"
		zip_dir "$work/corpus/$t" "$out/${t}_seed_corpus.zip"
		log "$out/$t, ${t}_seed_corpus.zip ($(ls "$work/corpus/$t" | wc -l) inputs), $t.dict, $t.options"
	done
	# ClusterFuzz's AFL++ launcher sets only its own AFL_* variables (a
	# .options [env] section may set none of these) and runs MOpt (-L 0),
	# which AFL++ refuses beside a custom mutator, on some runs: it never
	# loads the library.  It is there to be loaded by hand (README.md).
	[ -z "$mutcc" ] || log "$out/tagfuzz_mutator.so (AFL++ custom mutator; ClusterFuzz's runner does not load it)"
}

# --- findings ----------------------------------------------------------------

variant_desc() {
	local v=stock
	[ -z "${TAGFUZZ_BUGS:-}" ] || v="bugs=$TAGFUZZ_BUGS"
	[ -z "${TAGFUZZ_TRACKER:-}" ] || v="$v, tracker=$TAGFUZZ_TRACKER"
	[ -z "${TAGFUZZ_PCP:-}" ] || v="$v, pcp=$TAGFUZZ_PCP"
	[ -z "${TAGFUZZ_WHAT_IF:-}" ] || v="$v, what_if=$TAGFUZZ_WHAT_IF"
	case ${TAGFUZZ_STRICT:-} in '' | 0) ;; *) v="$v, strict" ;; esac
	echo "$v"
}

# signature_of FILE [replay options]: the verdict of one replay under the
# current TAGFUZZ_BUGS/TAGFUZZ_STRICT: a finding's signature, a sanitizer
# report's kind and place, "known Fn: SIG" (a known finding whose cause
# held), or "clean" / "unreadable (...)".
signature_of() {
	local out rc
	set +e
	out=$("$OUT/replay" "${@:2}" "$1" 2>&1)
	rc=$?
	set -e
	signature_from "$out" "$rc"
}

# signature_from OUTPUT STATUS: signature_of's answer from one replay's output.
signature_from() {
	local out=$1 rc=$2 v s
	v=$(printf '%s\n' "$out" | sed -n 's/^verdict: //p' | tail -n 1)
	if [ -n "$v" ] && [[ "$v" != clean* ]]; then
		echo "$v"
		return
	fi
	s=$(printf '%s\n' "$out" | sed -n 's/^SUMMARY: \([A-Za-z]*Sanitizer\): \([^ ]*\)\(.*\)$/\1 \2\3/p' | head -n 1)
	if [ -n "$s" ]; then
		# "AddressSanitizer heap-buffer-overflow /x/y/file.c:12:3 in fn" -> no directories
		echo "sanitizer:$(echo "$s" | sed 's| [^ ]*/\([^/ ]*\)| \1|g')"
	elif [ -n "$v" ] && { [ "$rc" = 0 ] || [ "$rc" = 3 ]; }; then
		echo clean	# 3: a '# expect' not met, said by replay itself
	elif [ "$rc" = 2 ]; then
		echo "unreadable ($(printf '%s\n' "$out" | grep -m1 'replay:' || echo "replay exit 2"))"
	else
		echo "crash:replay exit $rc"
	fi
}

# index_lookup FILE: "bugs<US>strict<US>tracker<US>pcp<US>what_if" recorded for FILE
# when a fuzzing run filed it (DIR/.index), or nothing.
index_lookup() {
	local idx
	idx=$(dirname "$1")/.index
	[ -f "$idx" ] || return 0
	# Fields joined by a unit separator: read splits on it without merging empty fields.
	awk -F '\t' -v n="$(basename "$1")" '$1 == n { line = $3 "\037" $4 "\037" $6 "\037" $7 "\037" $8 } END { if (line != "") print line }' "$idx"
}

# use_variant_of FILE: unless TAGFUZZ_BUGS/TAGFUZZ_STRICT are set, take the
# variant the fuzzing run that found FILE recorded (or a text scenario's
# '# bugs:' line), exported for the replays.  VARIANT_FROM says where it came from.
VARIANT_FROM=
use_variant_of() {
	if [ -n "${TAGFUZZ_BUGS:-}" ] || [ -n "${TAGFUZZ_STRICT:-}" ] ||
		[ -n "${TAGFUZZ_TRACKER:-}" ] || [ -n "${TAGFUZZ_PCP:-}" ] ||
		[ -n "${TAGFUZZ_WHAT_IF:-}" ]; then
		VARIANT_FROM="from the environment"
		return
	fi
	local rec bugs strict tracker pcp what_if
	rec=$(index_lookup "$1")
	if [ -n "$rec" ]; then
		IFS=$'\037' read -r bugs strict tracker pcp what_if <<<"$rec" || true
		export TAGFUZZ_BUGS=$bugs TAGFUZZ_STRICT=$strict
		[ -z "$tracker" ] || export TAGFUZZ_TRACKER=$tracker
		[ -z "$pcp" ] || export TAGFUZZ_PCP=$pcp
		[ -z "$what_if" ] || export TAGFUZZ_WHAT_IF=$what_if
		VARIANT_FROM="recorded by the fuzzing run that found it"
	elif [[ "$(basename "$1")" =~ -(address|undefined|memory)-(crash|leak|timeout|oom|slow-unit)- ]]; then
		VARIANT_FROM="ClusterFuzzLite fuzzes the stock variant"
		if [[ "$(basename "$1")" == fuzz_early_pfn_diff-* ]]; then
			export TAGFUZZ_TRACKER=correct
			VARIANT_FROM="$VARIANT_FROM (fuzz_early_pfn_diff: the correct trackers, compared)"
		fi
	elif [[ "$1" == *.txt ]] && grep -q '^# bugs:' "$1"; then
		export TAGFUZZ_BUGS
		TAGFUZZ_BUGS=$(sed -n 's/^# bugs: *//p' "$1" | head -n 1)
		VARIANT_FROM="from the scenario's '# bugs:' line"
	else
		VARIANT_FROM="none recorded; set TAGFUZZ_BUGS=... if it was found with bug switches"
	fi
}

# --- progress --------------------------------------------------------------

# Every process of a fuzzing run (libFuzzer's and its -fork jobs, each AFL++
# child) appends what it counted to TAGFUZZ_STATUS_FILE about once a second
# and when it ends (fuzz/status.h): executions, and the known findings reported
# with their cause held (suppressed), with the first cause seen.  A process
# killed outright (AFL++ stops its children so) loses its last second.

# status_execs FILE: executions counted so far.
status_execs() {
	awk -F '\t' '$1 == "x" { n += $3 } END { printf "%d", n }' "$1" 2>/dev/null || echo 0
}

# status_known_line FILE: "F16 x3, F14 x1" (most hit first), or "none".
status_known_line() {
	awk -F '\t' '$1 == "k" { n[$3] += $4 } END { for (i in n) printf "%d\t%s\n", n[i], i }' \
		"$1" 2>/dev/null | sort -k1,1nr -k2,2 |
		awk -F '\t' '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 } END { if (!NR) printf "none" }'
}

# known_summary FILE: each known finding the run hit, how often, with the
# first cause seen; then the known findings it did not hit.
known_summary() {
	awk -F '\t' '
	$1 == "K" { for (i = 2; i <= NF; i++) if (!($i in isknown)) { isknown[$i] = 1; known[++nk] = $i } }
	$1 == "k" { if (!($3 in n)) ids[++k] = $3; n[$3] += $4 }
	$1 == "c" { if (!($2 in first)) first[$2] = $3 }
	END {
		if (!nk && !k) { print "known findings hit: not counted (no counts from the target processes)"; exit }
		if (!k) print "known findings hit: none"
		else {
			print "known findings hit (reports suppressed because the cause held, a run may make several; the first cause seen):"
			for (i = 1; i <= k; i++) printf "%d\t  %s x %d: %s\n", n[ids[i]], ids[i], n[ids[i]], first[ids[i]] | "sort -t \"\t\" -k1,1nr | cut -f 2-"
			close("sort -t \"\t\" -k1,1nr | cut -f 2-")
		}
		s = ""
		for (i = 1; i <= nk; i++) if (!(known[i] in n)) s = s " " known[i]
		if (s != "") print "known findings not hit:" s
	}' "$1" 2>/dev/null || echo "known findings hit: not counted (no counts from the target processes)"
}

# libfuzzer_cov LOG: "cov N ft N corpus N" from libFuzzer's last status line
# (it prints one for each new input, each reduction and at each power of two
# of executions; fork mode every few seconds), or nothing yet.
libfuzzer_cov() {
	sed -n 's/^#[0-9]*:\{0,1\}[[:space:]]*\([A-Za-z]*[[:space:]]*\)\{0,1\}cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \2 ft \3 corpus \4/p' \
		"$1" 2>/dev/null | tail -n 1
}

# afl_stat SYNC FIELD: FIELD of the main instance's fuzzer_stats, or nothing
# yet.  AFL++ rewrites that file now and then (seconds to a minute apart) and
# at its end.
afl_stat() {
	sed -n "s/^$2 *: *//p" "$1/main/fuzzer_stats" 2>/dev/null | head -n 1
}

# afl_cov SYNC [live]: "edges N/M (P%)", or nothing yet; with live (during
# the run), the age of those figures and the queue entries counted now.
afl_cov() {
	local e t age
	e=$(afl_stat "$1" edges_found)
	t=$(afl_stat "$1" total_edges)
	[ -n "$e" ] || return 0
	if [ "${2:-}" = live ]; then
		age=$(($(date +%s) - $(afl_stat "$1" last_update)))
		echo "edges $e/${t:-?} ($(afl_stat "$1" bitmap_cvg), AFL++'s stats of ${age} s ago)" \
			"corpus $(find "$1" -path '*/queue/id:*' -type f 2>/dev/null | wc -l)"
	else
		echo "edges $e/${t:-?} ($(afl_stat "$1" bitmap_cvg))"
	fi
}

# progress ENGINE TARGET SECS STATUS T0 COVSRC MARKER FINDDIR PID...: while any
# PID runs, a line on stderr every 10 s: time, executions and their rate over
# the last interval, coverage as the engine reports it, reproducers filed,
# known findings hit.
PROGRESS_EVERY=10
progress() {
	local engine=$1 t=$2 secs=$3 status=$4 t0=$5 src=$6 marker=$7 dir=$8
	shift 8
	local next=$PROGRESS_EVERY el alive p execs last=0 lastt=0 rate cov found
	while :; do
		alive=0
		for p in "$@"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ "$alive" = 1 ] || break
		sleep 1
		el=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%d", b - a }') || continue
		[ "$el" -ge "$next" ] || continue
		next=$((el + PROGRESS_EVERY))
		# (a figure that cannot be read now is left out, never the run)
		execs=$(status_execs "$status") || execs=0
		rate=$(awk -v n=$((execs - last)) -v s=$((el - lastt)) 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }') || rate=0
		last=$execs lastt=$el
		if [ "$engine" = libFuzzer ]; then
			cov=$(libfuzzer_cov "$src") || cov=
			found=$(find "$dir" -maxdepth 1 -type f -newer "$marker" \
				\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
				2>/dev/null | wc -l) || found=0
		else
			cov=$(afl_cov "$src" live) || cov=
			found=$(find "$src" -path '*/crashes/id:*' -type f -newer "$marker" 2>/dev/null | wc -l) || found=0
		fi
		log "$t ${el}/${secs} s: $execs execs ($rate/s), ${cov:-coverage not reported yet}," \
			"new findings: $found reproducer(s), known hit: $(status_known_line "$status")"
	done
}

# summarize ENGINE TARGET JOBS SECS ELAPSED EXECS CORPUS LOG T0 COVERAGE STATUS FILE...:
# the summary both engines print: run figures, coverage, known findings hit,
# then each finding once per signature with its first reproducer, decoded.
# Files the reproducers into out/findings/TARGET/.index.  Returns 1 if there
# was a finding.
summarize() {
	local engine=$1 t=$2 jobs=$3 secs=$4 elapsed=$5 execs=$6 corpus=$7 logf=$8 t0=$9
	local coverage=${10} status=${11}
	shift 11
	# fuzz_early_pfn_diff runs the correct variants unless told otherwise: its
	# reproducers replay (and are filed) as that differential run.
	if [ "$t" = fuzz_early_pfn_diff ] && [ -z "${TAGFUZZ_TRACKER:-}" ]; then
		export TAGFUZZ_TRACKER=correct
	fi
	local finds=$OUT/findings/$t rate
	rate=$(awk -v n="$execs" -v s="$elapsed" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
	echo
	echo "== $t: $engine, $jobs job(s), ${secs} s, variant $(variant_desc)"
	echo "executions: $execs in ${elapsed} s ($rate exec/s); corpus: $corpus"
	echo "coverage: $coverage"
	[ -z "${MUTATOR_SUMMARY:-}" ] || echo "$MUTATOR_SUMMARY"
	known_summary "$status"
	if [ $# = 0 ]; then
		echo "findings: none"
		echo "full log: $logf"
		return 0
	fi
	local f sig i n=0 sigs=() firsts=() counts=() whens=() when
	for f in "$@"; do
		sig=$(signature_of "$f")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$f")" "$sig" "${TAGFUZZ_BUGS:-}" \
			"${TAGFUZZ_STRICT:-}" "$engine" "${TAGFUZZ_TRACKER:-}" "${TAGFUZZ_PCP:-}" \
			"${TAGFUZZ_WHAT_IF:-}" >>"$finds/.index"
		when=$(awk -v m="$(stat -c %.3Y "$f")" -v s="$t0" 'BEGIN { printf "%.1f", m - s }')
		for ((i = 0; i < n; i++)); do
			[ "${sigs[i]}" = "$sig" ] && break
		done
		if [ "$i" = "$n" ]; then
			sigs+=("$sig")
			firsts+=("$f")
			counts+=(1)
			whens+=("$when")
			n=$((n + 1))
		else
			counts[i]=$((counts[i] + 1))
			if awk -v a="$when" -v b="${whens[i]}" 'BEGIN { exit !(a < b) }'; then
				firsts[i]=$f
				whens[i]=$when
			fi
		fi
	done
	echo "findings: $n signature(s) from $# reproducer(s)"
	for ((i = 0; i < n; i++)); do
		printf '  [%d] %s  (%d reproducer(s), first after %s s)  %s\n' $((i + 1)) "${sigs[i]}" \
			"${counts[i]}" "${whens[i]}" "${firsts[i]}"
	done
	local env=""
	[ -z "${TAGFUZZ_BUGS:-}" ] || env="TAGFUZZ_BUGS=$TAGFUZZ_BUGS "
	[ -z "${TAGFUZZ_STRICT:-}" ] || env="${env}TAGFUZZ_STRICT=$TAGFUZZ_STRICT "
	[ -z "${TAGFUZZ_TRACKER:-}" ] || env="${env}TAGFUZZ_TRACKER=$TAGFUZZ_TRACKER "
	[ -z "${TAGFUZZ_PCP:-}" ] || env="${env}TAGFUZZ_PCP=$TAGFUZZ_PCP "
	[ -z "${TAGFUZZ_WHAT_IF:-}" ] || env="${env}TAGFUZZ_WHAT_IF=$TAGFUZZ_WHAT_IF "
	for ((i = 0; i < n; i++)); do
		echo
		echo "== finding $((i + 1))/$n: ${sigs[i]}"
		"$OUT/replay" --print "${firsts[i]}" || true
		echo "replay it with: $env./build.sh repro ${firsts[i]}"
		echo "minimize it with: $env./build.sh minimize ${firsts[i]}"
	done
	echo "full log: $logf"
	return 1
}

# Unknown bug switches would only show as the engine failing to start.
check_variant() {
	case ${TAGFUZZ_PCP:-} in
	'' | header | upstream | split | diff) ;;
	*) die "TAGFUZZ_PCP='$TAGFUZZ_PCP': say upstream, split, header or diff (docs/pcp.md)" ;;
	esac
	case ${TAGFUZZ_WHAT_IF:-} in
	'' | none | smp-early-boot) ;;
	*) die "TAGFUZZ_WHAT_IF='$TAGFUZZ_WHAT_IF': the what-if modes are none and smp-early-boot (docs/findings.md)" ;;
	esac
	"$OUT/replay" --list-bugs >/dev/null ||
		die "TAGFUZZ_BUGS='${TAGFUZZ_BUGS:-}' or TAGFUZZ_TRACKER='${TAGFUZZ_TRACKER:-}' names an unknown bug switch or tracker (out/replay --list-bugs, --list-trackers)"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- commands --------------------------------------------------------------

run_tests() {
	deps test
	build
	# A stress build that fails leaves no binary: its run counts as a failure.
	(build_stress) || rm -f "$OUT/stress"
	# The unit and scenario tests, the build contract, a short ThreadSanitizer
	# stress run (one test): what make check runs; ends "N passed, N failed".
	bash "$ROOT/tests/check.sh" "$OUT"
}

fuzz() {
	local engine=libfuzzer jobs=1 pos=()
	while [ $# -gt 0 ]; do
		case $1 in
		--engine | -e) [ $# -ge 2 ] || die "$1 needs a value (libfuzzer or afl)"; engine=$2; shift 2 ;;
		--engine=*) engine=${1#*=}; shift ;;
		--jobs | -j) [ $# -ge 2 ] || die "$1 needs a value (a number or 'all')"; jobs=$2; shift 2 ;;
		--jobs=*) jobs=${1#*=}; shift ;;
		-*) die "fuzz: unknown option '$1' (see ./build.sh help)" ;;
		*) pos+=("$1"); shift ;;
		esac
	done
	[ ${#pos[@]} -le 2 ] || die "usage: ./build.sh fuzz [--engine libfuzzer|afl] [--jobs N|all] [TARGET] [SECS]"
	local target=${pos[0]:-fuzz_boot} secs=${pos[1]:-300}
	deps base
	load_targets
	[[ " ${TARGETS[*]} " == *" $target "* ]] || die "unknown target '$target' (have: ${TARGETS[*]})"
	[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || die "seconds must be a positive number, got '$secs'"
	[ "$jobs" != all ] || jobs=$JOBS
	[[ "$jobs" =~ ^[0-9]+$ ]] && [ "$jobs" -gt 0 ] || die "--jobs must be a positive number or 'all', got '$jobs'"
	case $engine in
	libfuzzer | libFuzzer) fuzz_libfuzzer "$target" "$secs" "$jobs" ;;
	afl | afl++ | aflplusplus) fuzz_afl "$target" "$secs" "$jobs" ;;
	*) die "unknown engine '$engine' (have: libfuzzer, afl)" ;;
	esac
}

fuzz_libfuzzer() {
	local t=$1 secs=$2 jobs=$3
	build
	check_variant
	local work=$OUT/work/$t finds=$OUT/findings/$t logf=$OUT/$t.log
	mkdir -p "$work" "$finds"
	local args=(-max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$finds/"
		-dict="$(dict_for "$t")" "${LF_FLAGS[@]}")
	# Fork mode keeps going past a finding (each is a file); one job stops at the first.
	[ "$jobs" = 1 ] || args+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
	log "fuzzing $t with libFuzzer (${LF_FLAGS[*]:-default scheduling}) for ${secs}s, $jobs job(s), variant $(variant_desc); corpus $work (seeded from corpus/$t), findings in $finds/"
	local marker=$finds/.run-start rc t0 elapsed pid status=$OUT/$t.status
	touch "$marker"
	: >"$status"
	t0=$(now)
	ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} TAGFUZZ_STATUS_FILE=$status \
		"$OUT/$t" "${args[@]}" "$work" "$OUT/corpus/$t" >"$logf" 2>&1 &
	pid=$!
	progress libFuzzer "$t" "$secs" "$status" "$t0" "$logf" "$marker" "$finds" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	elapsed=$(since "$t0")
	local execs
	if [ "$jobs" = 1 ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf" | tail -n 1)
	else
		# fork mode: "#N: cov: ... exec/s: ... job: J" lines count all jobs
		execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$logf" | tail -n 1)
	fi
	local files=()
	mapfile -t files < <(find "$finds" -maxdepth 1 -type f -newer "$marker" \
		\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
	if [ ${#files[@]} = 0 ] && [ "$rc" != 0 ]; then
		tail -n 30 "$logf" >&2
		die "$t exited with status $rc without a reproducer; see $logf"
	fi
	local cov
	cov=$(libfuzzer_cov "$logf")
	if [ -n "$cov" ]; then
		cov="libFuzzer ${cov% corpus *} (covered edges, features; its last status line)"
	else
		cov="not reported (libFuzzer printed no status line)"
	fi
	summarize libFuzzer "$t" "$jobs" "$secs" "$elapsed" "${execs:-0}" \
		"$(ls "$work" | wc -l) inputs in $work" "$logf" "$t0" "$cov" "$status" "${files[@]}"
}

# sum_stat SYNC_DIR FIELD: FIELD of every instance's fuzzer_stats, added up.
sum_stat() {
	local f files=()
	for f in "$1"/*/fuzzer_stats; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || { echo 0; return; }
	awk -F ':' -v k="$2" '{ gsub(/ /, "", $1); if ($1 == k) s += $2 } END { printf "%d", s }' "${files[@]}"
}

fuzz_afl() {
	local t=$1 secs=$2 jobs=$3
	build_afl
	check_variant
	local sync=$OUT/afl-work/$t finds=$OUT/findings/$t
	mkdir -p "$sync" "$finds"
	# The documented switches for what afl-fuzz refuses to start on.
	local env=(AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_TRY_AFFINITY=1)
	local gov=/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor
	if [ -r "$gov" ] && [ "$(cat "$gov")" != performance ]; then
		log "CPU governor is '$(cat "$gov")', not performance: AFL_SKIP_CPUFREQ=1"
		env+=(AFL_SKIP_CPUFREQ=1)
	fi
	if [ "$(head -c 1 /proc/sys/kernel/core_pattern 2>/dev/null)" = '|' ]; then
		log "core_pattern pipes to a program ($(cat /proc/sys/kernel/core_pattern | cut -c1-40)...):" \
			"AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 (crashes may be seen late)"
		env+=(AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1)
	fi
	# UBSan must abort for AFL++ to see its reports as crashes.
	env+=("UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=0}")
	# The structure-aware mutator (fuzz/afl_mutator.c): AFL++'s custom
	# mutator stage, before its havoc, which still runs (no
	# AFL_CUSTOM_MUTATOR_ONLY).  TAGFUZZ_MUTATOR=bytes: AFL++'s own only.
	local mutator=$OUT/afl/tagfuzz_mutator.so
	if [ "${TAGFUZZ_MUTATOR:-}" = bytes ]; then
		mutator=
	elif [ -n "${AFL_CUSTOM_MUTATOR_LIBRARY:-}" ]; then
		mutator=$AFL_CUSTOM_MUTATOR_LIBRARY
		log "AFL_CUSTOM_MUTATOR_LIBRARY=$mutator is set: using it, not $OUT/afl/tagfuzz_mutator.so"
	else
		env+=("AFL_CUSTOM_MUTATOR_LIBRARY=$mutator")
	fi
	log "fuzzing $t with AFL++ for ${secs}s, $jobs instance(s), variant $(variant_desc); queue in $sync, findings in $finds/"
	local before marker=$finds/.run-start t0 i name pids=() logs=() f h files=() status=$OUT/$t.status
	before=$(sum_stat "$sync" execs_done)
	touch "$marker"
	: >"$status"
	env+=("TAGFUZZ_STATUS_FILE=$status")
	t0=$(now)
	# afl-fuzz refuses seeds that crash (and to start without a clean one):
	# a seed that already reproduces a finding under this variant is a
	# finding at second 0, and AFL++ starts from the others.
	local seeds=$OUT/afl-seeds/$t
	rm -rf "$seeds"
	mkdir -p "$seeds"
	for f in "$OUT/corpus/$t"/*; do
		case $(signature_of "$f") in
		clean | known\ *) cp "$f" "$seeds/" ;;
		*)
			h=$(sha1sum "$f" | cut -c1-40)
			cp "$f" "$finds/afl-crash-$h"
			files+=("$finds/afl-crash-$h")
			log "seed $(basename "$f") reproduces a finding under this variant: filed as $finds/afl-crash-$h"
			;;
		esac
	done
	if [ -z "$(ls -A "$seeds")" ] && [ ! -d "$sync/main/queue" ]; then
		log "every seed of corpus/$t reproduces a finding under this variant: nothing for AFL++ to start from"
		jobs=0
	fi
	for ((i = 0; i < jobs; i++)); do
		if [ "$i" = 0 ]; then name=main; else name=s$i; fi
		logs+=("$OUT/afl-$t-$name.log")
		env "${env[@]}" afl-fuzz $([ "$i" = 0 ] && echo -M || echo -S) "$name" \
			-i "$seeds" -o "$sync" -x "$(dict_for "$t")" -V "$secs" \
			-- "$OUT/afl/$t" >"$OUT/afl-$t-$name.log" 2>&1 &
		pids+=($!)
	done
	[ ${#pids[@]} = 0 ] || progress AFL++ "$t" "$secs" "$status" "$t0" "$sync" "$marker" "$finds" "${pids[@]}"
	local failed=()
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || failed+=("${logs[i]}")
	done
	local elapsed execs
	elapsed=$(since "$t0")
	execs=$(($(sum_stat "$sync" execs_done) - before))
	# AFL++ names crashes id:N,sig:S,src:...: file them under findings/ by content.
	while IFS= read -r f; do
		h=$(sha1sum "$f" | cut -c1-40)
		if [ ! -e "$finds/afl-crash-$h" ]; then
			cp -p "$f" "$finds/afl-crash-$h"
			files+=("$finds/afl-crash-$h")
		fi
		# so that repro of the raw AFL++ file knows its variant too
		printf '%s\t\t%s\t%s\tAFL++\t%s\t%s\t%s\n' "$(basename "$f")" "${TAGFUZZ_BUGS:-}" \
			"${TAGFUZZ_STRICT:-}" "${TAGFUZZ_TRACKER:-}" "${TAGFUZZ_PCP:-}" \
			"${TAGFUZZ_WHAT_IF:-}" >>"$(dirname "$f")/.index"
	done < <(find "$sync" -path '*/crashes/id:*' -type f -newer "$marker" | sort)
	if [ ${#failed[@]} -gt 0 ]; then
		for f in "${failed[@]}"; do
			tail -n 20 "$f" >&2
		done
		[ ${#files[@]} -gt 0 ] || die "afl-fuzz failed; see ${failed[*]}"
	fi
	# stability: how often the same input takes the same edges (state left
	# over between persistent-mode runs lowers it)
	local hangs stab
	stab=$(sed -n 's/^stability *: *//p' "$sync/main/fuzzer_stats" 2>/dev/null || true)
	stab=${stab:-n/a}
	hangs=$(find "$sync" -path '*/hangs/id:*' -type f -newer "$marker" | wc -l)
	if [ -z "$mutator" ]; then
		MUTATOR_SUMMARY="mutator: AFL++'s own (TAGFUZZ_MUTATOR=bytes)"
	else
		local made newq
		newq=$(find "$sync" -path '*/queue/id:*' -type f -newer "$marker" | wc -l)
		made=$(find "$sync" -path '*/queue/id:*op:tagfuzz-*' -type f -newer "$marker" | wc -l)
		MUTATOR_SUMMARY="mutator: $mutator beside AFL++'s havoc; $made of the $newq new queue entries are its ("'"op:tagfuzz-..."'")"
		MUTATOR_SUMMARY+=$(sed -n 's/^==tagfuzz== AFL++ mutator: /\n  /p' "${logs[@]}" 2>/dev/null)
	fi
	local cov
	cov=$(afl_cov "$sync")
	if [ -n "$cov" ]; then
		cov="AFL++ $cov (edges found of its map, the main instance's fuzzer_stats)"
	else
		cov="not reported (no fuzzer_stats from AFL++)"
	fi
	summarize AFL++ "$t" "$jobs" "$secs" "$elapsed" "$execs" \
		"$(sum_stat "$sync" corpus_count) inputs in $sync/*/queue; $hangs new hang(s); stability $stab" \
		"${logs[*]:-none (AFL++ not started)}" "$t0" "$cov" "$status" "${files[@]}"
}

# testcases_in DIR: the reproducers in a directory (an unpacked
# ClusterFuzzLite artifact, an AFL++ output directory, findings/), by
# replay's own rule (replay --help "Inputs"), so that repro and replay run
# the same files.
testcases_in() {
	"$OUT/replay" --list-inputs "$1" 2>/dev/null
}

unpack_zip() {
	rm -rf "$2"
	mkdir -p "$2"
	if command -v unzip >/dev/null 2>&1; then
		unzip -q -o "$1" -d "$2" || die "$1: not a zip file"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2" ||
			die "$1: not a zip file"
	else
		die "unzip is not installed (apt-get install unzip)"
	fi
}

# reproducers ARG: the files ARG stands for (a file, a directory, a .zip).
reproducers() {
	local arg=$1
	if [ -d "$arg" ]; then
		testcases_in "$arg"
	elif [[ "$arg" == *.zip ]]; then
		local dir
		dir=$OUT/repro/$(basename "$arg" .zip)
		unpack_zip "$arg" "$dir"
		testcases_in "$dir"
	else
		echo "$arg"
	fi
}

# origin_of FILE: what produced FILE, from its name.
origin_of() {
	local b
	b=$(basename "$1")
	if [[ "$b" == *.txt ]]; then
		echo "text scenario"
	elif [[ "$b" =~ ^(.+)-(address|undefined|memory|coverage)-((crash|leak|timeout|oom|slow-unit)-.*)$ ]]; then
		local t=${BASH_REMATCH[1]} s=${BASH_REMATCH[2]}
		local note=""
		[[ " ${TARGETS[*]} " == *" $t "* ]] || note=" (not a target of this tree: have ${TARGETS[*]})"
		echo "ClusterFuzzLite artifact: target $t$note, $s sanitizer build"
	elif [[ "$b" =~ ^id:[0-9]+, ]]; then
		echo "AFL++ crash ($(echo "$b" | cut -d, -f2-3 | tr ',' ' '))"
	elif [[ "$b" == afl-crash-* ]]; then
		echo "AFL++ crash (filed by ./build.sh fuzz --engine afl)"
	elif [[ "$b" =~ ^(crash|leak|timeout|oom|slow-unit)-[0-9a-f]+$ ]]; then
		echo "libFuzzer artifact (${BASH_REMATCH[1]})"
	elif [[ "$b" == *.min ]]; then
		echo "minimized reproducer (./build.sh minimize)"
	else
		echo "fuzzer input"
	fi
}

# repro FILE|DIR|ZIP [replay options]: each reproducer replayed once, with
# what it is and the variant replay ran (replay reads the .index a fuzzing
# run left next to it, as out/replay FILE does).  Exit status as replay's.
repro() {
	[ $# -ge 1 ] || die "usage: ./build.sh repro FILE|DIR|ZIP [replay options]"
	local arg=$1; shift
	[ -e "$arg" ] || die "$arg: no such file"
	build >/dev/null
	local files=() f rc=0 r out sig cause
	mapfile -t files < <(reproducers "$arg")
	[ ${#files[@]} -gt 0 ] || die "$arg: no reproducer in it"
	for f in "${files[@]}"; do
		set +e
		out=$("$OUT/replay" --print --trace "$@" "$f" 2>&1)
		r=$?
		set -e
		sig=$(signature_from "$out" "$r")
		echo "== reproducer: $f"
		echo "origin: $(origin_of "$f")"
		printf '%s\n' "$out" | grep -m1 '^variant: ' || true
		echo "signature: $sig"
		case $sig in
		clean)
			if printf '%s\n' "$out" | grep -q '^variant: stock (none recorded)'; then
				echo "note: clean here: fixed since, or it needs what it was found with:" \
					"bug switches (TAGFUZZ_BUGS), TAGFUZZ_STRICT, or a memory-sanitizer build"
			fi
			;;
		known\ *)
			cause=$(printf '%s\n' "$out" | sed -n 's/^  \(known: .*\)$/\1/p' | head -n 1)
			echo "note: a known finding, accepted because its cause held: $cause" \
				"(docs/findings.md); --strict or TAGFUZZ_STRICT=1 reports it as a finding"
			;;
		esac
		printf '%s\n' "$out"
		echo
		# replay's precedence: a finding (1), then an unmet '# expect' (3), then errors (2)
		case $r in
		1) rc=1 ;;
		3) [ "$rc" = 1 ] || rc=3 ;;
		0) ;;
		*) [ "$rc" != 0 ] || rc=$r ;;
		esac
	done
	return $rc
}

# explore FILE|DIR [OPTS]: out/explore over a text scenario, or over each
# text scenario with a run op in DIR.  Exit: 1 if any has a finding, else
# 2 if any was refused, else 0.
explore() {
	[ $# -ge 1 ] || die "usage: ./build.sh explore FILE|DIR [--preemptions N] [--bugs LIST]"
	local arg=$1; shift
	[ -e "$arg" ] || die "$arg: no such file or directory"
	local files=() f r rc=0 clean=0 found=0 bad=0
	if [ -d "$arg" ]; then
		mapfile -t files < <(grep -l '^run' "$arg"/*.txt 2>/dev/null | sort)
		[ ${#files[@]} -gt 0 ] || die "$arg: no text scenario with a run op in it"
	else
		files=("$arg")
	fi
	build >/dev/null
	mkdir -p "$OUT/explored"
	for f in "${files[@]}"; do
		set +e
		"$OUT/explore" --out "$OUT/explored/$(basename "$f" .txt).explore.txt" "$@" "$f"
		r=$?
		set -e
		case $r in
		0) clean=$((clean + 1)) ;;
		1) found=$((found + 1)); rc=1 ;;
		*) bad=$((bad + 1)); [ "$rc" = 1 ] || rc=2 ;;
		esac
	done
	if [ ${#files[@]} -gt 1 ]; then
		echo "explore: ${#files[@]} scenario(s): $clean clean, $found with a finding, $bad refused"
	fi
	return $rc
}

# Reduces a reproducer's ops, keeping its signature: ddmin over the op lines
# of its text form (a removed op leaves a valid scenario), then every single
# op once more.  The result is a text scenario with the '# bugs:' and
# '# expect:' lines a regression test needs, and its byte form.
minimize() {
	[ $# = 1 ] || die "usage: ./build.sh minimize FILE"
	local file=$1
	[ -f "$file" ] || die "$file: no such file"
	build >/dev/null
	local sig0 work base
	use_variant_of "$file"
	sig0=$(signature_of "$file")
	case $sig0 in
	known\ *) die "$file is a known finding ($sig0), accepted because its cause held; to minimize it anyway: TAGFUZZ_STRICT=1 ./build.sh minimize $file" ;;
	clean | unreadable* | crash:*) die "$file does not reproduce a finding under variant $(variant_desc) ($VARIANT_FROM): $sig0" ;;
	esac
	work=$(mktemp -d)
	base=$(basename "$file")
	base=${base%.txt}
	local dir=$OUT/minimized
	mkdir -p "$dir"
	if [[ "$file" == *.txt ]]; then
		grep -v '^[[:space:]]*#' "$file" | sed 's/[[:space:]]*#.*$//' | grep -v '^[[:space:]]*$' >"$work/all.txt" || true
	else
		"$OUT/scenario" decode "$file" | grep -v '^#' >"$work/all.txt"
	fi
	local header ops=()
	header=$(grep -m1 '^machine' "$work/all.txt" || true)
	mapfile -t ops < <(grep -v '^machine' "$work/all.txt")
	local tries=0
	# still_fails OP...: does the scenario with these ops keep the signature?
	still_fails() {
		tries=$((tries + 1))
		{ [ -z "$header" ] || echo "$header"; [ $# = 0 ] || printf '%s\n' "$@"; } >"$work/try.txt"
		[ "$(signature_of "$work/try.txt")" = "$sig0" ]
	}
	still_fails "${ops[@]}" ||
		die "the text form of $file does not reproduce '$sig0' (codec round trip?); kept in $work/all.txt"
	local n0=${#ops[@]} chunks=2 len start i reduced keep
	while [ ${#ops[@]} -ge 2 ]; do
		len=$(((${#ops[@]} + chunks - 1) / chunks))
		reduced=0
		for ((start = 0; start < ${#ops[@]}; start += len)); do
			keep=("${ops[@]:0:start}" "${ops[@]:start+len}")
			if still_fails "${keep[@]}"; then
				ops=("${keep[@]}")
				chunks=$((chunks > 2 ? chunks - 1 : 2))
				reduced=1
				break
			fi
		done
		[ "$reduced" = 1 ] && continue
		[ "$chunks" -lt ${#ops[@]} ] || break
		chunks=$((chunks * 2 < ${#ops[@]} ? chunks * 2 : ${#ops[@]}))
	done
	if [ ${#ops[@]} = 1 ] && still_fails; then
		ops=()
	fi
	# Then the smallest machine that keeps it: each field to its least value.
	local field least h2
	for field in cpus=1 sections=1 section_pages=16 wmark=0; do
		least=${field#*=}
		field=${field%=*}
		[[ "$header" =~ (^|[[:space:]])$field=([0-9]+) ]] || continue
		[ "${BASH_REMATCH[2]}" != "$least" ] || continue
		h2=$header
		header=$(echo "$header" | sed -E "s/(^|[[:space:]])$field=[0-9]+/\1$field=$least/")
		still_fails "${ops[@]}" || header=$h2
	done
	local expect=expect
	case ${TAGFUZZ_STRICT:-} in '' | 0) ;; *) expect=expect-known ;; esac
	{
		echo "# minimized from $base by ./build.sh minimize: $n0 -> ${#ops[@]} ops"
		[ -z "${TAGFUZZ_BUGS:-}" ] || echo "# bugs: $TAGFUZZ_BUGS"
		echo "# $expect: $sig0"
		[ -z "$header" ] || echo "$header"
		[ ${#ops[@]} = 0 ] || printf '%s\n' "${ops[@]}"
	} >"$dir/$base.min.txt"
	"$OUT/scenario" encode "$dir/$base.min.txt" "$dir/$base.min" ||
		die "encoding $dir/$base.min.txt failed"
	local s1 s2
	s1=$(signature_of "$dir/$base.min.txt")
	s2=$(signature_of "$dir/$base.min")
	[ "$s1" = "$sig0" ] && [ "$s2" = "$sig0" ] ||
		die "the minimized scenario lost the signature ('$sig0' -> '$s1' / '$s2'); see $work"
	rm -rf "$work"
	echo "== minimized $file: $n0 -> ${#ops[@]} ops in $tries replays, variant $(variant_desc) ($VARIANT_FROM)"
	echo "signature kept: $sig0"
	echo "text scenario:  $dir/$base.min.txt"
	echo "fuzzer input:   $dir/$base.min"
	echo
	cat "$dir/$base.min.txt"
}

# report FILE|DIR|ZIP... [--out DIR] [--together] [--no-minimize]: out/report
# over the reproducers the arguments stand for (as repro takes them), each
# fuzzer input minimized first (TAGFUZZ_STRICT=1, so that known findings
# shrink too; the text form keeps its '# bugs:' line), each text scenario as
# it is.  Exit status: out/report's (0 reported or clean; 2 a refused input
# or usage error).
report() {
	local args=("$@") pos=() opts=() minimize=1 a
	while [ $# -gt 0 ]; do
		case $1 in
		--out | -o) [ $# -ge 2 ] || die "report: $1 needs a directory"; opts+=(--out "$2"); shift 2 ;;
		--out=*) opts+=("$1"); shift ;;
		--together | -t) opts+=(--together); shift ;;
		--no-minimize) minimize=0; shift ;;
		-*) die "report: unknown option '$1' (see ./build.sh help)" ;;
		*) pos+=("$1"); shift ;;
		esac
	done
	[ ${#pos[@]} -gt 0 ] || die "usage: ./build.sh report FILE|DIR|ZIP... [--out DIR] [--together] [--no-minimize]"
	for a in "${pos[@]}"; do
		[ -e "$a" ] || die "$a: no such file or directory"
	done
	build >/dev/null
	local files=() f list=() env_of first_env="" envs=() b c d
	for a in "${pos[@]}"; do
		mapfile -t list < <(reproducers "$a")
		[ ${#list[@]} -gt 0 ] || log "$a: no reproducer in it"
		files+=("${list[@]}")
	done
	[ ${#files[@]} -gt 0 ] || die "no reproducer in ${pos[*]}"
	local inputs=()
	for f in "${files[@]}"; do
		if [[ "$f" == *.txt ]] || [ "$minimize" = 0 ]; then
			inputs+=("$f")
			continue
		fi
		local base
		base=$(basename "$f")
		if (TAGFUZZ_STRICT=1 minimize "$f") >"$OUT/report-minimize.log" 2>&1; then
			log "$f: minimized to $OUT/minimized/$base.min.txt"
			inputs+=("$OUT/minimized/$base.min.txt")
		else
			log "$f: not minimized ($(grep -m1 'build.sh:' "$OUT/report-minimize.log" | sed 's/^build.sh: //' || echo "see $OUT/report-minimize.log")); reported as it is"
			inputs+=("$f")
		fi
	done
	# Byte inputs reported as they are run with the variant their fuzzing run
	# recorded; out/report takes one variant for a call.
	for f in "${inputs[@]}"; do
		[[ "$f" == *.txt ]] && continue
		env_of=$(use_variant_of "$f" >/dev/null; printf '%s|%s|%s|%s' "${TAGFUZZ_BUGS:-}" \
			"${TAGFUZZ_TRACKER:-}" "${TAGFUZZ_PCP:-}" "${TAGFUZZ_WHAT_IF:-}")
		envs+=("$env_of")
	done
	if [ ${#envs[@]} -gt 0 ]; then
		first_env=${envs[0]}
		for a in "${envs[@]}"; do
			[ "$a" = "$first_env" ] ||
				die "report: the fuzzer inputs were found with different variants (.index); report them one call each"
		done
		IFS='|' read -r a b c d <<<"$first_env" || true
		[ -z "$a" ] || export TAGFUZZ_BUGS=$a
		[ -z "$b" ] || export TAGFUZZ_TRACKER=$b
		[ -z "$c" ] || export TAGFUZZ_PCP=$c
		[ -z "$d" ] || export TAGFUZZ_WHAT_IF=$d
	fi
	# The sanitizer runtime's symbolizer names the port's functions: llvm-symbolizer
	# from PATH, else the one of $CC's version (Debian's llvm-14 has no unversioned name).
	if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null 2>&1; then
		local sym
		sym=$(llvm_tool llvm-symbolizer)
		[ -z "$sym" ] || export ASAN_SYMBOLIZER_PATH="$(command -v "$sym")"
	fi
	"$OUT/report" --generated-by "./build.sh report ${args[*]}" "${opts[@]}" "${inputs[@]}"
}

# --- ThreadSanitizer stress (docs/architecture.md) -----------------------------

# The port with -fsanitize=thread -DTF_REAL_THREADS and sched_threads.c for
# sched.c (make stress-build: out/stress).
build_stress() {
	deps base
	mk -j"$JOBS" stress-build || die "the stress build failed"
}

# run_stress SECS: prints the stress binary's summary; fails on a data race or
# BUG (tests/stress.sh, which make stress runs too).
run_stress() {
	local secs=$1
	[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || die "stress: seconds must be a positive number, got '$secs'"
	build_stress
	bash "$ROOT/tests/stress.sh" "$OUT" "$secs"
}

# Source-based coverage of a fuzz target over its corpora, through the
# target itself (libFuzzer -runs=0 runs each input once, as OSS-Fuzz's
# coverage builds do).
coverage() {
	local t=fuzz_boot dirs=() d
	load_targets
	if [ $# -gt 0 ] && [[ " ${TARGETS[*]} " == *" $1 "* ]]; then
		t=$1
		shift
	fi
	for d in "$@"; do
		[ -d "$d" ] || die "coverage: $d is not a directory (usage: ./build.sh coverage [TARGET] [DIR...])"
		dirs+=("$d")
	done
	deps coverage
	build
	local profdata cov
	profdata=$(llvm_tool llvm-profdata)
	cov=$(llvm_tool llvm-cov)
	mk -j"$JOBS" "cov-$t" || die "the coverage build of $t failed"
	dirs=("$OUT/corpus/$t" "${dirs[@]}")
	[ -z "$(ls -A "$OUT/work/$t" 2>/dev/null)" ] || dirs+=("$OUT/work/$t")
	for d in "$OUT/afl-work/$t"/*/queue; do
		[ -d "$d" ] && dirs+=("$d")
	done
	local rep=$OUT/coverage/$t n=0
	rm -rf "$rep"
	mkdir -p "$rep/raw"
	for d in "${dirs[@]}"; do
		n=$((n + $(find "$d" -maxdepth 1 -type f ! -name '.*' | wc -l)))
	done
	log "coverage of $t over $n inputs in: ${dirs[*]}"
	set +e
	(unset TAGFUZZ_BUGS TAGFUZZ_STRICT
		LLVM_PROFILE_FILE="$rep/raw/$t-%p.profraw" "$OUT/cov/$t" -runs=0 "${dirs[@]}") >"$rep/run.log" 2>&1
	local rc=$?
	set -e
	if [ "$rc" != 0 ]; then
		grep -E '==tagfuzz==|ERROR|Test unit' "$rep/run.log" | head -n 20 >&2 || true
		die "an input of the corpus fails under the stock variant; coverage not written (see $rep/run.log)"
	fi
	"$profdata" merge -sparse "$rep"/raw/*.profraw -o "$rep/$t.profdata"
	"$cov" show "$OUT/cov/$t" -instr-profile="$rep/$t.profdata" -format=html \
		-show-branches=count -output-dir="$rep/html" "$ROOT/target" "$ROOT/reference" "$ROOT/fuzz"
	"$cov" export "$OUT/cov/$t" -instr-profile="$rep/$t.profdata" -format=lcov \
		"$ROOT/target" "$ROOT/reference" "$ROOT/fuzz" >"$rep/$t.lcov"
	"$cov" report "$OUT/cov/$t" -instr-profile="$rep/$t.profdata" "$ROOT/target" >"$rep/target.txt"
	echo
	echo "== coverage of $t over $n inputs, files of target/ (lines, branches)"
	# llvm-cov report: FILE regions missed % functions missed % lines missed % branches missed %
	awk -v root="$ROOT/" '
		function pct(hit, all) { return all ? sprintf("%6.2f%%", 100 * hit / all) : "      -" }
		NF >= 13 && $1 != "Filename" && $1 !~ /^-+$/ {
			f = $1; sub(root, "", f); if (f != "TOTAL" && f !~ /^target\//) f = "target/" f
			lt = $(NF-5); lm = $(NF-4); bt = $(NF-2); bm = $(NF-1)
			if (lt == 0) next
			line = sprintf("%-36s lines %5d/%-5d %s   branches %4d/%-4d %s", f, lt-lm, lt,
				pct(lt-lm, lt), bt-bm, bt, pct(bt-bm, bt))
			if (f == "TOTAL") total = line; else print line | "sort"
		}
		END { close("sort"); print total }' "$rep/target.txt"
	echo "HTML report: $rep/html/index.html  (lcov: $rep/$t.lcov)"
}

# Benchmarks (issue 8): builds what bench/run.sh measures (AFL++ and the
# coverage builds when they can be had), then runs it.
bench() {
	case " $* " in *" -h "* | *" --help "*) bash "$ROOT/bench/run.sh" --help; return ;; esac
	build
	local afl=1 t
	if ! (build_afl) >"$OUT/bench-afl-build.log" 2>&1; then
		afl="AFL++ not available: $(grep -m1 'build.sh:' "$OUT/bench-afl-build.log" || echo "see $OUT/bench-afl-build.log")"
		log "$afl"
	fi
	for t in "${TARGETS[@]}"; do
		(coverage "$t") >"$OUT/bench-coverage-$t.log" 2>&1 ||
			log "coverage of $t: see $OUT/bench-coverage-$t.log"
	done
	TAGFUZZ_OUT=$OUT BENCH_TARGETS="${TARGETS[*]}" BENCH_AFL=$afl BENCH_LF_FLAGS="${LF_FLAGS[*]}" \
		bash "$ROOT/bench/run.sh" "$@"
}

case "${1:-}" in
"")
	if [ -n "${LIB_FUZZING_ENGINE:-}" ] && [ -n "$OSSFUZZ_OUT" ]; then
		log "LIB_FUZZING_ENGINE and OUT are set: the OSS-Fuzz/ClusterFuzzLite build"
		ossfuzz
	else
		build
	fi
	;;
build) build ;;
test) run_tests ;;
fuzz) shift; fuzz "$@" ;;
repro) shift; repro "$@" ;;
minimize) shift; minimize "$@" ;;
report) shift; report "$@" ;;
explore) shift; explore "$@" ;;
stress) shift; run_stress "${1:-60}" ;;
coverage) shift; coverage "$@" ;;
ossfuzz) ossfuzz ;;
corpus) build ;;
deps) shift; deps "$@" ;;
bench) shift; bench "$@" ;;
help | -h | --help) usage ;;
*) usage >&2; exit 2 ;;
esac
