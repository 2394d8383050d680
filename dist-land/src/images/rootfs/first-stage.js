// debootstrap's first stage on the host (download and unpack, no riscv64 code run), cached so a later build can resume.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findTool, requireTool, MissingToolError } from './host-tools.js';
/** Packages on top of debootstrap's minbase: an init system, device manager, logins, module tools, networking, and the
 *  D-Bus system bus, without which systemd-logind (the power button's handler) does not start, and the QEMU guest
 *  agent (exec, clean shutdown, time sync), which udev starts when its virtio-console port appears. */
export const DEFAULT_INCLUDE = [
    'systemd-sysv',
    'udev',
    'kmod',
    'login',
    'passwd',
    'iproute2',
    'dbus',
    'qemu-guest-agent',
];
const MARKER = '.typevisor-first-stage.json';
/** debootstrap's arguments (without the fakeroot wrapper). */
export function debootstrapArgs(o) {
    const args = [
        '--foreign',
        '--arch=riscv64',
        '--variant=minbase',
        `--include=${(o.include ?? DEFAULT_INCLUDE).join(',')}`,
    ];
    args.push(o.keyring ? `--keyring=${o.keyring}` : '--no-check-gpg');
    args.push(o.suite, o.dir, o.mirror);
    return args;
}
function isRoot() {
    return typeof process.getuid === 'function' && process.getuid() === 0;
}
/** Runs a program, sending its output to the log line by line; rejects with the last lines on failure. */
export function runLogged(cmd, args, log, env) {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: env ? { ...process.env, ...env } : process.env,
        });
        const tail = [];
        let partial = '';
        const onData = (b) => {
            const lines = (partial + b.toString('utf8')).split('\n');
            partial = lines.pop() ?? '';
            for (const l of lines) {
                log(l);
                tail.push(l);
                if (tail.length > 20)
                    tail.shift();
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', reject);
        child.on('close', (code, signal) => {
            if (partial) {
                log(partial);
                tail.push(partial);
            }
            if (code === 0)
                resolve();
            else
                reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${tail.join('\n')}`));
        });
    });
}
/** Unpacks the riscv64 base system into o.dir, unless a complete tree made with the same arguments is there. */
export async function runFirstStage(o) {
    const debootstrap = requireTool('debootstrap', 'debootstrap', o.env);
    const args = debootstrapArgs(o);
    const root = isRoot();
    const fakeroot = root ? null : findTool('fakeroot', o.env);
    if (!root && !fakeroot)
        throw new MissingToolError('debootstrap needs root, or fakeroot when run as a normal user (apt-get install fakeroot)');
    const key = JSON.stringify({ args, fakeroot: !root });
    const marker = join(o.dir, MARKER);
    if (existsSync(marker) && readFileSync(marker, 'utf8') === key && (root || existsSync(o.fakerootState))) {
        o.log(`first stage: reusing the unpacked ${o.suite} tree in ${o.dir}`);
        trimPackageLists(o.dir);
        return { dir: o.dir, fakerootState: root ? null : o.fakerootState, cached: true, seconds: 0 };
    }
    rmSync(o.dir, { recursive: true, force: true });
    rmSync(o.fakerootState, { force: true });
    mkdirSync(o.dir, { recursive: true });
    o.log(`first stage: debootstrap ${args.join(' ')}`);
    const t0 = performance.now();
    if (root)
        await runLogged(debootstrap, args, o.log, o.env);
    else
        await runLogged(fakeroot, ['-s', o.fakerootState, '--', debootstrap, ...args], o.log, o.env);
    fixContainerSymlinks(o.dir, root ? null : o.fakerootState);
    trimPackageLists(o.dir);
    writeFileSync(marker, key);
    return {
        dir: o.dir,
        fakerootState: root ? null : o.fakerootState,
        cached: false,
        seconds: (performance.now() - t0) / 1000,
    };
}
/** Inside a container debootstrap links <dir>/proc to the host's /proc instead of leaving a directory to mount on;
 *  in the guest that link points at itself. Make proc and sys plain directories again. */
export function fixContainerSymlinks(dir, fakerootState) {
    for (const [name, mode] of [
        ['proc', '0555'],
        ['sys', '0555'],
    ]) {
        const p = join(dir, name);
        let link = false;
        try {
            link = lstatSync(p).isSymbolicLink();
        }
        catch {
            link = true;
        }
        if (!link)
            continue;
        const cmd = ['sh', '-c', 'rm -f "$1" && mkdir -m "$2" "$1"', 'sh', p, mode];
        const r = fakerootState
            ? spawnSync('fakeroot', ['-i', fakerootState, '-s', fakerootState, '--', ...cmd])
            : spawnSync(cmd[0], cmd.slice(1));
        if (r.status !== 0)
            throw new Error(`cannot replace ${p} by a directory: ${r.stderr}`);
    }
}
/** The second stage scans the archive's whole Packages index (tens of MB) with perl, several times: hours under the
 *  interpreter. It only needs the stanzas of the packages it installs (debootstrap/required and debootstrap/base),
 *  so the index in the tree is cut down to those. Returns how many stanzas were kept (0 if there was nothing to do). */
export function trimPackageLists(dir) {
    const wanted = new Set();
    for (const f of ['required', 'base']) {
        const p = join(dir, 'debootstrap', f);
        if (existsSync(p))
            for (const w of readFileSync(p, 'utf8').split(/\s+/))
                if (w)
                    wanted.add(w);
    }
    const lists = join(dir, 'var/lib/apt/lists');
    if (wanted.size === 0 || !existsSync(lists))
        return 0;
    let kept = 0;
    for (const name of readdirSync(lists)) {
        if (!name.endsWith('_Packages'))
            continue;
        const path = join(lists, name);
        const stanzas = readFileSync(path, 'utf8').split(/\n\n+/);
        const out = stanzas.filter((st) => {
            const m = /^Package:\s*(\S+)/m.exec(st);
            return m !== null && wanted.has(m[1]);
        });
        kept += out.length;
        writeFileSync(path, out.length ? `${out.map((st) => st.trim()).join('\n\n')}\n` : '');
    }
    return kept;
}
//# sourceMappingURL=first-stage.js.map