#!/usr/bin/env bash
# tests/check.sh OUT: every test, on what make has built into OUT (`make
# check`, `./build.sh test`): the unit and scenario tests (OUT/tests), the
# OSS-Fuzz build contract (tests/build_contract.sh), the replay tool's
# behaviour (tests/replay_cli.sh), the report tool and docs/reports
# (tests/report_cli.sh), the crash states of findings
# (tests/finding_frames.sh), traces and fuzzing output (tests/trace_cli.sh),
# the bench's attribution of a switch's other findings (tests/bench_attrib.sh),
# the README's examples (tests/readme_examples.sh),
# a short ThreadSanitizer stress run
# (OUT/stress, TAGFUZZ_STRESS_SECS, default 5 s), the suppression narrowing
# probes (tests/tsan_narrow.sh, one test each), every race scenario under
# every schedule within two preemptions (tests/explore_races.sh, one each)
# and the layer check (make check-layers), each counted as one test.  Ends
# with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$1
cd "$ROOT" || exit 2
read -r -a TARGETS <<<"$(${MAKE:-make} -s --no-print-directory -C "$ROOT" print-targets)"

"$OUT/tests" tests/scenarios corpus/regressions "${TARGETS[@]/#/corpus/}" | tee "$OUT/tests.log"
c_line=$(tail -n 1 "$OUT/tests.log")
if [[ "$c_line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	cp=${BASH_REMATCH[1]} cf=${BASH_REMATCH[2]}
else
	echo "FAIL the test runner did not finish (last line: '$c_line')"
	cp=0 cf=1
fi
echo
sp=0 sf=0
# add_counts LOG SCRIPT PATTERN: a sub-suite's "N passed, N failed" last line
# (matched by PATTERN) into sp/sf; one failure if it did not get that far.
add_counts() {
	local line
	line=$(tail -n 1 "$1")
	if [[ "$line" =~ $3 ]]; then
		sp=$((sp + BASH_REMATCH[1])) sf=$((sf + BASH_REMATCH[2]))
	else
		echo "FAIL $2 did not finish (last line: '$line')"
		sf=$((sf + 1))
	fi
}
TAGFUZZ_OUT=$OUT bash "$ROOT/tests/build_contract.sh" | tee "$OUT/contract.log"
add_counts "$OUT/contract.log" tests/build_contract.sh '([0-9]+) passed, ([0-9]+) failed$'
echo
# replay, repro, minimize and scenario as a developer meets them (issue 19)
bash "$ROOT/tests/replay_cli.sh" "$OUT" | tee "$OUT/replay_cli.log"
add_counts "$OUT/replay_cli.log" tests/replay_cli.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
# ./build.sh report and docs/reports/ in step with it (issue 19)
bash "$ROOT/tests/report_cli.sh" "$OUT" | tee "$OUT/report_cli.log"
add_counts "$OUT/report_cli.log" tests/report_cli.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
# the frames a finding aborts through: ClusterFuzz keeps findings apart (issue 19)
bash "$ROOT/tests/finding_frames.sh" "$OUT" | tee "$OUT/finding_frames.log"
add_counts "$OUT/finding_frames.log" tests/finding_frames.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
# the README's examples are what the tools print today
bash "$ROOT/tests/readme_examples.sh" "$OUT" | tee "$OUT/readme_examples.log"
add_counts "$OUT/readme_examples.log" tests/readme_examples.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
# traces and fuzzing output as a developer reads them
bash "$ROOT/tests/trace_cli.sh" "$OUT" | tee "$OUT/trace_cli.log"
add_counts "$OUT/trace_cli.log" tests/trace_cli.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
# the bench's attribution of a bug switch's other findings
bash "$ROOT/tests/bench_attrib.sh" "$OUT" | tee "$OUT/bench_attrib.log"
add_counts "$OUT/bench_attrib.log" tests/bench_attrib.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
bash "$ROOT/tests/stress.sh" "$OUT" "${TAGFUZZ_STRESS_SECS:-5}" 2>&1 | tee "$OUT/stress.log"
st=${PIPESTATUS[0]}
if [ "$st" = 0 ]; then
	sp=$((sp + 1))
else
	echo "FAIL stress (status $st; see $OUT/stress.log)"
	sf=$((sf + 1))
fi
echo
# fuzz/tsan.supp lets through only the accesses it names: one probe a entry.
bash "$ROOT/tests/tsan_narrow.sh" "$OUT" 2>&1 | tee "$OUT/tsan_narrow.log"
add_counts "$OUT/tsan_narrow.log" tests/tsan_narrow.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
# every race scenario under every schedule within two preemptions (issue 18)
bash "$ROOT/tests/explore_races.sh" "$OUT" 2>&1 | tee "$OUT/explore_races.log"
add_counts "$OUT/explore_races.log" tests/explore_races.sh '^([0-9]+) passed, ([0-9]+) failed$'
echo
if ${MAKE:-make} -s --no-print-directory -C "$ROOT" O="$OUT" check-layers; then
	sp=$((sp + 1))
else
	echo "FAIL check-layers: a kernel file includes a harness-only header, or the harness a kernel one"
	sf=$((sf + 1))
fi
echo
echo "$((cp + sp)) passed, $((cf + sf)) failed"
[ $((cf + sf)) = 0 ]
