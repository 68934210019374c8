#!/usr/bin/env bash
# Peak memory of `dataproc numeric --group-by` per column per group: the same number of
# rows (ROWS, 2 numeric columns, one pass: under the 16 MiB of the parallel parts) keyed
# into 10^4 and then 10^5 groups; the difference of the two peaks (`/usr/bin/time -v`)
# over the 2 x 90,000 extra column-groups is what one more column in one more group
# costs, the result (held whole before it is written) included. Needs /usr/bin/time and
# python3.
#
#   cargo build -p dataproc            # memory does not depend on the profile
#   crates/dataproc/scripts/group_memory.sh [ROWS] [WORKDIR]
set -euo pipefail

ROWS=${1:-500000}
WORK=${2:-${TMPDIR:-/tmp}/dataproc-group-memory}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${DATAPROC_BIN:-$ROOT/target/debug/dataproc}
[ -x "$BIN" ] || { echo "build first: cargo build -p dataproc" >&2; exit 1; }
mkdir -p "$WORK"

peak_kib() { # FILE EXTRA-ARGS...: the peak resident set of one run, in KiB
  local file=$1
  shift
  /usr/bin/time -v "$BIN" --quiet numeric "$file" --group-by g --no-meta -o /dev/null "$@" \
    2>&1 >/dev/null | awk '/Maximum resident set size/ {print $NF}'
}

declare -A PEAK
for groups in 10000 100000; do
  file=$WORK/groups-$groups-$ROWS.csv
  if [ ! -s "$file" ]; then
    python3 - "$ROWS" "$groups" "$file" <<'PY'
import random, sys
rows, groups, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(1)
with open(path, "w") as f:
    f.write("g,price,qty\n")
    for i in range(rows):
        f.write(f"k{i % groups},{random.randint(100, 99999) / 100},{random.randint(1, 500)}\n")
PY
  fi
  PEAK[$groups]=$(peak_kib "$file" --no-median)
  echo "$groups groups: peak ${PEAK[$groups]} KiB"
done
awk -v a="${PEAK[10000]}" -v b="${PEAK[100000]}" \
  'BEGIN { printf "per column per group: %.2f KiB\n", (b - a) / (2 * 90000) }'
