// Boots the cached Debian kernel + initramfs with root=/dev/vda on a small ext4 disk made by makeExt4: the initramfs must
// load the virtio and ext4 modules, mount the disk read-write and switch_root to its init (a tiny static riscv64 program).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { makeExt4 } from '../src/images/rootfs/ext4.js';
import { bootHeadless } from '../src/images/rootfs/headless-boot.js';
import { upgradeInitrd } from '../src/images/rootfs/initrd-upgrade.js';
import { findTool } from '../src/images/rootfs/host-tools.js';
// Prints its PID, writes a file, remounts / read-only (which checkpoints the ext4 journal) and powers off, with raw syscalls.
const INIT_C = `
static long sc(long n, long a, long b, long c, long d, long e) {
  register long a0 __asm__("a0") = a; register long a1 __asm__("a1") = b; register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d; register long a4 __asm__("a4") = e; register long a7 __asm__("a7") = n;
  __asm__ volatile ("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory");
  return a0;
}
static void out(int fd, const char *s) { long n = 0; while (s[n]) n++; sc(64, fd, (long)s, n, 0, 0); }
void _start(void) {
  char msg[] = "TV-ROOT-INIT pid=? mount=?\\n";
  long pid = sc(172, 0, 0, 0, 0, 0);
  msg[17] = pid < 10 ? '0' + pid : '+';
  long fd = sc(56, -100, (long)"/written-by-guest", 01 | 0100 | 01000, 0644, 0);
  if (fd >= 0) { out(fd, "hello from the root disk\\n"); sc(57, fd, 0, 0, 0, 0); }
  sc(81, 0, 0, 0, 0, 0);
  long r = sc(40, 0, (long)"/", 0, 32 | 1, 0);
  msg[25] = r == 0 ? 'r' : 'x';
  out(1, msg);
  sc(142, 0xfee1dead, 672274793, 0x4321fedc, 0, 0);
  for (;;) {}
}
`;
test("initramfs root=/dev/vda: modules load, ext4 mounts read-write, switch_root runs the disk's init as PID 1", { timeout: 30 * 60_000 }, async (t) => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const gcc = findTool('riscv64-linux-gnu-gcc');
    if (!gcc) {
        t.skip('riscv64-linux-gnu-gcc is not installed');
        return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tv-rootboot-'));
    try {
        const tree = join(dir, 'tree');
        for (const d of ['sbin', 'dev', 'proc', 'sys'])
            mkdirSync(join(tree, d), { recursive: true });
        writeFileSync(join(dir, 'init.c'), INIT_C);
        execFileSync(gcc, [
            '-static',
            '-nostdlib',
            '-ffreestanding',
            '-fno-stack-protector',
            '-O2',
            '-o',
            join(tree, 'sbin/init'),
            join(dir, 'init.c'),
        ]);
        const disk = join(dir, 'root.raw');
        makeExt4(tree, disk, { size: 32 * 1024 * 1024 });
        let text = '';
        const r = await bootHeadless({
            kernel: readFileSync(img.kernel),
            initrd: upgradeInitrd(readFileSync(img.initrd), 'test'),
            cmdline: 'console=ttyS0 root=/dev/vda rw nosoftlockup',
            disk,
            memoryBytes: 256 * 1024 * 1024,
            console: (b) => {
                text += Buffer.from(b).toString('latin1');
            },
        });
        assert.equal(r.outcome, 'poweroff', text.slice(-3000));
        assert.match(text, /EXT4-fs \(vda\): mounted filesystem/, text.slice(-3000));
        assert.match(text, /TV-ROOT-INIT pid=1 mount=r/, text.slice(-3000));
        const written = execFileSync('/usr/sbin/debugfs', ['-R', 'cat /written-by-guest', disk], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
        });
        assert.equal(written, 'hello from the root disk\n');
        const fsck = spawnSync('/usr/sbin/e2fsck', ['-f', '-n', disk], { encoding: 'utf8' });
        assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
test('initramfs root= with a missing device falls back to the initramfs shell', { timeout: 30 * 60_000 }, async (t) => {
    if (process.env['TYPEVISOR_ROOTFS_TESTS'] !== '1') {
        t.skip('set TYPEVISOR_ROOTFS_TESTS=1 (boots the kernel once more)');
        return;
    }
    const img = await findCachedDebian();
    if (!img) {
        t.skip('the Debian image is not cached');
        return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tv-rootboot-'));
    try {
        const disk = join(dir, 'empty.raw');
        writeFileSync(disk, Buffer.alloc(1024 * 1024));
        let text = '';
        let type;
        let sent = false;
        const r = await bootHeadless({
            kernel: readFileSync(img.kernel),
            initrd: upgradeInitrd(readFileSync(img.initrd), 'test'),
            cmdline: 'console=ttyS0 root=/dev/vdz rw nosoftlockup',
            disk,
            memoryBytes: 256 * 1024 * 1024,
            onStart: (f) => {
                type = f;
            },
            console: (b) => {
                text += Buffer.from(b).toString('latin1');
                if (!sent && /# $/.test(text)) {
                    sent = true;
                    type(Buffer.from('poweroff -f\n'));
                }
            },
        });
        assert.equal(r.outcome, 'poweroff');
        assert.match(text, /typevisor: root device \/dev\/vdz did not appear/);
        assert.match(text, /typevisor: staying in the initramfs/);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=images-rootfs-boot.test.js.map