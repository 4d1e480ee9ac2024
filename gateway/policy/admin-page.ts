// The legal team's page: static HTML and vanilla JS over /admin/v1/policies; the token is pasted in and
// kept only in this tab's sessionStorage. Everything the API returns is rendered as text, never as HTML.
export const policiesPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>termsgate · policies</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; max-width: 70rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; }
textarea { width: 100%; height: 22rem; font: 12px/1.35 ui-monospace, monospace; }
pre { background: #f5f5f5; padding: .5rem; white-space: pre-wrap; max-height: 20rem; overflow: auto; }
.ok { color: #060; } .fail { color: #b00; } button { margin-right: .4rem; }
</style>
</head>
<body>
<h1>termsgate policies</h1>
<p><label>Control-plane token <input id="token" type="password" size="40" autocomplete="off"></label>
<button id="load">Load</button> <span id="msg" role="status"></span></p>

<h2>Active revision</h2>
<p>Revision <code id="active">–</code> (<span id="active-source"></span>, since <span id="active-at"></span>)</p>
<p>Last refused change: <span id="last-error">none</span></p>

<h2>History</h2>
<table><thead><tr><th>revision</th><th>source</th><th>activated</th><th></th></tr></thead><tbody id="history"></tbody></table>

<h2>Edit, stage, dry-run, activate</h2>
<p><label>File <select id="file"></select></label></p>
<textarea id="editor" spellcheck="false"></textarea>
<p><button id="stage">1. Stage</button><button id="validate" disabled>2. Validate</button><button id="dryrun" disabled>3. Dry run</button><button id="activate" disabled>4. Activate</button>
Candidate <code id="candidate">–</code></p>
<pre id="output"></pre>

<script>
const $ = (id) => document.getElementById(id);
const api = '/admin/v1/policies';
let sources = {}; const edited = {}; let candidate = null;
$('token').value = sessionStorage.getItem('termsgate-token') || '';

async function call(method, path, body) {
  sessionStorage.setItem('termsgate-token', $('token').value);
  const res = await fetch(api + path, {
    method, headers: { authorization: 'Bearer ' + $('token').value, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok && res.status !== 422) throw new Error((data.error && data.error.message) || res.statusText);
  return { status: res.status, data };
}
function say(text, cls) { $('msg').textContent = text; $('msg').className = cls || ''; }
function show(obj) { $('output').textContent = typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2); }

async function load() {
  try {
    const { data } = await call('GET', '');
    $('active').textContent = data.active.revision;
    $('active-source').textContent = data.active.source;
    $('active-at').textContent = data.active.activated_at;
    $('last-error').textContent = data.last_error ? data.last_error.time + ' ' + data.last_error.step + ': ' + data.last_error.message : 'none';
    const tbody = $('history'); tbody.replaceChildren();
    data.history.forEach((h, i) => {
      const tr = document.createElement('tr');
      for (const v of [h.revision, h.source, h.activated_at]) { const td = document.createElement('td'); td.textContent = v; tr.append(td); }
      const td = document.createElement('td');
      if (h.revision !== data.active.revision) {
        const b = document.createElement('button'); b.textContent = 'Roll back to this'; b.dataset.revision = h.revision;
        b.onclick = () => rollback(h.revision); td.append(b);
      }
      tr.append(td); tbody.append(tr);
    });
    const src = await call('GET', '/revisions/' + encodeURIComponent(data.active.revision) + '/sources').catch(() => null);
    sources = {}; if (src) for (const f of src.data.files) sources[f.path] = f.content;
    const sel = $('file'); const keep = sel.value; sel.replaceChildren();
    for (const p of Object.keys(sources)) { const o = document.createElement('option'); o.value = p; o.textContent = p; sel.append(o); }
    if (keep && sources[keep] !== undefined) sel.value = keep;
    pick();
    say('loaded', 'ok');
  } catch (e) { say(e.message, 'fail'); }
}
function pick() { const p = $('file').value; $('editor').value = edited[p] ?? sources[p] ?? ''; }
$('file').onchange = pick;
$('editor').oninput = () => { edited[$('file').value] = $('editor').value; };

async function stage() {
  try {
    const { status, data } = await call('POST', '/stage', { files: edited, base: 'active' });
    if (status !== 200) { show(data); return say('stage refused', 'fail'); }
    candidate = data.candidate; $('candidate').textContent = candidate;
    $('validate').disabled = false; $('dryrun').disabled = true; $('activate').disabled = true;
    show(data); say('staged', 'ok');
  } catch (e) { say(e.message, 'fail'); }
}
async function validate() {
  try {
    const { data } = await call('POST', '/validate', { candidate });
    show(data.steps.map((s) => (s.ok ? 'ok   ' : 'FAIL ') + s.step + '\\n' + s.output).join('\\n\\n') || 'already built');
    $('dryrun').disabled = !data.ok; $('activate').disabled = !data.ok;
    say(data.ok ? 'valid' : 'refused: fix and stage again', data.ok ? 'ok' : 'fail');
  } catch (e) { say(e.message, 'fail'); }
}
async function dryrun() {
  try {
    const { data } = await call('POST', '/dry-run', { candidate, last: 1000 });
    show(data); say(data.changed + ' of ' + data.examined + ' recent decisions would change', 'ok');
  } catch (e) { say(e.message, 'fail'); }
}
async function activate() {
  try {
    const { data } = await call('POST', '/activate', { revision: candidate });
    show(data); say(data.ok ? 'activated ' + data.revision : 'refused', data.ok ? 'ok' : 'fail');
    for (const k of Object.keys(edited)) delete edited[k];
    await load();
  } catch (e) { say(e.message, 'fail'); }
}
async function rollback(revision) {
  try {
    const { data } = await call('POST', '/rollback', { revision });
    show(data); await load(); say(data.ok ? 'rolled back to ' + revision : 'refused', data.ok ? 'ok' : 'fail');
  } catch (e) { say(e.message, 'fail'); }
}
$('load').onclick = load; $('stage').onclick = stage; $('validate').onclick = validate; $('dryrun').onclick = dryrun; $('activate').onclick = activate;
if ($('token').value) load();
</script>
</body>
</html>
`;
