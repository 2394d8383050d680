// One console viewer: xterm.js over the console WebSocket, its scrollback from the console log, resize sent to the guest.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { api } from './api.js';
import { routeGeneratedStyles } from './xterm-csp.js';

/** Console log bytes fetched as scrollback when a viewer opens. */
const SCROLLBACK_BYTES = 256 * 1024;
/** Terminal lines kept (the log fits in them for ordinary output). */
const SCROLLBACK_LINES = 10_000;
/** How far the end of the log and the start of the live output are compared for bytes both hold. */
const OVERLAP_MAX = 4096;

/**
 * The console socket is opened first and the log read after, so no output falls between them; bytes written in
 * that moment are in both, at the end of the log and the start of the live output: this many of them are skipped.
 */
export function overlap(log: Uint8Array, live: Uint8Array): number {
  for (let k = Math.min(log.length, live.length, OVERLAP_MAX); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = log[log.length - k + i] === live[i];
    if (same) return k;
  }
  return 0;
}

type Status = 'connecting' | 'connected' | 'closed' | 'log';

interface Props {
  id: number;
  vm: string;
  live: boolean;
  onClose: () => void;
  onDuplicate: () => void;
}

export function ConsolePane({ id, vm, live, onClose, onDuplicate }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const fit = useRef<FitAddon | null>(null);
  const [status, setStatus] = useState<Status>('connecting');
  const [dims, setDims] = useState('');
  const [notice, setNotice] = useState('');

  // The terminal lives as long as the pane.
  useEffect(() => {
    routeGeneratedStyles();
    const t = new Terminal({
      convertEol: false,
      scrollback: SCROLLBACK_LINES,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      theme: { background: '#101418', foreground: '#d8dee4' },
    });
    const f = new FitAddon();
    t.loadAddon(f);
    t.open(host.current!);
    term.current = t;
    fit.current = f;
    const resize = new ResizeObserver(() => {
      try {
        f.fit();
      } catch {
        // not laid out (hidden): the next observation fits it
      }
    });
    resize.observe(host.current!);
    setDims(`${t.cols}×${t.rows}`);
    const sized = t.onResize(({ cols, rows }) => setDims(`${cols}×${rows}`));
    // Ctrl+Shift+C and Ctrl+Shift+V copy and paste, as in desktop terminals; Ctrl+C goes to the guest.
    t.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyC') {
        void copy();
        return false;
      }
      if (e.code === 'KeyV') {
        void paste();
        return false;
      }
      return true;
    });
    return () => {
      resize.disconnect();
      sized.dispose();
      t.dispose();
      term.current = null;
    };
  }, []);

  // One connection per time the VM runs: scrollback from the log, then live output both ways.
  useEffect(() => {
    const t = term.current!;
    let ws: WebSocket | null = null;
    let cancelled = false;
    const pending: Uint8Array[] = [];
    let scrollbackDone = false;
    const disposables: { dispose(): void }[] = [];

    const writeScrollback = async () => {
      let log: Uint8Array = new Uint8Array(0);
      try {
        log = await api.consoleLog(vm, SCROLLBACK_BYTES);
      } catch (e) {
        setNotice(`no scrollback: ${(e as Error).message}`);
      }
      if (cancelled) return;
      t.reset();
      t.write(log);
      const liveBytes = concat(pending);
      pending.length = 0;
      t.write(liveBytes.subarray(overlap(log, liveBytes)));
      scrollbackDone = true;
    };

    if (!live) {
      setStatus('log');
      void writeScrollback();
      return () => {
        cancelled = true;
      };
    }

    setStatus('connecting');
    setNotice('');
    ws = new WebSocket(api.consoleUrl(vm));
    ws.binaryType = 'arraybuffer';
    const sendSize = () => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols: t.cols, rows: t.rows }));
    };
    ws.onopen = () => {
      setStatus('connected');
      void writeScrollback();
      sendSize();
    };
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') {
        const msg = JSON.parse(m.data) as { type: string; message?: string };
        if (msg.type === 'error') setNotice(msg.message ?? 'error');
        return;
      }
      const bytes = new Uint8Array(m.data as ArrayBuffer);
      if (scrollbackDone) t.write(bytes);
      else pending.push(bytes);
    };
    ws.onclose = (e) => {
      if (cancelled) return;
      setStatus('closed');
      if (e.code !== 1000) setNotice(e.reason || `the console closed (${e.code})`);
    };
    const encoder = new TextEncoder();
    disposables.push(
      t.onData((data) => {
        if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
      }),
      t.onBinary((data) => {
        if (ws?.readyState === WebSocket.OPEN) ws.send(Uint8Array.from(data, (c) => c.charCodeAt(0)));
      }),
      t.onResize(sendSize),
    );
    return () => {
      cancelled = true;
      for (const d of disposables) d.dispose();
      ws?.close();
    };
  }, [vm, live]);

  const copy = async () => {
    const text = term.current?.getSelection() ?? '';
    if (!text) return setNotice('select text in the terminal first');
    try {
      await navigator.clipboard.writeText(text);
      setNotice('copied');
    } catch (e) {
      setNotice(`copy: ${(e as Error).message}`);
    }
  };
  const paste = async () => {
    try {
      term.current?.paste(await navigator.clipboard.readText());
      term.current?.focus();
    } catch (e) {
      setNotice(`paste: ${(e as Error).message} (Ctrl+V in the terminal pastes too)`);
    }
  };

  const label = { connecting: 'connecting…', connected: 'connected', closed: 'closed', log: 'console log' }[status];
  return (
    <section class="console" data-console={vm} data-status={status} aria-labelledby={`console-${id}-title`}>
      <header>
        <h3 id={`console-${id}-title`}>
          {vm} <span class={`badge status-${status}`}>{label}</span> <span class="dims">{dims}</span>
        </h3>
        <span class="notice" role="status">
          {notice}
        </span>
        <div class="buttons">
          <button type="button" onClick={() => void copy()} title="Ctrl+Shift+C" aria-label={`Copy from ${vm}`}>
            Copy
          </button>
          <button type="button" onClick={() => void paste()} title="Ctrl+Shift+V" aria-label={`Paste into ${vm}`}>
            Paste
          </button>
          <button type="button" onClick={onDuplicate} aria-label={`Another viewer of ${vm}`}>
            Another viewer
          </button>
          <button type="button" onClick={onClose} aria-label={`Close the console of ${vm}`}>
            Close
          </button>
        </div>
      </header>
      <div class="terminal" ref={host} />
    </section>
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
