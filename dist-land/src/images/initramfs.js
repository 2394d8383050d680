// Assembly of the busybox initramfs (gzip-compressed cpio) that boots Debian's kernel to a shell.
import { gzipSync } from 'node:zlib';
import { CpioWriter } from './cpio.js';
import { AGENT_LIB_DIR } from './guest-agent.js';
/** The part of /init that boots a root disk: with root= on the kernel command line, wait for the device,
 *  mount it (rootfstype=, rootflags=, ro/rw) and switch_root to init= (default /sbin/init).
 *  On any failure it says why and falls through to the initramfs shell. The marker line lets
 *  older cached initramfs images be recognised and upgraded. */
export const ROOT_MOUNT_MARKER = '# typevisor: root= support v1';
export const ROOT_MOUNT_SCRIPT = `${ROOT_MOUNT_MARKER}
root= fstype=ext4 flags= mode=ro rinit=/sbin/init
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    root=*) root=\${arg#root=} ;;
    rootfstype=*) fstype=\${arg#rootfstype=} ;;
    rootflags=*) flags=\${arg#rootflags=} ;;
    rw) mode=rw ;;
    ro) mode=ro ;;
    init=*) rinit=\${arg#init=} ;;
  esac
done
if [ -n "$root" ]; then
  case "$root" in
    LABEL=*|UUID=*) dev=$(findfs "$root" 2>/dev/null) ;;
    *) dev=$root ;;
  esac
  # Drivers may still be probing: wait up to 10 s for the device node.
  i=0
  while [ ! -b "$dev" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
    case "$root" in LABEL=*|UUID=*) dev=$(findfs "$root" 2>/dev/null) ;; esac
  done
  mkdir -p /newroot
  if [ ! -b "$dev" ]; then
    echo "typevisor: root device $root did not appear"
  elif ! mount -t "$fstype" -o "$mode\${flags:+,$flags}" "$dev" /newroot; then
    echo "typevisor: cannot mount $root ($fstype, $mode)"
  elif [ ! -e "/newroot$rinit" ] && [ ! -L "/newroot$rinit" ]; then
    echo "typevisor: $rinit not found on $root"
    umount /newroot
  else
    for d in dev proc sys; do
      [ -d "/newroot/$d" ] && mount --move "/$d" "/newroot/$d"
    done
    exec switch_root -c /dev/console /newroot "$rinit"
  fi
  echo "typevisor: staying in the initramfs"
fi
`;
/**
 * What the initramfs contains, as a number: bumped whenever /init or the module set changes, so cached images built
 * from an older recipe are rebuilt (debian.ts compares it with the image manifest's `initramfs`).
 * 2: evdev for the power button, hostname from systemd.hostname=, the terminal size from hvc0, power-button shutdown.
 * 3: the 9p modules; each virtio-9p share mounted at /mnt/TAG.
 * 4: each Ethernet card configured by DHCP (udhcpc), with the network's DNS server in /etc/resolv.conf.
 * 5: /dev/virtio-ports/NAME links, Debian's qemu-guest-agent started on org.qemu.guest_agent.0, /sbin/shutdown.
 */
export const INITRAMFS_VERSION = 5;
/** Written by the power-button watcher before it stops every process; /init then finishes the shutdown. */
const STOP_FILE = '/run/typevisor-stop';
/**
 * Holds hvc0 (virtio-console, which carries the host terminal's size) as its controlling terminal, so Linux sends it
 * SIGWINCH on each resize, and copies the size to the tty named by $1 (the console the shell or getty uses), whose
 * foreground process group then gets its own SIGWINCH. Runs as a session leader without a controlling terminal
 * (setsid, or a systemd service); sleeps in `wait` while nothing happens. No single quotes: /init passes it to sh -c.
 */
export const CONSOLE_SIZE_SCRIPT = `tty=/dev/$1
exec 0<>/dev/hvc0 1>/dev/null 2>&1
copy() { s=$(stty size) && [ "$s" != "0 0" ] && stty -F "$tty" rows "\${s% *}" cols "\${s#* }"; }
trap copy WINCH
copy
while :; do sleep 86400 & wait $!; kill $! 2>/dev/null; done
`;
/** Mounts each virtio-9p share (typevisor --share) at /mnt/TAG; sysfs gives each device's tag, NUL-terminated. */
export const SHARE_MOUNT_SCRIPT = `for t in /sys/bus/virtio/drivers/9pnet_virtio/virtio*/mount_tag; do
  [ -f "$t" ] || continue
  tag=$(tr -d '\\000' < "$t")
  case "$tag" in ''|.*|-*|*[!A-Za-z0-9_.-]*) echo "typevisor: ignoring share tag '$tag'"; continue ;; esac
  mkdir -p "/mnt/$tag"
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$tag" "/mnt/$tag" || echo "typevisor: cannot mount share $tag"
done
`;
/** The console line the DHCP script prints once a card has its address (tests wait for it). */
export const DHCP_BOUND_MESSAGE = 'typevisor: DHCP';
/**
 * Configures each Ethernet card by DHCP (busybox udhcpc, sending the host name): address, default route, and
 * /etc/resolv.conf with the network's DNS server and domain. udhcpc waits up to 3 s for a lease, then keeps trying
 * in the background (cards with no DHCP server on their link). typevisor.dhcp=0 on the command line skips it.
 */
export const NETWORK_SCRIPT = `ip link set lo up 2>/dev/null
if ! grep -qw typevisor.dhcp=0 /proc/cmdline; then
  cat > /etc/udhcpc.script <<'EOS'
#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip -4 addr show dev "$interface" | grep -q "inet $ip/" || {
      ip -4 addr flush dev "$interface"
      ip addr add "$ip/\${mask:-24}" dev "$interface"
    }
    if [ -n "$router" ]; then ip route replace default via "\${router%% *}" dev "$interface"; fi
    { [ -n "$domain" ] && echo "search $domain"; for d in $dns; do echo "nameserver $d"; done; } > /etc/resolv.conf
    [ "$1" = bound ] && echo "${DHCP_BOUND_MESSAGE} $interface $ip" > /dev/console ;;
esac
EOS
  chmod 755 /etc/udhcpc.script
  for n in /sys/class/net/eth*; do
    [ -e "$n" ] && udhcpc -i "\${n##*/}" -s /etc/udhcpc.script -x "hostname:$host" -b -t 3 -T 1 >/dev/null 2>&1
  done
fi
`;
/** Console lines of a shutdown the power button asked for (tests and the VM log look for them). */
export const POWER_BUTTON_MESSAGE = 'typevisor: the power button was pressed, shutting down';
export const GOING_DOWN_MESSAGE = 'The system is going down NOW!';
export const AGENT_SHUTDOWN_MESSAGE = 'typevisor: the guest agent asked for a shutdown';
/**
 * /bin/typevisor-stop MESSAGE [poweroff|reboot]: the clean stop both the power button and the guest agent use — stop
 * every process, then /init (PID 1, which no signal reaches) powers off or reboots.
 */
export const STOP_SCRIPT = `#!/bin/sh
exec >/dev/console 2>&1 </dev/null
echo "\${2:-poweroff}" > ${STOP_FILE}
echo
echo "$1"
echo "${GOING_DOWN_MESSAGE}"
kill -TERM -1 2>/dev/null
echo "Sent SIGTERM to all processes"
sleep 1
kill -KILL -1 2>/dev/null
echo "Sent SIGKILL to all processes"
`;
/** /sbin/shutdown as qemu-guest-agent runs it for guest-shutdown: \`shutdown -P|-H|-r +0 MESSAGE\`. */
export const SHUTDOWN_SCRIPT = `#!/bin/sh
mode=poweroff
case "$1" in -r) mode=reboot ;; esac
exec /bin/typevisor-stop "${AGENT_SHUTDOWN_MESSAGE}" "$mode"
`;
/** The guest agent's port, as Debian's qemu-guest-agent looks for it. */
export const AGENT_PORT_PATH = '/dev/virtio-ports/org.qemu.guest_agent.0';
/**
 * Links each named virtio-console port as /dev/virtio-ports/NAME (what udev's rule does on a full system), then starts
 * Debian's qemu-guest-agent on org.qemu.guest_agent.0. Linux learns the names from the host a moment after the driver
 * loads, so this runs in the background and waits up to 10 s for them.
 */
export const AGENT_SCRIPT = `link_ports() {
  for p in /sys/class/virtio-ports/vport*; do
    [ -f "$p/name" ] || continue
    name=$(cat "$p/name")
    case "$name" in ''|.*|*[!A-Za-z0-9._-]*) continue ;; esac
    mkdir -p /dev/virtio-ports
    [ -e "/dev/virtio-ports/$name" ] || ln -s "../\${p##*/}" "/dev/virtio-ports/$name"
  done
}
start_agent() {
  [ -d /sys/class/virtio-ports ] || return
  i=0
  while [ $i -lt 100 ]; do
    link_ports
    [ -e ${AGENT_PORT_PATH} ] && break
    sleep 0.1
    i=$((i + 1))
  done
  [ -e ${AGENT_PORT_PATH} ] && [ -x /bin/qemu-ga ] || return
  LD_LIBRARY_PATH=/${AGENT_LIB_DIR} setsid qemu-ga -m virtio-serial -p ${AGENT_PORT_PATH} -t /run -f /run/qemu-ga.pid \
    </dev/null >/dev/null 2>&1 &
}
`;
/** The /init script: mount the pseudo file systems, load the modules, name the host, boot a root disk if asked,
 *  else give the console a shell, and power off when that shell exits (PID 1 must never exit, or the kernel panics). */
export function initScript(banner) {
    const quoted = `'${banner.replace(/'/g, `'\\''`)}'`;
    return `#!/bin/sh
# /init of the typevisor Debian initramfs (busybox).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=\${TERM:-linux}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
kver=$(uname -r)
if [ -f "/lib/modules/$kver/load-order" ]; then
  while read -r m; do
    insmod "/lib/modules/$kver/$m" 2>/dev/null
  done < "/lib/modules/$kver/load-order"
fi
# The host name: systemd.hostname= on the kernel command line (what systemd reads too), else "typevisor".
host=typevisor
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    systemd.hostname=*) host=\${arg#systemd.hostname=} ;;
  esac
done
case "$host" in
  ''|-*|*[!A-Za-z0-9.-]*) echo "typevisor: ignoring host name '$host'"; host=typevisor ;;
esac
hostname "$host" 2>/dev/null
${ROOT_MOUNT_SCRIPT}
${SHARE_MOUNT_SCRIPT}${NETWORK_SCRIPT}${AGENT_SCRIPT}start_agent &
# The serial console has no way to learn the terminal's size; virtio-console (hvc0) has one, and Linux resizes hvc0
# whenever the host announces a new size. A helper holds hvc0 as its controlling terminal, so each resize sends it
# SIGWINCH, and copies the size to the console the shell uses (which in turn sends the shell SIGWINCH).
follow_size() {
  con=$(cat /sys/class/tty/console/active 2>/dev/null)
  con=\${con##* }
  [ -c /dev/hvc0 ] && [ -n "$con" ] && [ "$con" != hvc0 ] && [ -c "/dev/$con" ] || return
  setsid sh -c '${CONSOLE_SIZE_SCRIPT}' sh "$con" &
}
# The power button (virtio-input, KEY_POWER) asks for a clean stop: stop every process, then power off. Each event
# device is held open on fd 3 and read one 24-byte struct input_event at a time (type 1 EV_KEY, code 116, value 1).
watch_power_key() {
  for dev in /dev/input/event*; do
    [ -c "$dev" ] || continue
    (
      exec 3<"$dev" || exit
      while :; do
        ev=$(dd bs=24 count=1 <&3 2>/dev/null | od -An -tx1 -v | tr -d ' \\n')
        [ -n "$ev" ] || exit
        case "$ev" in
          ????????????????????????????????0100740001000000) ;;
          *) continue ;;
        esac
        /bin/typevisor-stop "${POWER_BUTTON_MESSAGE}"
        exit
      done
    ) </dev/null >/dev/console 2>&1 &
  done
}
echo ${quoted}
cd /root
follow_size
watch_power_key
# setsid + cttyhack give the shell the real console as its controlling tty, so job control and ^C work.
setsid cttyhack sh -l
# The shell is gone: its user left it, or the power-button watcher stopped every process.
if [ -f ${STOP_FILE} ]; then
  sleep 2
  if [ "$(cat ${STOP_FILE})" = reboot ]; then
    echo "Requesting system reboot"
    sync
    reboot -f
  fi
  echo "Requesting system poweroff"
else
  echo "typevisor: shell exited, powering off"
fi
sync
poweroff -f
`;
}
/** /init and the scripts it calls. */
export function addInitFiles(w, banner) {
    w.addFile('bin/typevisor-stop', Buffer.from(STOP_SCRIPT), 0o755);
    w.addFile('bin/shutdown', Buffer.from(SHUTDOWN_SCRIPT), 0o755);
    w.addFile('init', Buffer.from(initScript(banner)), 0o755);
}
/** Builds the uncompressed cpio archive. */
export function buildInitramfsCpio(input) {
    const w = new CpioWriter();
    for (const d of ['dev', 'etc', 'mnt', 'run', 'var', 'lib', 'usr'])
        w.addDirectory(d);
    w.addDirectory('proc', 0o555);
    w.addDirectory('sys', 0o555);
    w.addDirectory('tmp', 0o1777);
    w.addDirectory('root', 0o700);
    // The kernel opens /dev/console before /init runs, before devtmpfs is mounted.
    w.addCharDevice('dev/console', 5, 1, 0o600);
    w.addCharDevice('dev/null', 1, 3, 0o666);
    w.addFile('bin/busybox', input.busybox, 0o755);
    // Our own shutdown takes the place of busybox's (which would signal an init it does not know).
    const own = new Set(['busybox', 'shutdown', 'typevisor-stop', 'qemu-ga']);
    for (const applet of input.applets) {
        if (own.has(applet) || applet.includes('/'))
            continue;
        w.addSymlink(`bin/${applet}`, 'busybox');
    }
    if (input.osRelease)
        w.addFile('etc/os-release', Buffer.from(input.osRelease));
    if (input.agent?.length) {
        w.addDirectory(AGENT_LIB_DIR);
        for (const f of input.agent) {
            if (f.target !== undefined)
                w.addSymlink(f.path, f.target);
            else
                w.addFile(f.path, f.data, f.mode);
        }
    }
    w.addSymlink('sbin', 'bin');
    w.addSymlink('usr/bin', '../bin');
    w.addSymlink('usr/sbin', '../bin');
    w.addFile('etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/sh\n'));
    w.addFile('etc/group', Buffer.from('root:x:0:\n'));
    w.addFile('etc/profile', Buffer.from("export PS1='\\u@\\h:\\w\\$ '\n"));
    const modDir = `lib/modules/${input.kernelVersion}`;
    w.addDirectory(modDir);
    for (const m of input.modules)
        w.addFile(`${modDir}/${m.path}`, m.data, 0o644);
    w.addFile(`${modDir}/modules.dep`, Buffer.from(input.modulesDep));
    w.addFile(`${modDir}/load-order`, Buffer.from(input.modules.map((m) => `${m.path}\n`).join('')));
    addInitFiles(w, input.banner);
    return w.finish();
}
/** The initramfs as the kernel loads it: a gzip-compressed newc cpio. */
export function buildInitramfs(input) {
    return gzipSync(buildInitramfsCpio(input), { level: 9 });
}
//# sourceMappingURL=initramfs.js.map