// The virt board's memory map and its device tree blob, built from each device's own node.
import { FdtBuilder } from './fdt.js';
import { Clint, CLINT_SIZE, CLINT_TIMEBASE_HZ } from '../../devices/clint.js';
import { Plic, PLIC_SIZE } from '../../devices/plic.js';
import { Uart16550, UART_SIZE } from '../../devices/uart16550.js';
import { GoldfishRtc, RTC_SIZE } from '../../devices/goldfish-rtc.js';
import { SifiveTest, SIFIVE_TEST_SIZE } from '../../devices/sifive-test.js';
/** QEMU virt's memory map for the devices we model (guest-physical base and size). */
export const VIRT_MEMMAP = {
    test: { base: 0x0010_0000, size: SIFIVE_TEST_SIZE },
    rtc: { base: 0x0010_1000, size: RTC_SIZE },
    clint: { base: 0x0200_0000, size: CLINT_SIZE },
    plic: { base: 0x0c00_0000, size: PLIC_SIZE },
    uart0: { base: 0x1000_0000, size: UART_SIZE },
    virtio: { base: 0x1000_1000, size: 0x1000, stride: 0x1000, count: 8 },
    dram: { base: 0x8000_0000 },
};
/** PLIC sources of QEMU virt's devices. */
export const VIRT_IRQ = {
    /** virtio-mmio slot i uses source VIRTIO + i. */
    virtio: 1,
    uart0: 10,
    rtc: 11,
};
/** Base address and PLIC source of virtio-mmio slot `slot` (0..7). */
export function virtioSlot(slot) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= VIRT_MEMMAP.virtio.count) {
        throw new Error(`no virtio-mmio slot ${slot}`);
    }
    return {
        base: VIRT_MEMMAP.virtio.base + slot * VIRT_MEMMAP.virtio.stride,
        size: VIRT_MEMMAP.virtio.size,
        irq: VIRT_IRQ.virtio + slot,
    };
}
/** Room left in the device tree for a boot loader's changes (U-Boot pads by 12 KiB). */
export const FDT_FREE_SPACE = 16 * 1024;
/** One virtio-mmio transport's node (the transport lives elsewhere; its node shape is fixed). */
export function virtioMmioFdtNode(fdt, base, plicPhandle, irq) {
    fdt
        .beginNode(`virtio_mmio@${base.toString(16)}`)
        .propU32('interrupts', irq)
        .propU32('interrupt-parent', plicPhandle)
        .propReg('reg', base, 0x1000)
        .propString('compatible', 'virtio,mmio')
        .endNode();
}
/** Builds the DTB handed to the kernel in a1: the same paths and compatibles as QEMU's virt board. */
export function buildVirtDeviceTree(cfg) {
    const memoryBase = cfg.memoryBase ?? VIRT_MEMMAP.dram.base;
    if (!Number.isInteger(cfg.numHarts) || cfg.numHarts < 1)
        throw new Error(`bad hart count ${cfg.numHarts}`);
    if (!(cfg.memorySize > 0))
        throw new Error(`bad memory size ${cfg.memorySize}`);
    const fdt = new FdtBuilder();
    for (const r of cfg.reservations ?? [])
        fdt.reserve(r.address, r.size);
    const plicPhandle = fdt.allocPhandle();
    const testPhandle = fdt.allocPhandle();
    const cpuPhandles = [];
    const intcPhandles = [];
    for (let h = 0; h < cfg.numHarts; h++) {
        cpuPhandles.push(fdt.allocPhandle());
        intcPhandles.push(fdt.allocPhandle());
    }
    const uartPath = `/soc/serial@${VIRT_MEMMAP.uart0.base.toString(16)}`;
    fdt
        .beginNode('')
        .propU32('#address-cells', 2)
        .propU32('#size-cells', 2)
        .propString('compatible', 'riscv-virtio')
        .propString('model', 'riscv-virtio,qemu');
    fdt.beginNode('chosen');
    if (cfg.bootargs !== undefined)
        fdt.propString('bootargs', cfg.bootargs);
    if (cfg.initrd) {
        if (cfg.initrd.end < cfg.initrd.start)
            throw new Error('initrd end before start');
        fdt.propU64('linux,initrd-start', cfg.initrd.start);
        fdt.propU64('linux,initrd-end', cfg.initrd.end);
    }
    if (cfg.rngSeed)
        fdt.propBytes('rng-seed', cfg.rngSeed);
    fdt.propString('stdout-path', uartPath);
    fdt.endNode();
    SifiveTest.fdtPowerNodes(fdt, testPhandle);
    fdt
        .beginNode(`memory@${memoryBase.toString(16)}`)
        .propString('device_type', 'memory')
        .propReg('reg', memoryBase, cfg.memorySize)
        .endNode();
    emitCpus(fdt, cfg, cpuPhandles, intcPhandles);
    fdt
        .beginNode('soc')
        .propU32('#address-cells', 2)
        .propU32('#size-cells', 2)
        .propString('compatible', 'simple-bus')
        .propEmpty('ranges');
    GoldfishRtc.fdtNode(fdt, VIRT_MEMMAP.rtc.base, plicPhandle, VIRT_IRQ.rtc);
    Uart16550.fdtNode(fdt, VIRT_MEMMAP.uart0.base, plicPhandle, VIRT_IRQ.uart0);
    SifiveTest.fdtNode(fdt, VIRT_MEMMAP.test.base, testPhandle);
    const slots = [...new Set(cfg.virtioSlots ?? [])].sort((a, b) => a - b);
    for (const s of slots) {
        const v = virtioSlot(s);
        virtioMmioFdtNode(fdt, v.base, plicPhandle, v.irq);
    }
    Plic.fdtNode(fdt, VIRT_MEMMAP.plic.base, plicPhandle, intcPhandles);
    Clint.fdtNode(fdt, VIRT_MEMMAP.clint.base, intcPhandles);
    fdt.endNode(); // soc
    fdt.endNode(); // root
    // Free space after the tree, as OpenSBI leaves on QEMU's virt board: U-Boot adds its fixups (chosen, initrd, the
    // boot hart) in place, and without room it writes past the tree into its own data.
    return fdt.finish(cfg.bootHart ?? 0, FDT_FREE_SPACE);
}
function emitCpus(fdt, cfg, cpuPhandles, intcPhandles) {
    fdt
        .beginNode('cpus')
        .propU32('#address-cells', 1)
        .propU32('#size-cells', 0)
        .propU32('timebase-frequency', CLINT_TIMEBASE_HZ);
    for (let h = 0; h < cfg.numHarts; h++) {
        fdt
            .beginNode(`cpu@${h.toString(16)}`)
            .propU32('phandle', cpuPhandles[h])
            .propString('device_type', 'cpu')
            .propU32('reg', h)
            .propString('status', 'okay')
            .propString('compatible', 'riscv')
            .propString('riscv,isa', cfg.isa)
            .propString('riscv,isa-base', cfg.isaBase ?? 'rv64i')
            .propStrings('riscv,isa-extensions', cfg.isaExtensions)
            .propString('mmu-type', cfg.mmuType ?? 'riscv,sv48');
        fdt
            .beginNode('interrupt-controller')
            .propU32('#address-cells', 0)
            .propU32('#interrupt-cells', 1)
            .propEmpty('interrupt-controller')
            .propString('compatible', 'riscv,cpu-intc')
            .propU32('phandle', intcPhandles[h])
            .endNode();
        fdt.endNode();
    }
    fdt.beginNode('cpu-map').beginNode('cluster0');
    for (let h = 0; h < cfg.numHarts; h++) {
        fdt.beginNode(`core${h}`).propU32('cpu', cpuPhandles[h]).endNode();
    }
    fdt.endNode().endNode();
    fdt.endNode(); // cpus
}
//# sourceMappingURL=device-tree.js.map