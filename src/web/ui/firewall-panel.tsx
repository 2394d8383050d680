// A network's firewall as an ordered, editable table: rules in the order they are tried with their hit counters, moved
// up and down, deleted, added in the CLI's words at a position; the default policy.
import { useEffect, useState } from 'preact/hooks';
import { api, type Rule, type RuleAction, type RuleList } from './api.js';
import { size } from './format.js';

interface Props {
  network: string;
  /** Changes whenever the page read the VM list again: the rules (and counters) are read again with it. */
  readAt: number;
  onError: (message: string) => void;
}

const ACTIONS: RuleAction[] = ['allow', 'deny', 'reject'];

const side = (addr: string, ports?: string) => (ports ? `${addr} port ${ports}` : addr);

export function FirewallPanel({ network, readAt, onError }: Props) {
  const [list, setList] = useState<RuleList | null>(null);
  const [text, setText] = useState('');
  const [position, setPosition] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    api.rules(network).then(
      (l) => current && setList(l),
      (e: Error) => current && onError(`${network}: ${e.message}`),
    );
    return () => {
      current = false;
    };
  }, [network, readAt, version]);

  /** Runs one change; the answer is the list as it is now. */
  const change = async (f: () => Promise<RuleList>): Promise<boolean> => {
    try {
      setList(await f());
      return true;
    } catch (e) {
      onError(`${network}: ${(e as Error).message}`);
      return false;
    }
  };

  const add = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    const at = Number(position);
    const ok = await change(() =>
      api.addRule(network, { text: text.trim(), ...(position && at >= 1 ? { position: at } : {}) }),
    );
    if (ok) {
      setText('');
      setPosition('');
    }
  };

  const row = (r: Rule, count: number) => (
    <tr key={r.id} data-rule={r.id} data-position={r.position}>
      <td class="num">{r.position}</td>
      <th scope="row">
        <span class={`rule-action rule-${r.action}`}>{r.action}</span>
      </th>
      <td>{r.proto}</td>
      <td>{side(r.from, r.fromPorts)}</td>
      <td>{side(r.to, r.toPorts)}</td>
      <td class="num" data-testid="rule-packets">
        {r.packets}
      </td>
      <td class="num">{size(r.bytes)}</td>
      <td class="rule-buttons">
        <button
          type="button"
          disabled={r.position === 1}
          aria-label={`Move rule ${r.position} of ${network} up`}
          onClick={() => void change(() => api.moveRule(network, r.id, r.position - 1))}
        >
          ↑
        </button>
        <button
          type="button"
          disabled={r.position === count}
          aria-label={`Move rule ${r.position} of ${network} down`}
          onClick={() => void change(() => api.moveRule(network, r.id, r.position + 1))}
        >
          ↓
        </button>
        <button
          type="button"
          class="danger"
          aria-label={`Delete rule ${r.position} of ${network}: ${r.text}`}
          onClick={() => void change(() => api.deleteRule(network, r.id))}
        >
          Delete
        </button>
      </td>
    </tr>
  );

  return (
    <div class="firewall" data-firewall={network}>
      <h4>Firewall</h4>
      {list === null ? (
        <p class="help">Reading the rules…</p>
      ) : (
        <>
          <p class="help">
            Rules are tried from the top; the first that matches decides.{' '}
            {list.running
              ? `${list.tracked} connections tracked; replies of allowed connections pass.`
              : 'The switch does not run: the counters are zero.'}{' '}
            <button
              type="button"
              onClick={() => setVersion((n) => n + 1)}
              aria-label={`Read the counters of ${network} again`}
            >
              Refresh counters
            </button>
          </p>
          <table class="machines rules" aria-label={`Firewall rules of ${network}`}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Action</th>
                <th scope="col">Protocol</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Packets</th>
                <th scope="col">Bytes</th>
                <th scope="col">
                  <span class="visually-hidden">Order and delete</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.rules.map((r) => row(r, list.rules.length))}
              <tr class="policy-row">
                <td />
                <th scope="row">
                  <label for={`policy-${network}`} class="visually-hidden">
                    Default policy of {network}
                  </label>
                  <select
                    id={`policy-${network}`}
                    value={list.policy}
                    onChange={(e) => void change(() => api.setPolicy(network, e.currentTarget.value as RuleAction))}
                  >
                    {ACTIONS.map((a) => (
                      <option key={a} value={a}>
                        {a}
                      </option>
                    ))}
                  </select>
                </th>
                <td colSpan={3} class="help">
                  everything else (the default policy)
                </td>
                <td class="num" data-testid="policy-packets">
                  {list.policyHits.packets}
                </td>
                <td class="num">{size(list.policyHits.bytes)}</td>
                <td />
              </tr>
            </tbody>
          </table>
          <form class="forward-form" onSubmit={add} aria-label={`Add a firewall rule to ${network}`}>
            <div class="field grow">
              <label for={`rule-${network}`}>New rule</label>
              <input
                id={`rule-${network}`}
                value={text}
                placeholder="deny icmp from vm1 to vm2"
                onInput={(e) => setText(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for={`rule-at-${network}`}>At position</label>
              <input
                id={`rule-at-${network}`}
                size={4}
                inputMode="numeric"
                placeholder="last"
                value={position}
                onInput={(e) => setPosition(e.currentTarget.value)}
              />
            </div>
            <button type="submit" disabled={!text.trim()} aria-label={`Add the rule to ${network}`}>
              Add rule
            </button>
          </form>
        </>
      )}
    </div>
  );
}
