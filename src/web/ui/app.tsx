// The web console's page: header with the connection and host memory, the machine list, the create form, the consoles.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, LIVE, runCommand, type CreateRequest, type Network, type Vm, type VmCommand } from './api.js';
import { ConfirmDialog, type ConfirmRequest } from './confirm-dialog.js';
import { ConsolePane } from './console-pane.js';
import { CreateForm } from './create-form.js';
import { size } from './format.js';
import type { LiveModel, Snapshot } from './live.js';
import { MachineList } from './machine-list.js';
import { NetworkView } from './network-view.js';
import { SnapshotView, VM_NAME_PATTERN } from './snapshot-view.js';
import { StatsPane } from './stats-pane.js';

type View = 'machines' | 'snapshots' | 'networks';

const CONFIRM: Partial<Record<VmCommand, (vm: string) => Omit<ConfirmRequest, 'onConfirm'>>> = {
  delete: (vm) => ({
    title: `Delete ${vm}?`,
    body: `The definition of ${vm}, the disks created with it and any suspended state are removed. This cannot be undone.`,
    confirm: 'Delete',
  }),
  kill: (vm) => ({
    title: `Kill ${vm}?`,
    body: `The VM process ends at once, like pulling the power cord: the guest cannot save its work.`,
    confirm: 'Kill',
  }),
  reset: (vm) => ({
    title: `Reset ${vm}?`,
    body: `The guest reboots at once, without shutting down: unsaved work in it is lost.`,
    confirm: 'Reset',
  }),
};

function useSnapshot(model: LiveModel): Snapshot {
  const [snap, setSnap] = useState(model.current);
  useEffect(() => model.subscribe(setSnap), [model]);
  return snap;
}

/** A clock for uptimes, ticking only while some VM runs (it reads nothing from the server). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

interface OpenConsole {
  id: number;
  vm: string;
}

let nextConsoleId = 1;

export function App({ model }: { model: LiveModel }) {
  const snap = useSnapshot(model);
  const anyLive = snap.vms.some((v) => LIVE.includes(v.state));
  const now = useNow(anyLive);
  const [view, setView] = useState<View>('machines');
  const [consoles, setConsoles] = useState<OpenConsole[]>([]);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [networks, setNetworks] = useState<Network[] | null>(null);
  const [snapshotsOf, setSnapshotsOf] = useState('');
  /** The VMs whose statistics pane is open. */
  const [statsOf, setStatsOf] = useState<string[]>([]);
  // Networks are read with the list: whenever an event made the page read the VMs again.
  const readNetworks = () => api.networks().then(setNetworks, () => undefined);
  useEffect(() => void readNetworks(), [snap.readAt]);
  const states = useMemo(() => new Map(snap.vms.map((v) => [v.name, v.state])), [snap.vms]);

  const mark = (vm: string, on: boolean) =>
    setBusy((b) => {
      const next = new Set(b);
      if (on) next.add(vm);
      else next.delete(vm);
      return next;
    });

  const openConsole = (vm: string, another = false) =>
    setConsoles((cs) => (!another && cs.some((c) => c.vm === vm) ? cs : [...cs, { id: nextConsoleId++, vm }]));

  /** Starts a VM; when admission control refuses it, offers to start it anyway. */
  const startVm = async (vm: string) => {
    try {
      await api.start(vm);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'no-memory')
        return setConfirm({
          title: `Not enough memory for ${vm}`,
          body: `${e.message}. Starting it anyway may make the host swap or kill processes.`,
          confirm: 'Start anyway',
          onConfirm: () => void act(vm, () => api.start(vm, true)),
        });
      throw e;
    }
  };

  const act = async (vm: string, f: () => Promise<unknown>) => {
    setError('');
    mark(vm, true);
    try {
      await f();
    } catch (e) {
      setError(`${vm}: ${(e as Error).message}`);
    } finally {
      mark(vm, false);
      void model.refresh();
    }
  };

  const onCommand = (vm: Vm, command: VmCommand) => {
    if (command === 'clone')
      return setConfirm({
        title: `Clone ${vm.name}`,
        body: `A new VM with full copies of ${vm.name}'s disks and new MAC addresses; it is not started. (To clone a running VM, take a snapshot and clone that.)`,
        confirm: 'Clone',
        danger: false,
        field: { label: 'Name of the new VM', initial: `${vm.name}-clone`.slice(0, 63), pattern: VM_NAME_PATTERN },
        onConfirm: (name) => void act(vm.name, () => api.clone(vm.name, { name })),
      });
    const run = () => act(vm.name, () => (command === 'start' ? startVm(vm.name) : runCommand(vm.name, command)));
    const ask = CONFIRM[command];
    if (ask) setConfirm({ ...ask(vm.name), onConfirm: () => void run() });
    else void run();
  };

  const onCreate = async (request: CreateRequest, start: boolean) => {
    setError('');
    try {
      await api.create(request);
    } catch (e) {
      setError(`create ${request.name}: ${(e as Error).message}`);
      return false;
    }
    void model.refresh();
    if (start) {
      await act(request.name, () => startVm(request.name));
      openConsole(request.name);
    }
    return true;
  };

  const mem = snap.host?.memory;
  const snapVm = states.has(snapshotsOf) ? snapshotsOf : (snap.vms[0]?.name ?? '');
  return (
    <>
      <header class="top">
        <h1>typevisor</h1>
        <nav aria-label="Views">
          {(['machines', 'snapshots', 'networks'] as View[]).map((v) => (
            <button
              key={v}
              type="button"
              class={view === v ? 'tab current' : 'tab'}
              aria-current={view === v ? 'page' : undefined}
              onClick={() => setView(v)}
            >
              {v[0].toUpperCase() + v.slice(1)}
            </button>
          ))}
        </nav>
        <div class="host" data-testid="host-memory">
          {mem &&
            `host ${size(mem.availableBytes)} free of ${size(mem.totalBytes)} · VMs ${size(mem.usedBytes)} of ${size(mem.budgetBytes)}`}
        </div>
        <div class={`connection connection-${snap.connection}`} role="status" data-testid="connection">
          {snap.connection === 'live' ? 'live' : snap.connection === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </div>
      </header>
      {error && (
        <div class="error-banner" role="alert">
          {error}
          <button type="button" aria-label="Dismiss the error" onClick={() => setError('')}>
            ×
          </button>
        </div>
      )}
      <main>
        {view === 'machines' && (
          <div class="machines-view">
            <section class="list" aria-label="Machines">
              <MachineList
                vms={snap.vms}
                readAt={snap.readAt}
                now={now}
                busy={busy}
                onCommand={onCommand}
                onConsole={(vm) => openConsole(vm.name)}
                onStats={(vm) => setStatsOf((s) => (s.includes(vm.name) ? s : [...s, vm.name]))}
                onSnapshots={(vm) => {
                  setSnapshotsOf(vm.name);
                  setView('snapshots');
                }}
              />
              <details class="activity">
                <summary>Activity ({snap.activity.length})</summary>
                <ol>
                  {snap.activity.map((a, i) => (
                    <li key={i} class={`activity-${a.kind}`}>
                      <time dateTime={a.at}>{new Date(a.at).toLocaleTimeString()}</time> <b>{a.vm}</b> {a.text}
                    </li>
                  ))}
                </ol>
              </details>
            </section>
            <CreateForm host={snap.host} vms={snap.vms} networks={networks ?? []} onCreate={onCreate} />
          </div>
        )}
        {view === 'snapshots' && (
          <SnapshotView
            vms={snap.vms}
            vm={snapVm}
            onSelect={setSnapshotsOf}
            readAt={snap.readAt}
            run={act}
            ask={setConfirm}
            busy={busy.has(snapVm)}
          />
        )}
        {view === 'networks' && (
          <NetworkView
            networks={networks}
            readAt={snap.readAt}
            onError={setError}
            onAddForward={async (network, request) => {
              setError('');
              try {
                await api.addForward(network, request);
                return true;
              } catch (e) {
                setError(`${network}: ${(e as Error).message}`);
                return false;
              } finally {
                void readNetworks();
              }
            }}
            onRemoveForward={(network, forward) => {
              setError('');
              api.removeForward(network, forward).then(
                () => void readNetworks(),
                (e: Error) => setError(`${network}: ${e.message}`),
              );
            }}
          />
        )}
        <section class="consoles" aria-label="Consoles and statistics">
          {consoles
            .filter((c) => states.has(c.vm))
            .map((c) => (
              <ConsolePane
                key={c.id}
                id={c.id}
                vm={c.vm}
                live={LIVE.includes(states.get(c.vm) ?? 'stopped')}
                onClose={() => setConsoles((cs) => cs.filter((x) => x.id !== c.id))}
                onDuplicate={() => openConsole(c.vm, true)}
              />
            ))}
          {statsOf
            .filter((vm) => states.has(vm))
            .map((vm) => (
              <StatsPane
                key={vm}
                vm={vm}
                live={LIVE.includes(states.get(vm) ?? 'stopped')}
                onClose={() => setStatsOf((s) => s.filter((x) => x !== vm))}
              />
            ))}
        </section>
      </main>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}
