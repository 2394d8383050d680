// The snapshots view: one VM's snapshot tree drawn as a tree, the present state marked where it hangs; take, restore,
// delete and clone from a snapshot.
import { useEffect, useState } from 'preact/hooks';
import { api, LIVE, type SnapshotInfo, type SnapshotTree, type Vm } from './api.js';
import type { ConfirmRequest } from './confirm-dialog.js';

export const SNAPSHOT_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}';
export const VM_NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9_\\-]{0,62}';

interface Props {
  vms: Vm[];
  vm: string;
  onSelect: (vm: string) => void;
  /** Changes whenever the page read the VM list again: the tree is read again with it. */
  readAt: number;
  /** Runs an API call for a VM with the page's busy mark and error banner; resolves when it is done. */
  run: (vm: string, f: () => Promise<unknown>) => Promise<void>;
  ask: (request: ConfirmRequest) => void;
  busy: boolean;
}

function freeName(tree: SnapshotTree | null): string {
  const taken = new Set(tree?.snapshots.map((s) => s.name));
  for (let i = 1; ; i++) if (!taken.has(`snap-${i}`)) return `snap-${i}`;
}

export function SnapshotView({ vms, vm, onSelect, readAt, run, ask, busy }: Props) {
  const [tree, setTree] = useState<SnapshotTree | null>(null);
  const [failed, setFailed] = useState('');
  const [version, setVersion] = useState(0);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const target = vms.find((v) => v.name === vm);

  useEffect(() => {
    if (!vm) return;
    let current = true;
    api.snapshots(vm).then(
      (t) => current && (setTree(t), setFailed('')),
      (e: Error) => current && (setTree(null), setFailed(e.message)),
    );
    return () => {
      current = false;
    };
  }, [vm, readAt, version]);

  const reread = () => setVersion((n) => n + 1);
  const act = (f: () => Promise<unknown>) => void run(vm, f).then(reread);

  const take = (e: Event) => {
    e.preventDefault();
    const snap = name.trim() || freeName(tree);
    act(() => api.takeSnapshot(vm, snap, description.trim() || undefined));
    setName('');
    setDescription('');
  };

  const restore = (s: SnapshotInfo) =>
    ask({
      title: `Restore ${vm} to ${s.name}?`,
      body:
        `The present state of ${vm} is lost: ${target && LIVE.includes(target.state) ? 'the VM is powered off and ' : ''}` +
        `its disks go back to ${s.name}. ` +
        (s.withState
          ? `${s.name} holds the machine state: ${vm} is left suspended there, and start resumes it.`
          : `${s.name} holds disks only: the next start boots from them.`),
      confirm: 'Restore',
      onConfirm: () => act(() => api.restoreSnapshot(vm, s.name)),
    });

  const remove = (s: SnapshotInfo) =>
    ask({
      title: `Delete snapshot ${s.name}?`,
      body: `The copies of ${vm}'s disks${s.withState ? ' and machine state' : ''} in ${s.name} are removed; its children then hang from ${s.parent ?? 'the root'}. The VM itself does not change.`,
      confirm: 'Delete',
      onConfirm: () => act(() => api.deleteSnapshot(vm, s.name)),
    });

  const clone = (s: SnapshotInfo, linked: boolean) =>
    ask({
      title: `${linked ? 'Linked clone' : 'Clone'} of ${vm} at ${s.name}`,
      body: linked
        ? `A new VM whose disks are qcow2 overlays on ${s.name}'s copies: quick and small; ${s.name} cannot be deleted while the clone exists.`
        : `A new VM with full copies of ${s.name}'s disks, new MAC addresses, no snapshots; it boots afresh.`,
      confirm: 'Clone',
      danger: false,
      field: {
        label: 'Name of the new VM',
        initial: `${vm}-${s.name}`.replace(/\./g, '-').slice(0, 63),
        pattern: VM_NAME_PATTERN,
      },
      onConfirm: (newName) =>
        act(() => api.clone(vm, { name: newName, snapshot: s.name, ...(linked ? { linked } : {}) })),
    });

  const here = (
    <li class="here" role="treeitem" data-testid="you-are-here" aria-label="you are here">
      ● you are here{target ? ` (${target.suspended ? 'suspended' : target.state})` : ''}
    </li>
  );

  const nodes = (parent: string | null) => {
    const kids = tree?.snapshots.filter((s) => s.parent === parent) ?? [];
    const mark = tree && tree.current === parent && (parent !== null || tree.snapshots.length > 0);
    return (
      <>
        {kids.map((s) => (
          <li
            key={s.name}
            role="treeitem"
            aria-expanded="true"
            data-snapshot={s.name}
            class={tree?.current === s.name ? 'snapshot current' : 'snapshot'}
            aria-current={tree?.current === s.name ? 'true' : undefined}
          >
            <div class="node">
              <b class="snap-name">{s.name}</b>
              <span class="badge">{s.withState ? 'machine state' : 'disks only'}</span>
              <time dateTime={s.createdAt}>{new Date(s.createdAt).toLocaleString()}</time>
              {s.description && <span class="description">{s.description}</span>}
              {s.clones?.length ? <span class="hint">linked clones: {s.clones.join(', ')}</span> : null}
              <span class="node-actions">
                <button
                  type="button"
                  class="danger"
                  disabled={busy}
                  onClick={() => restore(s)}
                  aria-label={`Restore ${s.name}`}
                >
                  Restore
                </button>
                <button type="button" disabled={busy} onClick={() => clone(s, false)} aria-label={`Clone ${s.name}`}>
                  Clone
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => clone(s, true)}
                  aria-label={`Linked clone of ${s.name}`}
                >
                  Linked clone
                </button>
                <button
                  type="button"
                  class="danger"
                  disabled={busy}
                  onClick={() => remove(s)}
                  aria-label={`Delete snapshot ${s.name}`}
                >
                  Delete
                </button>
              </span>
            </div>
            {(tree?.snapshots.some((x) => x.parent === s.name) || tree?.current === s.name) && (
              <ul role="group">{nodes(s.name)}</ul>
            )}
          </li>
        ))}
        {mark && here}
      </>
    );
  };

  return (
    <section class="placeholder snapshots" aria-labelledby="snapshots-title">
      <h2 id="snapshots-title">Snapshots</h2>
      {vms.length === 0 ? (
        <p>No virtual machines yet.</p>
      ) : (
        <>
          <div class="field inline-field">
            <label for="snap-vm">Machine</label>
            <select id="snap-vm" value={vm} onChange={(e) => onSelect(e.currentTarget.value)}>
              {!target && <option value="">choose one</option>}
              {vms.map((v) => (
                <option key={v.name} value={v.name}>
                  {v.name} ({v.suspended ? 'suspended' : v.state})
                </option>
              ))}
            </select>
          </div>
          {target && (
            <form class="take" onSubmit={take} aria-label={`Take a snapshot of ${vm}`}>
              <div class="field">
                <label for="snap-name">Snapshot name</label>
                <input
                  id="snap-name"
                  value={name}
                  placeholder={freeName(tree)}
                  pattern={SNAPSHOT_PATTERN}
                  onInput={(e) => setName(e.currentTarget.value)}
                />
              </div>
              <div class="field">
                <label for="snap-description">Description (optional)</label>
                <input
                  id="snap-description"
                  value={description}
                  onInput={(e) => setDescription(e.currentTarget.value)}
                />
              </div>
              <button type="submit" class="primary" disabled={busy}>
                Take snapshot
              </button>
              <p class="help">
                {LIVE.includes(target.state)
                  ? `${vm} runs: it pauses while its disks and machine state are copied, then runs on; restoring the snapshot resumes the guest where it was.`
                  : `${vm} does not run: the snapshot holds its disks${target.suspended ? ' and its suspended machine state' : ''}.`}
              </p>
            </form>
          )}
          {failed && <p class="help warn">{failed}</p>}
          {tree && tree.snapshots.length === 0 && <p data-testid="no-snapshots">{vm} has no snapshots yet.</p>}
          {tree && tree.snapshots.length > 0 && (
            <ul class="snapshot-tree" role="tree" aria-label={`Snapshot tree of ${vm}`}>
              {nodes(null)}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
