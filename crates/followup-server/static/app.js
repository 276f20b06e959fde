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
    sendState(found.filter(function (f) { return f.severity === 'error'; }).length,
      found.filter(function (f) { return f.severity === 'warning'; }).length);
  }
  // The send buttons follow the live check: no sending while it reports an error.
  function sendState(errors, warnings) {
    var e = document.getElementById('send-errors'), w = document.getElementById('warning-count');
    if (e) e.hidden = errors === 0;
    if (w) w.textContent = warnings ? ' (' + warnings + ' shown)' : '';
    document.querySelectorAll('#send-now, #schedule').forEach(function (b) { b.disabled = errors > 0; });
  }
  var blocked = document.getElementById('send-errors');
  if (blocked && !blocked.hidden) document.querySelectorAll('#send-now, #schedule').forEach(function (b) { b.disabled = true; });
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
  var tz = document.getElementById('f-tz');
  if (!tz || tz.value) return;
  try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* left empty: the server's default */ }
})();
// Progressive: on New interview, "add another person" copies the last row, emptied.
(function () {
  var add = document.getElementById('add-person'), box = document.getElementById('people');
  if (!add || !box) return;
  add.hidden = false;
  add.addEventListener('click', function () {
    var rows = box.querySelectorAll('.person'), last = rows[rows.length - 1], n = rows.length;
    var row = last.cloneNode(true);
    row.setAttribute('aria-label', 'Person ' + (n + 1));
    row.removeAttribute('aria-describedby');
    row.querySelectorAll('.err').forEach(function (e) { e.remove(); });
    row.querySelectorAll('label').forEach(function (l) { l.htmlFor = l.htmlFor.replace(/^p\d+/, 'p' + n); });
    row.querySelectorAll('input, select').forEach(function (i) {
      i.id = i.id.replace(/^p\d+/, 'p' + n);
      if (i.tagName === 'SELECT') i.value = 'interviewer'; else i.value = '';
    });
    box.appendChild(row);
    row.querySelector('input').focus();
  });
})();
// Progressive: on Today, "sent at" reads the clock when the page opens and each form
// has its own fresh key. ("skip" is a form: the skip is stored, with an undo after it.)
(function () {
  var items = document.querySelectorAll('li.item');
  if (!items.length) return;
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  var d = new Date(), now = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  document.querySelectorAll('input.sent-at').forEach(function (i) { if (i.value.slice(0, 10) === now.slice(0, 10)) i.value = now; });
  document.querySelectorAll('input[name="idem"]').forEach(function (i) {
    if (window.crypto && crypto.randomUUID) i.value = crypto.randomUUID();
  });
  try { localStorage.removeItem('followup.skipped'); } catch (e) { /* private mode */ }
})();
// Progressive: on the board, drag a card onto Offer or Closed to record the outcome
// (Closed asks which); the menu on each card does the same without a mouse.
(function () {
  var board = document.querySelector('.board');
  if (!board) return;
  var csrf = board.dataset.csrf, dragged = null, dialog = document.getElementById('close-as');
  function post(id, outcome) {
    var f = document.createElement('form');
    f.method = 'post'; f.action = '/applications/' + id + '/outcome';
    [['csrf', csrf], ['outcome', outcome]].forEach(function (kv) {
      var i = document.createElement('input'); i.type = 'hidden'; i.name = kv[0]; i.value = kv[1]; f.appendChild(i);
    });
    document.body.appendChild(f); f.submit();
  }
  board.querySelectorAll('.card').forEach(function (c) {
    if (!c.querySelector('form.move')) return;
    c.draggable = true;
    c.addEventListener('dragstart', function (e) {
      dragged = c; c.classList.add('dragging'); e.dataTransfer.setData('text/plain', c.dataset.id);
      board.querySelectorAll('.column[data-outcome]').forEach(function (col) { col.classList.add('drop-ok'); });
    });
    c.addEventListener('dragend', function () {
      c.classList.remove('dragging');
      board.querySelectorAll('.column').forEach(function (col) { col.classList.remove('drop-ok', 'over'); });
    });
  });
  board.querySelectorAll('.column[data-outcome]').forEach(function (col) {
    col.addEventListener('dragover', function (e) { if (dragged) { e.preventDefault(); col.classList.add('over'); } });
    col.addEventListener('dragleave', function () { col.classList.remove('over'); });
    col.addEventListener('drop', function (e) {
      e.preventDefault(); col.classList.remove('over');
      if (!dragged) return;
      var id = dragged.dataset.id, outcome = col.dataset.outcome; dragged = null;
      if (outcome !== 'closed') { post(id, outcome); return; }
      if (!dialog || !dialog.showModal) { post(id, 'rejected'); return; }
      dialog.returnValue = '';
      dialog.onclose = function () { if (dialog.returnValue) post(id, dialog.returnValue); };
      dialog.showModal();
    });
  });
})();
