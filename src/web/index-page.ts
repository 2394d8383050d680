// The page at /: a placeholder until the web UI lands — the VM list, kept current over /api/events. Self-contained (no CDN).

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>typevisor</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
  table { border-collapse: collapse; }
  th, td { text-align: left; padding: 0.3em 1em 0.3em 0; border-bottom: 1px solid #ddd; }
  .state-running { color: #070; } .state-crashed { color: #b00; } .state-paused { color: #a60; }
  #status { color: #666; }
</style>
</head>
<body>
<h1>typevisor</h1>
<p id="status">connecting…</p>
<table>
  <thead><tr><th>name</th><th>state</th><th>vCPUs</th><th>memory</th><th>host RSS</th><th>uptime</th></tr></thead>
  <tbody id="vms"></tbody>
</table>
<p>The API and its OpenAPI document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<script>
const vms = new Map();
const mib = (b) => b === undefined ? '' : (b / 1048576).toFixed(0) + ' MiB';
const secs = (ms) => ms === undefined ? '' : Math.round(ms / 1000) + ' s';
function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; }
function draw() {
  const body = document.getElementById('vms');
  body.replaceChildren();
  for (const vm of [...vms.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const row = body.insertRow();
    cell(row, vm.name);
    cell(row, vm.state + (vm.reason ? ' (' + vm.reason + ')' : ''), 'state-' + vm.state);
    cell(row, String(vm.cpus ?? ''));
    cell(row, vm.memoryMiB === undefined ? '' : vm.memoryMiB + ' MiB');
    cell(row, mib(vm.rssBytes));
    cell(row, secs(vm.uptimeMs));
  }
}
async function reload() {
  const r = await fetch('/api/vms');
  if (!r.ok) throw new Error((await r.json()).error.message);
  vms.clear();
  for (const vm of (await r.json()).vms) vms.set(vm.name, vm);
  draw();
}
function connect() {
  const ws = new WebSocket('ws://' + location.host + '/api/events');
  ws.onopen = () => { document.getElementById('status').textContent = 'live'; };
  ws.onmessage = (m) => {
    const e = JSON.parse(m.data);
    if (e.event === 'list') { vms.clear(); for (const vm of e.vms) vms.set(vm.name, vm); draw(); }
    else if (e.event === 'deleted') { vms.delete(e.vm); draw(); }
    else if (e.event === 'created' || e.event === 'state') reload().catch(() => {});
  };
  ws.onclose = () => {
    document.getElementById('status').textContent = 'disconnected: reload the page (or open the URL typevisor serve printed)';
  };
}
connect();
</script>
</body>
</html>
`;
