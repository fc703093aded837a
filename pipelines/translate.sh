#!/usr/bin/env bash
# Text in, text out, through all six stages:
#   tokenize | embed | posenc | encode | decode | detokenize
#
# Usage: pipelines/translate.sh [--model DIR] [SENTENCE ...]
#   With sentences as arguments, translates each; without, translates stdin line by line.
#   The stages come from .build/release beside this script, else from PATH ($VAMOS_BIN overrides).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
[ -x "$bin/tokenize" ] || bin=""
model=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) [ $# -ge 2 ] || { echo "translate.sh: --model needs a directory" >&2; exit 64; }; model=(--model "$2"); shift 2 ;;
    --model=*) model=(--model "${1#--model=}"); shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "translate.sh: unknown option $1" >&2; exit 64 ;;
    *) break ;;
  esac
done
stage() { local name=$1; shift; "${bin:+$bin/}$name" "${model[@]}" "$@"; }
input() { if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi; }
input "$@" | stage tokenize | stage embed | stage posenc | stage encode | stage decode | stage detokenize
