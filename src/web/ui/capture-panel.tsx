// A network's live capture: the capture route's pcapng stream read as it comes, its frames listed (time, source,
// destination, protocol, summary, what the firewall did), and what was captured offered as a pcapng download.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { PcapngReader, type Frame } from './pcapng-reader.js';

/** Frames the list keeps (the newest). */
const FRAMES_SHOWN = 500;
/** Bytes kept for the download; the capture stops when they are reached. */
const MAX_KEPT_BYTES = 16 * 1024 * 1024;

function clock(micros: number): string {
  const d = new Date(micros / 1000);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(Math.floor(micros % 1_000_000)).padStart(6, '0')}`;
}

export function CapturePanel({ network }: { network: string }) {
  const [running, setRunning] = useState(false);
  const [frames, setFrames] = useState<Frame[]>([]);
  const [total, setTotal] = useState(0);
  const [note, setNote] = useState('');
  const chunks = useRef<Uint8Array[]>([]);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    chunks.current = [];
    setFrames([]);
    setTotal(0);
    setNote('');
    setRunning(true);
    const reader = new PcapngReader();
    let kept = 0;
    try {
      const res = await fetch(api.captureUrl(network), { credentials: 'same-origin', signal: controller.signal });
      if (!res.ok || !res.body) {
        const text = await res.text();
        throw new Error(
          ((JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text) || res.statusText,
        );
      }
      const body = res.body.getReader();
      for (;;) {
        const { done, value } = await body.read();
        if (done) break;
        chunks.current.push(value);
        kept += value.length;
        const got = reader.push(value);
        if (got.length) {
          setTotal((n) => n + got.length);
          setFrames((fs) => [...fs, ...got].slice(-FRAMES_SHOWN));
        }
        if (kept >= MAX_KEPT_BYTES) {
          setNote(`stopped at ${MAX_KEPT_BYTES >> 20} MiB`);
          controller.abort();
          break;
        }
      }
    } catch (e) {
      if (!controller.signal.aborted) setNote((e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob(chunks.current as BlobPart[], { type: 'application/x-pcapng' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${network}.pcapng`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  return (
    <div class="capture" data-capture={network}>
      <h4>Capture</h4>
      <p class="help">
        {running ? (
          <button
            type="button"
            class="danger"
            onClick={() => abort.current?.abort()}
            aria-label={`Stop the capture of ${network}`}
          >
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => void start()} aria-label={`Capture the frames of ${network}`}>
            Start capture
          </button>
        )}{' '}
        <button
          type="button"
          disabled={running || chunks.current.length === 0}
          onClick={download}
          aria-label={`Download the capture of ${network} (pcapng)`}
        >
          Download pcapng
        </button>{' '}
        <span role="status" data-testid="capture-status">
          {running ? 'capturing…' : ''} {total} frame{total === 1 ? '' : 's'}
          {total > frames.length ? ` (the newest ${frames.length} shown)` : ''}
          {note && ` · ${note}`}
        </span>
      </p>
      {frames.length > 0 && (
        <div class="frames">
          <table class="machines" aria-label={`Frames on ${network}`}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Source</th>
                <th scope="col">Destination</th>
                <th scope="col">Protocol</th>
                <th scope="col">Summary</th>
                <th scope="col">Firewall</th>
              </tr>
            </thead>
            <tbody>
              {frames.map((f, i) => (
                <tr key={i} class={f.comment?.startsWith('dropped') ? 'dropped' : undefined} data-frame>
                  <td class="num">{clock(f.timeMicros)}</td>
                  <td>{f.source}</td>
                  <td>{f.destination}</td>
                  <td>{f.protocol}</td>
                  <td>{f.summary}</td>
                  <td>{f.comment?.replace(/^(dropped|sent) by the firewall: /, '$1: ') ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
