// Host memory for a save's copy of RAM, mapped before the machine pauses: a worker thread writes to every page of
// shared buffers while the guest runs on, so that the copy inside the pause does not fault each page in (on a busy
// host that costs seconds per hundred MiB, ten times the copy itself).
import { Worker } from 'node:worker_threads';

const TOUCH = `
const { parentPort, workerData } = require('node:worker_threads');
for (const b of workerData) { const u = new Uint8Array(b); for (let i = 0; i < u.length; i += 4096) u[i] = 0; }
parentPort.postMessage(0);
`;

/** `bytes` of host memory in buffers of at most `chunk` bytes, every page mapped. */
export async function prefaultedBuffers(bytes: number, chunk: number): Promise<Buffer[]> {
  const shared: SharedArrayBuffer[] = [];
  for (let left = bytes; left > 0; left -= chunk) shared.push(new SharedArrayBuffer(Math.min(chunk, left)));
  if (shared.length)
    await new Promise((resolve, reject) => {
      const w = new Worker(TOUCH, { eval: true, workerData: shared });
      w.once('message', resolve);
      w.once('error', reject);
    });
  return shared.map((b) => Buffer.from(b));
}
