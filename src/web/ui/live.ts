// The page's model of the VMs, kept current by the events WebSocket: a list on connect, then changes as they happen.
import { api, type ApiEvent, type Host, type Vm } from './api.js';

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface Activity {
  at: string;
  vm: string;
  text: string;
  kind: 'state' | 'guest' | 'log' | 'created' | 'deleted';
}

export interface Snapshot {
  vms: Vm[];
  host: Host | null;
  connection: Connection;
  activity: Activity[];
  /** When the list was last read from the server (uptimes are counted from it). */
  readAt: number;
}

/** Activity lines kept for the page. */
const ACTIVITY_MAX = 100;
/** Reconnect delays after the events socket closed: grows to the last value and stays there. */
const BACKOFF_MS = [500, 1000, 2000, 5000];

/**
 * The events socket drives everything: each event updates the VM it names at once, then the list (host memory,
 * disk use, uptimes) is read again — once per burst of events, never on a timer.
 */
export class LiveModel {
  private snapshot: Snapshot = { vms: [], host: null, connection: 'connecting', activity: [], readAt: Date.now() };
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private ws: WebSocket | null = null;
  private attempt = 0;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private stopped = false;

  get current(): Snapshot {
    return this.snapshot;
  }

  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(change: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const l of this.listeners) l(this.snapshot);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }

  private connect(): void {
    const ws = new WebSocket(api.eventsUrl());
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.set({ connection: 'live' });
    };
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') this.onEvent(JSON.parse(m.data) as ApiEvent);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.set({ connection: 'reconnecting' });
      const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)];
      setTimeout(() => this.connect(), delay);
    };
  }

  private note(a: Activity): void {
    this.set({ activity: [a, ...this.snapshot.activity].slice(0, ACTIVITY_MAX) });
  }

  private onEvent(e: ApiEvent): void {
    if (e.event === 'list') {
      this.set({ vms: e.vms, readAt: Date.now() });
      void this.refresh();
      return;
    }
    if (e.event === 'state') {
      const vms = this.snapshot.vms.map((v) =>
        v.name === e.vm ? { ...v, state: e.state, ...(e.reason ? { reason: e.reason } : {}) } : v,
      );
      this.set({ vms });
      this.note({ at: e.at, vm: e.vm, kind: 'state', text: e.state + (e.reason ? `: ${e.reason}` : '') });
    } else if (e.event === 'deleted') {
      this.set({ vms: this.snapshot.vms.filter((v) => v.name !== e.vm) });
      this.note({ at: e.at, vm: e.vm, kind: 'deleted', text: 'deleted' });
    } else if (e.event === 'created') {
      this.note({ at: e.at, vm: e.vm, kind: 'created', text: 'created' });
    } else {
      this.note({ at: e.at, vm: e.vm, kind: e.event, text: e.message });
      return;
    }
    void this.refresh();
  }

  /** Reads the list and the host figures again; calls made meanwhile cause one more read after it. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        try {
          const [vms, host] = await Promise.all([api.list(), api.host()]);
          // An event that came during the read is newer than what the read saw: the stale list would flip a VM back
          // to its old state for a moment (and a console pane would connect to a VM that is gone). Read again first.
          if (!this.readAgain) this.set({ vms, host, readAt: Date.now() });
        } catch {
          // the events socket reports a server that went away; its reconnect reads the list again
        }
      } while (this.readAgain && !this.stopped);
    })().finally(() => (this.reading = null));
    return this.reading;
  }
}
