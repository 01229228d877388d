# tests/check_lib.sh: sourced by the shell test scripts (replay_cli.sh,
# finding_frames.sh).  Needs T (a scratch directory).  check DESC CMD...
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
