#!/usr/bin/env bash
# Benchmark of `fetcher worker` through a local Redis against the batch CLI, on the same
# loopback run: N GETs of 1 KiB (/bytes/1024 of fetcher's own server) at concurrency C,
#   batch:    fetcher URLS -o FILE -c C
#   1 worker: fetcher queue push, then one `fetcher worker --burst -c C` (timed), then collect
#   2 workers: the same with two workers at once (each -c C/2, so the job's concurrency is C)
# Runs ROUNDS rounds (default 3) interleaved, keeps each one's best requests/s; reports
# the ratio of one worker to the batch CLI (target >= 0.6), of two workers to one, push and
# collect rates, and peak RSS (GNU time). Server, Redis and clients share this machine.
#
#   scripts/bench-queue.sh
#   N=50000 C=128 scripts/bench-queue.sh
#
# Needs: redis-server (Redis 7), GNU time, bc. Builds fetcher in release mode.
set -euo pipefail

N=${N:-20000}
C=${C:-64}
PORT=${PORT:-18093}
RPORT=${RPORT:-18094}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
REDIS="redis://127.0.0.1:$RPORT"

for tool in redis-server /usr/bin/time bc curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see the header of $0)" >&2; exit 2; }
done

(cd "$ROOT" && cargo build --release -p fetcher --quiet)
FETCHER="${CARGO_TARGET_DIR:-$ROOT/target}/release/fetcher"

redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
"$FETCHER" serve --addr "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
cleanup() {
  kill "$SERVE_PID" "$REDIS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
URL="http://127.0.0.1:$PORT/bytes/1024"
for _ in $(seq 50); do curl -sf -o /dev/null "$URL" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL" || { echo "fetcher serve does not answer $URL" >&2; exit 1; }

awk -v u="$URL" -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) print u "?i=" i }' > "$WORK/urls.txt"

now() { date +%s.%N; }
# timed NAME CMD...: wall seconds in WALL[NAME], peak RSS (KiB) in RSS[NAME]
declare -A WALL RSS BEST PEAK
timed() {
  local name=$1 start; shift
  start=$(now)
  if ! /usr/bin/time -f '%M' -o "$WORK/time.$name" "$@" > /dev/null 2> "$WORK/err.$name"; then
    echo "$name failed:" >&2; tail -5 "$WORK/err.$name" >&2; exit 1
  fi
  WALL[$name]=$(echo "$(now) - $start" | bc -l)
  RSS[$name]=$(tail -1 "$WORK/time.$name")
}
# best NAME SECONDS [RSS]: keep the highest N/SECONDS and the lowest RSS
best() {
  local rps
  rps=$(echo "scale=0; $N / $2" | bc -l)
  if [ -z "${BEST[$1]:-}" ] || [ "$rps" -gt "${BEST[$1]}" ]; then BEST[$1]=$rps; fi
  if [ -n "${3:-}" ] && { [ -z "${PEAK[$1]:-}" ] || [ "$3" -lt "${PEAK[$1]}" ]; }; then PEAK[$1]=$3; fi
}
# check FILE: N records, all 200
check() {
  local ok
  ok=$(grep -c '"status":200' "$1" || true)
  [ "$ok" -eq "$N" ] || { echo "$1: only $ok of $N records with status 200" >&2; exit 1; }
}

echo "load before: $(uptime)"
for round in $(seq "$ROUNDS"); do
  timed batch "$FETCHER" "$WORK/urls.txt" -o "$WORK/batch.jsonl" --force -q -c "$C" --threads 1
  check "$WORK/batch.jsonl"
  best batch "${WALL[batch]}" "${RSS[batch]}"

  for workers in 1 2; do
    job="bench-$round-$workers"
    timed push "$FETCHER" queue push --redis "$REDIS" --job "$job" "$WORK/urls.txt"
    best push "${WALL[push]}"
    start=$(now)
    pids=()
    for w in $(seq "$workers"); do
      /usr/bin/time -f '%M' -o "$WORK/time.w$w" \
        "$FETCHER" worker --redis "$REDIS" --job "$job" --burst -q -c $(( C / workers )) \
        2> "$WORK/err.w$w" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || { echo "a worker failed:" >&2; cat "$WORK"/err.w* >&2; exit 1; }; done
    wall=$(echo "$(now) - $start" | bc -l)
    rss=$(tail -1 "$WORK/time.w1")
    best "workers$workers" "$wall" "$rss"
    timed collect "$FETCHER" queue collect --redis "$REDIS" --job "$job" -o "$WORK/queue.jsonl" --force
    check "$WORK/queue.jsonl"
    best collect "${WALL[collect]}"
    "$FETCHER" queue drop --redis "$REDIS" --job "$job" 2> /dev/null
  done
done
echo "load after:  $(uptime)"
echo "best of $ROUNDS rounds, $N GETs of 1 KiB, concurrency $C:"
kib() { echo "scale=1; $1 / 1024" | bc -l; }
printf '\n%-22s %10s %12s\n' run 'req/s' 'peak RSS'
printf '%-22s %10s %8s MiB\n' "batch CLI" "${BEST[batch]}" "$(kib "${PEAK[batch]}")"
printf '%-22s %10s %8s MiB\n' "1 worker" "${BEST[workers1]}" "$(kib "${PEAK[workers1]}")"
printf '%-22s %10s %8s MiB (each)\n' "2 workers" "${BEST[workers2]}" "$(kib "${PEAK[workers2]}")"
printf '%-22s %10s\n' "queue push (lines/s)" "${BEST[push]}"
printf '%-22s %10s\n' "queue collect (rec/s)" "${BEST[collect]}"
ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "1 worker vs batch CLI:  $(ratio "${BEST[workers1]}" "${BEST[batch]}")   (target >= 0.6)"
echo "2 workers vs 1 worker:  $(ratio "${BEST[workers2]}" "${BEST[workers1]}")   (one machine: server, Redis and workers share its cores)"
