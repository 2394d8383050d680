// Worker-thread side of a hart running in parallel: one hart, its soft TLB and its translator over the shared guest memory.
import { parentPort, workerData } from 'node:worker_threads';
import { Bus } from '../bus/bus.js';
import { Hart, StopReason } from '../cpu/hart.js';
import { JitEngine } from '../cpu/jit/engine.js';
import { SifiveTest } from '../devices/sifive-test.js';
import { GuestMemory } from '../memory/guest-memory.js';
import type { HartThreadResult, HartThreadStart } from './hart-threads.js';

/** Instructions per run() call: the budget check is also where the worker notices a stop request. */
const SLICE = 100_000;

function main(start: HartThreadStart): HartThreadResult {
  const mem = new GuestMemory(start.ramSize, start.memory);
  const bus = new Bus();
  let verdict: HartThreadResult['verdict'] = null;
  // The test device is the one device a bare-metal program needs: its write ends this hart's run.
  bus.map(
    start.testDevice,
    0x1000,
    new SifiveTest({
      powerOff: () => (verdict = { kind: 'poweroff' }),
      reset: () => (verdict = { kind: 'reset' }),
      exit: (code) => (verdict = { kind: 'exit', code }),
    }),
    'sifive-test',
  );
  const hart = new Hart(start.hartId, mem, bus);
  hart.firmwareTraps = true;
  hart.setPc(BigInt(start.pc));
  for (let i = 0; i < start.regs.length; i++) {
    const v = BigInt.asUintN(64, BigInt(start.regs[i][1]));
    const r = start.regs[i][0];
    hart.x[2 * r] = Number(v & 0xffffffffn) | 0;
    hart.x[2 * r + 1] = Number(v >> 32n) | 0;
  }
  const engine = start.engine === 'jit' ? new JitEngine(hart, { ...start.jit, asyncCompile: false }) : null;
  const stop = new Int32Array(start.control);
  let reason: number = StopReason.Budget;
  while (verdict === null && Atomics.load(stop, 0) === 0) {
    reason = engine ? engine.run(SLICE) : hart.run(SLICE);
    if (reason !== StopReason.Budget) break;
  }
  return {
    hartId: start.hartId,
    verdict,
    stop: reason === StopReason.Wfi ? 'wfi' : reason === StopReason.MachineTrap ? 'trap' : 'budget',
    trapCause: hart.trapCause,
    pc: hart.pcHi * 2 ** 32 + (hart.pcLo >>> 0),
    instret: hart.instret,
  };
}

parentPort?.postMessage(main(workerData as HartThreadStart));
