#!/usr/bin/env bash
# Translates a large file by sharding it over several translate.sh pipelines with GNU parallel
# (Debian's `parallel`), the output in input order: one line out per line in.
#
# Usage: pipelines/translate-parallel.sh [--model DIR] [--jobs N] [--lines L] [PARALLEL-OPTION ...] < in.txt > out.txt
#   --jobs N     pipelines at once (default: 2); each gets --threads = cores / N
#   --lines L    lines per shard (default: 256)
#   other options go to parallel itself, e.g. --sshlogin 4/host1,4/host2 (Vamos and the model at the
#   same paths there) or --joblog FILE.
# The translation of a line does not depend on the shard it lands in (docs/NUMERICS.md).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
model=() jobs=2 lines=256 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) [ $# -ge 2 ] || { echo "translate-parallel.sh: --model needs a directory" >&2; exit 64; }; model=(--model "$2"); shift 2 ;;
    --jobs) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "translate-parallel.sh: --jobs needs a positive number" >&2; exit 64; }; jobs=$2; shift 2 ;;
    --lines) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "translate-parallel.sh: --lines needs a positive number" >&2; exit 64; }; lines=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
command -v parallel >/dev/null 2>&1 || {
  echo "translate-parallel.sh: GNU parallel is missing; install it: apt-get install -y parallel" >&2; exit 1; }
cores=$(nproc)
threads=$(( cores / jobs )); [ "$threads" -ge 1 ] || threads=1
export VAMOS_THREADS=$threads
parallel --will-cite --pipe --keep-order -N "$lines" -j "$jobs" --halt now,fail=1 "${extra[@]}" \
  "$here/pipelines/translate.sh" "${model[@]}"
