#!/usr/bin/env bash
# Trains the explainer's model, exactly: d_model 2, one encoder and one decoder layer, one head, no
# layer norm, no feed-forward block, no Q/K/V biases, residual connections, sinusoidal positions,
# the decoder starting from <EOS>; trained by backpropagation on  let's go → vamos  and  to go → ir.
# Inputs: data/statquest/ (corpus, vocabularies, architecture). Output: models/statquest/.
# Usage: pipelines/train-statquest.sh [OUTDIR]     (takes well under a second)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
out=${1:-$here/models/statquest}
data=$here/data/statquest
# train replaces a model directory only when it holds nothing but a model: take back the README
# this script put there last time (and only that one).
if [ -f "$out/README.md" ] && cmp -s "$data/README.md" "$out/README.md"; then rm "$out/README.md"; fi
"$bin/train" --corpus "$data/corpus.tsv" --config "$data/architecture.json" \
  --source-vocab "$data/vocab.json" --target-vocab "$data/target_vocab.json" \
  --out "$out" --steps 300 --batch-size 2 --lr 0.05 --warmup 10 --seed 1 --quiet
cp "$data/README.md" "$out/README.md"
for s in "let's go" "to go"; do
  printf '%s → %s\n' "$s" "$(echo "$s" | "$here/pipelines/translate.sh" --model "$out")" >&2
done
