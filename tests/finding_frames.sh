#!/usr/bin/env bash
# Findings ClusterFuzz(Lite) keeps apart (issue 19): a fuzz target aborts on
# a new finding through frames named after its signature (fuzz/frames.c).
# Runs fuzz_boot on reproducers of four different findings and reads the
# symbolized stack the way ClusterFuzz's stack analyzer builds a crash
# state: the first three frames it does not ignore (abort, libc, the
# sanitizer and libFuzzer runtimes, LLVMFuzzerTestOneInput, main).  Each
# finding's state must be the one its "==tagfuzz== crash state:" line
# names (the frames survived the build), different findings must have
# different states, and the same finding the same state every time, with
# ASan handling the abort (ClusterFuzz's handle_abort=1) or libFuzzer.
# Run by tests/check.sh on what make built into OUT (default out/).  Ends
# with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 2

. "$ROOT/tests/check_lib.sh"

# Without a symbolizer the stack has no function names to tell apart.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
	ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer || ls /usr/bin/llvm-symbolizer-* 2>/dev/null | sort -V | tail -n 1)
fi
export ASAN_SYMBOLIZER_PATH

# The findings: name, scenario, environment, the frame it must abort through.
FINDINGS=(
	"warn|tests/scenarios/bug-skip-early-clear-warn.txt|TAGFUZZ_BUGS=skip-early-clear|tagfuzz_finding_check_warn"
	"warn-f2|tests/scenarios/early-f2-known.txt|TAGFUZZ_STRICT=1|tagfuzz_finding_check_warn"
	"leak|tests/scenarios/bug-pool-not-freed.txt|TAGFUZZ_BUGS=pool-not-freed|tagfuzz_finding_model_leaked_tracking_page"
	"recursion|tests/scenarios/bug-recorder-no-guard.txt|TAGFUZZ_BUGS=recorder-no-guard|tagfuzz_finding_check_recursion"
)

# crash_state LOG: the top three frames ClusterFuzz keeps, one line.
crash_state() {
	sed -n 's/^ *#[0-9][0-9]* 0x[0-9a-f]* in \([^ ]*\).*/\1/p' "$1" |
		grep -Ev '^(abort|raise|pthread_kill|__pthread_kill.*|__sanitizer_.*|__asan.*|__interceptor_.*|fuzzer::.*|LLVMFuzzerTestOneInput|main|__libc_.*|_start|gsignal)$' |
		head -n 3 | tr '\n' ' ' | sed 's/ $//'
}

# run NAME MODE: the finding's reproducer under fuzz_boot into $T/NAME.MODE.log,
# its crash state into $T/NAME.MODE.state; MODE asan (handle_abort=1) or libfuzzer.
run() {
	local name=$1 mode=$2 entry f scen env opts
	for entry in "${FINDINGS[@]}"; do
		IFS='|' read -r f scen env _ <<<"$entry"
		[ "$f" = "$name" ] && break
	done
	[ -f "$T/$name.bin" ] || "$OUT/scenario" encode "$scen" "$T/$name.bin" 2>/dev/null || return 1
	opts=symbolize=1:detect_leaks=0
	[ "$mode" = libfuzzer ] || opts=$opts:handle_abort=1
	env ASAN_OPTIONS=$opts $env "$OUT/fuzz_boot" "$T/$name.bin" >"$T/$name.$mode.log" 2>&1
	crash_state "$T/$name.$mode.log" >"$T/$name.$mode.state"
}

t_symbolizer() { [ -n "$ASAN_SYMBOLIZER_PATH" ] && [ -x "$ASAN_SYMBOLIZER_PATH" ] ||
	{ echo "no llvm-symbolizer (set ASAN_SYMBOLIZER_PATH)"; return 1; }; }
check "llvm-symbolizer is there ($ASAN_SYMBOLIZER_PATH)" t_symbolizer

# t_state NAME FRAME: the state is the one the target named, FRAME first,
# with the finding's line and scenario printed before the abort.
t_state() {
	local name=$1 frame=$2 mode said
	for mode in asan libfuzzer; do
		run "$name" "$mode" || { echo "could not run $name"; return 1; }
		grep -q '^==tagfuzz== FINDING: ' "$T/$name.$mode.log" &&
			grep -q '^==tagfuzz== scenario:' "$T/$name.$mode.log" ||
			{ echo "$mode: no FINDING line and scenario"; cat "$T/$name.$mode.log"; return 1; }
		said=$(sed -n 's/^==tagfuzz== crash state: //p' "$T/$name.$mode.log")
		echo "$mode: $(sed -n 's/^==tagfuzz== FINDING: //p' "$T/$name.$mode.log")"
		echo "$mode: crash state '$(cat "$T/$name.$mode.state")', said '$said'"
		[ -n "$said" ] && [ "$(cat "$T/$name.$mode.state")" = "$said" ] &&
			[ "${said%% *}" = "$frame" ] || { grep '#[0-9]' "$T/$name.$mode.log"; return 1; }
	done
	cmp -s "$T/$name.asan.state" "$T/$name.libfuzzer.state"
}
for entry in "${FINDINGS[@]}"; do
	IFS='|' read -r name scen env frame <<<"$entry"
	check "$name ($env): aborts through $frame and the frames it names" t_state "$name" "$frame"
done

t_apart() {
	local a b
	for a in "${FINDINGS[@]}"; do
		for b in "${FINDINGS[@]}"; do
			a=${a%%|*} b=${b%%|*}
			[ "$a" \< "$b" ] || continue
			if cmp -s "$T/$a.asan.state" "$T/$b.asan.state"; then
				echo "$a and $b share the crash state '$(cat "$T/$a.asan.state")'"
				return 1
			fi
		done
	done
}
check "four different findings, four different crash states (two of them the same WARN site)" t_apart

t_same() {
	cp "$T/warn.asan.state" "$T/warn.first" && run warn asan && cmp "$T/warn.first" "$T/warn.asan.state"
}
check "the same finding again: the same crash state" t_same

finish
