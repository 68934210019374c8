#!/usr/bin/env bash
# Benchmark of the fetcher CLI against its peers, all on 127.0.0.1 against one nginx
# serving a 1 KiB body: wrk (the ceiling), curl --parallel, a plain Python aiohttp script,
# and `fetcher`, all at concurrency 64. wrk only knows durations: it runs 1 s (some 130,000
# requests here). The tools that come near it (fetcher, oha) make FAST=100,000 GETs, so
# that, as wrk's, their figure is mostly the steady rate and little the start and the
# last stragglers; curl and the Python script make N=20,000 (they would take minutes).
# Runs 3 rounds (ROUNDS=n), tools interleaved, and keeps each tool's best: requests/s, client
# CPU seconds (user + sys) per 10,000 requests and peak RSS; then the ratios to the targets.
#
#   scripts/bench-fetcher.sh            # the comparison
#   scripts/bench-fetcher.sh --million  # also: fetcher's peak memory on 10^6 URLs
#   scripts/bench-fetcher.sh --big-body # only: a 1 GiB body (SIZE=bytes) with curl -o,
#                                       # fetcher --save-dir and fetcher (counted, dropped):
#                                       # peak RSS (target < 32 MiB), time, SHA-256 compared
#   BASELINE=/tmp/fetcher-old scripts/bench-fetcher.sh  # also an older fetcher binary, in
#                                       # the same rounds, to measure a change before/after
#
# Needs: nginx, wrk, curl >= 7.66, python3 with aiohttp, GNU time; oha is added to the
#   rounds when it is on PATH (cargo install oha --locked), timed like fetcher: wall
#   clock for the same N requests.
#   (apt-get install -y nginx wrk time; pip install aiohttp). Builds fetcher in release mode.
set -euo pipefail

N=${N:-20000}
FAST=${FAST:-100000}
C=${C:-64}
PORT=${PORT:-18089}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/crates/fetcher/benches"
WORK=$(mktemp -d)
chmod 755 "$WORK" # nginx's workers run as an unprivileged user
URL="http://127.0.0.1:$PORT/1k"

for tool in nginx wrk curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see the header of $0)" >&2; exit 2; }
done
python3 -c 'import aiohttp' 2>/dev/null || { echo "missing aiohttp: pip install aiohttp" >&2; exit 2; }

(cd "$ROOT" && cargo build --release -p fetcher --quiet)
FETCHER="$ROOT/target/release/fetcher"

# --- the server: nginx, one worker (client and server share the machine) -------------
mkdir -p "$WORK/www" "$WORK/logs"
head -c 1024 /dev/zero | tr '\0' 'x' > "$WORK/www/1k"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/tmp;
  proxy_temp_path $WORK/tmp;
  fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp;
  scgi_temp_path $WORK/tmp;
  server {
    listen 127.0.0.1:$PORT;
    root $WORK/www;
  }
}
CONF
mkdir -p "$WORK/tmp"
nginx -c "$WORK/nginx.conf" -p "$WORK"
cleanup() {
  if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "$URL" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL" || { echo "nginx does not serve $URL" >&2; exit 1; }

# --- inputs -------------------------------------------------------------------------
for i in $(seq "$N"); do echo "$URL"; done > "$WORK/urls.txt"
for i in $(seq "$FAST"); do echo "$URL"; done > "$WORK/fast.txt"
awk '{ print "url = \"" $0 "\"\noutput = \"/dev/null\"" }' "$WORK/urls.txt" > "$WORK/curl.cfg"

# measure NAME CMD...: runs CMD under GNU time; records wall, cpu (user+sys), max RSS (KiB).
# The wall clock is bash's microsecond EPOCHREALTIME, not GNU time's %e: that has 10 ms
# steps, 3 % of a 0.3 s run.
declare -A WALL CPU RSS
measure() {
  local name=$1; shift
  local start=$EPOCHREALTIME
  if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.$name" "$@" > "$WORK/out.$name" 2> "$WORK/err.$name"; then
    echo "$name failed:" >&2; cat "$WORK/time.$name" >&2; tail -5 "$WORK/err.$name" >&2; grep -v "\"status\":200" "$WORK/out.$name" | head -3 >&2; exit 1
  fi
  local end=$EPOCHREALTIME
  tail -1 "$WORK/time.$name" > "$WORK/time.$name.last" && mv "$WORK/time.$name.last" "$WORK/time.$name"
  read -r _ user sys rss < "$WORK/time.$name"
  WALL[$name]=$(echo "scale=6; $end - $start" | bc -l)
  CPU[$name]=$(echo "$user + $sys" | bc -l)
  RSS[$name]=$rss
}

# keep TOOL RPS CPU10K RSS: the best of the rounds (highest req/s, lowest CPU and RSS)
declare -A RPS CPU10K PEAK
keep() {
  local t=$1 rps=$2 cpu=$3 rss=$4
  if [ -z "${RPS[$t]:-}" ] || (( $(echo "$rps > ${RPS[$t]}" | bc -l) )); then RPS[$t]=$rps; fi
  if [ -z "${CPU10K[$t]:-}" ] || (( $(echo "$cpu < ${CPU10K[$t]}" | bc -l) )); then CPU10K[$t]=$cpu; fi
  if [ -z "${PEAK[$t]:-}" ] || [ "$rss" -lt "${PEAK[$t]}" ]; then PEAK[$t]=$rss; fi
}
# keep_run TOOL [COUNT]: the last run of TOOL made COUNT requests (default N)
keep_run() {
  local n=${2:-$N}
  keep "$1" "$(echo "scale=0; $n / ${WALL[$1]}" | bc -l)" "$(echo "scale=3; ${CPU[$1]} * 10000 / $n" | bc -l)" "${RSS[$1]}"
}

big_body() {
  local size=${SIZE:-1073741824}
  head -c "$size" /dev/urandom > "$WORK/www/big"
  local big="http://127.0.0.1:$PORT/big" want
  want=$(sha256sum < "$WORK/www/big" | cut -d' ' -f1)
  echo "$big" > "$WORK/big.txt"
  mkdir -p "$WORK/saved"
  measure curl_o curl -sf -o "$WORK/curl.big" "$big"
  measure save "$FETCHER" "$WORK/big.txt" -q --timeout none --hash sha256 --save-dir "$WORK/saved"
  measure count "$FETCHER" "$WORK/big.txt" -q --timeout none --hash sha256
  local curl_sum saved_sum
  curl_sum=$(sha256sum < "$WORK/curl.big" | cut -d' ' -f1)
  saved_sum=$(sha256sum < "$WORK/saved/1.body" | cut -d' ' -f1)
  printf '\n%s bytes from nginx on 127.0.0.1\n%-22s %8s %10s  %s\n' "$size" run 'wall s' 'peak RSS' sha256
  for t in curl_o save count; do
    local sum=$curl_sum
    [ "$t" = curl_o ] || sum=$(grep -o '"sha256":"[0-9a-f]*"' "$WORK/out.$t" | cut -d'"' -f4)
    local name=$t
    [ "$t" = curl_o ] && name="curl -o FILE"
    [ "$t" = save ] && name="fetcher --save-dir"
    [ "$t" = count ] && name="fetcher (no body kept)"
    printf '%-22s %8s %6s MiB  %s\n' "$name" "$(printf %.2f "${WALL[$t]}")" "$(echo "scale=1; ${RSS[$t]} / 1024" | bc -l)" "$([ "$sum" = "$want" ] && echo match || echo "MISMATCH $sum")"
  done
  [ "$saved_sum" = "$want" ] && echo "saved file: digest matches" || { echo "saved file: DIGEST MISMATCH" >&2; exit 1; }
  rm -f "$WORK/www/big" "$WORK/curl.big" "$WORK/saved/1.body"
}
if [ "${1:-}" = "--big-body" ]; then
  big_body
  exit 0
fi

# Rounds interleave the tools, so a burst of load from elsewhere hits them all alike.
ROUNDS=${ROUNDS:-3}
OHA=$(command -v oha || true)
echo "load before: $(uptime)"
for round in $(seq "$ROUNDS"); do
  measure wrk wrk -t2 -c"$C" -d1s "$URL"
  wrk_reqs=$(awk '/requests in/ { print $1 }' "$WORK/out.wrk")
  wrk_rps=$(awk '/Requests\/sec/ { print $2 }' "$WORK/out.wrk")
  keep wrk "${wrk_rps%.*}" "$(echo "scale=3; ${CPU[wrk]} * 10000 / $wrk_reqs" | bc -l)" "${RSS[wrk]}"
  if [ -n "$OHA" ]; then
    measure oha "$OHA" -n "$FAST" -c "$C" --no-tui --output-format quiet "$URL"
    keep_run oha "$FAST"
  fi
  measure curl curl --parallel --parallel-immediate --parallel-max "$C" -s -K "$WORK/curl.cfg"
  keep_run curl
  measure python python3 "$BENCH/aiohttp_fetch.py" "$WORK/urls.txt" "$C"
  keep_run python
  measure fetcher "$FETCHER" "$WORK/fast.txt" -o - -c "$C"
  keep_run fetcher "$FAST"
  if [ -n "${BASELINE:-}" ]; then
    measure base "$BASELINE" "$WORK/fast.txt" -o - -c "$C"
    keep_run base "$FAST"
  fi
  ok=$(grep -c '"status":200' "$WORK/out.fetcher" || true)
  [ "$ok" -eq "$FAST" ] || { echo "fetcher: only $ok of $FAST succeeded" >&2; cat "$WORK/err.fetcher" >&2; exit 1; }
  py_ok=$(grep -c '"status": 200' "$WORK/out.python" || true)
  [ "$py_ok" -eq "$N" ] || { echo "python: only $py_ok of $N succeeded" >&2; exit 1; }
done
echo "load after:  $(uptime)"
echo "best of $ROUNDS rounds:"

printf '\n%-8s %12s %18s %12s\n' tool 'req/s' 'CPU s/10k req' 'peak RSS'
TOOLS="wrk${OHA:+ oha} curl python fetcher${BASELINE:+ base}"
for t in $TOOLS; do
  printf '%-8s %12s %18s %9s MiB\n' "$t" "${RPS[$t]}" "${CPU10K[$t]}" "$(echo "scale=1; ${PEAK[$t]} / 1024" | bc -l)"
done
ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "fetcher req/s vs wrk:     $(ratio "${RPS[fetcher]}" "${RPS[wrk]}")   (target >= 0.70)"
[ -n "$OHA" ] && echo "fetcher req/s vs oha:     $(ratio "${RPS[fetcher]}" "${RPS[oha]}")"
echo "fetcher req/s vs curl:    $(ratio "${RPS[fetcher]}" "${RPS[curl]}")   (target >= 1.5)"
echo "fetcher req/s vs python:  $(ratio "${RPS[fetcher]}" "${RPS[python]}")   (target 4-5)"
echo "fetcher CPU/req vs python: $(ratio "${CPU10K[fetcher]}" "${CPU10K[python]}")   (target <= 0.125)"
echo "fetcher peak RSS vs curl: $(ratio "${PEAK[fetcher]}" "${PEAK[curl]}")   (target <= 1.0)"
if [ -n "${BASELINE:-}" ]; then
  echo "fetcher vs baseline: req/s $(ratio "${RPS[fetcher]}" "${RPS[base]}"), CPU/req $(ratio "${CPU10K[fetcher]}" "${CPU10K[base]}")"
fi

if [ "${1:-}" = "--million" ]; then
  M=1000000
  awk -v u="$URL" -v m="$M" 'BEGIN { for (i = 1; i <= m; i++) print u "?i=" i }' > "$WORK/million.txt"
  measure million "$FETCHER" "$WORK/million.txt" -o /dev/null -q -c "$C"
  echo
  echo "fetcher, $M URLs: $(printf %.2f "${WALL[million]}") s, peak RSS $(echo "scale=1; ${RSS[million]} / 1024" | bc -l) MiB (target < 100 MiB)"
fi
