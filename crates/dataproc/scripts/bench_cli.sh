#!/usr/bin/env bash
# Times `dataproc numeric` against GNU datamash, a short Python `statistics` script (the
# seed's way) and numpy on one generated file of N numbers, one per line, in one run.
# Prints seconds, peak memory and the ratios. Needs: a release build, /usr/bin/time,
# python3; datamash and numpy are used when present
# (apt-get install -y datamash; pip install numpy).
#
#   cargo build --release -p dataproc
#   crates/dataproc/scripts/bench_cli.sh [N] [WORKDIR]
set -euo pipefail

N=${1:-10000000}
WORK=${2:-${TMPDIR:-/tmp}/dataproc-bench}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${DATAPROC_BIN:-$ROOT/target/release/dataproc}
DATA=$WORK/numbers-$N.txt
mkdir -p "$WORK"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p dataproc" >&2; exit 1; }

if [ ! -s "$DATA" ]; then
  echo "generating $N numbers into $DATA ..." >&2
  python3 - "$N" "$DATA" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
with open(path, "w") as f:
    chunk = 100_000
    for start in range(0, n, chunk):
        f.write("".join(f"{rng.uniform(-1e6, 1e6)!r}\n" for _ in range(min(chunk, n - start))))
PY
fi

cat > "$WORK/seed_stats.py" <<'PY'
# The seed's NumericProcessor in short: float() every line, then the statistics module.
import statistics, sys
with open(sys.argv[1]) as f:
    xs = [float(line) for line in f if line.strip()]
print(len(xs), sum(xs), statistics.mean(xs), statistics.median(xs), min(xs), max(xs), statistics.stdev(xs))
PY
cat > "$WORK/numpy_stats.py" <<'PY'
import sys
import numpy as np
a = np.loadtxt(sys.argv[1], dtype=np.float64)
print(a.size, a.sum(), a.mean(), np.median(a), a.min(), a.max(), a.std(ddof=1))
PY

# run NAME CMD... : prints "NAME seconds peak_MiB" and records the time.
declare -A SECS
run() {
  local name=$1; shift
  local out
  /usr/bin/time -o "$WORK/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
  out=$(tail -1 "$WORK/time.txt")
  local secs=${out% *} kib=${out#* }
  SECS[$name]=$secs
  printf "%-22s %8.2f s %8.1f MiB\n" "$name" "$secs" "$(echo "$kib/1024" | bc -l)"
}

echo "file: $DATA ($(du -m "$DATA" | cut -f1) MB), $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
run dataproc "$BIN" --quiet numeric "$DATA"
run dataproc-no-median "$BIN" --quiet numeric --no-median "$DATA"
run dataproc-approx-median "$BIN" --quiet numeric --approx-median "$DATA"
if command -v datamash >/dev/null; then
  run datamash sh -c "datamash count 1 sum 1 mean 1 median 1 min 1 max 1 sstdev 1 < '$DATA'"
fi
if python3 -c 'import numpy' 2>/dev/null; then
  run numpy python3 "$WORK/numpy_stats.py" "$DATA"
fi
run python-statistics python3 "$WORK/seed_stats.py" "$DATA"

echo "ratios (peer time / dataproc time; all peers compute the exact median):"
for peer in python-statistics numpy datamash; do
  [ -z "${SECS[$peer]:-}" ] && continue
  printf "  %-18s %6.1fx (exact median)  %6.1fx (--no-median)\n" "$peer" \
    "$(echo "${SECS[$peer]} / ${SECS[dataproc]}" | bc -l)" \
    "$(echo "${SECS[$peer]} / ${SECS[dataproc-no-median]}" | bc -l)"
done
echo "load after: $(uptime | sed 's/.*load average: //')"
