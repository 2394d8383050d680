import { diskPath } from './store.js';
export function machineDescription(paths, def) {
    const b = def.boot;
    const cmdline = b.cmdline !== undefined ? { cmdline: b.cmdline } : {};
    const initrd = b.initrd !== undefined ? { initrd: b.initrd } : {};
    return {
        name: def.name,
        memoryBytes: def.memoryMiB * 1024 * 1024,
        cpus: def.cpus,
        boot: b.image
            ? { image: b.image, ...initrd, ...cmdline }
            : b.firmware
                ? { firmware: b.firmware }
                : { kernel: b.kernel, ...initrd, ...cmdline },
        // The recorded format is stated: the image is never probed again.
        disks: def.disks.map((d) => ({ path: diskPath(paths, d), format: d.format, readOnly: d.readonly })),
        nics: def.nics.map((n) => ({ kind: n.mode, path: n.socket, network: n.network, ip: n.ip, mac: n.mac })),
        shares: def.shares.map((s) => ({ path: s.path, tag: s.tag, readOnly: s.readonly })),
    };
}
//# sourceMappingURL=machine-description.js.map