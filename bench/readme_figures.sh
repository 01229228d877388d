#!/usr/bin/env bash
# bench/readme_figures.sh: measures the figures README.md shows and prints them
# in the README's own format (its coverage table rows, its speed and
# time-to-finding sentences), with the commit, the machine and its load, so
# that they are pasted from a run and never typed.
#
#   nice -n 10 bench/readme_figures.sh [--secs S] [--runs N] [--cap SECS]
#                                      [--only speed,coverage,finding]
#
# What it runs, on fuzz_boot, in this order (one measurement at a time; the
# defaults take about 20 minutes on a 2-core machine):
#   speed     libFuzzer, one process, S s (default 60) from the shipped corpus,
#             with build.sh's scheduling flags and without any; AFL++ the same
#             (with the structure-aware mutator, as ./build.sh fuzz --engine afl);
#             then two processes of each (libFuzzer -fork=2, AFL++ -M/-S):
#             executions over the wall time of the run, stock variant.
#   coverage  line and branch coverage of target/ (the coverage build,
#             `./build.sh coverage`'s way: llvm-cov report of target/) from the
#             seeds alone, and from the seeds plus every input the speed runs
#             kept (their corpora and queues).  Needs `speed` for the second row.
#   finding   time to the first finding of the bug switches cmpxchg-loser-leaks
#             and pool-plain-store (what-if: both need two CPUs refilling the
#             tracker at once), N runs (default 3) of each engine capped at
#             SECS (default 120), seeds that already give a finding left out.
# It builds what it needs first with make (nothing is rebuilt that is up to
# date): out/fuzz_boot, out/replay, out/corpus/, out/cov/fuzz_boot and, when
# afl-clang-fast is there, out/afl/fuzz_boot (./build.sh deps afl coverage
# installs what is missing).  Scratch files go to out/readme-figures/.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${TAGFUZZ_OUT:-$ROOT/out}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
CC=${TAGFUZZ_CC:-clang}
T=fuzz_boot
SECS=60 RUNS=3 CAP=120 ONLY=speed,coverage,finding
SWITCHES=(cmpxchg-loser-leaks pool-plain-store)
# build.sh's default libFuzzer scheduling flags (TAGFUZZ_LIBFUZZER_FLAGS replaces them)
read -r -a LF_FLAGS <<<"${TAGFUZZ_LIBFUZZER_FLAGS--entropic_scale_per_exec_time=1}"

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--secs) SECS=${2:?}; shift 2 ;;
	--runs) RUNS=${2:?}; shift 2 ;;
	--cap) CAP=${2:?}; shift 2 ;;
	--only) ONLY=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "readme_figures: unknown argument '$1' (--help lists them)" >&2; exit 2 ;;
	esac
done
for v in "$SECS" "$RUNS" "$CAP"; do
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || { echo "readme_figures: '$v' is not a positive number" >&2; exit 2; }
done
for p in ${ONLY//,/ }; do
	case $p in speed | coverage | finding) ;; *) echo "readme_figures: --only: unknown part '$p' (speed, coverage, finding)" >&2; exit 2 ;; esac
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

say() { echo "readme_figures: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { r = s > 0 ? n / s : 0; printf "%s", (r >= 1000 ? sprintf("%d,%03d", int(r / 1000), int(r) % 1000) : sprintf("%d", r)) }'; }

# --- build ---------------------------------------------------------------------
mk() { make -C "$ROOT" --no-print-directory -s O="$OUT" CC="$CC" "$@"; }
AFL=1
command -v afl-fuzz >/dev/null 2>&1 && command -v afl-clang-fast >/dev/null 2>&1 || AFL=0
targets=("$T" replay corpus)
want coverage && targets+=("cov-$T")
[ "$AFL" = 0 ] || targets+=("afl-$T" afl-mutator)
say "make ${targets[*]} (only what changed)"
mk -j"$(nproc 2>/dev/null || echo 2)" "${targets[@]}" || { say "the build failed"; exit 1; }
[ "$AFL" = 1 ] || say "AFL++ (afl-fuzz, afl-clang-fast) not installed: its figures are left out (./build.sh deps afl)"

W=$OUT/readme-figures
rm -rf "$W"
mkdir -p "$W"
DICT=$ROOT/fuzz/$T.dict
SEEDS=$OUT/corpus/$T
NSEEDS=$(find "$SEEDS" -maxdepth 1 -type f | wc -l)
COMMIT=$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || COMMIT="$COMMIT (with uncommitted changes)"
DATE=$(date -u '+%Y-%m-%d')
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
LOAD0=$(load)
say "commit $COMMIT, $(nproc) cores ($CPU), load $LOAD0"

# --- runs ------------------------------------------------------------------------
# lf NAME SECS JOBS [VAR=VALUE...]: libFuzzer from the seeds into W/NAME/work;
# prints "EXECS SECONDS FOUND" (FOUND: 1 when it stopped on a finding).
# LF_NOFLAGS=1: without build.sh's scheduling flags; LF_SEED: -seed=.
lf() {
	local name=$1 secs=$2 jobs=$3 d=$W/$1 t0 el execs args
	shift 3
	mkdir -p "$d/work" "$d/art"
	args=(-max_total_time="$secs" -print_final_stats=1 -dict="$DICT" -artifact_prefix="$d/art/")
	[ "${LF_NOFLAGS:-0}" = 1 ] || args+=("${LF_FLAGS[@]}")
	[ -z "${LF_SEED:-}" ] || args+=(-seed="$LF_SEED")
	[ "$jobs" = 1 ] || args+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
	t0=$(now)
	env -u TAGFUZZ_BUGS -u TAGFUZZ_STRICT -u TAGFUZZ_TRACKER -u TAGFUZZ_PCP -u TAGFUZZ_WHAT_IF "$@" \
		ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
		timeout -k 5 $((secs + 60)) "$OUT/$T" "${args[@]}" "$d/work" "$d/seeds" >"$d/log" 2>&1
	el=$(since "$t0")
	if [ "$jobs" = 1 ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -n 1)
	else
		execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$d/log" | tail -n 1)
	fi
	echo "${execs:-0} $el $([ -n "$(ls -A "$d/art")" ] && echo 1 || echo 0)"
}

# afl NAME SECS JOBS [VAR=VALUE...]: AFL++ instances from W/NAME/seeds into
# W/NAME/sync, as ./build.sh fuzz --engine afl runs them; prints "EXECS SECONDS
# FIRST_CRASH_SECONDS" (- when none).
afl() {
	local name=$1 secs=$2 jobs=$3 d=$W/$1 t0 el i pids=() execs first
	shift 3
	mkdir -p "$d/sync"
	local env=(AFL_NO_UI=1 AFL_TRY_AFFINITY=1
		"UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=0")
	local gov=/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor
	[ -r "$gov" ] && [ "$(cat "$gov")" = performance ] || env+=(AFL_SKIP_CPUFREQ=1)
	[ "$(head -c 1 /proc/sys/kernel/core_pattern 2>/dev/null)" != '|' ] || env+=(AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1)
	[ ! -f "$OUT/afl/tagfuzz_mutator.so" ] || env+=(AFL_CUSTOM_MUTATOR_LIBRARY="$OUT/afl/tagfuzz_mutator.so")
	t0=$(now)
	for ((i = 0; i < jobs; i++)); do
		env -u TAGFUZZ_BUGS -u TAGFUZZ_STRICT -u TAGFUZZ_TRACKER -u TAGFUZZ_PCP -u TAGFUZZ_WHAT_IF \
			"${env[@]}" "$@" timeout -k 5 $((secs + 60)) afl-fuzz \
			$([ "$i" = 0 ] && echo "-M main" || echo "-S s$i") -i "$d/seeds" -o "$d/sync" \
			-x "$DICT" -V "$secs" -- "$OUT/afl/$T" >"$d/log$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	el=$(since "$t0")
	execs=$(cat "$d"/sync/*/fuzzer_stats 2>/dev/null | awk -F: '{ gsub(/ /, "", $1) } $1 == "execs_done" { s += $2 } END { printf "%d", s }')
	first=$(find "$d/sync" -path '*/crashes/id:*' -type f -printf '%T@\n' 2>/dev/null | sort -n | head -n 1)
	[ -z "$first" ] || first=$(awk -v a="$t0" -v m="$first" 'BEGIN { printf "%.1f", m - a }')
	echo "$execs $el ${first:--}"
}

# seeds NAME [VAR=VALUE...]: W/NAME/seeds, the shipped seeds that replay
# clean (or known) under the variant; prints how many were left out.
seeds() {
	local name=$1 f n=0
	shift
	mkdir -p "$W/$name/seeds"
	for f in "$SEEDS"/*; do
		if env -u TAGFUZZ_BUGS -u TAGFUZZ_STRICT -u TAGFUZZ_TRACKER -u TAGFUZZ_PCP -u TAGFUZZ_WHAT_IF \
			TAGFUZZ_TRACKER=current "$@" "$OUT/replay" "$f" >/dev/null 2>&1; then
			cp "$f" "$W/$name/seeds/"
		else
			n=$((n + 1))
		fi
	done
	echo "$n"
}

declare -A R
if want speed; then
	say "speed: $SECS s each, one run at a time (load $(load))"
	for r in lf1 lf1-noflags lf2 afl1 afl2; do
		seeds "$r" >/dev/null
	done
	read -r e s _ < <(lf lf1 "$SECS" 1); R[lf1]=$(rate "$e" "$s"); say "  libFuzzer, 1 process: ${R[lf1]} exec/s ($e in $s s)"
	read -r e s _ < <(LF_NOFLAGS=1 lf lf1-noflags "$SECS" 1); R[lf1n]=$(rate "$e" "$s"); say "  libFuzzer, 1 process, no scheduling flags: ${R[lf1n]} exec/s ($e in $s s)"
	read -r e s _ < <(lf lf2 "$SECS" 2); R[lf2]=$(rate "$e" "$s"); say "  libFuzzer -fork=2: ${R[lf2]} exec/s ($e in $s s)"
	if [ "$AFL" = 1 ]; then
		read -r e s _ < <(afl afl1 "$SECS" 1); R[afl1]=$(rate "$e" "$s"); say "  AFL++, 1 instance: ${R[afl1]} exec/s ($e in $s s)"
		read -r e s _ < <(afl afl2 "$SECS" 2); R[afl2]=$(rate "$e" "$s"); say "  AFL++, 2 instances: ${R[afl2]} exec/s ($e in $s s)"
	fi
	LOAD_SPEED=$(load)
fi

# --- coverage ----------------------------------------------------------------------
PROFDATA=llvm-profdata COV=llvm-cov
v=$("$CC" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
command -v "llvm-profdata-$v" >/dev/null 2>&1 && PROFDATA=llvm-profdata-$v COV=llvm-cov-$v

# cov_row LABEL DIR...: one row of the README's coverage table.
cov_row() {
	local label=$1 d=$W/cov-$RANDOM$RANDOM n
	shift
	mkdir -p "$d/in" "$d/raw"
	for dir in "$@"; do
		find "$dir" -maxdepth 1 -type f ! -name '.*' -exec cp -t "$d/in/" {} + 2>/dev/null
	done
	n=$(find "$d/in" -type f | wc -l)
	env -u TAGFUZZ_BUGS -u TAGFUZZ_STRICT -u TAGFUZZ_TRACKER -u TAGFUZZ_PCP -u TAGFUZZ_WHAT_IF \
		LLVM_PROFILE_FILE="$d/raw/%p.profraw" "$OUT/cov/$T" -runs=0 "$d/in" >"$d/run.log" 2>&1 ||
		{ say "coverage: an input fails under the stock variant (see $d/run.log)"; return 1; }
	"$PROFDATA" merge -sparse "$d"/raw/*.profraw -o "$d/all.profdata" &&
		"$COV" report "$OUT/cov/$T" -instr-profile="$d/all.profdata" "$ROOT/target" >"$d/report.txt" ||
		{ say "coverage: llvm-cov failed (see $d)"; return 1; }
	awk -v label="${label//N/$n}" '
		function pct(h, a) { return a ? sprintf("%.1f %%", 100 * h / a) : "-" }
		NF >= 13 && $1 != "Filename" && $1 !~ /^-+$/ {
			lt = $(NF-5); lm = $(NF-4); bt = $(NF-2); bm = $(NF-1)
			cell = pct(lt - lm, lt) " / " pct(bt - bm, bt)
			if ($1 == "TOTAL") { tl = sprintf("%s (%d/%d)", pct(lt - lm, lt), lt - lm, lt); tb = sprintf("%s (%d/%d)", pct(bt - bm, bt), bt - bm, bt) }
			else if ($1 ~ /(^|\/)mm\/page_alloc\.c$/) pa = cell
			else if ($1 ~ /(^|\/)mm\/alloc_tag\.c$/) at = cell
			else if ($1 ~ /(^|\/)mm\/page_ext\.c$/) pe = cell
		}
		END { printf "| %s | %s | %s | %s | %s | %s |\n", label, tl, tb, pa, at, pe }' "$d/report.txt"
}

if want coverage; then
	say "coverage of target/ (load $(load))"
	ROW1=$(cov_row "the N seeds" "$SEEDS")
	ROW2=
	if want speed; then
		dirs=("$SEEDS")
		for r in lf1 lf1-noflags lf2; do dirs+=("$W/$r/work"); done
		for q in "$W"/afl1/sync/*/queue "$W"/afl2/sync/*/queue; do [ -d "$q" ] && dirs+=("$q"); done
		lab="seeds + the speed runs' corpora: ${SECS} s libFuzzer ×2, -fork=2"
		[ "$AFL" = 0 ] || lab="$lab, ${SECS} s AFL++ ×1 and ×2"
		ROW2=$(cov_row "$lab (N inputs)" "${dirs[@]}")
	fi
fi

# --- time to first finding ---------------------------------------------------------
declare -A FAFL FLF FSKIP FVERDICT
if want finding; then
	say "time to first finding: ${SWITCHES[*]}, $RUNS run(s) per engine, cap $CAP s (load $(load))"
	for sw in "${SWITCHES[@]}"; do
		FVERDICT[$sw]=$("$OUT/replay" --list-bugs | awk -v s="$sw" '$1 == s { on = 1; next } /^[^ ]/ { on = 0 } on && /verdict:/ { sub(/^ *verdict: /, ""); print; exit }')
		envs=(TAGFUZZ_BUGS="$sw")
		[[ "${FVERDICT[$sw]}" != *"[what-if]" ]] || envs+=(TAGFUZZ_WHAT_IF=smp-early-boot)
		FSKIP[$sw]=$(seeds "find-$sw" "${envs[@]}")
		FAFL[$sw]="" FLF[$sw]=""
		for ((i = 1; i <= RUNS; i++)); do
			for eng in libfuzzer afl; do
				[ "$eng" = libfuzzer ] || [ "$AFL" = 1 ] || continue
				name=find-$sw-$eng-$i
				mkdir -p "$W/$name"
				cp -r "$W/find-$sw/seeds" "$W/$name/seeds"
				if [ "$eng" = afl ]; then
					read -r _ el first < <(AFL_BENCH_UNTIL_CRASH=1 afl "$name" "$CAP" 1 "${envs[@]}")
					art=$(find "$W/$name/sync" -path '*/crashes/id:*' -type f | sort | head -n 1)
				else
					read -r _ el found < <(LF_SEED=$i lf "$name" "$CAP" 1 "${envs[@]}")
					first=-
					[ "$found" = 0 ] || first=$el
					art=$(find "$W/$name/art" -type f | head -n 1)
				fi
				# a finding of another signature does not count
				if [ "$first" != - ]; then
					sig=$(env -u TAGFUZZ_BUGS -u TAGFUZZ_STRICT -u TAGFUZZ_WHAT_IF TAGFUZZ_TRACKER=current "${envs[@]}" \
						"$OUT/replay" "$art" 2>&1 | sed -n 's/^verdict: //p' | tail -n 1)
					[ "$sig" = "${FVERDICT[$sw]}" ] || first="not found ($sig after $first s)"
				fi
				if [ "$first" = - ]; then first="not found"; elif [[ "$first" =~ ^[0-9.]+$ ]]; then first="$first s"; fi
				say "  $sw, $eng run $i: $first"
				if [ "$eng" = afl ]; then FAFL[$sw]+="${FAFL[$sw]:+, }$first"; else FLF[$sw]+="${FLF[$sw]:+, }$first"; fi
			done
		done
	done
fi
LOAD_END=$(load)

# --- the README's text ---------------------------------------------------------------
echo
echo "== README figures: bench/readme_figures.sh --secs $SECS --runs $RUNS --cap $CAP, commit $COMMIT, $DATE"
echo "== $(nproc) cores ($CPU), load average $LOAD0 at the start, $LOAD_END at the end"
if want speed; then
	echo
	echo "libFuzzer on $T, one process, ${SECS} s from the $NSEEDS seeds: ${R[lf1]} exec/s with ${LF_FLAGS[*]:-no flags}, ${R[lf1n]} exec/s with libFuzzer's default scheduling."
	[ "$AFL" = 0 ] || echo "AFL++ runs \`$T\` at ${R[afl1]} exec/s (stock, ${SECS} s; libFuzzer: ${R[lf1]} exec/s)."
	echo "Two processes: $([ "$AFL" = 0 ] || echo "AFL++ with 2 instances ${R[afl2]} exec/s in all; ")libFuzzer \`-fork=2\` ${R[lf2]} exec/s."
fi
if want finding; then
	echo
	for sw in "${SWITCHES[@]}"; do
		echo "\`$sw\` (verdict \`${FVERDICT[$sw]}\`; ${FSKIP[$sw]} of the $NSEEDS seeds left out as failing already), first finding after: AFL++ ${FAFL[$sw]:-n/a}; libFuzzer ${FLF[$sw]} ($RUNS run(s) of each engine, each capped at $CAP s)."
	done
fi
if want coverage; then
	echo
	echo "| corpus | lines | branches | \`mm/page_alloc.c\` | \`mm/alloc_tag.c\` | \`mm/page_ext.c\` |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "$ROW1"
	[ -z "$ROW2" ] || echo "$ROW2"
fi
