#!/usr/bin/env bash
# tests/explore_races.sh OUT: every race scenario of tests/ and corpus/ (a
# text scenario with a run op) under every schedule within two preemptions
# (OUT/explore, CHESS style), one test each:
#   - expected clean, or a known finding with its cause: clean under every
#     schedule (known findings with their causes allowed);
#   - a bug switch ('# bugs:'), or a finding expected as new: caught (some
#     schedule gives a new finding); and, for a bug switch, clean under
#     every schedule without it.
# The scenarios of tests/scenarios/ and corpus/, the ones the scenario
# tests run; not tests/tsan/, the ThreadSanitizer probes' inputs, sized
# for real threads' timing (a 300-entry pool: over 300 s to explore).
# Runs two at a time.  Ends "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$1
cd "$ROOT" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one FILE TMP OUT: "ok ..." or "FAIL ..." lines into TMP/NAME.result
one() {
	local f=$1 tmp=$2 out=$3 name want r bugs line
	name=$(echo "$f" | tr / _)
	name=${name%.txt}
	exec >"$tmp/$name.result" 2>&1
	bugs=$(sed -n 's/^# bugs: *//p' "$f" | head -n 1)
	line=$(sed -n 's/^# expect: *//p' "$f" | head -n 1)
	if [ -n "$bugs" ] || { [ -n "$line" ] && [ "$line" != clean ]; }; then
		want=1
	else
		want=0
	fi
	"$out/explore" --out "$tmp/$name.explore.txt" "$f" >"$tmp/$name.log" 2>&1
	r=$?
	if [ "$r" = "$want" ]; then
		echo "ok   explore $f: $(grep -m1 -E '^explore: (a finding|.*clean$)' "$tmp/$name.log" | sed 's/^explore: //')"
	else
		echo "FAIL explore $f: exit $r, want $want ($([ "$want" = 0 ] && echo 'clean under every schedule' || echo 'a finding'))"
		sed -n '1,30p' "$tmp/$name.log"
	fi
	if [ -n "$bugs" ]; then
		"$out/explore" --bugs '' --out "$tmp/$name.nobugs.explore.txt" "$f" >"$tmp/$name.nobugs.log" 2>&1
		r=$?
		if [ "$r" = 0 ]; then
			echo "ok   explore $f without $bugs: $(grep -m1 -E '^explore: .*clean$' "$tmp/$name.nobugs.log" | sed 's/^explore: //')"
		else
			echo "FAIL explore $f without $bugs: exit $r, want 0 (clean under every schedule)"
			sed -n '1,30p' "$tmp/$name.nobugs.log"
		fi
	fi
}
export -f one
grep -l '^run' tests/scenarios/*.txt corpus/*/*.txt 2>/dev/null | sort |
	xargs -P 2 -I{} bash -c 'one "$@"' _ {} "$tmp" "$OUT"
cat "$tmp"/*.result >"$tmp/results"
cat "$tmp/results"
pass=$(grep -c '^ok ' "$tmp/results")
fail=$(grep -c '^FAIL ' "$tmp/results")
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
