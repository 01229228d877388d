#!/usr/bin/env bash
# Traces and fuzzing output as a developer reads them (issue 19, item 4):
# scheduling points with their kernel function and port file:line,
# --trace=events|sched, gfp and alloc_flags by name, tag ref and counter
# changes, kernel names before harness ones; ./build.sh repro --trace=...;
# ./build.sh fuzz's progress lines and summary.  Run by tests/check.sh on
# what make built into OUT (default out/).  Ends with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/out}
R=$OUT/replay
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 2

. "$ROOT/tests/check_lib.sh"
run() { run_replay "$@"; }
has() { grep -qE -- "$1" "$T/out" || { echo "stdout lacks /$1/:"; head -n 80 "$T/out"; return 1; }; }
lacks() { ! grep -qE -- "$1" "$T/out" || { echo "stdout has /$1/:"; grep -E -- "$1" "$T/out" | head; return 1; }; }

F16=tests/scenarios/pcp-f16-dead-lists-race.txt

# F16's race: CPU2 reads its owner's free_llist head in llist_add() and stops
# there (change point at step 16); the trace says where, in kernel terms.
t_sched_place() {
	run --trace "$F16"; rc_is 0 &&
	has '^  CPU2 sched #16 pcp_split_free_frozen_pages\(\) mm/pcp_split\.c:[0-9]+ \[llist_add\] READ_ONCE\(head->first\)$' &&
	has '^  CPU2 sched #22 pcp_split_free_frozen_pages\(\) mm/pcp_split\.c:[0-9]+ \[llist_add\] try_cmpxchg\(&head->first\)$' &&
	has '^  CPU0 sched #19 drain_pages_zone\(\) mm/page_alloc\.c:[0-9]+ spin_lock$' &&
	has '^  CPU2 sched: change point 1: CPU2 drops to the lowest priority$'
}
check "trace: a scheduling point of F16's race names its kernel function, port file:line and shim" t_sched_place

# The line numbers are the port's: the line the trace gives holds the call.
t_sched_line() {
	run --trace=sched "$F16"; rc_is 0 || return 1
	local l
	l=$(sed -n 's/^  CPU2 sched #16 [^ ]* mm\/pcp_split\.c:\([0-9]*\) .*/\1/p' "$T/out")
	[ -n "$l" ] && sed -n "${l}p" target/mm/pcp_split.c | grep -q 'llist_add(' ||
		{ echo "target/mm/pcp_split.c:$l is not an llist_add() call"; return 1; }
}
check "trace: the port line a scheduling point names is the kernel code's call" t_sched_line

t_sched_only() {
	run --trace=sched "$F16"; rc_is 0 && has ' sched #1 ' && has '^op 14 ' &&
	lacks ' (alloc|free) +pfn ' && lacks ' # ' && lacks ' (ref|counter) '
}
check "trace: --trace=sched shows the scheduling points and no event lines" t_sched_only

t_events_only() {
	run --trace=events "$F16"; rc_is 0 && has ' free +pfn 15 order 0 ' && lacks ' sched'
}
check "trace: --trace=events shows the events and no scheduling points" t_events_only

t_last_wins() {
	run --trace --trace=events "$F16"; rc_is 0 && lacks ' sched #' && has ' alloc +pfn ' &&
	run --trace=bogus "$F16"; rc_is 2 && grep -q -- "--trace=bogus: say events, sched or all" "$T/err"
}
check "trace: the last --trace counts; an unknown one is a usage error (exit 2)" t_last_wins

t_flag_names() {
	run --trace=events "$F16"; rc_is 0 &&
	has '^  CPU1 alloc   pfn 8 order 0 tag site1 \(scenario tag=1\) gfp GFP_KERNEL alloc_flags ALLOC_WMARK_LOW$' &&
	has ' tag alloc_page_ext \(mm/page_ext\.c:[0-9]+\) gfp GFP_KERNEL\|__GFP_ZERO\|__GFP_NOWARN ' &&
	has 'alloc_flags ALLOC_WMARK_LOW\|ALLOC_NO_CODETAG$' && lacks 'flags 0x'
}
check "trace: gfp masks and alloc_flags by name, tags by call site" t_flag_names

t_tag_state() {
	run --trace=events "$F16"; rc_is 0 &&
	has '^  CPU1 ref     pfn 8: NULL -> site1 \(scenario tag=1\)$' &&
	has '^  CPU1 counter site1 \(scenario tag=1\): calls 0 -> 1, bytes 0 -> 4096$' &&
	has '^  CPU2 ref     pfn 15: site1 \(scenario tag=1\) -> NULL$' &&
	has '^  CPU2 counter site1 \(scenario tag=1\): calls 7 -> 6, bytes 28672 -> 24576$'
}
check "trace: tag ref and counter changes, by the CPU that made them" t_tag_state

t_kernel_names() {
	run --trace=events "$F16"; rc_is 0 &&
	has '^  CPU1 # __free_pages\(\): pfn 8 order 0 \(live\[0\]\)$' &&
	has '^  CPU1 # alloc_pages\(\): pfn 9 order 0 \(live\[1\]\)$' && lacks '# (free )?live\['
}
check "trace: notes name the kernel call and pfn first, live[N] only as a hint" t_kernel_names

t_repro_sched() {
	TAGFUZZ_OUT=$OUT "$ROOT/build.sh" repro "$F16" --trace=sched >"$T/out" 2>"$T/err"; echo $? >"$T/rc"
	rc_is 0 && has ' sched #16 ' && lacks ' (alloc|free) +pfn ' && has '^verdict: known F16'
}
check "./build.sh repro FILE --trace=sched: the scheduling points only" t_repro_sched

# ./build.sh fuzz: a progress line every 10 s (the default run is 300 s) and a
# summary with coverage and the known findings hit, per finding.
t_fuzz_progress() {
	TAGFUZZ_OUT=$OUT "$ROOT/build.sh" fuzz fuzz_pcp 12 >"$T/out" 2>&1
	echo $? >"$T/rc"
	# 0, or 1 should the 12 s find something new: either way the output is what is tested
	{ rc_is 0 >/dev/null || rc_is 1; } &&
	has '^build\.sh: fuzz_pcp 1[0-9]/12 s: [0-9]+ execs \([0-9]+/s\), cov [0-9]+ ft [0-9]+ corpus [0-9]+, new findings: [0-9]+ reproducer\(s\), known hit: ' &&
	has '^coverage: libFuzzer cov [0-9]+ ft [0-9]+ ' &&
	has '^known findings hit \(reports suppressed because the cause held' &&
	has '^  F[0-9]+ x [0-9]+: known: F[0-9]+ \(cause: ' && has '^known findings not hit: .*F1 '
}
check "./build.sh fuzz: progress lines during the run, coverage and known findings hit in the summary" t_fuzz_progress

finish
