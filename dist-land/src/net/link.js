class LinkEnd {
    peer;
    receiver;
    frames = 0;
    send(frame) {
        this.frames++;
        // A copy, so the sender may reuse its buffer and the receiver may keep the frame.
        this.peer?.receiver?.(frame.slice());
    }
    onReceive(cb) {
        this.receiver = cb;
    }
}
/** Returns the two ends of a new link; frames sent on one end arrive, synchronously, at the other. */
export function createLink() {
    const a = new LinkEnd();
    const b = new LinkEnd();
    a.peer = b;
    b.peer = a;
    return [a, b];
}
//# sourceMappingURL=link.js.map