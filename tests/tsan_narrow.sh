#!/usr/bin/env bash
# tests/tsan_narrow.sh OUT: fuzz/tsan.supp lets through only the accesses it
# names (target/include/tagfuzz/racy.h).  For each entry, OUT/stress runs
# with that entry's probe on (the same access made plainly in the kernel
# function's own frame instead of through tf_racy_NAME()) over scenarios
# that reach the race, and ThreadSanitizer must report it: exit 66, and no
# tf_racy_ frame in the report.  Under the whole-function entries this file
# had before, every one of these races was suppressed.  Ends "N passed, N
# failed"; a probe gets up to 10 s (it usually fires in under one), or the
# seconds after its scenario, and up to three tries when a run ends clean.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$1
S=$ROOT/tests/scenarios T=$ROOT/tests/tsan
# probe  scenarios (files or directories) that reach its race
PROBES=(
	"clear_get_ref $T/clear-reads-remote-tag.txt 30"
	"clear_update_ref $S/clear-stamps-inflight-untagged.txt"
	"wmark_nr_free $S/hotplug-offline-race-free.txt"
	"zone_set_wmarks $T/hotplug-wmark-update.txt"
	"page_type_offline $S/hotplug-offline-race-free-busy.txt"
	"commit_high_min $S/hotplug-offline-race-free.txt"
	"drain_pcp_count $T/drain-reads-remote-count.txt"
	"page_ext_zero $ROOT/corpus/fuzz_boot"
	"set_inaccurate $S/race-empty-pool-2cpu.txt"
	"pcp_flags_set_dead $S/pcp-remote-free-race-absorbed.txt"
	"pcp_flags_clear_dead $T/pcp-online-clears-dead.txt"
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for entry in "${PROBES[@]}"; do
	read -r probe src secs <<<"$entry"
	dir=$tmp/$probe
	mkdir -p "$dir"
	if [ -d "$src" ]; then cp "$src"/*.txt "$dir"/; else cp "$src" "$dir"/; fi
	# Up to three tries: ThreadSanitizer sees a race only when the threads'
	# timing makes it happen; a suppressed race is never reported.
	reported=0
	for try in 1 2 3; do
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$ROOT/fuzz/tsan.supp" \
			setarch "$(uname -m)" -R "$OUT/stress" --probe "$probe" --no-random "${secs:-10}" "$dir" \
			>"$tmp/$probe.out" 2>"$tmp/$probe.err"
		st=$?
		if [ "$st" = 66 ] && grep -q "WARNING: ThreadSanitizer: data race" "$tmp/$probe.err" &&
		   ! grep -q "tf_racy_" "$tmp/$probe.err"; then
			reported=1
			break
		fi
		# a report through tf_racy_ (or another failure) is not timing: no retry
		[ "$st" = 0 ] || break
	done
	if [ "$reported" = 1 ]; then
		top=$(grep -m2 ' #0 ' "$tmp/$probe.err" | awk '{print $2}' | paste -sd/)
		echo "ok   tsan probe $probe: reported ($top)$([ "$try" = 1 ] || echo ", on try $try")"
		pass=$((pass + 1))
	else
		echo "FAIL tsan probe $probe: not reported (status $st)"
		sed -n '1,40p' "$tmp/$probe.err"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
