#!/usr/bin/env bash
# Looks inside one translation: runs every stage with --trace, keeps each stage's document,
# renders the attention heatmaps and writes OUTDIR/index.html (open it in a browser):
#   OUTDIR/1-tokenize.jsonl … OUTDIR/5-decode.jsonl   each stage's document
#   OUTDIR/6-detokenize.jsonl, 6-detokenize.txt       the translation (document, text)
#   OUTDIR/7-attribute.jsonl                           with --attribute: the attributions
#   OUTDIR/attention/*.svg                             one heatmap per layer and head (and attribution)
#   OUTDIR/index.html                                  the page: the explainer's steps drawn from this run
#
# Usage: pipelines/inspect.sh [--model DIR] [--force "TRANSLATION"] [--attribute] "SENTENCE" OUTDIR
#   --force scores the given translation (decode --force) instead of generating one.
#   --attribute adds `attribute` (saliency, input x gradient, integrated gradients; a backward pass
#   per target word, 50 of them per word for integrated gradients: seconds on small models).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
[ -x "$bin/tokenize" ] || bin=""
model=(); force=(); attribute=0
usage() { echo "inspect.sh: usage: inspect.sh [--model DIR] [--force TRANSLATION] [--attribute] SENTENCE OUTDIR" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --model) [ $# -ge 2 ] || usage; model=(--model "$2"); shift 2 ;;
    --model=*) model=(--model "${1#--model=}"); shift ;;
    --force) [ $# -ge 2 ] || usage; force=(--force "$2"); shift 2 ;;
    --force=*) force=(--force "${1#--force=}"); shift ;;
    --attribute) attribute=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "inspect.sh: unknown option $1" >&2; exit 64 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || usage
sentence=$1; out=$2
mkdir -p "$out"
rm -rf "$out/attention" "$out/7-attribute.jsonl"
run() { local name=$1; shift; "${bin:+$bin/}$name" "$@"; }
stage() { local name=$1; shift; run "$name" "${model[@]}" "$@"; }
printf '%s\n' "$sentence" \
  | stage tokenize | tee "$out/1-tokenize.jsonl" \
  | stage embed | tee "$out/2-embed.jsonl" \
  | stage posenc --keep --trace | tee "$out/3-posenc.jsonl" \
  | stage encode --keep --trace | tee "$out/4-encode.jsonl" \
  | stage decode --keep --trace "${force[@]}" | tee "$out/5-decode.jsonl" \
  | stage detokenize --json > "$out/6-detokenize.jsonl"
stage detokenize < "$out/5-decode.jsonl" > "$out/6-detokenize.txt"
traced="$out/5-decode.jsonl"
if [ "$attribute" = 1 ]; then
  stage attribute < "$out/5-decode.jsonl" > "$out/7-attribute.jsonl"
  traced="$out/7-attribute.jsonl"
fi
run tensor attention --out "$out/attention" "$traced" > /dev/null
walkthrough=$(realpath --relative-to="$out" "$here/docs/walkthrough.md" 2>/dev/null || echo "$here/docs/walkthrough.md")
run tensor html --out "$out/index.html" --attention-dir attention --walkthrough "$walkthrough" "$out"/[1-7]-*.jsonl > /dev/null
echo "$(cat "$out/6-detokenize.txt")  →  $out/index.html ($(ls "$out/attention" | wc -l) heatmaps)"
