// The MMIO bus: a map of guest-physical ranges to devices. Devices never learn their base address.

/** A memory-mapped device. Offsets are relative to the device's base; size is 1, 2 or 4 bytes
 *  (8-byte guest accesses are split into two 4-byte accesses, low half first). Values are
 *  unsigned-agnostic 32-bit numbers; the CPU truncates/extends them as the instruction requires. */
export interface MmioDevice {
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
}

/** An interrupt line: the device raises or lowers its level. */
export interface IrqLine {
  set(level: boolean): void;
}

export interface BusRegion {
  base: number;
  size: number;
  device: MmioDevice;
  name: string;
}

export class Bus {
  private regions: BusRegion[] = [];
  /** Count of MMIO accesses per device name (for --stats). */
  readonly accessCounts = new Map<string, number>();

  map(base: number, size: number, device: MmioDevice, name: string): void {
    for (const r of this.regions) {
      if (base < r.base + r.size && r.base < base + size) {
        throw new Error(`MMIO region ${name} at 0x${base.toString(16)} overlaps ${r.name}`);
      }
    }
    this.regions.push({ base, size, device, name });
    this.regions.sort((a, b) => a.base - b.base);
  }

  find(pa: number): BusRegion | undefined {
    for (const r of this.regions) if (pa >= r.base && pa < r.base + r.size) return r;
    return undefined;
  }

  /** Returns the value, or undefined when nothing is mapped there (the CPU raises an access fault). */
  read(pa: number, size: number): number | undefined {
    const r = this.find(pa);
    if (!r || pa + size > r.base + r.size) return undefined;
    this.accessCounts.set(r.name, (this.accessCounts.get(r.name) ?? 0) + 1);
    return r.device.read(pa - r.base, size);
  }

  /** Returns false when nothing is mapped there (the CPU raises an access fault). */
  write(pa: number, size: number, value: number): boolean {
    const r = this.find(pa);
    if (!r || pa + size > r.base + r.size) return false;
    this.accessCounts.set(r.name, (this.accessCounts.get(r.name) ?? 0) + 1);
    r.device.write(pa - r.base, size, value);
    return true;
  }

  list(): readonly BusRegion[] {
    return this.regions;
  }
}
