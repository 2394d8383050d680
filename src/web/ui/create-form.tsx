// The create form: a Debian VM in one click by default, or a kernel and disks of one's own; the CLI line that does the same.
import { useMemo, useState } from 'preact/hooks';
import type { CreateRequest, Host, Network, Vm } from './api.js';
import { createCommand, parseShare, size, validSize } from './format.js';

interface Props {
  host: Host | null;
  vms: Vm[];
  networks: Network[];
  /** Resolves true when the VM was created (the form then clears its name). */
  onCreate: (request: CreateRequest, start: boolean) => Promise<boolean>;
}

const MiB = 1024 * 1024;

/** The first free name of the form debian-N. */
function freeName(vms: Vm[]): string {
  const taken = new Set(vms.map((v) => v.name.toLowerCase()));
  for (let i = 1; ; i++) if (!taken.has(`debian-${i}`)) return `debian-${i}`;
}

export function CreateForm({ host, vms, networks, onCreate }: Props) {
  const suggested = useMemo(() => freeName(vms), [vms]);
  const [name, setName] = useState('');
  const [boot, setBoot] = useState<'image' | 'kernel'>('image');
  const [kernel, setKernel] = useState('');
  const [initrd, setInitrd] = useState('');
  const [disk, setDisk] = useState('');
  const [memoryMiB, setMemoryMiB] = useState(512);
  const [cpus, setCpus] = useState(1);
  const [diskSize, setDiskSize] = useState('4G');
  const [network, setNetwork] = useState('');
  const [share, setShare] = useState('');
  const [start, setStart] = useState(true);
  const [busy, setBusy] = useState(false);

  const request: CreateRequest = { name: name.trim() || suggested, memoryMiB, cpus };
  if (boot === 'kernel') {
    if (kernel.trim()) request.kernel = kernel.trim();
    if (initrd.trim()) request.initrd = initrd.trim();
    if (disk.trim()) request.disks = [{ path: disk.trim() }];
  }
  if (diskSize.trim()) request.newDisks = [diskSize.trim()];
  if (network && networks.some((n) => n.name === network)) request.nics = [{ mode: 'network', network }];
  const shared = share.trim() ? parseShare(share) : null;
  if (shared && typeof shared !== 'string') request.shares = [shared];
  const shareOk = typeof shared !== 'string';

  const sizeOk = diskSize.trim() === '' || validSize(diskSize);
  const kernelOk = boot === 'image' || kernel.trim().startsWith('/');
  const mem = host?.memory;
  const freeBudget = mem ? mem.budgetBytes - mem.usedBytes : undefined;
  const fits = freeBudget === undefined || memoryMiB * MiB <= freeBudget;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!sizeOk || !kernelOk || !shareOk || busy) return;
    setBusy(true);
    try {
      if (await onCreate(request, start)) setName('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="create" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">New virtual machine</h2>
      <div class="field">
        <label for="vm-name">Name</label>
        <input
          id="vm-name"
          name="name"
          value={name}
          placeholder={suggested}
          pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,62}"
          title="letters, digits, - and _, starting with a letter or digit"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <fieldset class="field">
        <legend>Boot</legend>
        <label class="inline">
          <input type="radio" name="boot" checked={boot === 'image'} onChange={() => setBoot('image')} />
          Debian image{' '}
          <span class="hint">{host ? (host.imageCached ? '(cached)' : '(downloaded on first start)') : ''}</span>
        </label>
        <label class="inline">
          <input type="radio" name="boot" checked={boot === 'kernel'} onChange={() => setBoot('kernel')} />A kernel and
          disk of my own
        </label>
      </fieldset>
      {boot === 'kernel' && (
        <div class="kernel-fields">
          <div class="field">
            <label for="vm-kernel">Kernel (absolute path on the host)</label>
            <input
              id="vm-kernel"
              value={kernel}
              required
              placeholder="/srv/riscv/Image"
              onInput={(e) => setKernel(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="vm-initrd">Initrd (optional)</label>
            <input id="vm-initrd" value={initrd} onInput={(e) => setInitrd(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="vm-disk">Existing disk image (optional, raw or qcow2)</label>
            <input id="vm-disk" value={disk} onInput={(e) => setDisk(e.currentTarget.value)} />
          </div>
        </div>
      )}
      <div class="field">
        <label for="vm-memory">Memory (MiB)</label>
        <input
          id="vm-memory"
          type="number"
          min={16}
          max={4093}
          step={1}
          value={memoryMiB}
          aria-describedby="memory-help"
          onInput={(e) => setMemoryMiB(Number(e.currentTarget.value) || 0)}
        />
        <p id="memory-help" class={`help ${fits ? '' : 'warn'}`} data-testid="memory-help">
          {mem ? (
            <>
              Host: {size(mem.availableBytes)} free of {size(mem.totalBytes)}. VMs may use {size(mem.budgetBytes)} (
              {mem.rule}); running VMs use {size(mem.usedBytes)}, which leaves {size(Math.max(0, freeBudget ?? 0))}.{' '}
              {fits
                ? 'This VM fits.'
                : 'Admission control will refuse to start this VM until others stop (you can start it anyway from the error).'}
            </>
          ) : (
            'Reading the host’s memory…'
          )}
        </p>
      </div>
      <div class="field">
        <label for="vm-cpus">vCPUs</label>
        <input
          id="vm-cpus"
          type="number"
          min={1}
          max={8}
          value={cpus}
          onInput={(e) => setCpus(Number(e.currentTarget.value) || 1)}
        />
      </div>
      <div class="field">
        <label for="vm-disk-size">New disk (qcow2; empty for none)</label>
        <input
          id="vm-disk-size"
          value={diskSize}
          aria-invalid={!sizeOk}
          placeholder="8G"
          onInput={(e) => setDiskSize(e.currentTarget.value)}
        />
        {!sizeOk && <p class="help warn">A size such as 512M or 8G.</p>}
      </div>
      <div class="field">
        <label for="vm-network">Network</label>
        <select id="vm-network" value={network} onChange={(e) => setNetwork(e.currentTarget.value)}>
          <option value="">none</option>
          {networks.map((n) => (
            <option key={n.name} value={n.name}>
              {n.name} ({n.mode}, {n.subnet})
            </option>
          ))}
        </select>
        {networks.length === 0 && <p class="help">No networks yet: typevisor net create NAME makes one.</p>}
      </div>
      <div class="field">
        <label for="vm-share">Shared folder (optional)</label>
        <input
          id="vm-share"
          value={share}
          placeholder="/srv/data:data,readonly"
          aria-invalid={!shareOk}
          aria-describedby="share-help"
          onInput={(e) => setShare(e.currentTarget.value)}
        />
        <p id="share-help" class={`help ${shareOk ? '' : 'warn'}`}>
          {typeof shared === 'string'
            ? shared
            : 'HOSTDIR[:TAG][,readonly]: a host folder the guest mounts over virtio-9p (the Debian image at /mnt/TAG).'}
        </p>
      </div>
      <label class="inline">
        <input type="checkbox" checked={start} onChange={(e) => setStart(e.currentTarget.checked)} /> Start it now
      </label>
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy || !sizeOk || !kernelOk || !shareOk}>
          {start ? 'Create and start' : 'Create'}
        </button>
      </div>
      <div class="cli">
        <span id="cli-label">The same on the command line:</span>
        <code aria-labelledby="cli-label" data-testid="cli-line">
          {createCommand(request, start)}
        </code>
      </div>
    </form>
  );
}
