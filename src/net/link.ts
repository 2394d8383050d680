// An in-process Ethernet link: two NetBackends, each delivering what it is sent to the other's receiver.
import type { NetBackend } from '../devices/virtio/net.js';

class LinkEnd implements NetBackend {
  peer: LinkEnd | undefined;
  private receiver: ((frame: Uint8Array) => void) | undefined;
  frames = 0;

  send(frame: Uint8Array): void {
    this.frames++;
    // A copy, so the sender may reuse its buffer and the receiver may keep the frame.
    this.peer?.receiver?.(frame.slice());
  }

  onReceive(cb: (frame: Uint8Array) => void): void {
    this.receiver = cb;
  }
}

/** Returns the two ends of a new link; frames sent on one end arrive, synchronously, at the other. */
export function createLink(): [NetBackend, NetBackend] {
  const a = new LinkEnd();
  const b = new LinkEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
