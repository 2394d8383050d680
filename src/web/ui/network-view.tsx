// The networks view: each named network with its mode, subnet and switch, and the VMs whose cards join it.
import type { Network } from './api.js';

export function NetworkView({ networks }: { networks: Network[] | null }) {
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
              <table class="machines">
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
          </article>
        ))}
      </div>
      <p class="help">
        Port forwards, firewall rules and the capture view appear here once the API serves them; until then the command
        line manages them.
      </p>
    </section>
  );
}
