// The machine list: every VM with its state and figures, and the buttons that fit its state.
import { LIVE, type Vm, type VmCommand } from './api.js';
import { duration, size } from './format.js';

interface Props {
  vms: Vm[];
  /** When the list was read: a live VM's uptime grows from there. */
  readAt: number;
  now: number;
  busy: ReadonlySet<string>;
  onCommand: (vm: Vm, command: VmCommand) => void;
  onConsole: (vm: Vm) => void;
  onSnapshots: (vm: Vm) => void;
  onStats: (vm: Vm) => void;
}

const COMMANDS: { command: VmCommand; label: string; states: readonly Vm['state'][]; danger?: boolean }[] = [
  { command: 'start', label: 'Start', states: ['created', 'stopped', 'crashed'] },
  { command: 'pause', label: 'Pause', states: ['running'] },
  { command: 'resume', label: 'Resume', states: ['paused'] },
  { command: 'stop', label: 'Stop', states: ['running', 'paused'] },
  { command: 'suspend', label: 'Suspend', states: ['running', 'paused'] },
  { command: 'reset', label: 'Reset', states: ['running', 'paused'], danger: true },
  { command: 'kill', label: 'Kill', states: ['running', 'paused', 'stopping'], danger: true },
  { command: 'clone', label: 'Clone', states: ['created', 'stopped', 'crashed'] },
  { command: 'delete', label: 'Delete', states: ['created', 'stopped', 'crashed'], danger: true },
];

function uptime(vm: Vm, readAt: number, now: number): string {
  if (vm.uptimeMs === undefined || !LIVE.includes(vm.state)) return '—';
  return duration(vm.uptimeMs + Math.max(0, now - readAt));
}

/** The networks a VM's cards join (a card on no named network shows its mode). */
function networks(vm: Vm): string {
  if (!vm.nics?.length) return '—';
  return vm.nics.map((n) => n.network ?? n.mode).join(', ');
}

export function MachineList({ vms, readAt, now, busy, onCommand, onConsole, onSnapshots, onStats }: Props) {
  if (vms.length === 0)
    return (
      <p class="empty" data-testid="no-vms">
        No virtual machines yet. Create one with the form: the defaults give a Debian VM.
      </p>
    );
  return (
    <table class="machines" aria-describedby="machines-caption">
      <caption id="machines-caption">Virtual machines ({vms.length})</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">State</th>
          <th scope="col">vCPUs</th>
          <th scope="col">Memory</th>
          <th scope="col">Host RSS</th>
          <th scope="col">Disk use</th>
          <th scope="col">Network</th>
          <th scope="col">Uptime</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {vms.map((vm) => (
          <tr key={vm.name} data-vm={vm.name} data-state={vm.state}>
            <th scope="row" class="name">
              {vm.name}
            </th>
            <td>
              <span class={`state state-${vm.suspended ? 'suspended' : vm.state}`}>
                {vm.suspended ? 'suspended' : vm.state}
              </span>
              {vm.reason && <div class="reason">{vm.reason}</div>}
              {vm.error && <div class="reason error">{vm.error}</div>}
            </td>
            <td class="num">{vm.cpus ?? '—'}</td>
            <td class="num">{vm.memoryMiB === undefined ? '—' : size(vm.memoryMiB * 1024 * 1024)}</td>
            <td class="num">{LIVE.includes(vm.state) ? size(vm.rssBytes) : '—'}</td>
            <td class="num">{size(vm.diskBytes)}</td>
            <td class="network-cell">{networks(vm)}</td>
            <td class="num">{uptime(vm, readAt, now)}</td>
            <td class="actions">
              <button
                type="button"
                onClick={() => onConsole(vm)}
                aria-label={`${LIVE.includes(vm.state) ? 'Console' : 'Console log'} of ${vm.name}`}
              >
                {LIVE.includes(vm.state) ? 'Console' : 'Log'}
              </button>
              {LIVE.includes(vm.state) && (
                <button type="button" onClick={() => onStats(vm)} aria-label={`Statistics of ${vm.name}`}>
                  Stats
                </button>
              )}
              <button type="button" onClick={() => onSnapshots(vm)} aria-label={`Snapshots of ${vm.name}`}>
                Snapshots
              </button>
              {COMMANDS.filter((c) => c.states.includes(vm.state)).map((c) => (
                <button
                  key={c.command}
                  type="button"
                  class={c.danger ? 'danger' : undefined}
                  disabled={busy.has(vm.name)}
                  aria-label={`${c.label} ${vm.name}`}
                  onClick={() => onCommand(vm, c.command)}
                >
                  {c.label}
                </button>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
