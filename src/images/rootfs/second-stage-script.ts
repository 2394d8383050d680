// The init program of the root disk's first boot: debootstrap's second stage, then the settings a console VM needs.
import { CONSOLE_SIZE_SCRIPT } from '../initramfs.js';

export interface SecondStageOptions {
  hostname: string;
  /** Mirror written to the guest's apt sources. */
  mirror: string;
  suite: string;
  /** Device the guest mounts as / (fstab). */
  rootDevice: string;
}

/** Console lines the host waits for: the script's verdict. */
export const STAGE2_OK = 'TYPEVISOR-SECOND-STAGE: ok';
export const STAGE2_FAILED = 'TYPEVISOR-SECOND-STAGE: failed';

/** Path of the script inside the root file system (passed as init=). */
export const SECOND_STAGE_PATH = '/second-stage.sh';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The script runs as PID 1 straight after the initramfs' switch_root, so it must power the machine off itself:
 *  returning would panic the kernel. It reports its outcome on the console for the host to read. */
export function secondStageScript(o: SecondStageOptions): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/.test(o.hostname)) throw new Error(`invalid host name "${o.hostname}"`);
  return `#!/bin/sh
# First boot of a typevisor Debian root disk: finish debootstrap inside the guest, configure, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive
mount_kernel_fs() {
  mountpoint -q /proc || mount -t proc proc /proc
  mountpoint -q /sys || mount -t sysfs sysfs /sys
}
mount_kernel_fs
finish() {
  # debootstrap unmounts /proc when it is done; without it neither sysrq nor systemctl can power off.
  mount_kernel_fs
  sync
  # Leave a clean file system: a plain read-only remount can fail while something still holds a file open for
  # writing, so fall back to the kernel's emergency remount (sysrq u), which always completes; then power off.
  mount -o remount,ro / 2>/dev/null || echo u > /proc/sysrq-trigger
  # sysrq u works asynchronously: wait until the kernel reports / read-only (the host replays the journal otherwise).
  i=0
  while [ $i -lt 60 ] && ! grep -q '^[^ ]* / [^ ]* ro[, ]' /proc/mounts; do sleep 1; i=$((i+1)); done
  grep -q '^[^ ]* / [^ ]* ro[, ]' /proc/mounts && echo "typevisor: / is read-only" || echo "typevisor: / is still read-write"
  sync
  echo o > /proc/sysrq-trigger
  sleep 5
  systemctl poweroff --force --force
}
fail() {
  echo "${STAGE2_FAILED}: $1"
  finish
}
start=$(cut -d' ' -f1 /proc/uptime)
if [ -x /debootstrap/debootstrap ]; then
  echo "typevisor: running debootstrap --second-stage (this takes a while under the interpreter)"
  /debootstrap/debootstrap --second-stage
  rc=$?
  if [ $rc -ne 0 ]; then
    tail -n 30 /debootstrap/debootstrap.log 2>/dev/null
    fail "debootstrap --second-stage exited with $rc"
  fi
  mount_kernel_fs
fi
echo ${shellQuote(o.hostname)} > /etc/hostname
printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t%s\\n::1\\t\\tlocalhost ip6-localhost ip6-loopback\\n' ${shellQuote(o.hostname)} > /etc/hosts
printf '# <file system> <mount point> <type> <options> <dump> <pass>\\n%s / ext4 rw,errors=remount-ro 0 1\\n' ${shellQuote(o.rootDevice)} > /etc/fstab
printf 'deb %s %s main\\n' ${shellQuote(o.mirror)} ${shellQuote(o.suite)} > /etc/apt/sources.list
# No password for root: the console is the only way in, and it is the user's own terminal.
passwd -d root || fail "passwd -d root"
# A getty on the serial console (systemd would also find it through console=, but be explicit).
mkdir -p /etc/systemd/system/getty.target.wants
ln -sf /lib/systemd/system/serial-getty@.service /etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service
# The power button (virtio-input, KEY_POWER): udev tags its event node "power-switch" (ID_INPUT_KEY) and logind,
# which needs the D-Bus system bus (dbus is in the package list), powers off on it. Stated here, not left to defaults.
mkdir -p /etc/systemd/logind.conf.d
printf '[Login]\nHandlePowerKey=poweroff\nHandlePowerKeyLongPress=poweroff\n' > /etc/systemd/logind.conf.d/typevisor-power-button.conf
# The terminal's size: the host announces it on hvc0 (virtio-console); this service copies it to the serial console.
mkdir -p /usr/local/sbin /etc/systemd/system/multi-user.target.wants
cat > /usr/local/sbin/typevisor-console-size <<'SCRIPT'
#!/bin/sh
# Copies the terminal size the host announces on hvc0 to the serial console (the login's tty).
con=$(cat /sys/class/tty/console/active 2>/dev/null)
con=\${con##* }
[ -c /dev/hvc0 ] && [ -n "$con" ] && [ "$con" != hvc0 ] && [ -c "/dev/$con" ] || exit 0
set -- "$con"
${CONSOLE_SIZE_SCRIPT}SCRIPT
chmod 755 /usr/local/sbin/typevisor-console-size
cat > /etc/systemd/system/typevisor-console-size.service <<'UNIT'
[Unit]
Description=Terminal size from the host (hvc0) to the serial console
ConditionPathExists=/dev/hvc0

[Service]
ExecStart=/usr/local/sbin/typevisor-console-size
# hvc0 as the controlling terminal, so its resizes arrive as SIGWINCH.
StandardInput=tty
TTYPath=/dev/hvc0
TTYReset=no
TTYVHangup=no
StandardOutput=null

[Install]
WantedBy=multi-user.target
UNIT
ln -sf ../typevisor-console-size.service /etc/systemd/system/multi-user.target.wants/typevisor-console-size.service
# Network cards by DHCP (systemd-networkd, when the systemd packages have it), and the DHCP server's name server and
# domain in /etc/resolv.conf (no systemd-resolved on this disk): a typevisor network answers its VMs' names.
if [ -x /lib/systemd/systemd-networkd ] || [ -x /usr/lib/systemd/systemd-networkd ]; then
  mkdir -p /etc/systemd/network /etc/systemd/system/network-online.target.wants
  printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n\n[DHCPv4]\nSendHostname=yes\nUseDomains=yes\n' > /etc/systemd/network/80-typevisor-dhcp.network
  ln -sf /lib/systemd/system/systemd-networkd.service /etc/systemd/system/multi-user.target.wants/systemd-networkd.service
  cat > /usr/local/sbin/typevisor-resolv <<'SCRIPT'
#!/bin/sh
# Writes /etc/resolv.conf from systemd-networkd's DHCP leases (DNS= and DOMAINNAME= lines).
for i in $(seq 60); do
  for l in /run/systemd/netif/leases/*; do
    [ -f "$l" ] || continue
    dns=$(sed -n 's/^DNS=//p' "$l"); dom=$(sed -n 's/^DOMAINNAME=//p' "$l")
    [ -n "$dns" ] || continue
    { [ -n "$dom" ] && echo "search $dom"; for d in $dns; do echo "nameserver $d"; done; } > /etc/resolv.conf
    exit 0
  done
  sleep 1
done
SCRIPT
  chmod 755 /usr/local/sbin/typevisor-resolv
  printf '[Unit]\nDescription=Name server from DHCP\nAfter=systemd-networkd.service\n\n[Service]\nType=oneshot\nExecStart=/usr/local/sbin/typevisor-resolv\n\n[Install]\nWantedBy=multi-user.target\n' > /etc/systemd/system/typevisor-resolv.service
  ln -sf ../typevisor-resolv.service /etc/systemd/system/multi-user.target.wants/typevisor-resolv.service
fi
# The initramfs has already loaded the virtio and ext4 modules; there is no /lib/modules for this kernel on the disk.
mkdir -p /etc/systemd/system
ln -sf /dev/null /etc/systemd/system/systemd-modules-load.service
apt-get clean 2>/dev/null
# The package lists were cut down to what debootstrap installs (trimPackageLists): kept, they would make apt believe
# it knows the archive and find nothing else. The installed system fetches whole lists at its first apt-get update.
find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -delete
# This script stays on the disk while it runs (deleting an open file leaves an orphan inode); the host removes it.
# Unused blocks back to the host (the disk supports discard), so the converted image stays small.
fstrim -v / 2>/dev/null
end=$(cut -d' ' -f1 /proc/uptime)
echo "${STAGE2_OK} (guest seconds: $start -> $end)"
finish
`;
}
