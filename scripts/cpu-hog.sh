#!/usr/bin/env bash
# Keeps every core busy until killed: the tests must pass on a loaded machine (CI_CPU_HOG=1 bash .ci/run).
# One busy loop per core (nproc), at normal priority, so the tests get no more CPU than on a shared machine.
set -euo pipefail
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; exit 0' TERM INT EXIT
for _ in $(seq 1 "${CPU_HOG_PROCS:-$(nproc)}"); do
  ( while :; do :; done ) &
  pids+=("$!")
done
wait
