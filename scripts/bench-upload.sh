#!/usr/bin/env bash
# Upload memory: the fetcher client's peak RSS sending one large file (default 512 MiB) with
# --data-binary @FILE and -F f=@FILE (multipart), against `fetcher serve`'s /discard (which
# reads and drops the body), beside curl sending the same file: `curl -T` (streams it) and
# `curl --data-binary @FILE` (reads it whole first). The fetcher's peak should not depend
# on the file's size.
#
#   scripts/bench-upload.sh             # 512 MiB
#   SIZE_MB=2048 scripts/bench-upload.sh
#
# Needs: curl, GNU time (apt-get install -y time). Builds fetcher (dev profile: memory, not
# speed, is measured here).
set -euo pipefail

SIZE_MB=${SIZE_MB:-512}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
for tool in curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see the header of $0)" >&2; exit 2; }
done
(cd "$ROOT" && cargo build -p fetcher --quiet)
FETCHER="${CARGO_TARGET_DIR:-$ROOT/target}/debug/fetcher"

head -c "$((SIZE_MB * 1024 * 1024))" /dev/zero > "$WORK/big"
"$FETCHER" serve --addr 127.0.0.1:0 > "$WORK/serve.out" 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q Serving "$WORK/serve.out" && break; sleep 0.1; done
URL="$(sed -n 's/^Serving on //p' "$WORK/serve.out")/discard"

peak() { # label command...: runs it, prints its peak RSS in MiB
  local label=$1; shift
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" > "$WORK/out" 2>/dev/null
  printf '%-34s %8.1f MiB\n' "$label" "$(awk '{print $1 / 1024}' "$WORK/rss")"
}
echo "upload of $SIZE_MB MiB to $URL"
peak "fetcher --data-binary @FILE" "$FETCHER" -q --proxy '' --data-binary "@$WORK/big" <<< "$URL"
grep -q "\"status\":200" "$WORK/out" || { echo "fetcher upload failed: $(cat "$WORK/out")" >&2; exit 1; }
peak "fetcher -F f=@FILE (multipart)" "$FETCHER" -q --proxy '' -F "f=@$WORK/big" <<< "$URL"
peak "curl -T FILE (streams)" curl -sS -X POST -T "$WORK/big" --noproxy '*' "$URL"
peak "curl --data-binary @FILE" curl -sS --data-binary "@$WORK/big" --noproxy '*' "$URL"
