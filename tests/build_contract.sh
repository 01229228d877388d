#!/usr/bin/env bash
# The OSS-Fuzz/ClusterFuzzLite build contract, without the builder image or a
# network: .clusterfuzzlite/build.sh runs as the builder runs it (SRC holding
# the checkout as $SRC/tagfuzz, WORK and OUT empty temporary directories, CC,
# CFLAGS, LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE, ARCHITECTURE set by
# hand, nothing else in the environment) for each flavour ClusterFuzzLite
# builds, and for AFL++; then $OUT is checked file by file and each target
# runs its seed corpus.  Also checks the ClusterFuzzLite files and the
# workflows against the inputs ClusterFuzzLite's actions document.
#
# Run by ./build.sh test (which adds its count to the final line) or alone.
# Ends with "N passed, N failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL_OUT=${TAGFUZZ_OUT:-$ROOT/out}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
skip() { echo "skip $*"; }
# check DESC CMD...: one test
check() {
	local desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then ok "$desc"; else
		bad "$desc"
		sed 's/^/     /' "$TMP/check.out" | head -n 15
	fi
}

# The targets, their sources and the shared dictionary, as the Makefile lists them.
mk_print() { make -s --no-print-directory -C "$ROOT" "print-$1"; }
read -r -a TARGETS <<<"$(mk_print targets)"
read -r -a LIB_SRCS <<<"$(mk_print LIB_SRCS)"
SCENARIO_DICT=$(mk_print SCENARIO_DICT)
[ ${#TARGETS[@]} -gt 0 ] && [ ${#LIB_SRCS[@]} -gt 0 ] && [ -n "$SCENARIO_DICT" ] ||
	{ bad "make print-targets, print-LIB_SRCS, print-SCENARIO_DICT list them"; echo "$pass passed, $fail failed"; exit 1; }
dict_of() {
	if [ -f "$ROOT/fuzz/$1.dict" ]; then echo "$ROOT/fuzz/$1.dict"; else
		echo "$ROOT/$SCENARIO_DICT"
	fi
}

# The builder's layout: the checkout in $SRC/tagfuzz, the ClusterFuzzLite
# script copied to $SRC/build.sh, run from the checkout (its WORKDIR).
mkdir -p "$TMP/src" "$TMP/work"
ln -s "$ROOT" "$TMP/src/tagfuzz"
cp "$ROOT/.clusterfuzzlite/build.sh" "$TMP/src/build.sh"

BASE="-O1 -fno-omit-frame-pointer -gline-tables-only"
UB_CHECKS=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr
declare -A FLAGS=(
	[address]="$BASE -fsanitize=address,fuzzer-no-link -fsanitize-address-use-after-scope -frecord-command-line"
	[undefined]="$BASE -fsanitize=$UB_CHECKS,unsigned-integer-overflow -fno-sanitize-recover=$UB_CHECKS -fsanitize=fuzzer-no-link"
	[memory]="$BASE -fsanitize=memory -fsanitize-memory-track-origins -fsanitize=fuzzer-no-link"
	[coverage]="$BASE -fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument -fsanitize=fuzzer-no-link"
	[afl]="$BASE -fsanitize=address -fsanitize-address-use-after-scope"
)
# A symbol each flavour's binary must have: its sanitizer's or engine's runtime.
declare -A RUNTIME=(
	[address]=__asan_init [undefined]=__ubsan_handle [memory]=__msan_init
	[coverage]=__llvm_profile_runtime [afl]=__afl_area_ptr
)

# builder FLAVOUR VAR=VALUE...: one build as the builder image runs it.
builder() {
	local fl=$1
	shift
	mkdir -p "$TMP/out-$fl"
	(cd "$TMP/src/tagfuzz" && env -i PATH="$PATH" HOME="${HOME:-/root}" \
		SRC="$TMP/src" WORK="$TMP/work" OUT="$TMP/out-$fl" ARCHITECTURE=x86_64 "$@" \
		bash -eu "${BUILD_SCRIPT:-$TMP/src/build.sh}") >"$TMP/$fl.log" 2>&1
}

# check_out FLAVOUR: $OUT's contents and what each target does with its seeds.
check_out() {
	local fl=$1 out=$TMP/out-$1 t want got
	want=$(for t in "${TARGETS[@]}"; do printf '%s\n' "$t" "$t.dict" "$t.options" "${t}_seed_corpus.zip"; done
		[ "$fl" != afl ] || echo tagfuzz_mutator.so)
	want=$(sort <<<"$want")
	got=$(ls -A "$out" | sort)
	local also=
	[ "$fl" != afl ] || also=" (and the AFL++ mutator library)"
	check "$fl: \$OUT holds exactly each target, its dict, options and seed corpus$also" \
		diff <(echo "$want") <(echo "$got")
	if [ "$fl" = afl ]; then
		# afl-fuzz dlopen()s it: the AFL++ entry points, nothing of the
		# target's instrumentation or sanitizers left undefined.
		check "afl: tagfuzz_mutator.so exports afl_custom_init/fuzz_count/fuzz/describe/deinit, needs no target runtime" bash -c '
			syms=$(nm -D --defined-only "$1" | awk "{ print \$3 }" | sort | tr "\n" " ")
			[ "$syms" = "afl_custom_deinit afl_custom_describe afl_custom_fuzz afl_custom_fuzz_count afl_custom_init " ] ||
				{ echo "exports: $syms"; exit 1; }
			# (weak references, as interleave.c'"'"'s to AFL++'"'"'s map, stay NULL there)
			! nm -D --undefined-only "$1" | grep -v " w " | grep -E "__afl|__asan|__ubsan|__sancov"' _ "$out/tagfuzz_mutator.so"
		if [ -x "$LOCAL_OUT/tests" ]; then
			check "afl: tagfuzz_mutator.so passes tests/test_afl_mutator.c" env \
				TAGFUZZ_AFL_MUTATOR="$out/tagfuzz_mutator.so" TEST_ONLY=test_afl_ "$LOCAL_OUT/tests"
		fi
	fi
	for t in "${TARGETS[@]}"; do
		check "$fl: $t is an executable with the ${RUNTIME[$fl]} runtime" \
			bash -c '[ -x "$1" ] && nm "$1" | grep -q "$2"' _ "$out/$t" "${RUNTIME[$fl]}"
		# Linked statically: the project's code is inside; only libc and the
		# compiler's runtimes are shared libraries.
		check "$fl: $t needs no shared library but libc and compiler runtimes" \
			bash -c '! readelf -d "$1" | sed -n "s/.*Shared library: \[\(.*\)\]/\1/p" |
				grep -v -E "^(libc|libm|libdl|libpthread|librt|libutil|libstdc\+\+|libc\+\+|libc\+\+abi|libgcc_s|ld-linux[-a-z0-9_]*)\.so"' _ "$out/$t"
		check "$fl: $t.dict is the target's dictionary" cmp "$out/$t.dict" "$(dict_of "$t")"
		check "$fl: $t.options names the dictionary" grep -qx "dict = $t.dict" "$out/$t.options"
		[ -n "${TAGFUZZ_LIBFUZZER_FLAGS+set}" ] ||
			check "$fl: $t.options has the fuzz command's scheduling (entropic_scale_per_exec_time)" \
				grep -qx "entropic_scale_per_exec_time = 1" "$out/$t.options"
		rm -rf "$TMP/seeds"
		mkdir -p "$TMP/seeds"
		local n
		n=$(ls "$ROOT/corpus/$t"/*.txt | wc -l)
		check "$fl: ${t}_seed_corpus.zip holds the $n encoded seeds of corpus/$t" bash -c '
			cd "$1" && if command -v unzip >/dev/null; then unzip -q "$2"; else
				python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall()" "$2"; fi &&
			[ "$(ls | wc -l)" = "$3" ] &&
			for f in "$4"/*.txt; do
				b=$(basename "$f" .txt); [ -f "$b" ] || { echo "missing $b"; exit 1; }
				# byte for byte, when ./build.sh has built the encoder from this tree
				if [ "$5/scenario" -nt "$6/fuzz/codec.c" ]; then
					"$5/scenario" encode "$f" "$1/.want" && cmp "$1/.want" "$b"
				fi
			done' _ "$TMP/seeds" "$out/${t}_seed_corpus.zip" "$n" "$ROOT/corpus/$t" "$LOCAL_OUT" "$ROOT"
		rm -f "$TMP/seeds/.want"
		case $fl in
		afl)
			# The AFL++ driver runs the files it is given, outside afl-fuzz.
			check "$fl: $t runs every seed (AFL++ driver, persistent mode)" bash -c '
				nm "$1" | grep -q __afl_persistent_loop && for f in "$2"/*; do "$1" "$f" || exit 1; done' \
				_ "$out/$t" "$TMP/seeds"
			;;
		coverage)
			check "$fl: $t runs every seed and writes a profile" bash -c '
				LLVM_PROFILE_FILE="$3/cov-%p.profraw" "$1" -runs=0 "$2" && ls "$3"/cov-*.profraw' \
				_ "$out/$t" "$TMP/seeds" "$TMP"
			;;
		*)
			check "$fl: $t (libFuzzer) runs every seed" env \
				UBSAN_OPTIONS=halt_on_error=1:silence_unsigned_overflow=1 \
				"$out/$t" -runs=0 "$TMP/seeds"
			;;
		esac
	done
}

for fl in address undefined memory coverage afl; do
	cc=clang cxx=clang++ engine=-fsanitize=fuzzer fe=libfuzzer san=$fl
	if [ "$fl" = afl ]; then
		if ! command -v afl-clang-fast >/dev/null 2>&1 || [ ! -f /usr/lib/afl/libAFLDriver.a ]; then
			skip "afl: afl-clang-fast is not installed (./build.sh deps afl); AFL++ build contract not checked"
			continue
		fi
		cc=afl-clang-fast cxx=afl-clang-fast++ engine=/usr/lib/afl/libAFLDriver.a fe=afl san=address
	fi
	if ! command -v "$cc" >/dev/null 2>&1; then
		bad "$fl: $cc is not installed"
		continue
	fi
	vars=(CC="$cc" CXX="$cxx" CFLAGS="${FLAGS[$fl]}" CXXFLAGS="${FLAGS[$fl]}"
		LIB_FUZZING_ENGINE="$engine" SANITIZER="$san" FUZZING_ENGINE="$fe")
	if [ "$fl" = undefined ]; then
		# build.sh itself, with no command and no CXX: the builder's
		# variables alone select the contract build, linked with $CC.
		vars=(CC="$cc" CFLAGS="${FLAGS[$fl]}" LIB_FUZZING_ENGINE="$engine" SANITIZER="$san" FUZZING_ENGINE="$fe")
		BUILD_SCRIPT=$TMP/src/tagfuzz/build.sh
	else
		BUILD_SCRIPT=
	fi
	if builder "$fl" "${vars[@]}"; then
		ok "$fl: build ($fe, CC=$cc${BUILD_SCRIPT:+, build.sh with no command})"
	else
		bad "$fl: build ($fe, CC=$cc)"
		tail -n 15 "$TMP/$fl.log" | sed 's/^/     /'
		continue
	fi
	check_out "$fl"
	if [ "$fl" = address ]; then
		# -frecord-command-line keeps each compile command in the binary:
		# every source was compiled with $CFLAGS as given.
		check "address: every source compiled with \$CFLAGS as given" bash -c '
			cmds=$(readelf -p .GCC.command.line "$1/fuzz_boot")
			flags=$2
			shift 2
			for s in "$@"; do
				echo "$cmds" | grep -F -- "$flags" | grep -q -F "/$s " || { echo "not with CFLAGS: $s"; exit 1; }
			done' _ "$TMP/out-address" "${FLAGS[address]}" "${LIB_SRCS[@]}"
	fi
	if [ "$fl" = address ] || [ "$fl" = afl ]; then
		# The oracles and the codec carry no coverage instrumentation.
		check "$fl: oracles and codec left out of coverage instrumentation" bash -c '
			o=$(ls -d "$1"/obj-*-address-x86_64 | grep -e "$2-address")
			! nm "$o/reference/model.o" "$o/fuzz/codec.o" | grep -E "__sancov|__afl_area_ptr"
			nm "$o/target/sim/glue_page_alloc.o" | grep -q -E "__sancov|__afl_area_ptr"' _ "$TMP/work/tagfuzz" "$fe"
	fi
done

# --- the local build: make's dependencies ------------------------------------

# After a build of this tree into $LOCAL_OUT (./build.sh test and make check
# build first): make has nothing to do, and a header change recompiles only
# the files that include it (-MMD -MP).
if [ -f "$LOCAL_OUT/obj/tools/libtagfuzz.a" ] && [ -x "$LOCAL_OUT/tests" ]; then
	MK=(make -C "$ROOT" --no-print-directory O="$LOCAL_OUT")
	check "make: nothing to do after a build (make -n all runs no command)" bash -c '
		cmds=$("$@" -n all | grep -v -x -e ":" -e "make.*Nothing to be done.*" || true)
		[ -z "$cmds" ] || { echo "out of date (run make first?):"; echo "$cmds" | cut -c1-200 | head -n 5; exit 1; }' _ "${MK[@]}"
	check "make: fuzz/diff.h changed recompiles exactly the files that include it" bash -c '
		root=$1; shift
		got=$("$@" -n -W "$root/fuzz/diff.h" all | sed -n "s|.* -c $root/\([^ ]*\.c\) .*|\1|p" | sort -u)
		want=$(cd "$root" && grep -l -r --include="*.c" "#include \"diff.h\"" fuzz reference target tests | sort -u)
		[ "$got" = "$want" ] || { echo "recompiled:"; echo "$got"; echo "include diff.h:"; echo "$want"; exit 1; }' \
		_ "$("${MK[@]}" -s print-ROOT)" "${MK[@]}"
	# A fuzzing run that found nothing leaves an empty artifact directory.
	check "replay: an empty directory replays no input and exits 0" bash -c '
		d=$(mktemp -d); out=$("$1/replay" "$d" 2>&1); rc=$?; rmdir "$d"
		echo "$out"; [ "$rc" = 0 ] && grep -qx "replayed 0 input(s): 0 with a finding, 0 error(s)" <<<"$out"' \
		_ "$LOCAL_OUT"
else
	skip "make: no local build in $LOCAL_OUT (make); dependency checks not run"
fi
# The local AFL++ build (make afl), compiled from the checkout's own
# directory: AFL++ sees relative file names there, and AFL_LLVM_DENYLIST
# must still leave the oracles and the codec out (interleave.c, with its
# weak __afl_area_ptr, does not link when the pass instruments it).
if [ -f "$LOCAL_OUT/obj/afl/fuzz/codec.o" ]; then
	check "make afl: oracles and codec left out of AFL++'s instrumentation" bash -c '
		for o in fuzz/codec.o fuzz/run.o fuzz/interleave.o reference/oracle.o; do
			! objdump -dr "$1/$o" | grep -q -E "__afl_area_ptr\.|__sancov_guards" || { echo "instrumented: $o"; exit 1; }
		done' _ "$LOCAL_OUT/obj/afl"
else
	skip "make afl: no local AFL++ build in $LOCAL_OUT; its instrumentation not checked"
fi

# --- the ClusterFuzzLite files and the workflows ------------------------------

check "project.yaml: language c" grep -qx 'language: c' "$ROOT/.clusterfuzzlite/project.yaml"
check "Dockerfile: base-builder pinned by digest, checkout in \$SRC/tagfuzz, build.sh in \$SRC" bash -c '
	grep -qE "^FROM gcr.io/oss-fuzz-base/base-builder@sha256:[0-9a-f]{64}$" "$1" &&
	grep -qx "COPY . \$SRC/tagfuzz" "$1" && grep -qx "WORKDIR \$SRC/tagfuzz" "$1" &&
	grep -qx "COPY .clusterfuzzlite/build.sh \$SRC/" "$1"' _ "$ROOT/.clusterfuzzlite/Dockerfile"

if python3 -c 'import yaml' >/dev/null 2>&1; then
	check "workflows: valid YAML, pinned actions, ClusterFuzzLite inputs as documented" \
		python3 - "$ROOT" <<'EOF'
import glob, os, re, sys, yaml

root = sys.argv[1]
# The inputs of google/clusterfuzzlite's actions/*/action.yml (v1).
INPUTS = {
    "build_fuzzers": {"language", "dry-run", "allowed-broken-targets-percentage", "sanitizer",
                      "project-src-path", "bad-build-check", "storage-repo", "storage-repo-branch",
                      "storage-repo-branch-coverage", "upload-build", "github-token"},
    "run_fuzzers": {"language", "fuzz-seconds", "dry-run", "sanitizer", "mode", "github-token",
                    "storage-repo", "storage-repo-branch", "storage-repo-branch-coverage",
                    "report-unreproducible-crashes"},
}
REQUIRED = {"build_fuzzers": set(), "run_fuzzers": {"github-token", "fuzz-seconds", "mode"}}
MODES = {"code-change", "batch", "prune", "coverage"}
SANITIZERS = {"address", "undefined", "memory", "coverage"}
errors = []
seen = {}  # mode -> triggers
uploads_build = False
files = sorted(glob.glob(os.path.join(root, ".github/workflows/*.yml")))
if not files:
    errors.append("no workflow in .github/workflows/")
for path in files:
    name = os.path.relpath(path, root)
    with open(path) as f:
        wf = yaml.safe_load(f)
    triggers = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key on as True
    if isinstance(triggers, str):
        triggers = {triggers: None}
    elif isinstance(triggers, list):
        triggers = {t: None for t in triggers}
    perms = wf.get("permissions")
    if perms is None or perms == "write-all" or (isinstance(perms, dict) and
            any(v == "write" for v in perms.values())):
        errors.append(f"{name}: top-level permissions must be set and read-only, got {perms!r}")
    for jname, job in wf.get("jobs", {}).items():
        jp = job.get("permissions")
        if isinstance(jp, dict) and any(v == "write" for v in jp.values()):
            errors.append(f"{name}: job {jname} asks for write permissions {jp}")
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        for step in job.get("steps", []):
            uses = step.get("uses")
            if not uses:
                continue
            if uses.startswith("./"):
                continue
            if not re.fullmatch(r"[^@]+@[0-9a-f]{40}", uses):
                errors.append(f"{name}: {uses} is not pinned to a commit")
            m = re.fullmatch(r"google/clusterfuzzlite/actions/(\w+)@.*", uses)
            if not m:
                continue
            action, w = m.group(1), step.get("with") or {}
            if action not in INPUTS:
                errors.append(f"{name}: unknown ClusterFuzzLite action {action}")
                continue
            extra = set(w) - INPUTS[action]
            missing = REQUIRED[action] - set(w)
            if extra:
                errors.append(f"{name}: {action} has undocumented inputs {sorted(extra)}")
            if missing:
                errors.append(f"{name}: {action} lacks required inputs {sorted(missing)}")
            if w.get("language") != "c":
                errors.append(f"{name}: {action} language is {w.get('language')!r}, project.yaml says c")
            san = w.get("sanitizer", "address")
            sans = matrix.get("sanitizer", []) if "matrix.sanitizer" in str(san) else [san]
            if not sans or not set(sans) <= SANITIZERS:
                errors.append(f"{name}: {action} sanitizers {sans} not among {sorted(SANITIZERS)}")
            for key in ("storage-repo",):
                v = str(w.get(key, ""))
                if v and "vars." not in v:
                    errors.append(f"{name}: {key} must come from repository variables/secrets, got {v}")
                if v and "github.repository" not in v:
                    errors.append(f"{name}: {key} is not left unset for forks")
            if action == "build_fuzzers" and str(w.get("upload-build")).lower() == "true":
                uploads_build = "push" in triggers
            if action == "run_fuzzers":
                mode = w.get("mode")
                if mode not in MODES:
                    errors.append(f"{name}: mode {mode!r} not among {sorted(MODES)}")
                seen.setdefault(mode, set()).update(triggers)
                if mode == "code-change" and len(sans) < 2:
                    errors.append(f"{name}: PR fuzzing runs one sanitizer only: {sans}")
if not errors:
    want = {"code-change": "pull_request", "batch": "schedule", "prune": "schedule", "coverage": "schedule"}
    for mode, trig in want.items():
        if trig not in seen.get(mode, set()):
            errors.append(f"no workflow runs mode {mode} on {trig}")
    if not uploads_build:
        errors.append("no workflow uploads a build on pushes to main (upload-build: true)")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF
else
	skip "workflows: python3 with yaml is not installed (./build.sh deps test); workflows not checked"
fi

echo "build contract: $pass passed, $fail failed"
