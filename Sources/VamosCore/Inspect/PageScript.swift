/// The page's style and its one script (inline: the page needs no network). The script reads the
/// run's numbers from `#vamos-data` (PageData) and draws the neuron view (one query word at a
/// time) and the large heatmap of the model view. It is wrapped in a commented CDATA section so
/// the page stays well-formed XML and still runs as HTML.
enum PageScript {
    static let style = """
        body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1240px; color: #222; padding: 0 1em; line-height: 1.45; }
        h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; } h3 { margin-bottom: 0.3em; }
        code, td, th, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
        .explain { max-width: 52em; } .more { font-size: 0.9em; color: #555; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; margin: 0.4em 0 1em; }
        td, th { padding: 0.15em 0.6em; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
        th { background: #f4f4f4; } th.row { text-align: left; }
        .steps td, .steps th { text-align: left; white-space: normal; }
        .tokens span { display: inline-block; border: 1px solid #ccc; border-radius: 4px; padding: 0.1em 0.4em; margin: 0.1em; font-family: ui-monospace, monospace; }
        .tokens span.unknown { border-color: #d62728; background: #fde0dd; }
        .plots { display: flex; flex-wrap: wrap; gap: 0.8em; align-items: flex-start; }
        .plots svg, .large-box svg { border: 1px solid #ddd; }
        .grid { border-collapse: separate; border-spacing: 6px; } .grid td, .grid th { border: none; vertical-align: top; text-align: center; }
        svg.thumb { cursor: pointer; } svg.thumb:hover, svg.thumb.selected { outline: 2px solid #d62728; }
        .large-box { overflow-x: auto; margin: 0.5em 0 1em; }
        .neuron select { margin-right: 1em; } .neuron tr.masked td { color: #999; background: #f4f4f4; }
        .vec { color: #555; }
        details { margin: 0.3em 0; } summary { cursor: pointer; font-family: ui-monospace, monospace; font-size: 0.9em; }
        .translation { font-size: 1.3em; }
        .legend { font-size: 0.9em; color: #444; }
        .swatch { display: inline-block; width: 1.2em; height: 0.9em; vertical-align: middle; border: 1px solid #bbb; }
        """

    static let script = """
        //<![CDATA[
        (function () {
          var data = JSON.parse(document.getElementById('vamos-data').textContent);
          var A = data.attention;
          function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
          function color(v) { var t = Math.min(Math.max(v, 0), 1); function c(a, b) { return Math.round(a + (b - a) * t); }
            return 'rgb(' + c(255, 8) + ',' + c(255, 48) + ',' + c(255, 107) + ')'; }
          function fmt(v, p) { return v === null ? 'masked' : v.toFixed(p === undefined ? 3 : p); }
          function vec(xs, d) { if (!xs) return '—'; return '[' + xs.map(function (x) { return fmt(x, 2); }).join(', ') + (d > xs.length ? ', …' : '') + ']'; }
          function longest(xs) { return xs.reduce(function (m, s) { return Math.max(m, s.length); }, 0); }

          // A large heatmap of head h of attention a: queries down, keys across, the weight in each cell.
          function heatmap(a, h) {
            var Q = a.queries.length, K = a.keys.length, cell = 40, ch = 7.2;
            var left = 16 + ch * Math.max(7, longest(a.queries)), top = 24 + ch * Math.max(4, longest(a.keys));
            var w = Math.max(left + cell * K + 16, 330), H = top + cell * Q + 60, s = [];
            s.push('<svg xmlns="http://www.w3.org/2000/svg" class="large" width="' + w + '" height="' + H + '" viewBox="0 0 ' + w + ' ' + H + '">');
            s.push('<rect width="' + w + '" height="' + H + '" fill="#fff"/>');
            s.push('<text x="' + left + '" y="14" font-size="11" fill="#555">keys →</text><text x="6" y="' + (top - 6) + '" font-size="11" fill="#555">queries ↓</text>');
            a.keys.forEach(function (k, j) { var x = left + cell * (j + 0.5) + 4, y = top - 6;
              s.push('<text x="' + x + '" y="' + y + '" transform="rotate(-90 ' + x + ' ' + y + ')" font-size="12">' + esc(k) + '</text>'); });
            a.queries.forEach(function (q, i) { var y = top + cell * i;
              s.push('<text x="' + (left - 6) + '" y="' + (y + cell / 2 + 4) + '" text-anchor="end" font-size="12">' + esc(q) + '</text>');
              a.keys.forEach(function (k, j) { var v = a.pattern[h][i][j], m = a.masked && j > i, x = left + cell * j;
                s.push('<g><title>' + esc(q + ' → ' + k + ': ' + (m ? 'masked' : fmt(v, 4))) + '</title><rect x="' + x + '" y="' + y + '" width="' + cell + '" height="' + cell + '" fill="' + (m ? 'url(#masked)' : color(v)) + '" stroke="#fff"/>');
                if (!m) s.push('<text x="' + (x + cell / 2) + '" y="' + (y + cell / 2 + 4) + '" text-anchor="middle" font-size="11" fill="' + (v > 0.5 ? '#fff' : '#222') + '">' + v.toFixed(2) + '</text>');
                s.push('</g>'); }); });
            var ly = top + cell * Q + 16;
            s.push('<text x="6" y="' + (ly + 9) + '" font-size="10" fill="#444">attention weight (softmax over keys):</text>');
            for (var k = 0; k <= 10; k++) s.push('<rect x="' + (220 + 9 * k) + '" y="' + ly + '" width="9" height="10" fill="' + color(k / 10) + '"/>');
            s.push('<text x="212" y="' + (ly + 9) + '" text-anchor="end" font-size="10">0</text><text x="324" y="' + (ly + 9) + '" font-size="10">1</text>');
            if (a.masked) s.push('<rect x="6" y="' + (ly + 18) + '" width="12" height="10" fill="url(#masked)"/><text x="22" y="' + (ly + 27) + '" font-size="10" fill="#444">masked: a later position, which this query may not see</text>');
            s.push('</svg>');
            return s.join('');
          }

          // Model view: a click on a thumbnail opens that head large.
          var large = document.getElementById('mv-large'), caption = document.getElementById('mv-caption');
          function open(el) {
            var a = A[+el.getAttribute('data-index')], h = +el.getAttribute('data-head');
            document.querySelectorAll('svg.thumb.selected').forEach(function (t) { t.classList.remove('selected'); });
            el.classList.add('selected');
            large.innerHTML = heatmap(a, h);
            caption.textContent = a.kind + ', layer ' + a.layer + ', head ' + h + ' (' + a.prefix + '.hook_pattern)';
          }
          document.querySelectorAll('svg.thumb').forEach(function (t) {
            t.addEventListener('click', function () { open(t); });
            t.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(t); });
          });
          var first = document.querySelector('svg.thumb'); if (first && large) open(first);

          // Neuron view: one query word at a time, in the explainer's terms.
          var att = document.getElementById('nv-attention'), head = document.getElementById('nv-head'),
              query = document.getElementById('nv-query'), out = document.getElementById('nv-out');
          if (!att || !A.length) return;
          A.forEach(function (a, i) { att.add(new Option(a.kind + ', layer ' + a.layer, i)); });
          function fill(sel, n, label) { sel.innerHTML = ''; for (var i = 0; i < n; i++) sel.add(new Option(label(i), i)); }
          function refill() { var a = A[+att.value];
            fill(head, a.heads, function (h) { return 'head ' + h; });
            fill(query, a.queries.length, function (i) { return a.queries[i]; }); draw(); }
          function draw() {
            var a = A[+att.value], h = +head.value, i = +query.value, D = a.dHead, s = [];
            var shown = a.shown < D ? ' (the first ' + a.shown + ' of its ' + D + ' values)' : '';
            s.push('<p>Query word <b>' + esc(a.queries[i]) + '</b>: its query vector q' + shown + ' = <span class="vec">' + vec(a.q && a.q[h][i], D) + '</span></p>');
            s.push('<div class="scroll"><table id="nv-table"><tr><th>key word</th><th>key k</th><th>score = ' + esc(a.similarity) + '</th><th>weight = softmax(score)</th><th>value v</th></tr>');
            a.keys.forEach(function (k, j) {
              var sc = a.scores ? a.scores[h][i][j] : null, m = a.masked && j > i, w = a.pattern[h][i][j];
              s.push('<tr' + (m ? ' class="masked"' : '') + '><th class="row">' + esc(k) + '</th><td class="vec">' + vec(a.k && a.k[h][j], D) + '</td><td>' + (m ? 'masked' : fmt(sc, 4)) +
                '</td><td>' + (m ? '0 (masked)' : '<span class="swatch" style="background:' + color(w) + '"></span> ' + fmt(w, 4)) + '</td><td class="vec">' + vec(a.v && a.v[h][j], D) + '</td></tr>');
            });
            s.push('</table></div>');
            s.push('<p>Weighted sum of the values, z = Σ weight · v' + shown + ' = <span class="vec">' + vec(a.z && a.z[h][i], D) + '</span> — this head\\'s output for <b>' + esc(a.queries[i]) + '</b>.</p>');
            out.innerHTML = s.join('');
          }
          att.addEventListener('change', refill); head.addEventListener('change', draw); query.addEventListener('change', draw);
          refill();
        })();
        //]]>
        """
}
