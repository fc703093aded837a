#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets (Fuzz/, -sanitize=fuzzer,address) and runs each for
# FUZZ_SECONDS (default 60; FUZZ_RUNS also caps the inputs) on a seed corpus made from the golden files and fixtures. Findings
# (crash-*, leak-*, timeout-*) land in Fuzz/findings/TARGET/. Usage: scripts/fuzz.sh [TARGET…]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/Fuzz"
mkdir -p .build
ln -sfn "$root" .build/vamos
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address --build-path .build/fuzz 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -3
bin=$(swift build -c release --build-path .build/fuzz --show-bin-path)
seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:--1}  # also stop after this many inputs (-1: no limit), whichever comes first
# One input running longer than this (wall clock) is reported as a hang. On a loaded machine a
# niced fuzzer can be starved for seconds: long runs there use a larger FUZZ_TIMEOUT.
timeout=${FUZZ_TIMEOUT:-10}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-document fuzz-safetensors fuzz-config fuzz-sentencepiece)
for t in "${targets[@]}"; do
  corpus=".build/corpus/$t"
  mkdir -p "$corpus" "findings/$t"
  case $t in
    fuzz-document) find "$root/Tests/Golden" -name '*.expected' -size -64k -exec sh -c 'split -l 1 -a 4 "$1" "$2/$(basename "$1")-"' _ {} "$corpus" \; ;;
    fuzz-safetensors) find "$root/Tests/Fixtures/models" "$root/models/statquest" -name '*.safetensors' -size -256k -exec cp {} "$corpus/" \; ;;
    fuzz-config) find "$root/Tests/Fixtures/models" "$root/models" -name '*config.json' -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \;
                 find "$root/Tests/Fixtures/models" -name 'vocab.json' -size -64k -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
    fuzz-sentencepiece)  # even first byte: a line of text; odd: a model file
      export VAMOS_FUZZ_MODEL="$root/Tests/Fixtures/models/opus-en-es"
      find "$root/Tests/Golden/tokenize" -name '*.input' -exec sh -c 'n=0; while IFS= read -r l; do n=$((n+1)); printf "\000%s" "$l" > "$2/$(basename "$1")-$n"; done < "$1"' _ {} "$corpus" \;
      printf '\000let'"'"'s go' > "$corpus/letsgo"
      { printf '\001'; cat "$VAMOS_FUZZ_MODEL/source.spm"; } > "$corpus/source.spm" ;;
  esac
  echo "== $t: $seconds s"
  "$bin/$t" "$corpus" -max_total_time="$seconds" -runs="$runs" -max_len=65536 -timeout="$timeout" -rss_limit_mb=2048 \
    -artifact_prefix="findings/$t/" -print_final_stats=1 2>&1 | grep -E "^#[0-9]+ +DONE|^Done|stat::number_of_executed_units|cov:.*DONE|ERROR|SUMMARY|==ERROR" | tail -4
done
