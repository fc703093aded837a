#!/usr/bin/env bash
# Trains models/demo-en-es, the bundled model that translates real (synthetic-grammar) sentences:
#   1. regenerates the corpus (data/demo-en-es/generate.py: deterministic, stdlib Python),
#   2. trains (checkpoints every 500 steps; rerun with --resume to continue an interrupted run),
#   3. evaluates on the held-out test set: exact match (also per construction) and BLEU.
# Usage: pipelines/train-demo.sh [--resume] [OUTDIR]
# Checkpoints go to $VAMOS_CHECKPOINTS (default .checkpoints/demo-en-es, not committed).
# The run is timed with /usr/bin/time -v; the log goes to OUTDIR/train.log, the scores to
# OUTDIR/evaluation.json.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
resume=()
if [ "${1:-}" = "--resume" ]; then resume=(--resume); shift; fi
out=${1:-$here/models/demo-en-es}
data=$here/data/demo-en-es
ckpt=${VAMOS_CHECKPOINTS:-$here/.checkpoints/demo-en-es}
mkdir -p "$ckpt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$data/generate.py" --out "$work" > "$work/generate.log"
cmp -s "$work/train.tsv" "$data/train.tsv" || { echo "train-demo.sh: the generator no longer makes data/demo-en-es/train.tsv" >&2; exit 1; }
cmp -s "$work/test.tsv" "$data/test.tsv" || { echo "train-demo.sh: the generator no longer makes data/demo-en-es/test.tsv" >&2; exit 1; }
# train replaces a model directory only when it holds nothing but a model: take back the files this
# script adds beside the model (it writes them again below).
for f in evaluation.json train.log steps.jsonl README.md; do rm -f "$out/$f"; done
/usr/bin/time -v "$bin/train" --corpus "$data/train.tsv" --config "$data/architecture.json" --out "$out" \
  --steps 2500 --batch-size 64 --lr 1e-3 --warmup 300 --label-smoothing 0.1 --clip 1 --seed 1 --threads 2 \
  --checkpoint-every 500 --checkpoint-dir "$ckpt" --log "$ckpt/steps.jsonl" \
  --dev "$data/test.tsv" "${resume[@]}" > "$work/evaluation.json" 2> "$work/train.log"
cp "$work/evaluation.json" "$work/train.log" "$ckpt/steps.jsonl" "$out/"
cp "$data/MODEL_README.md" "$out/README.md"
cat "$out/evaluation.json"
