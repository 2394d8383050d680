// Real pull from the host's configured Debian mirror, then a boot under QEMU; opt-in because it downloads ~110 MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pullDebian } from '../src/images/debian.js';
import { isRiscvImage } from '../src/images/kernel.js';
import { appletNames } from '../src/images/busybox.js';
const enabled = process.env['TYPEVISOR_NETWORK_TESTS'] === '1';
const skip = enabled ? false : 'downloads from the Debian mirror: set TYPEVISOR_NETWORK_TESTS=1 to run';
test('pull from the configured mirror, then boot under qemu-system-riscv64 to the shell (needs TYPEVISOR_NETWORK_TESTS=1)', { skip, timeout: 900_000 }, async (t) => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'tv-net-'));
    try {
        const lines = [];
        const r = await pullDebian({ cacheDir, progress: false, log: (l) => lines.push(l) });
        t.diagnostic(lines.join('\n'));
        assert.ok(isRiscvImage(readFileSync(r.kernel)));
        const manifest = JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8'));
        assert.match(manifest.kernelVersion, /riscv64$/);
        // busybox itself, run by qemu-riscv64, is the oracle for the applet table we read from the binary.
        const root = join(cacheDir, 'x');
        execFileSync('mkdir', [root]);
        execFileSync('cpio', ['-idm', '--quiet', '--nonmatching', 'dev/*'], {
            cwd: root,
            input: gunzipSync(readFileSync(r.initrd)),
        });
        if (spawnSync('qemu-riscv64', ['--version']).status === 0) {
            const list = execFileSync('qemu-riscv64', [join(root, 'bin/busybox'), '--list'])
                .toString()
                .trim()
                .split('\n');
            assert.deepEqual(appletNames(readFileSync(join(root, 'bin/busybox'))), list);
        }
        if (spawnSync('qemu-system-riscv64', ['--version']).status !== 0) {
            t.diagnostic('qemu-system-riscv64 not installed: boot not checked');
            return;
        }
        const disk = join(cacheDir, 'disk.raw');
        writeFileSync(disk, Buffer.alloc(0));
        execFileSync('truncate', ['-s', '32M', disk]);
        execFileSync('mkfs.ext4', ['-q', '-F', disk]);
        const vm = spawn('qemu-system-riscv64', [
            '-M',
            'virt',
            '-m',
            '512',
            '-nographic',
            '-kernel',
            r.kernel,
            '-initrd',
            r.initrd,
            '-append',
            r.cmdline,
            '-drive',
            `file=${disk},if=none,format=raw,id=d0`,
            '-device',
            'virtio-blk-device,drive=d0',
            '-netdev',
            'user,id=n0',
            '-device',
            'virtio-net-device,netdev=n0',
            '-device',
            'virtio-rng-device',
        ]);
        let out = '';
        let sent = false;
        vm.stdout.on('data', (d) => {
            out += d.toString();
            if (!sent && out.includes('Exit the shell to power off')) {
                sent = true;
                vm.stdin.write('mount -t ext4 /dev/vda /mnt && echo EXT4-OK; ls /sys/class/net; cat /sys/class/misc/hw_random/rng_current; exit\n');
            }
        });
        const code = await new Promise((resolve) => vm.on('exit', resolve));
        t.diagnostic(out.slice(-1500));
        assert.equal(code, 0);
        assert.match(out, /EXT4-OK/);
        assert.match(out, /eth0/);
        assert.match(out, /virtio_rng/);
        assert.match(out, /shell exited, powering off/);
    }
    finally {
        rmSync(cacheDir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=images-network.test.js.map