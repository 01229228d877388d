#!/bin/bash
# bench/exec_pairs.sh BEFORE_ROOT AFTER_ROOT SECS TARGET...: two built trees
# (./build.sh in each: out/TARGET, out/corpus/TARGET); each target, seeds 1..3, the
# two builds at once, one per core (cores swapped between seeds); prints exec/s.
# BEFORE_ENV / AFTER_ENV: environment settings for each side (one tree twice:
# BEFORE_ENV='TAGFUZZ_INTERLEAVING_COVERAGE=0 TAGFUZZ_MUTATOR=bytes' compares
# the issue 18 aims off and on).
B=$1 A=$2 S=$3; shift 3
for t in "$@"; do
  for seed in 1 2 3; do
    cb=$(( seed % 2 )); ca=$(( 1 - cb ))
    for side in B A; do
      root=${!side}; core=$([ $side = B ] && echo $cb || echo $ca)
      envs=$([ $side = B ] && echo "${BEFORE_ENV:-}" || echo "${AFTER_ENV:-}")
      e=$(mktemp -d); c=$(mktemp -d); cp $root/out/corpus/$t/* $c/ 2>/dev/null
      dict=$root/fuzz/$t.dict; [ -f $dict ] || dict=$root/fuzz/fuzz_boot.dict
      ( cd $root && env $envs taskset -c $core out/$t -seed=$seed -dict=$dict -entropic_scale_per_exec_time=1 \
          -max_total_time=$S -print_final_stats=1 $e $c > ${TMPDIR:-/tmp}/exec-$t-$side-$seed.log 2>&1 ) &
    done
    wait
    for side in B A; do
      printf "%s %s seed %d: %s\n" $t $side $seed "$(grep -o 'exec/s: [0-9]*' ${TMPDIR:-/tmp}/exec-$t-$side-$seed.log | tail -1)"
    done
  done
done
