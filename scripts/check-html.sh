#!/usr/bin/env bash
# make check-html: pipelines/inspect.sh's page in a real browser (headless Chromium).
# For each model: the DOM Chromium builds must hold every heatmap (one <svg class="heatmap"> per
# file in attention/) and the translation, and a screenshot must not be blank (its pixels decoded
# by scripts/png-stats.py: many colors, ink, and the heatmaps' blue). Artifacts stay in
# .build/check-html/<model>/ (index.html, dom.html, screenshot.png) to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
browser=""
for b in chromium chromium-browser google-chrome; do command -v "$b" > /dev/null && { browser=$b; break; }; done
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "check-html: installing chromium (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium > /dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium > /dev/null; }
    browser=chromium
  else
    echo "check-html: no chromium; install it: sudo apt-get install chromium" >&2; exit 1
  fi
fi
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage --run-all-compositor-stages-before-draw --virtual-time-budget=2000)
status=0
check() {  # NAME MODEL SENTENCE
  local name=$1 model=$2 sentence=$3 out=".build/check-html/$1"
  rm -rf "$out"; mkdir -p "$out"
  pipelines/inspect.sh --model "$model" "$sentence" "$out" > /dev/null
  local url="file://$PWD/$out/index.html" files heatmaps translation
  timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" > "$out/dom.html" 2> "$out/chromium.log"
  timeout 120 "$browser" "${flags[@]}" --window-size=1280,2400 --screenshot="$PWD/$out/screenshot.png" "$url" >> "$out/chromium.log" 2>&1
  files=$(ls "$out/attention" | wc -l)
  heatmaps=$(grep -o '<svg[^>]*class="heatmap"' "$out/dom.html" | wc -l)
  translation=$(grep -o '<code id="translation">[^<]*</code>' "$out/dom.html" | sed 's/<[^>]*>//g')
  echo "check-html: $name: '$sentence' → '$translation'; DOM has $heatmaps heatmaps, attention/ has $files files"
  if [ "$files" -eq 0 ] || [ "$heatmaps" -ne "$files" ]; then echo "check-html: $name: heatmaps missing from the DOM" >&2; status=1; fi
  if [ -z "$translation" ]; then echo "check-html: $name: no translation in the DOM" >&2; status=1; fi
  if [ ! -s "$out/screenshot.png" ]; then echo "check-html: $name: no screenshot" >&2; status=1; return; fi
  python3 scripts/png-stats.py "$out/screenshot.png" --min-colors 64 --min-ink 0.02 --min-blue 0.001 \
    || { echo "check-html: $name: the screenshot looks blank" >&2; status=1; }
}
check statquest models/statquest "let's go"
check demo-en-es models/demo-en-es "the red cats do not eat the small fish"
[ $status -eq 0 ] && echo "check-html: ok (screenshots in .build/check-html/*/screenshot.png)"
exit $status
