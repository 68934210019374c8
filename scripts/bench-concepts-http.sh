#!/usr/bin/env bash
# Flat memory and speed of chapter 7's streaming (concepts http): one file of MIB MiB
# downloaded from the streaming server's /files/ route into a copy and uploaded to /upload,
# server and client in one process, both checked by length and SHA-256 — the Rust example
# `http_transfer` against the same steps in Python aiohttp (crates/concepts/benches/
# http_transfer.py). Each size runs ROUNDS times (3), tools interleaved; the best time and
# the peak RSS (GNU time) are kept. Memory is flat when the peak does not grow with the file.
#
#   scripts/bench-concepts-http.sh              # 16 MiB and 512 MiB
#   SIZES="64 1024" scripts/bench-concepts-http.sh
#
# Needs: python3 with aiohttp, GNU time (apt-get install -y time; pip install aiohttp).
# Builds the example in release mode. Writes 2 x the largest size into a temporary directory.
set -euo pipefail

SIZES=${SIZES:-16 512}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

command -v /usr/bin/time >/dev/null || { echo "missing GNU time: apt-get install -y time" >&2; exit 2; }
python3 -c 'import aiohttp' 2>/dev/null || { echo "missing aiohttp: pip install aiohttp" >&2; exit 2; }

(cd "$ROOT" && cargo build --release -p concepts --example http_transfer --quiet)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RUST=("$TARGET/release/examples/http_transfer")
PEER=(python3 "$ROOT/crates/concepts/benches/http_transfer.py")

# run TOOL MIB: prints "down_s up_s rss_kib"
run() {
  local out
  if [ "$1" = rust ]; then
    out=$(/usr/bin/time -f '%M' -o "$WORK/time" "${RUST[@]}" "$2" "$WORK")
  else
    out=$(/usr/bin/time -f '%M' -o "$WORK/time" "${PEER[@]}" "$2" "$WORK")
  fi
  echo "$(echo "$out" | awk '{print $3, $4}') $(tail -1 "$WORK/time")"
}

printf '%-8s %6s %9s %9s %10s\n' tool MiB down_s up_s peak_MiB
for mib in $SIZES; do
  declare -A best_down=() best_up=() best_rss=()
  for _ in $(seq "$ROUNDS"); do
    for tool in rust aiohttp; do
      read -r down up rss < <(run "$tool" "$mib")
      if [ -z "${best_down[$tool]:-}" ] || awk "BEGIN{exit !($down < ${best_down[$tool]})}"; then best_down[$tool]=$down; fi
      if [ -z "${best_up[$tool]:-}" ] || awk "BEGIN{exit !($up < ${best_up[$tool]})}"; then best_up[$tool]=$up; fi
      if [ -z "${best_rss[$tool]:-}" ] || [ "$rss" -lt "${best_rss[$tool]}" ]; then best_rss[$tool]=$rss; fi
    done
  done
  for tool in rust aiohttp; do
    printf '%-8s %6s %9s %9s %10.1f\n' "$tool" "$mib" "${best_down[$tool]}" "${best_up[$tool]}" \
      "$(awk "BEGIN{print ${best_rss[$tool]} / 1024}")"
  done
  awk -v rd="${best_down[rust]}" -v pd="${best_down[aiohttp]}" -v ru="${best_up[rust]}" \
      -v pu="${best_up[aiohttp]}" -v rr="${best_rss[rust]}" -v pr="${best_rss[aiohttp]}" -v m="$mib" \
    'BEGIN{printf "ratio    %6s %8.2fx %8.2fx %9.2fx   (aiohttp / rust: >1 means rust is faster / smaller)\n", m, pd/rd, pu/ru, pr/rr}'
  unset best_down best_up best_rss
done
