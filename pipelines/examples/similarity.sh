#!/usr/bin/env bash
# The same sentence with dot, scaled-dot and cosine similarity: writes a temporary copy of the
# model directory per similarity (only "similarity" in config.json changed, the weights shared),
# runs the pipeline with --trace, and prints the attention patterns side by side with `tensor show`,
# then each translation and its first step's candidates.
#
# Usage: pipelines/examples/similarity.sh [--model DIR] [SENTENCE]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
[ -x "$bin/tokenize" ] && export PATH="$bin:$PATH"
model=$here/models/statquest
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
sentence=${1:-"let's go"}
# Files as columns, each padded to its widest line.
side_by_side() {
  awk 'FNR == 1 { f++ } { line[f, FNR] = $0; if (FNR > rows) rows = FNR; if (length($0) > w[f]) w[f] = length($0) }
       END { for (r = 1; r <= rows; r++) { s = ""; for (i = 1; i <= f; i++) s = s sprintf("%-*s", w[i] + 4, line[i, r]); sub(/ +$/, "", s); print s } }' "$@"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sims=(dot scaled_dot cosine)
name=$(basename "$model")
for sim in "${sims[@]}"; do
  dir="$tmp/$sim/$name"; mkdir -p "$dir"
  for f in "$model"/*; do ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$dir/"; done
  rm "$dir/config.json"
  python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["similarity"] = sys.argv[2]; json.dump(c, open(sys.argv[3], "w"), indent=2)' \
    "$model/config.json" "$sim" "$dir/config.json"
  m=(--model "$dir")
  printf '%s\n' "$sentence" | tokenize "${m[@]}" | embed "${m[@]}" | posenc "${m[@]}" | encode "${m[@]}" --trace \
    | decode "${m[@]}" --trace > "$tmp/$sim.jsonl"
done
echo "\"$sentence\" with model $name: attention weights by similarity (${sims[*]})"
for t in $(tensor list "$tmp/dot.jsonl" | awk '/hook_pattern/ {print $1}'); do
  echo; echo "$t"
  for sim in "${sims[@]}"; do
    { echo "== $sim"; tensor show --precision 3 "$tmp/$sim.jsonl" "$t" | tail -n +2; } > "$tmp/$sim.txt"
  done
  files=(); for sim in "${sims[@]}"; do files+=("$tmp/$sim.txt"); done
  side_by_side "${files[@]}"
done
echo
for sim in "${sims[@]}"; do
  printf '%-11s → %-14s step 1: %s\n' "$sim" "$(detokenize --model "$tmp/$sim/$name" < "$tmp/$sim.jsonl")" \
    "$(tensor steps "$tmp/$sim.jsonl" | head -1 | sed 's/^step 1: //')"
done
