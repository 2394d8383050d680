// Booting a guest with no terminal: a kernel, an initramfs and one disk, run to power-off while the console goes to a callback.
import { buildVm } from '../../vmm/builder.js';
import { describeEnd } from '../../vmm/vm.js';
/** Boots on the virt board with the disk (writable, virtio-blk), one hart; resets end the run too. */
export async function bootHeadless(o) {
    const vm = await buildVm({
        name: 'headless',
        memoryBytes: o.memoryBytes ?? 1024 * 1024 * 1024,
        cpus: 1,
        boot: { kernel: 'kernel', initrd: 'initrd', cmdline: o.cmdline },
        disks: [{ path: o.disk }],
        onReset: 'stop',
    }, { bootFiles: { kernel: o.kernel, initrd: o.initrd } });
    const started = performance.now();
    vm.attachConsole(o.console);
    o.onStart?.((b) => vm.writeConsole(b));
    const onAbort = () => {
        if (vm.state !== 'stopped' && vm.state !== 'crashed')
            void vm.kill('the caller stopped the guest');
    };
    o.signal?.addEventListener('abort', onAbort);
    let end;
    try {
        vm.start();
        if (o.signal?.aborted)
            onAbort();
        end = await vm.finished;
    }
    finally {
        o.signal?.removeEventListener('abort', onAbort);
    }
    if (end.kind === 'fault' || end.kind === 'reset-loop' || end.kind === 'stuck' || end.kind === 'error')
        throw end.kind === 'error' && end.error instanceof Error ? end.error : new Error(describeEnd(end));
    const outcome = end.kind === 'killed' ? 'quit' : end.kind;
    return { outcome, seconds: (performance.now() - started) / 1000, instructions: vm.board.harts[0]?.instret ?? 0 };
}
//# sourceMappingURL=headless-boot.js.map