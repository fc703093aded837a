#!/usr/bin/env bash
# Where a waiting `encode`'s resident memory is: /proc/PID/smaps_rollup and the largest mappings, with
# one short document read and the stage blocked on the next (bench.py's "peak RSS" row measures the
# whole run with /usr/bin/time). Usage: Benchmarks/stage_rss.sh [MODEL_DIR] (default: bench.py's
# opus-shape cache); BIN=… picks the executables (default .build/release).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
M=${1:-${VAMOS_BENCH_CACHE:-/work/bench-cache}/opus-shape}; B=${BIN:-$here/.build/release}
(sleep 3; p=$(pgrep -f "$B/encode --model" | head -1)
 grep -E "^Rss" /proc/$p/smaps_rollup
 awk '/^[0-9a-f]+-[0-9a-f]+ /{name=$6} /^Rss:/{r[name]+=$2} END {for (n in r) if (r[n] > 200) print r[n] " KiB", n}' /proc/$p/smaps | sort -rn | head -8
 kill $p) &
(echo '{"format": "vamos/1", "source": {"ids": [11, 222, 3333, 44444, 555, 0]}}' | "$B/embed" --model "$M" | "$B/posenc" --model "$M"; sleep 6) \
  | "$B/encode" --model "$M" --threads 2 > /dev/null || true
wait
