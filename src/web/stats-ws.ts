// The statistics WebSocket: the server asks the VM process for its `stats` once a second and sends each answer on.
import type { WebSocket } from 'ws';

/** How often the VM process is asked. */
export const STATS_INTERVAL_MS = 1000;
/** A browser that has not read this much is sent no more samples until it catches up (samples are a few KiB). */
const HIGH_WATER = 256 * 1024;

/**
 * Sends `{"type":"sample"}` with each answer of `sample` until the socket closes; when the VM stops answering (its
 * process ended) sends `{"type":"end"}` with the reason and closes. One call at a time: a slow answer delays the
 * next sample rather than piling calls up.
 */
export function streamStats(ws: WebSocket, vm: string, sample: () => Promise<unknown>, intervalMs = STATS_INTERVAL_MS) {
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    let stats: unknown;
    try {
      stats = await sample();
    } catch (e) {
      if (closed) return;
      ws.send(JSON.stringify({ type: 'end', vm, message: (e as Error).message }));
      return ws.close(1000, 'the VM stopped');
    }
    if (closed) return;
    if (ws.bufferedAmount < HIGH_WATER)
      ws.send(JSON.stringify({ type: 'sample', vm, at: new Date().toISOString(), stats }));
    timer = setTimeout(() => void tick(), intervalMs);
  };
  const stop = () => {
    closed = true;
    clearTimeout(timer);
  };
  ws.on('close', stop);
  ws.on('error', stop);
  void tick();
}
