#!/usr/bin/env bash
# The bench's attribution of a bug switch's other findings (bench/run.sh,
# docs/benchmarks.md "How it is measured"): a reproducer whose first finding
# is not the switch's registered verdict is replayed without the switch and
# the finding is the switch's only if that replay does not give it at all;
# summary counts those runs apart from the registered verdict.  Real replays
# of reproducers the bench found (decoded to text), with bench/run.sh's own
# functions (sourced with BENCH_FUNCS_ONLY=1: no bench is run).  Run by
# tests/check.sh on what make built into OUT (default out/).  Ends with
# "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 2

. "$ROOT/tests/check_lib.sh"

# Sourcing a bench/run.sh without the function-only mode would start a bench.
if ! grep -q 'BENCH_FUNCS_ONLY' bench/run.sh; then
	echo "FAIL bench/run.sh has no function-only mode (BENCH_FUNCS_ONLY=1)"
	echo "0 passed, 1 failed"
	exit 1
fi
TAGFUZZ_OUT=$OUT BENCH_FUNCS_ONLY=1 . "$ROOT/bench/run.sh" --runs 5 --cap 20

# is GOT WANT
is() { [ "$1" = "$2" ] || { printf 'got:  %s\nwant: %s\n' "$1" "$2"; return 1; }; }
# attributed ENV FILE TARGET SIG ATTRIB: FILE's first finding under ENV is
# SIG, and the bench attributes it ATTRIB
attributed() {
	local s
	s=$(sig_of "$1" "$2" "$3")
	is "$s" "$4" && is "$(attrib_of "$1" "$2" "$3" "$s")" "$5"
}

DRAIN="TAGFUZZ_BUGS=drain-ignores-llist"
POOL="TAGFUZZ_BUGS=pool-plain-store TAGFUZZ_WHAT_IF=smp-early-boot"

# drain-ignores-llist, libFuzzer seed 1: the pages the drain leaves on CPU1's
# llist fail page conservation; without the switch the drain at teardown
# still passes CPU1 by (known F15).  The '# bugs:' line must not turn the
# switch back on in the replay without it.
cat >"$T/drain-conservation.txt" <<'EOF'
# bugs: drain-ignores-llist
machine section_pages=64 sections=2 cpus=3 debug=1 profiling=1 wmark=0 pcp=split
pext_init
cpu_up cpu=1 pages=0
cpu_up cpu=2 pages=0
alloc cpu=2 order=0 gfp=kernel tag=2
alloc cpu=0 order=1 gfp=kernel tag=3
alloc cpu=1 order=0 gfp=kernel tag=1
free cpu=2 idx=0
free cpu=0 idx=0
free cpu=1 idx=0
cpu_down cpu=0
alloc cpu=1 order=0 gfp=kernel tag=4
drain all
EOF
t_drain() {
	attributed "$DRAIN" "$T/drain-conservation.txt" fuzz_pcp "model:page-conservation" \
		"switch's: without it known F15: pcp:llist-survives-drain-all"
}
check "bench: drain-ignores-llist's page-conservation is the switch's (known F15 without it)" t_drain

# pool-plain-store, libFuzzer seed 1 (what-if): early-ref-not-empty with the
# switch, clean without it.
cat >"$T/pool-early-ref.txt" <<'EOF'
machine section_pages=32 sections=1 cpus=3 debug=1 profiling=1 wmark=0 what_if=smp-early-boot
start alloc cpu=0 order=1 gfp=kernel tag=1
start cpu_up cpu=1 pages=4
put_page cpu=0 idx=0
run first=1 at=34 at2=70
pext_init
mem_offline section=0
EOF
t_pool() {
	attributed "$POOL" "$T/pool-early-ref.txt" fuzz_boot "model:early-ref-not-empty [what-if]" \
		"switch's: without it clean"
}
check "bench: pool-plain-store's early-ref-not-empty [what-if] is the switch's (clean without it)" t_pool

# pool-plain-store, AFL++ seed 1 of the 2026-12-03 third race bench: the
# input gives F1 and F2 (known: the same WARN site, classified) with or
# without the switch; with it, six unclassified WARNs follow, then the
# switch's own model:leaked-tracking-page.  Signatures with their class tags are
# compared, so those are the switch's, though the verdict without it is a
# WARN from the same site.
cat >"$T/pool-unclassified.txt" <<'EOF'
machine section_pages=16 sections=4 cpus=3 debug=1 profiling=1 wmark=4 what_if=smp-early-boot
start alloc cpu=0 order=1 gfp=kernel tag=1
start cpu_up cpu=1 pages=4
start cpu_up cpu=2 pages=2
run first=7 at=34
start pext_online section=0
start alloc cpu=0 order=0 gfp=kernel tag=0
alloc cpu=0 order=1 gfp=kernel tag=0
free cpu=0 idx=1
pext_online section=0
split cpu=1 idx=0
alloc cpu=0 order=2 gfp=kernel tag=1
alloc cpu=1 order=0 gfp=kernel tag=2
alloc cpu=0 order=0 gfp=kernel tag=0
alloc cpu=2 order=0 gfp=kernel tag=0
EOF
t_pool_class() {
	attributed "$POOL" "$T/pool-unclassified.txt" fuzz_boot "check:WARN:alloc_tag was not set [what-if]" \
		"switch's: without it known F1: check:WARN:alloc_tag was not set [early-before-clear] [what-if]"
}
check "bench: an unclassified WARN is the switch's when without it the site's WARNs are all known" t_pool_class

# A finding the switch has nothing to do with: array256's ref-mismatch
# (tests/scenarios/variant-array256-overwrite.txt) under an early-boot
# switch.  The tracker stays in the replay without the switch (with the
# current one it is clean).
grep -v '^#' tests/scenarios/variant-array256-overwrite.txt >"$T/array256.txt"
A256="TAGFUZZ_BUGS=pool-plain-store TAGFUZZ_TRACKER=array256"
t_same() {
	attributed "$A256" "$T/array256.txt" fuzz_boot "model:ref-mismatch" "not the switch's: same without it"
}
check "bench: a finding the same without the switch is not the switch's" t_same

# Without the switch the run stops at another finding first, and the one
# in question comes later: a plain comparison of the two verdicts would
# call it the switch's.  array256 gives ref-mismatch at op 6, then
# counter-mismatch at op 7.
t_later() {
	is "$(attrib_of "$A256" "$T/array256.txt" fuzz_boot "model:counter-mismatch")" \
		"not the switch's: model:counter-mismatch without it too (verdict model:ref-mismatch)"
}
check "bench: a finding that comes later without the switch is not the switch's" t_later

# Only as known without the switch: still reached without it.
t_known() {
	is "$(attrib_of "$DRAIN" "$T/drain-conservation.txt" fuzz_pcp "pcp:llist-survives-drain-all")" \
		"not the switch's: pcp:llist-survives-drain-all without it too (verdict known F15: pcp:llist-survives-drain-all)"
}
check "bench: a finding known without the switch is not the switch's" t_known

# The same in a what-if run: the signature ends in " [what-if]", the trace
# the replay is searched in names the finding without it.  pool-plain-store,
# libFuzzer seed 2: F2's early tails, 64 of them, without the switch.
cat >"$T/pool-early-tails.txt" <<'EOF'
machine section_pages=64 sections=4 cpus=4 debug=1 profiling=1 wmark=0 what_if=smp-early-boot
start cpu_up cpu=3 pages=3
start alloc cpu=0 order=0 gfp=kernel tag=7
run first=0 at=34 at2=59
alloc_exact cpu=2 pages=17 gfp=kernel tag=14
alloc_exact cpu=2 pages=17 gfp=kernel tag=6
alloc_exact cpu=2 pages=1 gfp=kernel tag=6
EOF
t_known_what_if() {
	local f2="check:WARN:alloc_tag was not set [early-tail] [what-if]"
	is "$(attrib_of "$POOL" "$T/pool-early-tails.txt" fuzz_boot "$f2")" \
		"not the switch's: $f2 without it too (verdict known F2: $f2)"
}
check "bench: a what-if finding known without the switch is not the switch's" t_known_what_if

t_error() {
	is "$(attrib_of "$DRAIN" "$T/missing" fuzz_pcp "model:page-conservation")" \
		"undecided: replay error without it (status 2)"
}
check "bench: a replay that fails without the switch decides nothing" t_error

# summary: the registered verdict's count, median and runs as before; the
# switch's other findings counted apart with their own median over all runs.
t_summary() {
	local W=$T/w got
	for s in 1 2 3 4 5; do mkdir -p "$W/find/v/libfuzzer-$s"; done
	printf "found 0.4 model:page-conservation\tswitch's: without it known F15: pcp:llist-survives-drain-all\n" >"$W/find/v/libfuzzer-1/result"
	printf "found 0.2 pcp:dead-cpu-lists-not-empty\tswitch's: without it clean\n" >"$W/find/v/libfuzzer-2/result"
	printf "found 0.3 model:page-conservation\tswitch's: without it clean\n" >"$W/find/v/libfuzzer-3/result"
	printf "found 5.0 pcp:dead-cpu-llist-not-drained\n" >"$W/find/v/libfuzzer-4/result"
	printf "found 1.0 model:free-lists\tnot the switch's: same without it\n" >"$W/find/v/libfuzzer-5/result"
	got=$(summary libfuzzer v pcp:dead-cpu-llist-not-drained)
	is "$got" "not found"$'\t'"5.0, nf, nf, nf, nf"$'\t'"1/5"$'\t'"0.4 s"$'\t'"3/5"$'\t'"model:page-conservation ×2, pcp:dead-cpu-lists-not-empty ×1"$'\t'"seed 1: model:page-conservation after 0.4 s (switch's: without it known F15: pcp:llist-survives-drain-all); seed 2: pcp:dead-cpu-lists-not-empty after 0.2 s (switch's: without it clean); seed 3: model:page-conservation after 0.3 s (switch's: without it clean); seed 5: model:free-lists after 1.0 s (not the switch's: same without it)"
}
check "bench: summary counts the switch's other findings apart from its verdict" t_summary

t_summary_none() {
	local W=$T/w2 got
	for s in 1 2 3 4 5; do mkdir -p "$W/find/v/libfuzzer-$s"; echo "notfound 20.1" >"$W/find/v/libfuzzer-$s/result"; done
	echo "found 3.0 pcp:dead-cpu-llist-not-drained" >"$W/find/v/libfuzzer-2/result"
	got=$(summary libfuzzer v pcp:dead-cpu-llist-not-drained)
	is "$got" "not found"$'\t'"3.0, nf, nf, nf, nf"$'\t'"1/5"$'\t'"not found"$'\t'"0/5"$'\t'"-"$'\t'
}
check "bench: summary with no other finding" t_summary_none

finish
