#!/usr/bin/env bash
# Runs every stage and keeps each intermediate document as a file:
#   DIR/1-tokenize.jsonl  DIR/2-embed.jsonl  DIR/3-posenc.jsonl
#   DIR/4-encode.jsonl    DIR/5-decode.jsonl DIR/6-detokenize.txt
#
# Usage: pipelines/dump.sh [--model DIR] [--trace] OUTDIR [SENTENCE ...]
#   Sentences as arguments, or stdin line by line. --trace asks posenc, encode and decode for
#   their internals. The translation is also printed on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
[ -x "$bin/tokenize" ] || bin=""
model=(); trace=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) [ $# -ge 2 ] || { echo "dump.sh: --model needs a directory" >&2; exit 64; }; model=(--model "$2"); shift 2 ;;
    --model=*) model=(--model "${1#--model=}"); shift ;;
    --trace) trace=(--trace); shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "dump.sh: unknown option $1" >&2; exit 64 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "dump.sh: usage: dump.sh [--model DIR] [--trace] OUTDIR [SENTENCE ...]" >&2; exit 64; }
out=$1; shift
mkdir -p "$out"
stage() { local name=$1; shift; "${bin:+$bin/}$name" "${model[@]}" "$@"; }
input() { if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi; }
input "$@" \
  | stage tokenize | tee "$out/1-tokenize.jsonl" \
  | stage embed | tee "$out/2-embed.jsonl" \
  | stage posenc --keep "${trace[@]}" | tee "$out/3-posenc.jsonl" \
  | stage encode --keep "${trace[@]}" | tee "$out/4-encode.jsonl" \
  | stage decode --keep "${trace[@]}" | tee "$out/5-decode.jsonl" \
  | stage detokenize | tee "$out/6-detokenize.txt"
