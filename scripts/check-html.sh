#!/usr/bin/env bash
# make check-html: pipelines/inspect.sh's page in a real browser (headless Chromium).
# For each model: the DOM Chromium builds must hold every heatmap (one <svg class="heatmap"> per
# file in attention/) and the translation, the page's script must have drawn the neuron view and
# opened a head of the model view, the page must not scroll sideways in a 1400 px window, be at
# most 1.5 MB and hold no mask value, and a screenshot must not be blank (its pixels decoded
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
check() {  # NAME MODEL SENTENCE [inspect.sh options…]
  local name=$1 model=$2 sentence=$3 out=".build/check-html/$1"
  shift 3
  rm -rf "$out"; mkdir -p "$out"
  pipelines/inspect.sh --model "$model" "$@" "$sentence" "$out" > /dev/null
  local url="file://$PWD/$out/index.html" files heatmaps translation
  # A copy of the page with a probe that records, once the page's script has run in a 1400 px wide
  # window, how wide the document is and what the script drew.
  # Then every attention of the neuron view is chosen and every thumbnail clicked: each must draw.
  cat > "$out/probe.js" <<'JS'
var probe = "scroll-width=" + document.documentElement.scrollWidth + " neuron-rows=" + document.querySelectorAll("#nv-table tr").length +
  " large-cells=" + document.querySelectorAll("#mv-large svg rect").length;
var att = document.getElementById("nv-attention"), drawn = 0, opened = 0, thumbs = document.querySelectorAll("svg.thumb");
for (var i = 0; att && i < att.options.length; i++) {
  att.value = String(i); att.dispatchEvent(new Event("change"));
  if (document.querySelectorAll("#nv-table tr").length > 1) drawn++;
}
thumbs.forEach(function (t) { t.dispatchEvent(new MouseEvent("click")); if (document.querySelectorAll("#mv-large svg rect").length > 1) opened++; });
document.body.setAttribute("data-probe", probe + " attentions-drawn=" + drawn + "/" + (att ? att.options.length : 0) + " heads-opened=" + opened + "/" + thumbs.length);
JS
  sed 's|</body>|<script src="probe.js"></script></body>|' "$out/index.html" > "$out/probe.html"
  timeout 120 "$browser" "${flags[@]}" --window-size=1400,900 --dump-dom "file://$PWD/$out/probe.html" > "$out/dom.html" 2> "$out/chromium.log"
  timeout 120 "$browser" "${flags[@]}" --window-size=1400,2400 --screenshot="$PWD/$out/screenshot.png" "$url" >> "$out/chromium.log" 2>&1
  files=$(ls "$out/attention" | grep -vc '^attributions\.' || true)
  heatmaps=$(grep -o '<svg[^>]*class="heatmap thumb[^"]*"' "$out/dom.html" | wc -l)
  local afiles amaps
  afiles=$(ls "$out/attention" | grep -c '^attributions\.' || true)
  amaps=$( (grep -o '<svg[^>]*class="heatmap" data-tensor="attributions\.[^"]*"' "$out/dom.html" || true) | wc -l)
  if [ "$afiles" -ne "$amaps" ]; then echo "check-html: $name: $afiles attribution files but $amaps attribution heatmaps in the DOM" >&2; status=1; fi
  [ "$afiles" -eq 0 ] || echo "check-html: $name: $amaps attribution heatmaps"
  translation=$(grep -o '<code id="translation">[^<]*</code>' "$out/dom.html" | sed 's/<[^>]*>//g')
  echo "check-html: $name: '$sentence' → '$translation'; DOM has $heatmaps heatmaps, attention/ has $files files"
  if [ "$files" -eq 0 ] || [ "$heatmaps" -ne "$files" ]; then echo "check-html: $name: heatmaps missing from the DOM" >&2; status=1; fi
  if [ -z "$translation" ]; then echo "check-html: $name: no translation in the DOM" >&2; status=1; fi
  local probe width rows cells bytes
  probe=$(grep -o 'data-probe="[^"]*"' "$out/dom.html" | head -1)
  width=$(echo "$probe" | sed -n 's/.*scroll-width=\([0-9]*\).*/\1/p'); rows=$(echo "$probe" | sed -n 's/.*neuron-rows=\([0-9]*\).*/\1/p')
  cells=$(echo "$probe" | sed -n 's/.*large-cells=\([0-9]*\).*/\1/p')
  bytes=$(cat "$out/index.html" | wc -c)
  echo "check-html: $name: at 1400 px the page is ${width:-?} px wide; neuron view ${rows:-?} rows; large heatmap ${cells:-?} rects; index.html $bytes bytes"
  if [ -z "$width" ] || [ "$width" -gt 1400 ]; then echo "check-html: $name: the page scrolls sideways at 1400 px" >&2; status=1; fi
  if [ -z "$rows" ] || [ "$rows" -lt 2 ]; then echo "check-html: $name: the neuron view drew nothing" >&2; status=1; fi
  if [ -z "$cells" ] || [ "$cells" -lt 2 ]; then echo "check-html: $name: the model view opened no head" >&2; status=1; fi
  local drawn opened
  drawn=$(echo "$probe" | sed -n 's/.*attentions-drawn=\([0-9]*\/[0-9]*\).*/\1/p'); opened=$(echo "$probe" | sed -n 's/.*heads-opened=\([0-9]*\/[0-9]*\).*/\1/p')
  echo "check-html: $name: neuron view drew ${drawn:-?} attentions; the model view opened ${opened:-?} heads"
  if [ -z "$drawn" ] || [ "${drawn%/*}" != "${drawn#*/}" ] || [ "${drawn%/*}" = 0 ]; then echo "check-html: $name: an attention of the neuron view did not draw" >&2; status=1; fi
  if [ -z "$opened" ] || [ "${opened%/*}" != "${opened#*/}" ]; then echo "check-html: $name: a head did not open" >&2; status=1; fi
  if [ "$bytes" -gt 1572864 ]; then echo "check-html: $name: index.html is over 1.5 MB" >&2; status=1; fi
  if grep -q 'e+38' "$out/index.html"; then echo "check-html: $name: the mask value is in the page" >&2; status=1; fi
  if [ ! -s "$out/screenshot.png" ]; then echo "check-html: $name: no screenshot" >&2; status=1; return; fi
  python3 scripts/png-stats.py "$out/screenshot.png" --min-colors 64 --min-ink 0.02 --min-blue 0.001 \
    || { echo "check-html: $name: the screenshot looks blank" >&2; status=1; }
}
check statquest models/statquest "let's go"
check demo-en-es models/demo-en-es "the red cats do not eat the small fish"
check opus-en-es Tests/Fixtures/models/opus-en-es "the big cat sees a fish" --attribute
[ $status -eq 0 ] && echo "check-html: ok (screenshots in .build/check-html/*/screenshot.png)"
exit $status
