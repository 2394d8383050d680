// A bare-metal U-mode hart for translator tests: an ELF loaded into RAM, FS Dirty, stack at the top, traps to the test.
import { Bus } from '../../src/bus/bus.js';
import { MSTATUS_FS } from '../../src/cpu/constants.js';
import { Hart } from '../../src/cpu/hart.js';
import { GuestMemory } from '../../src/memory/guest-memory.js';
import { parseElf } from '../../src/vmm/elf.js';

/** A U-mode hart (bare addressing) with the program loaded, FS Dirty and a stack at the top of `ramBytes` of RAM. */
export function userHart(elf: Uint8Array, ramBytes: number): Hart {
  const image = parseElf(elf);
  const mem = new GuestMemory(ramBytes);
  for (const seg of image.segments) if (seg.memSize > 0) mem.writeBytes(seg.vaddr, seg.data);
  const h = new Hart(0, mem, new Bus());
  h.firmwareTraps = true;
  h.priv = 0;
  h.mstatus |= MSTATUS_FS;
  h.setPc(BigInt(image.entry));
  h.setX(2, BigInt(mem.ramBase + ramBytes - 4096));
  return h;
}
