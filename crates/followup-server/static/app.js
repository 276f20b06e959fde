// Progressive: the draft page re-checks the text as it changes and highlights spans.
(function () {
  var box = document.querySelector('.draft');
  if (!box) return;
  var text = document.getElementById('text'), list = document.getElementById('diagnostics'), marked = document.getElementById('marked');
  function show(found) {
    list.textContent = '';
    if (!found.length) { var ok = document.createElement('li'); ok.textContent = 'No findings.'; list.appendChild(ok); }
    found.forEach(function (f) {
      var li = document.createElement('li'); li.className = f.severity;
      li.textContent = f.severity + ' [' + f.rule + '] ' + f.line + ':' + f.column + ' ' + f.message + (f.suggestion ? ' → ' + f.suggestion : '');
      list.appendChild(li);
    });
    var chars = Array.from(text.value), pos = 0; marked.textContent = '';
    found.slice().sort(function (a, b) { return a.start - b.start; }).forEach(function (f) {
      if (f.start < pos) return;
      marked.appendChild(document.createTextNode(chars.slice(pos, f.start).join('')));
      var m = document.createElement('mark'); m.className = f.severity; m.title = f.message;
      m.textContent = chars.slice(f.start, Math.max(f.end, f.start + 1)).join(''); marked.appendChild(m); pos = Math.max(f.end, f.start + 1);
    });
    marked.appendChild(document.createTextNode(chars.slice(pos).join('')));
  }
  var timer;
  function recheck() {
    fetch('/api/check', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: text.value, application: Number(box.dataset.application), kind: box.dataset.kind, to: box.dataset.to }) })
      .then(function (r) { return r.json(); }).then(function (j) { if (j.diagnostics) show(j.diagnostics); });
  }
  text.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(recheck, 300); });
  document.getElementById('copy').addEventListener('click', function () { navigator.clipboard.writeText(text.value); });
  recheck();
})();
