#!/usr/bin/env bash
# bench/run.sh: the measurements behind `./build.sh bench` (issue 8).
#
# Run it through ./build.sh bench, which builds first (the libFuzzer targets,
# replay and the encoded corpus, the AFL++ targets when AFL++ can be had, the
# coverage builds) and sets TAGFUZZ_OUT, BENCH_TARGETS and BENCH_AFL (1 or the
# reason AFL++ is not available).  Prints a table; writes it as Markdown and
# JSON under bench/results/ (run-DATE.* and latest.*).
#
# What it measures, in this order:
#   1. exec/s of every target (libFuzzer, ASan+UBSan, one process, from its
#      shipped corpus) and of bench/trivial_target.c built the same way:
#      our cost per execution against the engine's floor; peak RSS of each
#      run; and bench/exec_driver.c's replay-only rate over the seeds.
#   2. line and branch coverage of target/ from each target's shipped corpus.
#   3. time to first finding of every known-buggy variant (each bug switch of
#      `replay --list-bugs`, each tracker variant of `replay --list-trackers`
#      whose verdict is a finding), from the shipped corpus (which never holds
#      the tests/scenarios reproducers), with libFuzzer and AFL++, N runs with
#      seeds 1..N, each capped; median and spread.  A bug switch's run
#      stopped by another finding: whether that finding is the switch's
#      (replayed without the switch), counted apart.
#
# BENCH_FUNCS_ONLY=1 with `. bench/run.sh [OPTIONS]` defines the functions
# that replay reproducers and sum up runs (sig_of, attrib_of, summary) and
# returns before anything is run or written, for the tests.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${TAGFUZZ_OUT:-$ROOT/out}
CC=${TAGFUZZ_CC:-clang}
read -r -a TARGETS <<<"${BENCH_TARGETS:-fuzz_boot fuzz_early_pfn_diff fuzz_pgflags fuzz_pcp}"
AFL=${BENCH_AFL:-1}

usage() {
	cat <<'EOF'
usage: ./build.sh bench [--quick] [--runs N] [--cap SECS] [--exec-secs SECS]
                        [--jobs N] [--variants a,b] [--engines libfuzzer,afl]
  --quick          N=1, 20 s cap, 5 s exec/s windows (under 10 minutes on 2 cores)
  --runs N         fuzzing runs per variant and engine, seeds 1..N (default 5)
  --cap SECS       time cap of each fuzzing run; reported as 'not found' (default 120)
  --exec-secs S    length of each exec/s measurement (default 30)
  --jobs N         fuzzing runs at once for time-to-finding (default: nproc);
                   the exec/s runs are always one at a time
  --variants LIST  only these variants (bug switch or tracker names)
  --engines LIST   libfuzzer, afl or both (default both)
EOF
}

# libFuzzer's scheduling flags, as `./build.sh fuzz` uses them (build.sh sets them).
read -r -a LF_FLAGS <<<"${BENCH_LF_FLAGS-}"
QUICK=0 RUNS=5 CAP=120 EXEC_SECS=30 DRIVER_SECS=1 PAR=$(nproc 2>/dev/null || echo 2)
ONLY="" ENGINES="libfuzzer,afl"
set_runs= set_cap= set_exec=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1; shift ;;
	--runs) RUNS=${2:?}; set_runs=1; shift 2 ;;
	--cap) CAP=${2:?}; set_cap=1; shift 2 ;;
	--exec-secs) EXEC_SECS=${2:?}; set_exec=1; shift 2 ;;
	--jobs) PAR=${2:?}; shift 2 ;;
	--variants) ONLY=${2:?}; shift 2 ;;
	--engines) ENGINES=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ "$QUICK" = 1 ]; then
	[ -n "$set_runs" ] || RUNS=1
	[ -n "$set_cap" ] || CAP=20
	[ -n "$set_exec" ] || EXEC_SECS=5
	DRIVER_SECS=0.2
fi
for v in "$RUNS" "$CAP" "$EXEC_SECS" "$PAR"; do
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || { echo "bench: '$v' is not a positive number" >&2; exit 2; }
done

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\t\n' '  ')"; }

# --- replays and results -----------------------------------------------------

# sig_of ENV FILE TARGET: the verdict of one replay of FILE under ENV ("clean"
# if none).  fuzz_boot runs the current tracker unless TAGFUZZ_TRACKER says
# otherwise, whatever the input's header byte 3 says; replay follows the
# header: so its replays get TAGFUZZ_TRACKER=current unless ENV names one.
sig_of() {
	local out v trk=()
	[ "$3" != fuzz_boot ] || trk=(TAGFUZZ_TRACKER=current)
	out=$(env -u TAGFUZZ_BUGS -u TAGFUZZ_TRACKER -u TAGFUZZ_STRICT "${trk[@]}" $1 "$OUT/replay" "$2" 2>&1)
	case $? in
	0) echo clean ;;
	1) v=$(printf '%s\n' "$out" | sed -n 's/^verdict: //p' | tail -n 1)
	   [ -n "$v" ] || v=$(printf '%s\n' "$out" | sed -n 's/^SUMMARY: \([A-Za-z]*Sanitizer: [^ ]*\).*/sanitizer:\1/p' | head -n 1)
	   echo "${v:-finding (no verdict line)}" ;;
	*) echo "replay error" ;;
	esac
}

# attrib_of ENV FILE TARGET SIG: whether SIG, the first finding a replay of
# FILE under ENV gives (a bug switch's variant; not its registered verdict),
# is the switch's.  FILE is replayed once more under ENV with the switch
# taken out (TAGFUZZ_BUGS dropped, --bugs= so that nothing turns one back
# on; TAGFUZZ_WHAT_IF, TAGFUZZ_TRACKER... kept), going on past each finding
# (--keep-going) and tracing them all (--trace=events: each finding is
# traced as it happens, known ones and those past the 16 a verdict records
# too).  Prints one of
#   switch's: without it V                 SIG nowhere in that replay
#   not the switch's: same without it      V is SIG
#   not the switch's: SIG without it too (verdict V)   later, or as known
#   undecided: ...                         the replay failed
# where V is that replay's verdict: clean, known ID: SIG2, SIG2 or
# sanitizer:...  The trace names a finding without the " [what-if]" its
# signature gets.
attrib_of() {
	local envs=() e trk=() res rc seen v wi=" [what-if]"
	for e in $1; do
		[[ $e == TAGFUZZ_BUGS=* ]] || envs+=("$e")
	done
	[ "$3" != fuzz_boot ] || trk=(TAGFUZZ_TRACKER=current)
	res=$({ env -u TAGFUZZ_BUGS -u TAGFUZZ_TRACKER -u TAGFUZZ_STRICT "${trk[@]}" "${envs[@]}" \
			"$OUT/replay" --bugs= --keep-going --trace=events "$2" 2>&1
		echo "==bench== status $?"; } | awk -v s="${4%"$wi"}" '
		index($0, "  !! " s ": ") == 1 || index($0, "  !! " s " (known): ") == 1 { seen = 1 }
		/^verdict: / { v = substr($0, 10) }
		/^SUMMARY: [A-Za-z]*Sanitizer: / && san == "" { san = "sanitizer:" $2 " " $3 }
		/^==bench== status / { rc = $3 }
		END { printf "%s\t%d\t%s\n", rc, seen, (v != "" ? v : san) }')
	IFS=$'\t' read -r rc seen v <<<"$res"
	case $rc in
	0 | 1) ;;
	*) echo "undecided: replay error without it (status $rc)"; return ;;
	esac
	case $v in
	clean*) v=clean ;;
	"") v="finding (no verdict line)" ;;
	esac
	if [ "$v" = "$4" ]; then
		echo "not the switch's: same without it"
	elif [ "$seen" = 1 ]; then
		echo "not the switch's: $4 without it too (verdict $v)"
	else
		echo "switch's: without it $v"
	fi
}

# median_spread N: the median and the sorted times of N runs read one a line
# ("inf": not found; longer than any time): "median<TAB>spread".
median_spread() {
	sort -g | awk -v n="$1" '
		{ t[NR] = $1 }
		END {
			m = (n % 2) ? t[(n + 1) / 2] : ((t[n / 2] == "inf" || t[n / 2 + 1] == "inf") ? "inf" : (t[n / 2] + t[n / 2 + 1]) / 2)
			med = (m == "inf") ? "not found" : sprintf("%.1f s", m)
			sp = ""
			for (i = 1; i <= n; i++) sp = sp (i > 1 ? ", " : "") (t[i] == "inf" ? "nf" : sprintf("%.1f", t[i]))
			printf "%s\t%s\n", med, sp
		}'
}

# summary ENGINE NAME VERDICT: "median<TAB>spread<TAB>found/N<TAB>switch's
# median<TAB>switch's/N<TAB>switch's signatures<TAB>other signatures".  The
# first three count the registered verdict only.  "switch's": runs whose
# first finding was another one, and the switch's (attrib_of): their median
# over the N runs (any other run counts as not found), count, and their
# signatures with how many runs gave each ("-" if none); those runs are in
# "other signatures" too, with the attribution.
summary() {
	local e=$1 name=$2 verdict=$3 f times=() stimes=() ssigs=() other="" n=0 k=0 sk=0 r att med sp smed sdesc
	for ((s = 1; s <= RUNS; s++)); do
		f=$W/find/$name/$e-$s/result
		r=$(cat "$f" 2>/dev/null || echo "error no result")
		att=""
		if [[ $r == *$'\t'* ]]; then
			att=${r#*$'\t'}
			r=${r%%$'\t'*}
		fi
		n=$((n + 1))
		case $r in
		found\ *)
			local el sig
			el=$(echo "$r" | cut -d' ' -f2)
			sig=$(echo "$r" | cut -d' ' -f3-)
			if [[ "$sig" == "$verdict"* ]]; then
				times+=("$el")
				stimes+=(inf)
				k=$((k + 1))
			else
				times+=(inf)
				if [[ $att == "switch's:"* ]]; then
					stimes+=("$el")
					ssigs+=("$sig")
					sk=$((sk + 1))
				else
					stimes+=(inf)
				fi
				other="${other}${other:+; }seed $s: $sig after $el s${att:+ ($att)}"
			fi
			;;
		notfound*) times+=(inf) stimes+=(inf) ;;
		*) times+=(inf) stimes+=(inf); other="${other}${other:+; }seed $s: ${r#error }" ;;
		esac
	done
	IFS=$'\t' read -r med sp < <(printf '%s\n' "${times[@]}" | median_spread "$n")
	IFS=$'\t' read -r smed _ < <(printf '%s\n' "${stimes[@]}" | median_spread "$n")
	sdesc=$( ((sk == 0)) || printf '%s\n' "${ssigs[@]}" | sort | uniq -c | sort -k1,1nr -s |
		awk '{ c = $1; sub(/^ *[0-9]+ /, ""); printf "%s%s ×%d", (NR > 1 ? ", " : ""), $0, c }')
	printf '%s\t%s\t%d/%d\t%s\t%d/%d\t%s\t%s\n' "$med" "$sp" "$k" "$n" "$smed" "$sk" "$n" "${sdesc:--}" "$other"
}

# Sourced with BENCH_FUNCS_ONLY=1 (tests/bench_attrib.sh): the functions
# above, nothing run, nothing written.
[ "${BENCH_FUNCS_ONLY:-}" != 1 ] || return 0

T_START=$(now)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
W=$OUT/bench
rm -rf "$W"
mkdir -p "$W" "$ROOT/bench/results"
LOAD0=$(load)

dict_for() {
	if [ -f "$ROOT/fuzz/$1.dict" ]; then echo "$ROOT/fuzz/$1.dict"; else echo "$ROOT/fuzz/fuzz_boot.dict"; fi
}

# --- the machine -------------------------------------------------------------

M_NPROC=$(nproc)
M_MEM=$(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available" }')
M_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
M_CC=$("$CC" --version | head -n 1)
M_OS=$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null || uname -s)
M_KERNEL=$(uname -r)
M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
M_AFL=n/a
if [ "$AFL" = 1 ]; then
	M_AFL=$(afl-fuzz -h 2>&1 | grep -o 'afl-fuzz++[0-9.a-z]*' | head -n 1)
	M_AFL=${M_AFL:-afl++}
fi
say "machine: $M_NPROC cores, $M_CPU, memory $M_MEM, $M_CC; load $LOAD0"

# --- 1. exec/s, peak memory --------------------------------------------------

# lf_rate NAME BINARY CORPUS DICT: fuzz for EXEC_SECS from CORPUS, one process;
# prints "execs secs exec/s peak_rss_mb note".  libFuzzer's own exec/s divides
# by whole seconds: the rate here is executed units over the measured time.
lf_rate() {
	local name=$1 bin=$2 corpus=$3 dict=$4 d=$W/rate/$1
	mkdir -p "$d/work" "$d/art"
	local t0 el rc execs rss note=""
	t0=$(now)
	(unset TAGFUZZ_BUGS TAGFUZZ_TRACKER TAGFUZZ_STRICT
		ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 /usr/bin/time -f '%M' -o "$d/maxrss" \
			"$bin" -max_total_time="$EXEC_SECS" -print_final_stats=1 -dict="$dict" "${LF_FLAGS[@]}" \
			-artifact_prefix="$d/art/" "$d/work" "$corpus") >"$d/log" 2>&1
	rc=$?
	el=$(since "$t0")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -n 1)
	rss=$(awk 'END { printf "%.0f", $1 / 1024 }' "$d/maxrss" 2>/dev/null)
	[ "$rc" = 0 ] || note="stopped early (status $rc, see $d/log)"
	[ -z "$(ls -A "$d/art")" ] || note="stopped by a finding after $el s ($(ls "$d/art" | head -n 1))"
	awk -v n="${execs:-0}" -v s="$el" -v r="${rss:-0}" -v note="$note" \
		'BEGIN { printf "%d\t%.1f\t%d\t%s\t%s\n", n, s, (s > 0 ? n / s : 0), r, note }'
}

say "building the trivial target and the replay-only exec drivers"
SANF=(-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
INCS=(-std=gnu11 -I"$ROOT/target/include" -I"$ROOT/fuzz" -I"$ROOT/reference")
mkdir -p "$W/bin"
"$CC" "${SANF[@]}" -fsanitize=fuzzer "$ROOT/bench/trivial_target.c" -o "$W/bin/trivial" ||
	{ say "building bench/trivial_target.c failed"; exit 1; }
for t in "${TARGETS[@]}"; do
	"$CC" "${SANF[@]}" "${INCS[@]}" -fsanitize=fuzzer-no-link "$ROOT/bench/exec_driver.c" \
		"$ROOT/fuzz/$t.c" "$OUT/obj/fuzz/libtagfuzz.a" -o "$W/bin/exec_$t" ||
		{ say "building the exec driver for $t failed"; exit 1; }
done

say "exec/s: ${EXEC_SECS} s of libFuzzer per target, one at a time (load $(load))"
TRIV=$(lf_rate trivial "$W/bin/trivial" "$OUT/corpus/fuzz_boot" "$(dict_for fuzz_boot)")
TRIV_RATE=$(echo "$TRIV" | cut -f3)
declare -A RATE RSS RNOTE DRV DRV_SEEDS
for t in "${TARGETS[@]}"; do
	r=$(lf_rate "$t" "$OUT/$t" "$OUT/corpus/$t" "$(dict_for "$t")")
	RATE[$t]=$(echo "$r" | cut -f3)
	RSS[$t]=$(echo "$r" | cut -f4)
	RNOTE[$t]=$(echo "$r" | cut -f5)
	# replay only (no engine): each seed over and over, each equally often
	(unset TAGFUZZ_BUGS TAGFUZZ_TRACKER TAGFUZZ_STRICT
		/usr/bin/time -f '%M' -o "$W/rate/$t/driver.maxrss" \
			"$W/bin/exec_$t" "$DRIVER_SECS" "$OUT/corpus/$t"/*) >"$W/rate/$t/driver.log" 2>&1
	DRV[$t]=$(awk '$1 == "all" { print $2 }' "$W/rate/$t/driver.log")
	DRV_SEEDS[$t]=$(awk -v p="$OUT/corpus/$t/" '$1 != "all" && $NF == "exec/s" { f = $1; sub(p, "", f); printf "%s%s %d", sep, f, $(NF-1); sep = ", " }' "$W/rate/$t/driver.log")
	say "  $t: ${RATE[$t]} exec/s fuzzing, ${DRV[$t]:-?} exec/s replaying the seeds, peak RSS ${RSS[$t]} MB ${RNOTE[$t]}"
done
say "  trivial target: $TRIV_RATE exec/s, peak RSS $(echo "$TRIV" | cut -f4) MB"

# --- 2. coverage -------------------------------------------------------------

PROFDATA=llvm-profdata COV=llvm-cov
v=$("$CC" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
command -v "llvm-profdata-$v" >/dev/null 2>&1 && PROFDATA=llvm-profdata-$v COV=llvm-cov-$v
declare -A CLINES CBR
for t in "${TARGETS[@]}"; do
	d=$W/cov/$t
	mkdir -p "$d/raw"
	if [ ! -x "$OUT/cov/$t" ]; then
		CLINES[$t]="n/a" CBR[$t]="n/a"
		continue
	fi
	(unset TAGFUZZ_BUGS TAGFUZZ_TRACKER TAGFUZZ_STRICT
		LLVM_PROFILE_FILE="$d/raw/%p.profraw" "$OUT/cov/$t" -runs=0 "$OUT/corpus/$t") >"$d/run.log" 2>&1
	"$PROFDATA" merge -sparse "$d"/raw/*.profraw -o "$d/$t.profdata" 2>>"$d/run.log" &&
		"$COV" report "$OUT/cov/$t" -instr-profile="$d/$t.profdata" "$ROOT/target" >"$d/report.txt" 2>>"$d/run.log"
	read -r CLINES[$t] CBR[$t] < <(awk '$1 == "TOTAL" { lt = $(NF-5); lm = $(NF-4); bt = $(NF-2); bm = $(NF-1)
		printf "%.1f%%_(%d/%d) %.1f%%_(%d/%d)\n", 100 * (lt-lm) / lt, lt-lm, lt, 100 * (bt-bm) / bt, bt-bm, bt }' "$d/report.txt" 2>/dev/null)
	CLINES[$t]=${CLINES[$t]:-n/a} CBR[$t]=${CBR[$t]:-n/a}
	CLINES[$t]=${CLINES[$t]//_/ } CBR[$t]=${CBR[$t]//_/ }
	say "  coverage of target/ from corpus/$t: lines ${CLINES[$t]}, branches ${CBR[$t]}"
done

# --- 3. time to first finding ------------------------------------------------

# The known-buggy variants: NAME<TAB>KIND<TAB>TARGET<TAB>ENV<TAB>VERDICT.
VARIANTS=$W/variants.tsv
: >"$VARIANTS"
# A bug switch runs on fuzz_boot unless its registry text names another
# target (fuzz_NAME) or it is a page-flag mode switch (pgflags: fuzz_pgflags).
"$OUT/replay" --list-bugs | awk '
	/^[^ ]/ { flush(); name = $1; tracker = ""; verdict = ""; target = ($1 ~ /pgflags/) ? "fuzz_pgflags" : "fuzz_boot" }
	/follows:/ && match($0, /tracker=[a-z0-9-]+/) { tracker = substr($0, RSTART + 8, RLENGTH - 8) }
	match($0, /fuzz_[a-z_]+/) { target = substr($0, RSTART, RLENGTH) }
	/^ +verdict: / { verdict = $0; sub(/^ +verdict: /, "", verdict) }
	function flush() { if (name != "") { env = "TAGFUZZ_BUGS=" name; if (tracker != "") env = env " TAGFUZZ_TRACKER=" tracker
		if (verdict ~ /pgflags/) target = "fuzz_pgflags"
		if (verdict ~ /\[what-if\]$/) env = env " TAGFUZZ_WHAT_IF=smp-early-boot"
		printf "%s\tbug switch\t%s\t%s\t%s\n", name, target, env, verdict } }
	END { flush() }' >>"$VARIANTS"
"$OUT/replay" --list-trackers 2>/dev/null | awk '
	/^[^ ]/ { flush(); name = $1; verdict = "" }
	/^ +verdict: / { verdict = $0; sub(/^ +verdict: /, "", verdict) }
	function flush() { if (name != "" && verdict !~ /^clean/)
		printf "%s\ttracker\tfuzz_boot\tTAGFUZZ_TRACKER=%s%s\t%s\n", name, name,
			verdict ~ /\[what-if\]$/ ? " TAGFUZZ_WHAT_IF=smp-early-boot" : "", verdict }
	END { flush() }' >>"$VARIANTS"
if [ -n "$ONLY" ]; then
	awk -F '\t' -v only=",$ONLY," 'index(only, "," $1 ",")' "$VARIANTS" >"$VARIANTS.new"
	mv "$VARIANTS.new" "$VARIANTS"
fi
NV=$(wc -l <"$VARIANTS")

# Seeds: a seed that already gives the variant's finding is 'caught by a seed';
# the runs fuzz from the others.
declare -A CAUGHT OSEED NSEEDS NCLEAN
while IFS=$'\t' read -r name kind t envs verdict; do
	mkdir -p "$W/seeds/$name"
	CAUGHT[$name]="" OSEED[$name]="" NSEEDS[$name]=0 NCLEAN[$name]=0
	for f in "$OUT/corpus/$t"/*; do
		s=$(sig_of "$envs" "$f" "$t")
		NSEEDS[$name]=$((NSEEDS[$name] + 1))
		if [ "$s" = clean ]; then
			cp "$f" "$W/seeds/$name/"
			NCLEAN[$name]=$((NCLEAN[$name] + 1))
		elif [[ "$s" == "$verdict"* ]]; then
			CAUGHT[$name]="${CAUGHT[$name]}${CAUGHT[$name]:+, }$(basename "$f")"
		else
			OSEED[$name]="${OSEED[$name]}${OSEED[$name]:+, }$(basename "$f") gives $s"
		fi
	done
	if [ "${NCLEAN[$name]}" = 0 ]; then
		say "  $name: every seed gives a finding (${CAUGHT[$name]:+expected: ${CAUGHT[$name]}}${OSEED[$name]:+; other: ${OSEED[$name]}}): no fuzzing runs"
	elif [ -n "${CAUGHT[$name]}${OSEED[$name]}" ]; then
		say "  $name: seeds giving a finding, left out of its runs: ${CAUGHT[$name]}${CAUGHT[$name]:+${OSEED[$name]:+; }}${OSEED[$name]}"
	fi
done <"$VARIANTS"

CORE_PIPE=0
[ "$(head -c 1 /proc/sys/kernel/core_pattern 2>/dev/null)" != '|' ] || CORE_PIPE=1

# run_one ENGINE NAME T ENV VERDICT SEED: one capped run; writes DIR/result:
# "found SECS SIGNATURE" or "notfound SECS" or "error MESSAGE".  When a bug
# switch's run found another finding than its verdict, a tab and whether
# that finding is the switch's (attrib_of) follow the signature.
run_one() {
	local engine=$1 name=$2 t=$3 envs=$4 verdict=$5 seed=$6
	local d=$W/find/$name/$engine-$seed
	mkdir -p "$d"
	if [ -z "$(ls -A "$W/seeds/$name")" ]; then
		echo "error every seed gives a finding" >"$d/result"
		return
	fi
	local t0 el rc art=""
	t0=$(now)
	if [ "$engine" = libfuzzer ]; then
		mkdir -p "$d/work" "$d/art"
		env -u TAGFUZZ_BUGS -u TAGFUZZ_TRACKER -u TAGFUZZ_STRICT $envs \
			ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
			timeout -k 5 $((CAP + 60)) "$OUT/$t" -seed="$seed" -max_total_time="$CAP" \
			-timeout=25 -print_final_stats=1 -dict="$(dict_for "$t")" "${LF_FLAGS[@]}" -artifact_prefix="$d/art/" \
			"$d/work" "$W/seeds/$name" >"$d/log" 2>&1
		rc=$?
		el=$(since "$t0")
		art=$(find "$d/art" -type f | head -n 1)
	else
		local aenv=(AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_BENCH_UNTIL_CRASH=1
			"UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=0")
		[ "$CORE_PIPE" = 0 ] || aenv+=(AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1)
		# the structure-aware mutator, as ./build.sh fuzz --engine afl loads it
		[ "${TAGFUZZ_MUTATOR:-}" = bytes ] || [ ! -f "$OUT/afl/tagfuzz_mutator.so" ] ||
			aenv+=(AFL_CUSTOM_MUTATOR_LIBRARY="$OUT/afl/tagfuzz_mutator.so")
		env -u TAGFUZZ_BUGS -u TAGFUZZ_TRACKER -u TAGFUZZ_STRICT $envs "${aenv[@]}" \
			timeout -k 5 $((CAP + 60)) afl-fuzz -s "$seed" -i "$W/seeds/$name" -o "$d/sync" \
			-x "$(dict_for "$t")" -V "$CAP" -- "$OUT/afl/$t" >"$d/log" 2>&1
		rc=$?
		el=$(since "$t0")
		art=$(find "$d/sync" -path '*/crashes/id:*' -type f -printf '%T@ %p\n' 2>/dev/null | sort -n | head -n 1 | cut -d' ' -f2-)
		# time of the first crash: its file's mtime
		[ -z "$art" ] || el=$(awk -v a="$t0" -v m="$(stat -c %.3Y "$art")" 'BEGIN { printf "%.1f", m - a }')
	fi
	if [ -n "$art" ]; then
		# another finding than the registered verdict: is it the switch's?
		local sig att=""
		sig=$(sig_of "$envs" "$art" "$t")
		case $sig in
		"$verdict"* | clean | "replay error") ;;
		*) [[ " $envs" != *" TAGFUZZ_BUGS="* ]] || att=$'\t'$(attrib_of "$envs" "$art" "$t" "$sig") ;;
		esac
		echo "found $el $sig$att" >"$d/result"
	elif [ "$engine" = afl ] && ! grep -q 'execs_done' "$d"/sync/*/fuzzer_stats 2>/dev/null; then
		echo "error afl-fuzz did not start (status $rc; $(grep -m1 -E 'PROGRAM ABORT|ERROR' "$d/log" | tr -d '\033' | cut -c1-100))" >"$d/result"
	elif [ "$engine" = libfuzzer ] && [ "$rc" != 0 ]; then
		echo "error libFuzzer exited with status $rc without a reproducer" >"$d/result"
	else
		echo "notfound $el" >"$d/result"
	fi
}

IFS=, read -r -a ENG <<<"$ENGINES"
ENG_RUN=()
for e in "${ENG[@]}"; do
	case $e in
	libfuzzer) ENG_RUN+=(libfuzzer) ;;
	afl) [ "$AFL" = 1 ] && ENG_RUN+=(afl) ;;
	*) say "unknown engine '$e'"; exit 2 ;;
	esac
done
NF=$(for n in "${!NCLEAN[@]}"; do [ "${NCLEAN[$n]}" = 0 ] || echo "$n"; done | wc -l)
NRUNS=$((NF * ${#ENG_RUN[@]} * RUNS))
say "time to first finding: $NF variants (of $NV) x ${#ENG_RUN[@]} engine(s) x $RUNS run(s) = $NRUNS runs," \
	"cap ${CAP} s, $PAR at once (at most ~$(( (NRUNS + PAR - 1) / PAR * (CAP + 10) / 60 )) min; load $(load))"
LOAD_FIND=$(load)
T_FIND=$(now)
running=0 done_runs=0
while IFS=$'\t' read -r name kind t envs verdict; do
	[ "${NCLEAN[$name]}" != 0 ] || continue
	for ((s = 1; s <= RUNS; s++)); do
		for e in "${ENG_RUN[@]}"; do
			if [ "$running" -ge "$PAR" ]; then
				wait -n
				running=$((running - 1))
				done_runs=$((done_runs + 1))
			fi
			run_one "$e" "$name" "$t" "$envs" "$verdict" "$s" </dev/null &
			running=$((running + 1))
		done
	done
done <"$VARIANTS"
wait
FIND_SECS=$(since "$T_FIND")
LOAD_END=$(load)

# --- report ------------------------------------------------------------------

TOTAL_SECS=$(since "$T_START")
MD=$ROOT/bench/results/run-$STAMP.md
JS=$ROOT/bench/results/run-$STAMP.json
MODE="full"
[ "$QUICK" = 0 ] || MODE="quick"
# a full run is every variant, both engines, the default N and cap
[ "$QUICK" = 1 ] || { [ -z "$ONLY" ] && [ "$ENGINES" = libfuzzer,afl ] && [ "$RUNS" = 5 ] && [ "$CAP" = 120 ]; } ||
	MODE="partial"
{
	echo "# tagfuzz benchmark ($MODE run, $M_DATE)"
	echo
	echo "Machine: $M_NPROC cores, $M_CPU; memory $M_MEM; $M_OS, kernel $M_KERNEL; $M_CC; AFL++ $M_AFL."
	echo "Load average (1, 5, 15 min): $LOAD0 at the start, $LOAD_FIND before the fuzzing runs, $LOAD_END at the end."
	echo "Settings: exec/s windows ${EXEC_SECS} s (replay-only driver ${DRIVER_SECS} s per seed); $RUNS run(s) per variant and engine (seeds 1..$RUNS), cap ${CAP} s per run, $PAR run(s) at once; libFuzzer flags: ${LF_FLAGS[*]:-none}. Total ${TOTAL_SECS} s (fuzzing runs ${FIND_SECS} s)."
	echo
	echo "## Speed, memory, coverage (ASan+UBSan, libFuzzer, one process, shipped corpus)"
	echo
	echo "| target | exec/s fuzzing | trivial target | ratio | exec/s replaying the seeds | peak RSS | lines of target/ | branches of target/ |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for t in "${TARGETS[@]}"; do
		ratio=$(awk -v a="${RATE[$t]}" -v b="$TRIV_RATE" 'BEGIN { printf (a > 0 ? "1/%.0f" : "-"), b / (a > 0 ? a : 1) }')
		echo "| $t | ${RATE[$t]}${RNOTE[$t]:+ (${RNOTE[$t]})} | $TRIV_RATE | $ratio | ${DRV[$t]:-?} | ${RSS[$t]} MB | ${CLINES[$t]} | ${CBR[$t]} |"
	done
	echo
	echo "Trivial target (bench/trivial_target.c, same flags, fuzz_boot's corpus): peak RSS $(echo "$TRIV" | cut -f4) MB."
	echo
	echo "Replay-only exec/s per seed (bench/exec_driver.c):"
	echo
	for t in "${TARGETS[@]}"; do
		echo "- $t: ${DRV_SEEDS[$t]}"
	done
	echo
	echo "## Time to first finding (from the shipped corpus, reproducers left out)"
	echo
	echo "'nf': not found within the cap. Median counts 'nf' as longer than any time found."
	echo "'caught by a seed': a seed of the shipped corpus already gives the finding (0 s); the runs fuzz from the other seeds."
	echo "'median', 'runs (s)' and 'found' count the expected verdict only."
	echo "'the switch's, by another check': runs of a bug switch whose first finding is another one, the switch's: replayed without the switch (the same input and settings, every finding traced), the input does not give that finding at all. Median over all the runs, as above; the notes say of each other finding whether it is the switch's."
	echo
	echo "| variant | kind | expected verdict | engine | median | runs (s) | found | the switch's, by another check | notes |"
	echo "| --- | --- | --- | --- | ---: | --- | ---: | --- | --- |"
	while IFS=$'\t' read -r name kind t envs verdict; do
		for e in libfuzzer afl; do
			if [ "$e" = afl ] && [ "$AFL" != 1 ]; then
				[[ ",$ENGINES," == *",afl,"* ]] || continue	# not asked for
				echo "| $name | $kind | \`$verdict\` | AFL++ | not available | | | | $AFL |"
				continue
			fi
			[[ " ${ENG_RUN[*]} " == *" $e "* ]] || continue
			en=$([ "$e" = afl ] && echo AFL++ || echo libFuzzer)
			if [ "${NCLEAN[$name]}" = 0 ]; then
				notes="every seed gives a finding: no run"
				[ -z "${CAUGHT[$name]}" ] || notes="$notes; expected verdict from ${CAUGHT[$name]}"
				[ -z "${OSEED[$name]}" ] || notes="$notes; ${OSEED[$name]}"
				med="caught by a seed"
				[ -n "${CAUGHT[$name]}" ] || med="another finding first"
				echo "| $name | $kind ($envs; $t) | \`$verdict\` | $en | $med | - | - | - | $notes |"
				continue
			fi
			IFS=$'\t' read -r med sp k smed sk sdesc other < <(summary "$e" "$name" "$verdict")
			notes=$other
			if [ "$kind" != "bug switch" ]; then
				scol="n/a (no switch)"
			elif [ "$sdesc" = - ]; then
				scol=$sk
			else
				scol="$sk$([ "$smed" = "not found" ] || echo ", median $smed") ($(printf '%s' "$sdesc" | sed 's/\(^\|, \)\([^×]*\) ×/\1`\2` ×/g'))"
			fi
			if [ "$med" != "not found" ] && awk -v m="${med% s}" 'BEGIN { exit !(m < 2) }'; then
				notes="found at once (within ~2 s: startup, corpus load, first mutations)${notes:+; $notes}"
			fi
			if [ -n "${CAUGHT[$name]}${OSEED[$name]}" ]; then
				notes="fuzzing from the ${NCLEAN[$name]} other seeds: median $med${notes:+; $notes}"
				[ -z "${OSEED[$name]}" ] || notes="${OSEED[$name]} (left out); $notes"
				[ -z "${CAUGHT[$name]}" ] || { notes="caught by seed ${CAUGHT[$name]}; $notes"; med="caught by a seed"; }
			fi
			echo "| $name | $kind ($envs; $t) | \`$verdict\` | $en | $med | $sp | $k | $scol | $notes |"
		done
	done <"$VARIANTS"
} >"$MD"

{
	echo "{"
	echo "  \"mode\": $(json_str "$MODE"), \"date\": $(json_str "$M_DATE"),"
	echo "  \"machine\": {\"nproc\": $M_NPROC, \"cpu\": $(json_str "$M_CPU"), \"memory\": $(json_str "$M_MEM"), \"os\": $(json_str "$M_OS"), \"kernel\": $(json_str "$M_KERNEL"), \"cc\": $(json_str "$M_CC"), \"afl\": $(json_str "$M_AFL")},"
	echo "  \"load\": {\"start\": $(json_str "$LOAD0"), \"fuzzing\": $(json_str "$LOAD_FIND"), \"end\": $(json_str "$LOAD_END")},"
	echo "  \"settings\": {\"exec_secs\": $EXEC_SECS, \"driver_secs_per_seed\": $DRIVER_SECS, \"runs\": $RUNS, \"cap_secs\": $CAP, \"parallel\": $PAR, \"libfuzzer_flags\": $(json_str "${LF_FLAGS[*]}")},"
	echo "  \"total_secs\": $TOTAL_SECS, \"fuzzing_secs\": $FIND_SECS,"
	echo "  \"trivial\": {\"exec_per_sec\": $TRIV_RATE, \"peak_rss_mb\": $(echo "$TRIV" | cut -f4)},"
	echo "  \"targets\": ["
	sep=""
	for t in "${TARGETS[@]}"; do
		printf '%s    {"name": "%s", "exec_per_sec": %s, "replay_exec_per_sec": %s, "peak_rss_mb": %s, "note": %s, "lines": %s, "branches": %s, "replay_per_seed": %s}' \
			"$sep" "$t" "${RATE[$t]:-0}" "${DRV[$t]:-0}" "${RSS[$t]:-0}" "$(json_str "${RNOTE[$t]}")" \
			"$(json_str "${CLINES[$t]}")" "$(json_str "${CBR[$t]}")" "$(json_str "${DRV_SEEDS[$t]}")"
		sep=$',\n'
	done
	echo
	echo "  ],"
	echo "  \"findings\": ["
	sep=""
	while IFS=$'\t' read -r name kind t envs verdict; do
		for e in "${ENG_RUN[@]}"; do
			IFS=$'\t' read -r med sp k smed sk sdesc other < <(summary "$e" "$name" "$verdict")
			[ "${NCLEAN[$name]}" != 0 ] || { med="caught by a seed" sp="" k=0 other="every seed gives a finding: no run"; }
			# results: each run's result line; attributions: what follows its tab
			runs=$(for ((s = 1; s <= RUNS; s++)); do cat "$W/find/$name/$e-$s/result" 2>/dev/null || echo "error no result"; done)
			runs_json=$(printf '%s\n' "$runs" | cut -f1 | while IFS= read -r r; do json_str "$r"; echo; done | paste -sd, -)
			att_json=$(printf '%s\n' "$runs" | while IFS= read -r r; do
				if [[ $r == *$'\t'* ]]; then json_str "${r#*$'\t'}"; else json_str ""; fi
				echo
			done | paste -sd, -)
			ojson=null
			[ "$kind" != "bug switch" ] || [ "${NCLEAN[$name]}" = 0 ] ||
				ojson="{\"found\": $(json_str "$sk"), \"median\": $(json_str "$smed"), \"signatures\": $(json_str "${sdesc#-}")}"
			printf '%s    {"variant": %s, "kind": %s, "target": %s, "env": %s, "verdict": %s, "engine": %s, "median": %s, "runs_secs": %s, "found": %s, "caught_by_seed": %s, "other": %s, "switch_by_other_check": %s, "results": [%s], "attributions": [%s]}' \
				"$sep" "$(json_str "$name")" "$(json_str "$kind")" "$(json_str "$t")" "$(json_str "$envs")" \
				"$(json_str "$verdict")" "$(json_str "$e")" "$(json_str "$med")" "$(json_str "$sp")" \
				"$(json_str "$k")" "$(json_str "${CAUGHT[$name]}")" "$(json_str "${OSEED[$name]}${OSEED[$name]:+; }$other")" \
				"$ojson" "$runs_json" "$att_json"
			sep=$',\n'
		done
	done <"$VARIANTS"
	echo
	echo "  ]"
	echo "}"
} >"$JS"
cp "$MD" "$ROOT/bench/results/latest.md"
cp "$JS" "$ROOT/bench/results/latest.json"

echo
cat "$MD"
echo
if [ "$QUICK" = 1 ]; then
	echo "--quick: $RUNS run(s) per variant and engine instead of 5, ${CAP} s cap instead of 120 s," \
		"${EXEC_SECS} s exec/s windows instead of 30 s, ${DRIVER_SECS} s per seed for the replay-only" \
		"rate instead of 1 s; a bug that needs longer than the cap shows as 'not found'."
fi
echo "bench: ${TOTAL_SECS} s in all; written $MD and $JS (and latest.md, latest.json)"
