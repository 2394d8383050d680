// One VM's statistics pane: the samples the server sends once a second over the stats WebSocket, drawn as charts.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type StatsMessage } from './api.js';
import { duration } from './format.js';
import { LineChart } from './line-chart.js';
import { append, charts, type VmStats } from './stats-series.js';

type Status = 'connecting' | 'live' | 'ended';

interface Props {
  vm: string;
  live: boolean;
  onClose: () => void;
}

export function StatsPane({ vm, live, onClose }: Props) {
  const [history, setHistory] = useState<VmStats[]>([]);
  const [status, setStatus] = useState<Status>('connecting');
  const [notice, setNotice] = useState('');

  // One WebSocket per time the VM runs; the server samples, the page only listens.
  useEffect(() => {
    if (!live) {
      setStatus('ended');
      return;
    }
    setStatus('connecting');
    setNotice('');
    const ws = new WebSocket(api.statsUrl(vm));
    let cancelled = false;
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as StatsMessage;
      if (m.type === 'sample') {
        setHistory((h) => append(h, m.stats));
        setStatus('live');
      } else setNotice(m.message);
    };
    ws.onclose = (e) => {
      if (cancelled) return;
      setStatus('ended');
      if (e.code !== 1000) setNotice(e.reason || `the statistics closed (${e.code})`);
    };
    return () => {
      cancelled = true;
      ws.close();
    };
  }, [vm, live]);

  const shown = useMemo(() => charts(history), [history]);
  const last = history[history.length - 1];
  const label = { connecting: 'connecting…', live: 'live', ended: 'not running' }[status];
  return (
    <section
      class="stats-pane"
      data-stats={vm}
      data-status={status}
      data-samples={history.length}
      aria-label={`Statistics of ${vm}`}
    >
      <header>
        <h3>
          {vm} statistics <span class={`badge status-${status === 'live' ? 'connected' : 'closed'}`}>{label}</span>
        </h3>
        <span class="notice" role="status">
          {last &&
            `${last.harts} hart${last.harts > 1 ? 's' : ''} · ${(last.instructions / 1e9).toFixed(2)} G instructions in ${duration(last.wallMs)}${last.translator ? '' : ' · interpreter only'}`}
          {notice && ` · ${notice}`}
        </span>
        <div class="buttons">
          <button type="button" onClick={onClose} aria-label={`Close the statistics of ${vm}`}>
            Close
          </button>
        </div>
      </header>
      <div class="charts">
        {shown.map((c) => (
          <LineChart key={c.id} chart={c} />
        ))}
      </div>
    </section>
  );
}
