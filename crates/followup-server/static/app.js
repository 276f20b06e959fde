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
      var advice = f.suggestion && !(f.replacements && f.replacements.length);
      li.textContent = f.severity + ' [' + f.rule + '] ' + f.line + ':' + f.column + ' ' + f.message + (advice ? ' → ' + f.suggestion : '');
      (f.replacements || []).forEach(function (r) {
        var b = document.createElement('button'); b.type = 'button'; b.className = 'apply';
        b.dataset.start = f.start; b.dataset.end = f.end; b.dataset.value = r; b.textContent = '→ ' + r;
        li.appendChild(document.createTextNode(' ')); li.appendChild(b);
      });
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
  // A suggestion one click away: the finding's span (in characters) replaced.
  list.addEventListener('click', function (e) {
    var b = e.target.closest('button.apply'); if (!b) return;
    var chars = Array.from(text.value), start = Number(b.dataset.start), end = Number(b.dataset.end);
    if (!(start >= 0 && end >= start && end <= chars.length)) return;
    text.value = chars.slice(0, start).join('') + b.dataset.value + chars.slice(end).join('');
    clearTimeout(timer); recheck();
  });
  document.getElementById('copy').addEventListener('click', function () { navigator.clipboard.writeText(text.value); });
  // "Open in mail client" follows the text as edited (the .eml button posts it).
  var mail = document.getElementById('mailto');
  function enc(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); });
  }
  function mailto() {
    if (!mail || !mail.dataset.address) return;
    var t = text.value.replace(/\r\n/g, '\n'), subject = null, body = t;
    var m = /^subject:(.*)\n?/i.exec(t);
    if (m) {
      subject = m[1].replace(/\s+/g, ' ').trim();
      var rest = t.slice(m[0].length), blank = rest.search(/^[ \t]*$/m);
      body = blank < 0 ? '' : rest.slice(blank).replace(/^[ \t]*\n?/, '');
    }
    var url = 'mailto:' + mail.dataset.address.split('@').map(enc).join('@'), sep = '?';
    if (subject) { url += sep + 'subject=' + enc(subject); sep = '&'; }
    url += sep + 'body=' + enc(body.replace(/\s+$/, '').replace(/\n/g, '\r\n'));
    mail.href = url;
  }
  text.addEventListener('input', mailto);
  list.addEventListener('click', mailto);
  recheck();
})();
// Progressive: on New interview, an invitation chosen or dropped anywhere on the page
// is imported at once through the API; without script the form posts it.
(function () {
  var form = document.getElementById('import-form');
  if (!form) return;
  var input = document.getElementById('ics'), out = document.getElementById('import-result');
  function say(cls, lines, links) {
    out.textContent = '';
    var ul = document.createElement('ul'); ul.className = cls;
    lines.forEach(function (l, k) {
      var li = document.createElement('li'); li.textContent = l;
      if (links && links[k]) { var a = document.createElement('a'); a.href = '/applications/' + links[k]; a.textContent = 'open application #' + links[k]; li.appendChild(document.createTextNode(' · ')); li.appendChild(a); }
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  function summary(i) {
    var what = { created: 'New application', added: 'Interview added to', updated: 'Interview updated in', cancelled: 'Interview cancelled in' }[i.action] || 'Nothing to cancel for';
    return what + ' ' + i.company + ' — ' + i.role + ', ' + i.start + (i.company_source === '--company' ? '' : ' (company guessed from ' + i.company_source + ')');
  }
  function send(file) {
    var company = document.getElementById('import-company').value.trim();
    file.text().then(function (ics) {
      var body = { ics: ics }; if (company) body.company = company;
      return fetch('/api/import', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    }).then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (rj) {
        var j = rj[1];
        if (!rj[0]) { say('error', [(j.title ? j.title + ': ' : '') + (j.detail || 'the import failed')]); return; }
        say('ok', j.imported.map(summary).concat(j.notes.map(function (n) { return 'note: ' + n; })), j.imported.map(function (i) { return i.application_id; }));
      }).catch(function (e) { say('error', ['The import failed: ' + e]); });
  }
  input.addEventListener('change', function () { if (input.files.length) send(input.files[0]); });
  form.addEventListener('submit', function (e) { if (input.files.length) { e.preventDefault(); send(input.files[0]); } });
  document.addEventListener('dragover', function (e) { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', function () { document.body.classList.remove('dragging'); });
  document.addEventListener('drop', function (e) {
    e.preventDefault(); document.body.classList.remove('dragging');
    if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files[0]);
  });
})();
// Progressive: on New interview, an empty zone is the browser's own.
(function () {
  var tz = document.getElementById('tz');
  if (!tz || tz.value) return;
  try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* left empty: the server's default */ }
})();
