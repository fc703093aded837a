#!/usr/bin/env bash
# Makes the golden inputs: for each fixture model, the sentences of its PyTorch reference
# (Tests/Fixtures/reference/<model>.json) and what the stage before each stage writes for them.
# Run from the repository root after `make build`; then `make golden` writes the expected outputs.
# Inputs only change when cases are added: review the diff.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=.build/release
for m in tiny marian prenorm plain; do
  model=(--model "Tests/Fixtures/models/$m")
  python3 -c "import json,sys; [print(c['text']) for c in json.load(open('Tests/Fixtures/reference/$m.json'))['cases']]" \
    > "Tests/Golden/tokenize/$m.input"
  $B/tokenize "${model[@]}" < "Tests/Golden/tokenize/$m.input" > "Tests/Golden/embed/$m.input"
  $B/embed "${model[@]}" < "Tests/Golden/embed/$m.input" > "Tests/Golden/posenc/$m.input"
  $B/posenc "${model[@]}" < "Tests/Golden/posenc/$m.input" > "Tests/Golden/encode/$m.input"
  $B/encode "${model[@]}" < "Tests/Golden/encode/$m.input" > "Tests/Golden/decode/$m.input"
  $B/decode "${model[@]}" < "Tests/Golden/decode/$m.input" > "Tests/Golden/detokenize/$m.input"
  for s in tokenize embed posenc encode decode detokenize; do
    args="--model Tests/Fixtures/models/$m"
    case "$s:$m" in
      posenc:*|encode:tiny|encode:prenorm|decode:tiny|decode:plain) args="$args --trace" ;;
    esac
    [ "$s:$m" = "detokenize:marian" ] && args="$args --json"
    echo "$args" > "Tests/Golden/$s/$m.args"
  done
done
