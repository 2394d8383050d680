// The networks view: each named network with its mode, subnet and switch, the VMs whose cards join it, and its port
// forwards (listed, added, removed).
import { useState } from 'preact/hooks';
import type { ForwardRequest, Network } from './api.js';
import { CapturePanel } from './capture-panel.js';
import { FirewallPanel } from './firewall-panel.js';

interface Props {
  networks: Network[] | null;
  onAddForward: (network: string, request: ForwardRequest) => Promise<boolean>;
  onRemoveForward: (network: string, forward: string) => void;
  readAt: number;
  onError: (message: string) => void;
}

interface FieldProps {
  id: string;
  label: string;
  size: number;
  numeric?: boolean;
  value: string;
  set: (value: string) => void;
}

function TextField({ id, label, size, numeric, value, set }: FieldProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        size={size}
        inputMode={numeric ? 'numeric' : undefined}
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </div>
  );
}

function ForwardForm({ network, onAdd }: { network: Network; onAdd: Props['onAddForward'] }) {
  const [hostPort, setHostPort] = useState('');
  const [vm, setVm] = useState(network.vms[0]?.name.toLowerCase() ?? '');
  const [guestPort, setGuestPort] = useState('');
  const [hostAddr, setHostAddr] = useState('127.0.0.1');
  const id = (field: string) => `fwd-${network.name}-${field}`;
  const port = (s: string) => (/^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535 ? Number(s) : null);
  const ok = port(hostPort) !== null && port(guestPort) !== null && vm.trim() !== '';
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!ok) return;
    const request: ForwardRequest = { hostPort: port(hostPort)!, vm: vm.trim(), guestPort: port(guestPort)! };
    if (hostAddr.trim() && hostAddr.trim() !== '127.0.0.1') request.hostAddr = hostAddr.trim();
    if (await onAdd(network.name, request)) {
      setHostPort('');
      setGuestPort('');
    }
  };
  return (
    <form class="forward-form" onSubmit={submit} aria-label={`Add a forward to ${network.name}`}>
      <TextField id={id('addr')} label="Host address" size={13} value={hostAddr} set={setHostAddr} />
      <TextField id={id('host-port')} label="Host port" size={6} numeric value={hostPort} set={setHostPort} />
      <div class="field">
        <label for={id('vm')}>VM</label>
        <input id={id('vm')} size={12} list={id('vms')} value={vm} onInput={(e) => setVm(e.currentTarget.value)} />
        <datalist id={id('vms')}>
          {network.vms.map((v) => (
            <option key={v.name} value={v.name.toLowerCase()} />
          ))}
        </datalist>
      </div>
      <TextField id={id('guest-port')} label="VM port" size={6} numeric value={guestPort} set={setGuestPort} />
      <button type="submit" disabled={!ok} aria-label={`Add the forward to ${network.name}`}>
        Add forward
      </button>
    </form>
  );
}

function Forwards({
  network,
  onAddForward,
  onRemoveForward,
}: { network: Network } & Pick<Props, 'onAddForward' | 'onRemoveForward'>) {
  if (network.mode === 'internal') return <p class="help">Internal: no way to the host, so no port forwards.</p>;
  return (
    <div class="forwards">
      <h4>Port forwards</h4>
      {network.forwards.length === 0 ? (
        <p class="help">None.</p>
      ) : (
        <table class="machines" aria-label={`Port forwards of ${network.name}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Host</th>
              <th scope="col">VM</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {network.forwards.map((f) => (
              <tr key={f.name} data-forward={f.name}>
                <th scope="row">{f.name}</th>
                <td>
                  <code>
                    tcp:{f.hostAddr}:{f.hostPort}
                  </code>
                </td>
                <td>
                  <code>
                    {f.vm}:{f.guestPort}
                  </code>
                </td>
                <td>{f.status}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Remove forward ${f.name} of ${network.name}`}
                    onClick={() => onRemoveForward(network.name, f.name)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ForwardForm network={network} onAdd={onAddForward} />
    </div>
  );
}

export function NetworkView({ networks, onAddForward, onRemoveForward, readAt, onError }: Props) {
  return (
    <section class="placeholder networks" aria-labelledby="networks-title">
      <h2 id="networks-title">Networks</h2>
      {networks === null && <p>Reading the networks…</p>}
      {networks?.length === 0 && (
        <p>
          No networks yet. <code>typevisor net create lab</code> makes one (NAT, DHCP and DNS for its VMs); the create
          form then offers it.
        </p>
      )}
      <div class="network-cards">
        {networks?.map((n) => (
          <article key={n.name} class="network" data-network={n.name} aria-labelledby={`net-${n.name}`}>
            <h3 id={`net-${n.name}`}>
              {n.name} <span class="badge">{n.mode}</span>{' '}
              <span class={`badge ${n.running ? 'status-connected' : ''}`}>
                {n.running ? 'switch running' : 'switch stopped'}
              </span>
            </h3>
            <p class="help">
              {n.subnet}, gateway {n.gateway}
            </p>
            {n.vms.length === 0 ? (
              <p class="help">No VM joins it.</p>
            ) : (
              <table class="machines" aria-label={`VMs on ${n.name}`}>
                <thead>
                  <tr>
                    <th scope="col">VM</th>
                    <th scope="col">Address</th>
                    <th scope="col">MAC</th>
                  </tr>
                </thead>
                <tbody>
                  {n.vms.map((v) => (
                    <tr key={`${v.name} ${v.mac}`}>
                      <th scope="row">{v.name}</th>
                      <td>{v.ip ?? '—'}</td>
                      <td>
                        <code>{v.mac}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Forwards network={n} onAddForward={onAddForward} onRemoveForward={onRemoveForward} />
            {!n.error && <FirewallPanel network={n.name} readAt={readAt} onError={onError} />}
            {!n.error && <CapturePanel network={n.name} />}
          </article>
        ))}
      </div>
    </section>
  );
}
