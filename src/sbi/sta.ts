// SBI STA extension (EID "STA"): steal-time accounting in a guest-provided shared memory record.
import {
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_ERR_NOT_SUPPORTED,
  type SbiCall,
  type SbiExtension,
} from './sbi.js';

/** Per-hart shared memory (guest-physical address of the 64-byte record, or -1 when disabled). */
export class StaExtension implements SbiExtension {
  readonly eid = 0x535441;
  readonly name = 'STA';
  readonly functions = { 0: 'steal_time_set_shmem' };
  private readonly shmem = new Map<number, number>();
  handle(call: SbiCall): void {
    if (call.fid !== 0) return call.fail(SBI_ERR_NOT_SUPPORTED);
    const id = call.hart.hartId;
    if (call.lo(0) === -1 && call.hi(0) === -1 && call.lo(1) === -1 && call.hi(1) === -1) {
      this.shmem.delete(id);
      return call.ok(0);
    }
    if (call.num(2) !== 0) return call.fail(SBI_ERR_INVALID_PARAM);
    const pa = call.num(0) + call.num(1) * 4294967296;
    if (pa % 64 !== 0) return call.fail(SBI_ERR_INVALID_PARAM);
    if (call.hart.mem.ramHostOffset(pa, 64) < 0) return call.fail(SBI_ERR_INVALID_ADDRESS);
    call.hart.mem.u8.fill(0, call.hart.mem.ramHostOffset(pa, 64), call.hart.mem.ramHostOffset(pa, 64) + 64);
    this.shmem.set(id, pa);
    this.publish(call.hart.mem, id, call.platform.stealTimeNs(id));
    return call.ok(0);
  }

  /** Write the hart's accumulated steal time into its record (sequence odd while writing, as the spec requires). */
  publish(mem: import('../memory/guest-memory.js').GuestMemory, hartId: number, stealNs: number): void {
    const pa = this.shmem.get(hartId);
    if (pa === undefined) return;
    const h = mem.ramHostOffset(pa, 64);
    if (h < 0) return;
    const dv = mem.dv;
    const seq = dv.getUint32(h, true);
    dv.setUint32(h, (seq + 1) >>> 0, true);
    dv.setBigUint64(h + 8, BigInt(Math.floor(stealNs)), true);
    dv.setUint32(h, (seq + 2) >>> 0, true);
    mem.markDirty(h, 64);
  }

  /** The records in force as [hart id, guest-physical address] pairs (machine state). */
  saveState(): [number, number][] {
    return [...this.shmem];
  }

  restoreState(records: readonly (readonly [number, number])[]): void {
    this.shmem.clear();
    for (const [id, pa] of records) this.shmem.set(id, pa);
  }

  hartsWithShmem(): IterableIterator<number> {
    return this.shmem.keys();
  }
}
