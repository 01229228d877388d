# tests/check_lib.sh: sourced by the shell test scripts (replay_cli.sh,
# finding_frames.sh, trace_cli.sh, report_cli.sh).  Needs T (a scratch
# directory); run_replay needs R (out/replay).  check DESC CMD...
# runs one test and shows CMD's output when it fails; finish prints the
# "N passed, N failed" line and fails when a test did.
pass=0 fail=0
check() {
	local desc=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		echo "ok   $desc"
		pass=$((pass + 1))
	else
		echo "FAIL $desc"
		sed 's/^/     /' "$T/check.out" | head -n 30
		fail=$((fail + 1))
	fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
# run_replay ARGS...: replay into $T/out (stdout) and $T/err, status in $T/rc
run_replay() {
	"$R" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
# rc_is N: the status a run left in $T/rc is N (else shows its output)
rc_is() { [ "$(cat "$T/rc")" = "$1" ] || { echo "status $(cat "$T/rc"), want $1"; cat "$T/out" "$T/err"; return 1; }; }
