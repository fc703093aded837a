#!/usr/bin/env bash
# What positions do to translations: each sentence through the model's own posenc, then through
# pipelines/examples/posenc.py --scheme SCHEME (default none: no position values at all), the rest
# of the pipeline unchanged (the decoder keeps its own positions). Prints, per sentence, both
# translations and the first step's candidates. Without positions the encoder cannot tell word
# order: a sentence and its words reversed get the same probabilities (see README.md).
#
# Usage: pipelines/examples/positional.sh [--model DIR] [--scheme none|sinusoidal_interleaved|sinusoidal_halves|learned] [SENTENCE ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VAMOS_BIN:-$here/.build/release}
[ -x "$bin/tokenize" ] && export PATH="$bin:$PATH"
model=$here/models/statquest; scheme=none
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --scheme) scheme=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- "let's go" "go let's" "to go" "go to"
m=(--model "$model")
posenc_swift() { posenc "${m[@]}"; }
posenc_variant() { python3 "$here/pipelines/examples/posenc.py" "${m[@]}" --scheme "$scheme"; }
run() {  # POSENC SENTENCE → the decode --trace document
  printf '%s\n' "$2" | tokenize "${m[@]}" | embed "${m[@]}" | $1 | encode "${m[@]}" --keep | decode "${m[@]}" --trace --keep
}
echo "model $(basename "$model"): its own positions vs. posenc.py --scheme $scheme"
for s in "$@"; do
  a=$(run posenc_swift "$s"); b=$(run posenc_variant "$s")
  printf '%-12s own: %-12s %s: %-12s\n' "$s" "$(detokenize "${m[@]}" <<< "$a")" "$scheme" "$(detokenize "${m[@]}" <<< "$b")"
  printf '    own    step 1: %s\n' "$(tensor steps <<< "$a" | head -1 | sed 's/^step 1: //')"
  printf '    %-6s step 1: %s\n' "$scheme" "$(tensor steps <<< "$b" | head -1 | sed 's/^step 1: //')"
done
