#!/usr/bin/env bash
# Times `dataproc numeric` over whole tables against pandas, polars and DuckDB, in one run:
#  1. all-column statistics of an N-row CSV of 4 numeric columns:
#     dataproc (count, nulls, sum, mean, exact median, min, max, std dev of every column)
#     vs pandas `read_csv().describe()` + `median()`, polars `read_csv().describe()`,
#     DuckDB `SUMMARIZE`;
#  2. `--group-by` over 1,000 groups (unsorted) vs pandas
#     `groupby().agg(["mean", "std", "median"])` (and polars `group_by().agg`).
# Prints seconds, peak memory and the ratios. Needs: a release build, /usr/bin/time,
# python3 with numpy; pandas, polars and duckdb are used when present
# (pip install pandas polars duckdb). BASELINE=/path/to/an/older/dataproc times that
# binary too, in the same run (to measure a change).
#
#   cargo build --release -p dataproc
#   crates/dataproc/scripts/bench_tables.sh [N] [WORKDIR]
#
# Last measured (2 shared cores, load 1.4): all columns with the exact median 0.86 s
# (4.6x pandas, 2.4x polars), group-by 1.42 s (2.7x pandas, 1.6x polars); the numbers
# with their load are in crates/dataproc/README.md.
set -euo pipefail

N=${1:-10000000}
WORK=${2:-${TMPDIR:-/tmp}/dataproc-bench}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${DATAPROC_BIN:-$ROOT/target/release/dataproc}
TABLE=$WORK/table-$N.csv
GROUPED=$WORK/grouped-$N.csv
mkdir -p "$WORK"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p dataproc" >&2; exit 1; }

if [ ! -s "$TABLE" ] || [ ! -s "$GROUPED" ]; then
  echo "generating $N rows into $TABLE and $GROUPED ..." >&2
  python3 - "$N" "$TABLE" "$GROUPED" <<'PY'
import sys
import numpy as np
n, table, grouped = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = np.random.default_rng(42)
with open(table, "w") as t, open(grouped, "w") as g:
    t.write("price,qty,score,latency\n")
    g.write("g,price,qty,score,latency\n")
    chunk = 500_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        price = np.round(rng.uniform(0, 1e4, m), 2)
        qty = rng.integers(0, 1000, m)
        score = rng.normal(100, 15, m)
        latency = np.round(rng.exponential(20, m), 3)
        key = rng.integers(0, 1000, m)
        rows = [f"{a!r},{b},{c!r},{d!r}" for a, b, c, d in
                zip(price.tolist(), qty.tolist(), score.tolist(), latency.tolist())]
        t.write("\n".join(rows) + "\n")
        g.write("\n".join(f"{k},{r}" for k, r in zip(key.tolist(), rows)) + "\n")
PY
fi

cat > "$WORK/pandas_describe.py" <<'PY'
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
print(df.describe().to_string(), df.median().to_string())
PY
cat > "$WORK/polars_describe.py" <<'PY'
import sys
import polars as pl
print(pl.read_csv(sys.argv[1]).describe())
PY
cat > "$WORK/duckdb_summarize.py" <<'PY'
import sys
import duckdb
print(duckdb.sql(f"SUMMARIZE SELECT * FROM read_csv_auto('{sys.argv[1]}')").fetchall())
PY
cat > "$WORK/pandas_groupby.py" <<'PY'
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
print(df.groupby("g").agg(["mean", "std", "median"]).shape)
PY
cat > "$WORK/polars_groupby.py" <<'PY'
import sys
import polars as pl
df = pl.read_csv(sys.argv[1])
cols = [c for c in df.columns if c != "g"]
aggs = [f(c).alias(f"{c}_{f.__name__}") for c in cols for f in (pl.mean, pl.std, pl.median)]
print(df.group_by("g").agg(aggs).shape)
PY

# run NAME CMD... : prints "NAME seconds peak_MiB cpu_seconds" and records the time. On a
# shared machine the CPU seconds (user + system) are the steadier measure of cost.
declare -A SECS
run() {
  local name=$1; shift
  local secs kib user sys
  /usr/bin/time -o "$WORK/time.txt" -f "%e %M %U %S" "$@" >/dev/null 2>&1
  read -r secs kib user sys < <(tail -1 "$WORK/time.txt")
  SECS[$name]=$secs
  printf "%-24s %8.2f s %8.1f MiB %8.2f s CPU\n" "$name" "$secs" "$(echo "$kib/1024" | bc -l)" \
    "$(echo "$user + $sys" | bc -l)"
}
has() { python3 -c "import $1" 2>/dev/null; }

echo "table: $TABLE ($(du -m "$TABLE" | cut -f1) MB), grouped: $(du -m "$GROUPED" | cut -f1) MB;" \
  "$(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
echo "-- all-column statistics"
run dataproc "$BIN" --quiet numeric "$TABLE"
run dataproc-no-median "$BIN" --quiet numeric --no-median "$TABLE"
if [ -n "${BASELINE:-}" ]; then
  run baseline "$BASELINE" --quiet numeric "$TABLE"
  run baseline-no-median "$BASELINE" --quiet numeric --no-median "$TABLE"
fi
has pandas && run pandas python3 "$WORK/pandas_describe.py" "$TABLE"
has polars && run polars python3 "$WORK/polars_describe.py" "$TABLE"
has duckdb && run duckdb python3 "$WORK/duckdb_summarize.py" "$TABLE"
echo "-- group-by over 1,000 groups: mean, std, median of 4 columns"
run dataproc-group-by "$BIN" --quiet numeric --group-by g --stats count,mean,std_dev,median "$GROUPED"
if [ -n "${BASELINE:-}" ]; then
  run baseline-group-by "$BASELINE" --quiet numeric --group-by g --stats count,mean,std_dev,median "$GROUPED"
fi
has pandas && run pandas-groupby python3 "$WORK/pandas_groupby.py" "$GROUPED"
has polars && run polars-groupby python3 "$WORK/polars_groupby.py" "$GROUPED"

echo "ratios (peer time / dataproc time):"
for peer in baseline pandas polars duckdb; do
  [ -z "${SECS[$peer]:-}" ] && continue
  printf "  %-16s %6.2fx (exact median)  %6.2fx (--no-median)\n" "$peer" \
    "$(echo "${SECS[$peer]} / ${SECS[dataproc]}" | bc -l)" \
    "$(echo "${SECS[${peer/baseline/baseline-no-median}]:-${SECS[$peer]}} / ${SECS[dataproc-no-median]}" | bc -l)"
done
for peer in baseline-group-by pandas-groupby polars-groupby; do
  [ -z "${SECS[$peer]:-}" ] && continue
  printf "  %-16s %6.2fx (group-by)\n" "$peer" \
    "$(echo "${SECS[$peer]} / ${SECS[dataproc-group-by]}" | bc -l)"
done
echo "load after: $(uptime | sed 's/.*load average: //')"
