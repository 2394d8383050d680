// A learning Ethernet switch: frames in from a port go to the port that owns the destination MAC, else to all others.
import { ETH_HEADER, macText } from './packet.js';
/** Largest frame switched: a 64 KiB frame plus slack, as the stream framing allows. */
export const MAX_SWITCH_FRAME = 65536 + 4096;
/** Learned MACs kept; past this the least recently seen is forgotten (a guest cycling source MACs cannot grow it). */
export const MAX_MACS = 4096;
export class EthernetSwitch {
    ports = new Map();
    /** MAC text -> port id, in order of last use (a Map keeps insertion order: re-inserting moves to the end). */
    table = new Map();
    stats = { frames: 0, flooded: 0, malformed: 0, filtered: 0 };
    filter;
    /** Capture: called only while set, so a switch nobody watches pays nothing. */
    tap;
    attach(port) {
        this.ports.set(port.id, port);
    }
    detach(port) {
        this.ports.delete(port.id);
        for (const [mac, id] of this.table)
            if (id === port.id)
                this.table.delete(mac);
    }
    portList() {
        return [...this.ports.values()];
    }
    /** Learned MACs and their ports. */
    macTable() {
        return [...this.table].map(([mac, port]) => ({ mac, port }));
    }
    /** Switches one frame that arrived on `from`. */
    input(from, frame) {
        from.stats.rxFrames++;
        from.stats.rxBytes += frame.length;
        if (frame.length < ETH_HEADER || frame.length > MAX_SWITCH_FRAME) {
            this.stats.malformed++;
            return;
        }
        this.stats.frames++;
        // A unicast source is learned; a multicast source (bit 0 of the first byte) is bogus and never learned.
        if ((frame[6] & 1) === 0) {
            const src = macText(frame, 6);
            if (!this.table.delete(src) && this.table.size >= MAX_MACS)
                this.table.delete(this.table.keys().next().value);
            this.table.set(src, from.id);
        }
        const verdict = this.filter?.judge(frame);
        if (verdict && !verdict.pass) {
            this.stats.filtered++;
            this.tap?.(frame, from, `dropped by the firewall: ${verdict.rule ? `rule ${verdict.rule}` : 'policy'} (${verdict.action})`);
            if (verdict.reply) {
                this.tap?.(verdict.reply, from, `sent by the firewall: answer to a reject`);
                this.send(from, verdict.reply);
            }
            return;
        }
        this.tap?.(frame, from);
        if ((frame[0] & 1) === 0) {
            const id = this.table.get(macText(frame, 0));
            const to = id !== undefined ? this.ports.get(id) : undefined;
            if (to) {
                if (to !== from)
                    this.send(to, frame);
                return;
            }
        }
        this.stats.flooded++;
        for (const p of this.ports.values())
            if (p !== from)
                this.send(p, frame);
    }
    send(p, frame) {
        p.stats.txFrames++;
        p.stats.txBytes += frame.length;
        p.deliver(frame);
    }
}
export function newPortStats() {
    return { rxFrames: 0, txFrames: 0, rxBytes: 0, txBytes: 0, dropped: 0 };
}
//# sourceMappingURL=switch.js.map