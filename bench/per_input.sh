#!/bin/bash
# bench/per_input.sh TARGET ROUNDS ROOT... -- FILE...: the cost of one run of each
# FILE on each ROOT's out/TARGET, without the process start: libFuzzer runs the
# file 500 and then 2,500 times (-runs=N FILE) and the difference is divided by
# 2,000.  ROUNDS rounds with the roots interleaved on core 0; prints the best
# (least disturbed) figure of each root.
t=$1 rounds=$2; shift 2
roots=(); while [ $# -gt 0 ] && [ "$1" != -- ]; do roots+=("$1"); shift; done; shift
take() { # ROOT FILE N: nanoseconds
  local s e; s=$(date +%s%N)
  (cd "$1" && taskset -c 0 out/$t -runs=$3 "$2" >/dev/null 2>&1)
  e=$(date +%s%N); echo $(( e - s ))
}
for f in "$@"; do
  declare -A best=()
  for i in $(seq "$rounds"); do
    for r in "${roots[@]}"; do
      v=$(( ( $(take "$r" "$f" 2500) - $(take "$r" "$f" 500) ) / 2000 ))
      if [ -z "${best[$r]}" ] || [ $v -lt "${best[$r]}" ]; then best[$r]=$v; fi
    done
  done
  line="$t $(basename "$f")"
  for r in "${roots[@]}"; do line+=" $(basename "$r") $(( ${best[$r]} / 1000 )).$(( ${best[$r]} % 1000 / 100 ))us"; done
  echo "$line"
  unset best
done
