#!/usr/bin/env bash
# tagfuzz: the one entry point.  ./build.sh help lists the commands.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${TAGFUZZ_OUT:-$ROOT/out}
CC=${TAGFUZZ_CC:-clang}
JOBS=$(nproc 2>/dev/null || echo 2)

TARGETS=(fuzz_boot)
LIB_SRCS=(
	target/lib/list_debug.c
	target/mm/alloc_tag.c target/mm/page_alloc.c target/mm/page_ext.c
	target/sim/callers.c target/sim/fault.c target/sim/machine.c
	target/sim/observe.c target/sim/page_owner.c target/sim/report.c
	target/sim/sched.c target/sim/tags.c
	target/variants/bugs.c
	reference/model.c
	fuzz/codec.c fuzz/run.c fuzz/known.c
)
INCS=(-I"$ROOT/target/include" -I"$ROOT/fuzz" -I"$ROOT/reference")
WARN=(-std=gnu11 -fno-strict-overflow -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-unused-function -Werror)
OPT=(${TAGFUZZ_OPT:--O1})
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

die() { echo "build.sh: $*" >&2; exit 2; }
log() { echo "build.sh: $*" >&2; }

usage() {
	cat <<'EOF'
usage: ./build.sh [COMMAND]
  (none)                 build fuzz targets (libFuzzer+ASan+UBSan), replay, scenario, tests into out/
  test                   install what is missing, build, run every test
  fuzz [TARGET] [SECS]   fuzz TARGET (default fuzz_boot) for SECS seconds (default 300)
                         starting from the shipped corpus; prints each finding
  repro FILE [OPTS]      replay one reproducer (or .txt scenario, or directory) with its trace
  corpus                 encode the text corpus into out/corpus/TARGET/
  deps                   install the Debian packages the build needs (as root)
Environment: TAGFUZZ_BUGS=a,b (bug switches for fuzz), TAGFUZZ_STRICT=1 (report known findings).
EOF
}

# --- dependencies ----------------------------------------------------------

have_toolchain() {
	command -v "$CC" >/dev/null 2>&1 || return 1
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

deps() {
	if have_toolchain; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		die "clang with libFuzzer/ASan/UBSan runtimes is missing; as root run: ./build.sh deps"
	fi
	log "installing clang and its sanitizer runtimes (Debian packages)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev llvm >/dev/null ||
		apt-get install -y -qq --no-install-recommends clang llvm >/dev/null
	have_toolchain || die "clang is installed but cannot link -fsanitize=fuzzer,address,undefined"
}

# --- building --------------------------------------------------------------

# compile_lib NAME FLAGS...: objects of LIB_SRCS into $OUT/obj/NAME, archived
# as $OUT/obj/NAME/libtagfuzz.a; a source newer than its object (or any
# header newer than it) is recompiled, and everything when FLAGS change.
compile_lib() {
	local name=$1; shift
	local dir=$OUT/obj/$name
	mkdir -p "$dir"
	printf '%s\n' "$CC" "$@" "nocov:${NOCOV_SRCS:-}" >"$dir/flags.new"
	if ! cmp -s "$dir/flags.new" "$dir/flags" 2>/dev/null; then
		rm -f "$dir"/*.o "$dir/libtagfuzz.a"
		mv "$dir/flags.new" "$dir/flags"
	fi
	local src obj objs=() pids=() changed=0 p a nocov=()
	for a in "$@"; do
		[ "$a" = -fsanitize=fuzzer-no-link ] || nocov+=("$a")
	done
	for src in "${LIB_SRCS[@]}"; do
		obj=$dir/$(echo "$src" | tr / _).o
		objs+=("$obj")
		if [ -f "$obj" ] && [ -z "$(find "$ROOT/$src" "$ROOT/target" "$ROOT/fuzz" "$ROOT/reference" \
			-name '*.h' -newer "$obj" -print -quit)" ] && [ "$ROOT/$src" -ot "$obj" ]; then
			continue
		fi
		if [ "$name" = fuzz ] && [[ "$NOCOV_SRCS" == *" $src "* ]]; then
			"$CC" "${nocov[@]}" -c "$ROOT/$src" -o "$obj" &
		else
			"$CC" "$@" -c "$ROOT/$src" -o "$obj" &
		fi
		pids+=($!)
		changed=1
		if [ ${#pids[@]} -ge "$JOBS" ]; then
			wait "${pids[0]}" || die "compiling the library ($name) failed"
			pids=("${pids[@]:1}")
		fi
	done
	for p in "${pids[@]}"; do
		wait "$p" || die "compiling the library ($name) failed"
	done
	if [ "$changed" = 1 ] || [ ! -f "$dir/libtagfuzz.a" ]; then
		rm -f "$dir/libtagfuzz.a"
		ar rcs "$dir/libtagfuzz.a" "${objs[@]}"
	fi
}

build() {
	deps
	mkdir -p "$OUT"
	local common=("${WARN[@]}" "${INCS[@]}" -g "${OPT[@]}" "${SAN[@]}")
	# Coverage guides the fuzzer through the port; the oracles and the codec
	# run on every input in loops over all pages, so they are left out.
	NOCOV_SRCS=" reference/model.c target/sim/observe.c fuzz/codec.c fuzz/run.c fuzz/known.c target/sim/report.c "
	# Comparison tracing is off by default: the port compares its own state,
	# not input bytes (every operand passes through the decoder), and it cost
	# 40% of each execution (bench/exec_speed.sh measures it; TAGFUZZ_COV_FLAGS
	# overrides).
	compile_lib fuzz "${common[@]}" -fsanitize=fuzzer-no-link \
		${TAGFUZZ_COV_FLAGS--fno-sanitize-coverage=trace-cmp}
	compile_lib tools "${common[@]}"
	local t
	for t in "${TARGETS[@]}"; do
		"$CC" "${common[@]}" -fsanitize=fuzzer "$ROOT/fuzz/$t.c" \
			"$OUT/obj/fuzz/libtagfuzz.a" -o "$OUT/$t"
	done
	"$CC" "${common[@]}" "$ROOT/fuzz/replay.c" "$OUT/obj/tools/libtagfuzz.a" -o "$OUT/replay"
	"$CC" "${common[@]}" "$ROOT/fuzz/scenario.c" "$OUT/obj/tools/libtagfuzz.a" -o "$OUT/scenario"
	"$CC" "${common[@]}" -I"$ROOT/tests" "$ROOT"/tests/*.c \
		"$OUT/obj/tools/libtagfuzz.a" -o "$OUT/tests"
	build_corpus
}

build_corpus() {
	local t f
	for t in "${TARGETS[@]}"; do
		rm -rf "$OUT/corpus/$t"
		mkdir -p "$OUT/corpus/$t"
		for f in "$ROOT/corpus/$t"/*.txt; do
			[ -e "$f" ] || continue
			"$OUT/scenario" encode "$f" "$OUT/corpus/$t/$(basename "$f" .txt)" ||
				die "corpus/$t/$(basename "$f") does not parse"
		done
	done
}

# --- commands --------------------------------------------------------------

run_tests() {
	build
	cd "$ROOT"
	"$OUT/tests" tests/scenarios corpus/regressions corpus/fuzz_boot
}

fuzz() {
	local target=${1:-fuzz_boot} secs=${2:-300}
	[[ " ${TARGETS[*]} " == *" $target "* ]] || die "unknown target '$target' (have: ${TARGETS[*]})"
	[[ "$secs" =~ ^[0-9]+$ ]] || die "seconds must be a number, got '$secs'"
	build
	local work=$OUT/work/$target finds=$OUT/findings/$target
	mkdir -p "$work" "$finds"
	log "fuzzing $target for ${secs}s; corpus $work (seeded from corpus/$target), findings in $finds/"
	local rc
	set +e
	ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
	"$OUT/$target" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$finds/" -dict="$ROOT/fuzz/$target.dict" \
		"$work" "$OUT/corpus/$target" >"$OUT/$target.log" 2>&1
	rc=$?
	set -e
	grep -E '^(==tagfuzz==|#[0-9]+[[:space:]]+(INITED|DONE))|^stat::|ERROR|SUMMARY|Test unit written' \
		"$OUT/$target.log" || true
	local newest
	newest=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$OUT/$target.log" | tail -n 1)
	if [ "$rc" != 0 ] && [ -n "$newest" ] && [ -e "$newest" ]; then
		echo
		echo "== finding: reproducer $newest"
		"$OUT/replay" --print "$newest" || true
		echo "replay it with: ${TAGFUZZ_BUGS:+TAGFUZZ_BUGS=$TAGFUZZ_BUGS }${TAGFUZZ_STRICT:+TAGFUZZ_STRICT=$TAGFUZZ_STRICT }./build.sh repro $newest"
		return 1
	fi
	[ "$rc" = 0 ] || die "$target exited with status $rc; see $OUT/$target.log"
	echo "no finding in ${secs}s (full log: $OUT/$target.log)"
}

repro() {
	[ $# -ge 1 ] || die "usage: ./build.sh repro FILE [replay options]"
	local file=$1; shift
	[ -e "$file" ] || die "$file: no such file"
	build >/dev/null
	"$OUT/replay" --print --trace "$@" "$file"
}

case "${1:-build}" in
build) build ;;
test) run_tests ;;
fuzz) shift; fuzz "$@" ;;
repro) shift; repro "$@" ;;
corpus) build ;;
deps) deps ;;
help|-h|--help) usage ;;
*) usage >&2; exit 2 ;;
esac
