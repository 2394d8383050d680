// Finding busybox's applet names inside the binary, since `busybox --list` cannot run on the host.
/** Applets linked when the binary's own table cannot be found; all are in Debian's busybox-static. */
export const FALLBACK_APPLETS = [
    '[',
    '[[',
    'ash',
    'awk',
    'basename',
    'cat',
    'chmod',
    'chown',
    'chroot',
    'clear',
    'cp',
    'cpio',
    'cttyhack',
    'cut',
    'date',
    'dd',
    'df',
    'dirname',
    'dmesg',
    'du',
    'echo',
    'env',
    'false',
    'find',
    'free',
    'grep',
    'gunzip',
    'gzip',
    'halt',
    'head',
    'hostname',
    'id',
    'ifconfig',
    'insmod',
    'ip',
    'kill',
    'less',
    'ln',
    'ls',
    'lsmod',
    'mdev',
    'mkdir',
    'mknod',
    'modprobe',
    'more',
    'mount',
    'mv',
    'nc',
    'ping',
    'poweroff',
    'printf',
    'ps',
    'pwd',
    'reboot',
    'rm',
    'rmdir',
    'rmmod',
    'sed',
    'seq',
    'setsid',
    'sh',
    'sleep',
    'sort',
    'stat',
    'stty',
    'switch_root',
    'sync',
    'tail',
    'tar',
    'tee',
    'test',
    'top',
    'touch',
    'tr',
    'true',
    'udhcpc',
    'umount',
    'uname',
    'uptime',
    'vi',
    'wc',
    'wget',
    'which',
    'xargs',
    'yes',
    'zcat',
];
/** busybox keeps its applet names as one strcmp-sorted, NUL-separated string table starting "[", "[[".
 *  Returns them, or null when no plausible table is found. */
export function appletNames(binary) {
    const b = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
    const start = Buffer.from('[\0[[\0', 'latin1');
    for (let at = b.indexOf(start); at >= 0; at = b.indexOf(start, at + 1)) {
        const names = [];
        let pos = at;
        for (;;) {
            const end = b.indexOf(0, pos);
            if (end <= pos || end - pos > 64)
                break;
            const name = b.toString('latin1', pos, end);
            if (!/^[a-z0-9_.\-[\]]+$/.test(name))
                break;
            if (names.length && name <= names[names.length - 1])
                break; // the table is sorted
            names.push(name);
            pos = end + 1;
        }
        if (names.length >= 20 && names.includes('sh'))
            return names;
    }
    return null;
}
//# sourceMappingURL=busybox.js.map