#!/usr/bin/env bash
# tests/readme_examples.sh OUT: the examples README.md shows are what the tools
# print today.  Each example's text is read from the README itself (a fenced
# block of a section, or an inline quote), its command run on what make built
# into OUT, and every line the README shows must come out, in order (the README
# may leave lines out, never change one; a trailing "   # note" is the
# README's).  Figures that depend on the machine (seconds, exec/s, coverage)
# are not compared: the README must name the script that printed them.  Also:
# every link between README.md and docs/*.md resolves (file and #anchor), and
# docs/architecture.md's list of known findings is fuzz/known.c's.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/out}
README=${README:-$ROOT/README.md}
cd "$ROOT" || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/check_lib.sh"

# block SECTION REGEX: the first fenced block of the README section whose
# heading is "## SECTION" that has a line matching REGEX (awk).
block() {
	awk -v sec="## $1" -v re="$2" '
		/^## / { in_sec = ($0 == sec); next }
		!in_sec { next }
		/^```/ {
			if (!inside) { inside = 1; n = 0; hit = 0; next }
			inside = 0
			if (hit) { for (i = 1; i <= n; i++) print b[i]; exit }
			next
		}
		inside { b[++n] = $0; if ($0 ~ re) hit = 1 }' "$README"
}

# shown_in EXPECTED ACTUAL: every line of EXPECTED (without a trailing
# "  # note", trimmed) is a line of ACTUAL (trimmed), in the same order.
shown_in() {
	awk '
		function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
		NR == FNR { l = $0; sub(/[ \t][ \t]+# .*$/, "", l); l = trim(l); if (l != "") want[++n] = l; next }
		i < n && trim($0) == want[i + 1] { i++ }
		END {
			if (n == 0) { print "the README shows nothing here"; exit 1 }
			if (i < n) { printf "README line %d of %d not printed (in this order):\n  %s\n", i + 1, n, want[i + 1]; exit 1 }
		}' "$1" "$2"
}

# run_shows DESC EXPECTED_FILE CMD...: CMD's output (stdout and stderr) shows
# the README's lines.
run_shows() {
	local want=$1
	shift
	"$@" >"$T/actual" 2>&1
	shown_in "$want" "$T/actual" || { echo "--- $*:"; head -n 40 "$T/actual"; return 1; }
}

# The finding example: the README names the command; run that command.
block "Reading a finding" "^==tagfuzz== FINDING" >"$T/finding"
finding_example() {
	grep -q 'out/replay --strict -p' "$README" && grep -q 'corpus/regressions/F2-early-tail.txt' "$README" ||
		{ echo "the README no longer names out/replay --strict -p corpus/regressions/F2-early-tail.txt"; return 1; }
	run_shows "$T/finding" "$OUT/replay" --strict -p corpus/regressions/F2-early-tail.txt
}
check "README 'Reading a finding': out/replay --strict -p prints the lines shown" finding_example

# A known finding's cause and a near miss, quoted inline (joined across lines).
inline() { tr '\n' ' ' <"$README" | tr -s ' ' | grep -o "\`$1[^\`]*\`" | head -n 1 | tr -d '\`'; }
inline_shown() {
	local q=$1 f=$2 out
	[ -n "$q" ] || { echo "no such quote in the README"; return 1; }
	out=$("$OUT/replay" "$f" 2>&1 | tr -s ' ')
	[[ "$out" == *"$q"* ]] || { echo "README: '$q'"; echo "$out" | grep -E 'known:|looks like' | head -n 5; return 1; }
}
check "README quotes F14's cause as replay prints it" \
	inline_shown "$(inline 'known: F14 (cause:')" corpus/regressions/F14-pcp-stranded-llist-page.txt
check "README quotes 'looks like F14, but ...' as replay prints it" \
	inline_shown "$(inline 'looks like F14, but')" tests/scenarios/pcp-f14-stranded-drain-ignores-llist.txt

# The boot-order refusal: the README's message for a cpu_up before page_ext_init.
refusal() {
	block "Boot phases and the what-if mode" "before page_ext_init" >"$T/refusal"
	printf 'machine section_pages=64 sections=2 cpus=2 debug=1\nalloc cpu=0 order=0 tag=1\ncpu_up cpu=1\n' >"$T/order.txt"
	"$OUT/replay" "$T/order.txt" >"$T/actual" 2>&1
	sed 's/^replay: [^:]*: //' "$T/actual" >"$T/actual2"
	shown_in "$T/refusal" "$T/actual2" || { cat "$T/actual"; return 1; }
}
check "README 'Boot phases': the refusal of a cpu_up before page_ext_init is worded as shown" refusal

# The hand-written scenario is valid and runs clean.
hand_written() {
	block "Writing scenarios by hand" "^machine " >"$T/hand.txt"
	"$OUT/replay" "$T/hand.txt" >"$T/actual" 2>&1 || { cat "$T/actual"; return 1; }
	grep -q '^verdict: clean' "$T/actual" || { cat "$T/actual"; return 1; }
}
check "README 'Writing scenarios by hand': the example scenario is accepted and clean" hand_written

# The race example races: its trace shows both CPUs' steps as the README does.
race() {
	block "Several CPUs at once" "^start " >"$T/race.txt"
	block "Several CPUs at once" "^ *CPU[0-9]" >"$T/race.trace"
	grep -q '^start .*cpu=1' "$T/race.txt" && grep -q '^cpu_up cpu=1' "$T/race.txt" ||
		{ echo "the example starts an op on CPU1 without bringing CPU1 up"; return 1; }
	grep -q 'CPU1' "$T/race.trace" || { echo "the README's trace shows no CPU1 step"; return 1; }
	run_shows "$T/race.trace" "$OUT/replay" -t "$T/race.txt"
}
check "README 'Several CPUs at once': the race example's trace shows the lines shown" race

# explore's line, but for the time it took.
explore_line() {
	local want
	want=$(block "Several CPUs at once" "^explore: " | sed -n 's/^explore: //p' | sed 's/ in [0-9.]* s:/ in S s:/')
	[ -n "$want" ] || { echo "no explore output in the README"; return 1; }
	"$OUT/explore" tests/scenarios/pcp-f16-dead-lists-race.txt >"$T/actual" 2>&1
	sed -n 's/^explore: //p' "$T/actual" | sed 's/ in [0-9.]* s:/ in S s:/' | grep -qxF "$want" ||
		{ echo "README: $want"; cat "$T/actual"; return 1; }
}
check "README 'Several CPUs at once': explore prints the line shown (but for the seconds)" explore_line

# Every scenario file and corpus directory the README names exists.
paths_exist() {
	local p bad=0
	for p in $(grep -o -E '(tests/scenarios|corpus)/[A-Za-z0-9_./*-]*' "$README" | sed 's/[.,)]*$//' | sort -u); do
		case $p in *TARGET* | *NAME*) continue ;; esac
		compgen -G "$p" >/dev/null || { echo "README names $p: not in the tree"; bad=1; }
	done
	return $bad
}
check "README: every tests/scenarios and corpus path it names exists" paths_exist

# Links between the documents: every relative link names a file that exists
# and, for a .md file with #anchor, one of its headings (GitHub's anchors:
# lower case, punctuation dropped, spaces to dashes, -1, -2 for repeats).
check_links() {
	local f bad=0 dir target path anchor
	for f in "$@"; do
		dir=$(dirname "$f")
		while IFS= read -r target; do
			path=${target%%#*}
			anchor=
			[[ "$target" == *"#"* ]] && anchor=${target#*#}
			case $path in http:* | https:* | mailto:*) continue ;; esac
			[ -n "$path" ] && path=$dir/$path || path=$f
			[ -e "$path" ] || { echo "$f: link to $target: no such file"; bad=1; continue; }
			[ -n "$anchor" ] || continue
			[[ "$path" == *.md ]] || continue
			awk '/^```/ { fence = !fence; next } !fence && /^#+ / {
				h = $0; sub(/^#+ +/, "", h); h = tolower(h)
				gsub(/[^a-z0-9 _-]/, "", h); gsub(/ /, "-", h)
				n[h]++; print (n[h] > 1 ? h "-" (n[h] - 1) : h) }' "$path" | grep -qxF "$anchor" ||
				{ echo "$f: link to $target: no such heading"; bad=1; }
		done < <(grep -o -E '\]\([^) ]+\)' "$f" | sed 's/^](//; s/)$//')
	done
	return $bad
}
check "README and docs/*.md: every relative link and #anchor resolves" check_links README.md docs/*.md

# docs/architecture.md's list of known findings is fuzz/known.c's.
known_list() {
	local doc code
	doc=$(awk '/^The known findings today:/ { on = 1 } on { print } on && /^$/ { exit }' docs/architecture.md |
		tr '\n' ' ' | sed 's/([^)]*)//g; s/F7, F8 and F17.*//' |
		grep -o -E "F[0-9]+(-F[0-9]+|')?" | while read -r f; do
			if [[ "$f" == *-* ]]; then a=${f%-*} b=${f#*-}; seq -f 'F%g' "${a#F}" "${b#F}"; else echo "$f"; fi
		done | sort -u)
	code=$(grep -o -E '\{ "F[0-9]+'"'"'?"' fuzz/known.c | tr -d '{ "' | sort -u)
	[ -n "$doc" ] && [ "$doc" = "$code" ] ||
		{ echo "architecture.md: $(echo $doc)"; echo "fuzz/known.c:    $(echo $code)"; return 1; }
}
check "docs/architecture.md lists the known findings fuzz/known.c has" known_list

# Measured figures come from a script, named beside them.
figures_named() {
	local sec
	for sec in "Coverage" "Fuzzing with AFL++" "Parallel runs"; do
		awk -v sec="## $sec" '/^## / { in_sec = ($0 == sec); next } in_sec' "$README" |
			grep -q 'bench/readme_figures.sh' || { echo "section '$sec' does not name bench/readme_figures.sh"; return 1; }
	done
	[ -x bench/readme_figures.sh ] || { echo "bench/readme_figures.sh is missing or not executable"; return 1; }
}
check "README: the coverage, AFL++ and parallel-run figures name bench/readme_figures.sh" figures_named

finish
