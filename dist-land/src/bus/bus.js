// The MMIO bus: a map of guest-physical ranges to devices. Devices never learn their base address.
export class Bus {
    regions = [];
    /** Count of MMIO accesses per device name (for --stats). */
    accessCounts = new Map();
    map(base, size, device, name) {
        for (const r of this.regions) {
            if (base < r.base + r.size && r.base < base + size) {
                throw new Error(`MMIO region ${name} at 0x${base.toString(16)} overlaps ${r.name}`);
            }
        }
        this.regions.push({ base, size, device, name });
        this.regions.sort((a, b) => a.base - b.base);
    }
    find(pa) {
        for (const r of this.regions)
            if (pa >= r.base && pa < r.base + r.size)
                return r;
        return undefined;
    }
    /** Returns the value, or undefined when nothing is mapped there (the CPU raises an access fault). */
    read(pa, size) {
        const r = this.find(pa);
        if (!r || pa + size > r.base + r.size)
            return undefined;
        this.accessCounts.set(r.name, (this.accessCounts.get(r.name) ?? 0) + 1);
        return r.device.read(pa - r.base, size);
    }
    /** Returns false when nothing is mapped there (the CPU raises an access fault). */
    write(pa, size, value) {
        const r = this.find(pa);
        if (!r || pa + size > r.base + r.size)
            return false;
        this.accessCounts.set(r.name, (this.accessCounts.get(r.name) ?? 0) + 1);
        r.device.write(pa - r.base, size, value);
        return true;
    }
    list() {
        return this.regions;
    }
}
//# sourceMappingURL=bus.js.map