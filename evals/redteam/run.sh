#!/usr/bin/env bash
# Red team: garak against the running support agent, as an anonymous customer and signed in
# as a store customer; then check that the store is unchanged and no other customer's data
# was said, and print garak's pass rates. `make redteam` runs it; evals/README.md explains it.
#
#   REDTEAM_PORT (8790)       the server's port; the relay listens on 8791 (rest_generator.json)
#   REDTEAM_DATA_DIR          a fresh data directory for the server (/tmp/redteam-data)
#   REDTEAM_USER              the signed-in customer (yusuf_rossi_9620)
#   REDTEAM_RUNS              which runs (anonymous signed-in)
#   REDTEAM_PROBES            garak probes instead of garak.yaml's probe_spec (e.g. malwaregen)
#   REDTEAM_TAG               appended to each report's name (e.g. -rerun)
# Reports land in /tmp/redteam-runs (garak.yaml). Exit code 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=evals/redteam
VENV=$HERE/.venv
PORT=${REDTEAM_PORT:-8790}
DATA=${REDTEAM_DATA_DIR:-/tmp/redteam-data}
OUT=/tmp/redteam-runs
USER_ID=${REDTEAM_USER:-yusuf_rossi_9620}
RUNS=${REDTEAM_RUNS:-anonymous signed-in}
TAG=${REDTEAM_TAG:-}
PROBES=()
if [ -n "${REDTEAM_PROBES:-}" ]; then PROBES=(--probes "$REDTEAM_PROBES"); fi
export PYTHONSAFEPATH=1 HF_HUB_OFFLINE=1 SUPPORTGRAPH_DATA_DIR=$DATA
if [ -n "${PIP_FIND_LINKS:-}" ]; then
  WHEELS=(--find-links "$PIP_FIND_LINKS")
else
  WHEELS=(--extra-index-url https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match)
fi

# garak lives in its own environment, never the product's.
if [ ! -f "$VENV/.installed" ] || [ "$HERE/requirements.txt" -nt "$VENV/.installed" ]; then
  test -x "$VENV/bin/python" || .venv/bin/uv venv -q --python python3 "$VENV"
  .venv/bin/uv pip sync -q --python "$VENV/bin/python" "${WHEELS[@]}" "$HERE/requirements.txt"
  touch "$VENV/.installed"
fi

# A fresh store for the server; trained models are reused from .data when they are there.
rm -rf "$DATA" && mkdir -p "$DATA" "$OUT"
if [ -d .data/models ] && [ -z "${SUPPORTGRAPH_MODELS_DIR:-}" ]; then cp -r .data/models "$DATA/"; fi
.venv/bin/supportgraph build >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
PORT=$PORT .venv/bin/supportgraph serve >"$OUT/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { echo "server did not start: $OUT/server.log"; exit 1; }

status=0
started=$(date +%s)
for run in $RUNS; do
  token="" signed_in=()
  if [ "$run" = signed-in ]; then
    token=$(.venv/bin/supportgraph token --role USER --user-id "$USER_ID" \
      | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    signed_in=(--signed-in "$USER_ID")
  fi
  .venv/bin/python $HERE/check.py snapshot "$OUT/$run$TAG.before.json"
  REDTEAM_SERVER="http://127.0.0.1:$PORT" REDTEAM_ACCESS_TOKEN=$token python3 $HERE/relay.py &
  relay=$!
  PIDS+=($relay)
  sleep 1
  (cd "$OUT" && "$OLDPWD/$VENV/bin/python" -m garak --config "$OLDPWD/$HERE/garak.yaml" \
    --generator_option_file "$OLDPWD/$HERE/rest_generator.json" "${PROBES[@]}" \
    --report_prefix "$run$TAG") >"$OUT/$run$TAG.garak.log" 2>&1
  kill "$relay"
  .venv/bin/python $HERE/check.py verify "$OUT/$run$TAG.before.json" \
    "$OUT/$run$TAG.report.jsonl" "${signed_in[@]}" --out "$OUT/$run$TAG.check.json" || status=1
done
echo "garak $("$VENV/bin/python" -c 'import garak; print(garak.__version__)'), $(( $(date +%s) - started )) s"
.venv/bin/python $HERE/check.py table $(for run in $RUNS; do echo "$OUT/$run$TAG.report.jsonl"; done)
exit $status
