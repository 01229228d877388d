#!/usr/bin/env bash
# tests/stress.sh OUT SECS: the ThreadSanitizer stress binary (make stress
# builds OUT/stress) over the shipped scenarios and random ones for SECS
# seconds.  Prints its summary; fails on a data race or a BUG.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1 secs=$2
[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || {
	echo "stress: seconds must be a positive number, got '$secs'" >&2
	exit 2
}
# Clang 14's TSan needs the address space unrandomised on some kernels.
TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$ROOT/fuzz/tsan.supp ${TSAN_OPTIONS:-}" \
	exec setarch "$(uname -m)" -R "$out/stress" "$secs" "$ROOT/corpus/fuzz_boot" \
	"$ROOT/tests/scenarios" "$ROOT/corpus/regressions"
