#!/usr/bin/env bash
# ./build.sh report and out/report (issue 19, item 1): the sections a report
# has, kernel terms in its Sequence, one file per distinct finding, a clean
# input, a missing one, a ClusterFuzzLite .zip, and docs/reports/*.txt in
# step with what the tool writes.  Run by tests/check.sh on what make built
# into OUT (default out/).  Ends with "N passed, N failed".
#
#   tests/report_cli.sh [OUT]                 the tests
#   tests/report_cli.sh --update-docs [OUT]   rewrite the generated part of each
#                                             docs/reports/*.txt (from its
#                                             Generated-By line), keeping what is
#                                             below its hand-written marker
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UPDATE=0
if [ "${1:-}" = --update-docs ]; then
	UPDATE=1
	shift
fi
OUT=${1:-$ROOT/out}
RP=$OUT/report
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 2
# The variant comes from each input alone.
unset TAGFUZZ_BUGS TAGFUZZ_STRICT TAGFUZZ_TRACKER TAGFUZZ_PCP TAGFUZZ_WHAT_IF
# out/report names functions through llvm-symbolizer (as ./build.sh report finds it)
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null 2>&1; then
	for s in /usr/bin/llvm-symbolizer-* /usr/lib/llvm-*/bin/llvm-symbolizer; do
		[ -x "$s" ] && export ASAN_SYMBOLIZER_PATH=$s && break
	done
fi

# The line that ends the generated part of a docs/reports file.
MARKER='-- hand-written below this line (not generated: tests/report_cli.sh compares only what is above it) --'

# regenerate FILE OUTFILE: what out/report writes today for FILE's Generated-By line
regenerate() {
	local gen args=() a skip=0
	gen=$(sed -n 's/^Generated-By: //p' "$1" | head -n 1)
	case $gen in
	"./build.sh report "*) ;;
	*) echo "$1: no 'Generated-By: ./build.sh report ...' line"; return 1 ;;
	esac
	# the same inputs and options, to standard output (no --out)
	for a in ${gen#./build.sh report }; do
		if [ "$skip" = 1 ]; then
			skip=0
			continue
		fi
		case $a in
		--out | -o) skip=1 ;;
		--out=*) ;;
		--no-minimize) ;;
		*) args+=("$a") ;;
		esac
	done
	"$RP" --generated-by "$gen" "${args[@]}" >"$2" 2>"$T/regen.err" ||
		{ cat "$T/regen.err"; return 1; }
}

# generated_part FILE: FILE up to its marker line (all of it without one)
generated_part() {
	awk -v m="$MARKER" '$0 == m { exit } { print }' "$1"
}

if [ "$UPDATE" = 1 ]; then
	[ -x "$RP" ] || { echo "$RP is not built (make)"; exit 2; }
	for f in docs/reports/*.txt; do
		regenerate "$f" "$T/new" || exit 2
		{
			cat "$T/new"
			awk -v m="$MARKER" 'found { print } $0 == m { found = 1; print }' "$f"
		} >"$T/merged"
		if cmp -s "$T/merged" "$f"; then
			echo "$f: up to date"
		else
			cp "$T/merged" "$f"
			echo "$f: rewritten (the hand-written part kept)"
		fi
	done
	exit 0
fi

. "$ROOT/tests/check_lib.sh"

F16=corpus/regressions/F16-pcp-dead-cpu-lists-not-empty.txt
F15=corpus/regressions/F15-pcp-llist-survives-drain-all.txt
F15B=corpus/regressions/F15-pcp-isolated-page-absorbed.txt
CLEAN=corpus/fuzz_pcp/01-hotplug-cycle.txt

# build_report ARGS...: ./build.sh report into $T/out and $T/err, status in $T/rc
build_report() {
	TAGFUZZ_OUT=$OUT ./build.sh report "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
has() { grep -q -- "$2" "$1" || { echo "$1 lacks '$2':"; head -n 60 "$1"; return 1; }; }
# has_flat FILE TEXT: TEXT in FILE with its lines joined (wrapped prose)
has_flat() { tr '\n' ' ' <"$1" | tr -s ' ' | grep -qF -- "$2" || { echo "$1 lacks '$2'"; return 1; }; }
# sections FILE: every section a report must have, as a heading
sections() {
	local s
	grep -q '^Subject: \[BUG\] ' "$1" || { echo "no Subject: [BUG] line"; head -n 5 "$1"; return 1; }
	for s in Summary Status "Code the port follows" Config Phase Sequence Consequence \
		"Upstream lines" Reproducer "Trace (trimmed)"; do
		grep -qx -- "$s" "$1" || { echo "no section '$s'"; return 1; }
	done
}
# kernel_sequence FILE: its Sequence names no harness internals
kernel_sequence() {
	sed -n '/^Sequence$/,/^Consequence$/p' "$1" >"$T/seq"
	[ -s "$T/seq" ] || { echo "empty Sequence"; return 1; }
	! grep -nE 'live\[|\bsite[0-9]|\btf_[a-z]|callers\.c|glue_|target/sim/|fuzz/' "$T/seq" ||
		{ echo "harness names in the Sequence (above)"; return 1; }
}

t_f16() {
	build_report "$F16"; rc_is 0 && sections "$T/out" && kernel_sequence "$T/out" &&
	has "$T/out" '^Subject: \[BUG\] mm/page_alloc: a page left on a dead CPU.s PCP list' &&
	has "$T/out" '^In-Reply-To: <20260520150018.2491267-4-riel@surriel.com>' &&
	has "$T/seq" 'change point 1, step 16: CPU2 stops in __free_frozen_pages() \[seed 004\]' &&
	has "$T/seq" 'PCPF_CPU_DEAD clear' &&
	has "$T/seq" '(target/mm/pcp_split.c:[0-9]' &&
	has "$T/out" 'CONFIG_MEM_ALLOC_PROFILING_DEBUG=y' &&
	has "$T/out" 'Known: F16 in docs/findings.md'
}
check "report of F16's reproducer: every section, the race in kernel functions and port file:line, no harness names" t_f16

# The shims are macros (TF_HERE): the API a CPU stops in comes from the
# scheduling point's place, not from a frame of the shim's own.
t_f16_apis() {
	build_report "$F16"; rc_is 0 &&
	sed -n '/^Sequence$/,/^Consequence$/p' "$T/out" >"$T/seq" &&
	has_flat "$T/seq" 'CPU2 stops in __free_frozen_pages() [seed 004] <- ___free_pages(), before llist_add() (READ_ONCE(head->first))' &&
	has_flat "$T/seq" 'CPU0 stops in absorb_remote_frees() [seed 004] <- free_pcppages_bulk() [seed 004], before llist_empty() (READ_ONCE(head->first))' &&
	has_flat "$T/seq" '[16] stops before READ_ONCE(head->first) in llist_add() <- __free_frozen_pages() [seed 004] (target/mm/pcp_split.c:327, port: pcp_split_free_frozen_pages()) <- ___free_pages()' &&
	has_flat "$T/seq" 'in llist_del_all() <- absorb_remote_frees() [seed 004] (target/mm/pcp_split.c:87)' &&
	sed -n '/^Code the port follows$/,/^Config$/p' "$T/out" >"$T/code" &&
	has_flat "$T/code" 'Shims (target/include/): linux/llist.h, linux/rcupdate.h,' &&
	has_flat "$T/code" 'linux/spinlock.h, linux/atomic.h'
}
check "report of F16: the Sequence stops in llist_add() and llist_empty() (the places' APIs), the Shims list names their headers" t_f16_apis

t_f15() {
	build_report "$F15"; rc_is 0 && sections "$T/out" && kernel_sequence "$T/out" &&
	has "$T/out" '^Subject: \[BUG\] mm/page_alloc: drain_all_pages() does not see the free_llists' &&
	has "$T/seq" 'drain_all_pages(NULL)' &&
	has "$T/out" '__drain_all_pages()' &&
	has "$T/out" 'https://lore.kernel.org/all/20260520150018.2491267-4-riel@surriel.com/'
}
check "report of F15's reproducer: every section, Sequence in kernel terms, the seed's lore link" t_f15

t_out_dir() {
	build_report "$F16" "$F15" "$F15B" --out "$T/rep"; rc_is 0 &&
	[ "$(ls "$T/rep" | tr '\n' ' ')" = "F15.txt F16.txt " ] ||
		{ echo "files: $(ls "$T/rep" | tr '\n' ' ')"; cat "$T/out"; return 1; }
	has "$T/rep/F15.txt" "Also reproduced by" && has "$T/rep/F15.txt" "$F15B" &&
	sections "$T/rep/F16.txt" && sections "$T/rep/F15.txt"
}
check "report --out DIR: one file per distinct finding (F15's two reproducers make one)" t_out_dir

t_out_keeps_review() {
	mkdir -p "$T/keep"
	cp docs/reports/F15.txt "$T/keep/F15.txt"
	build_report "$F15" "$F15B" --out "$T/keep"; rc_is 0 &&
	has "$T/err" "kept its hand-written part" &&
	diff <(awk -v m="$MARKER" 'found { print } $0 == m { found = 1; print }' docs/reports/F15.txt) \
		<(awk -v m="$MARKER" 'found { print } $0 == m { found = 1; print }' "$T/keep/F15.txt") ||
		{ echo "the hand-written part of F15.txt was not kept"; return 1; }
}
check "report --out DIR over a report with a hand-written part keeps that part" t_out_keeps_review

t_together() {
	build_report --together corpus/regressions/F9-pgflags-off-by-two-null.txt \
		corpus/regressions/F11-pgflags-module-off-by-one.txt --out "$T/tog"; rc_is 0 &&
	[ "$(ls "$T/tog")" = "F9-F11.txt" ] || { ls "$T/tog"; return 1; }
	has "$T/tog/F9-F11.txt" '^==== 2 of 2: tags_addressable() refuses' &&
	has "$T/tog/F9-F11.txt" 'NR_UNUSED_PAGEFLAG_BITS=8' &&
	has "$T/tog/F9-F11.txt" 'sysctl.vm.mem_profiling=1,compressed'
}
check "report --together: several findings in one file, each with its own Config" t_together

t_clean() {
	build_report "$CLEAN" --out "$T/cl"; rc_is 0 && has "$T/out" "clean: no finding" &&
	[ -z "$(ls -A "$T/cl")" ] || { echo "files written for a clean input: $(ls "$T/cl")"; return 1; }
}
check "report of a clean input says so, writes nothing, exits 0" t_clean

t_missing() {
	build_report "$T/nope.txt"; rc_is 2 && [ "$(wc -l <"$T/err")" = 1 ] && has "$T/err" "no such file" &&
	"$RP" "$T/nope.txt" >"$T/out" 2>"$T/err"; [ $? = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] ||
		{ cat "$T/err"; return 1; }
	"$RP" >"$T/out" 2>"$T/err"; [ $? = 2 ] && has "$T/err" usage
}
check "report of a missing file: one line, exit 2 (./build.sh report and out/report); no argument: usage, 2" t_missing

t_zip() {
	mkdir -p "$T/z" && "$OUT/scenario" encode "$F16" "$T/z/fuzz_pcp-address-crash-0123abcd" &&
	(cd "$T/z" && python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); z.write(sys.argv[2]); z.close()' \
		artifact.zip fuzz_pcp-address-crash-0123abcd) &&
	build_report "$T/z/artifact.zip"; rc_is 0 && sections "$T/out" &&
	has "$T/out" '^Subject: \[BUG\] mm/page_alloc: a page left on a dead CPU.s PCP list' &&
	has "$T/err" 'minimized to' && has_flat "$T/out" 'minimized from fuzz_pcp-address-crash-0123abcd'
}
check "report of a ClusterFuzzLite .zip: the input is minimized, then reported" t_zip

t_docs() {
	local f bad=0
	ls docs/reports/*.txt >/dev/null 2>&1 || { echo "no docs/reports/*.txt"; return 1; }
	for f in docs/reports/*.txt; do
		grep -qxF -- "$MARKER" "$f" || { echo "$f: no hand-written marker line"; bad=1; continue; }
		regenerate "$f" "$T/new" || { bad=1; continue; }
		generated_part "$f" >"$T/old"
		if ! cmp -s "$T/old" "$T/new"; then
			echo "$f: its generated part differs from what out/report writes now:"
			diff -u "$T/old" "$T/new" | head -n 20
			bad=1
		fi
	done
	[ "$bad" = 0 ] || echo "(tests/report_cli.sh --update-docs rewrites them, keeping the hand-written part)"
	[ "$bad" = 0 ]
}
check "docs/reports/*.txt: the part above the marker is what ./build.sh report writes today" t_docs

finish
