// The network's gateway, a port of the switch: answers ARP and ping for its address, DHCP, and DNS for the VMs' names.
import { answerDns, DnsIgnored } from './dns.js';
import { DhcpIgnored } from './dhcp.js';
import { BROADCAST_MAC, buildArpReply, buildIpv4, buildUdp, checksum, IPPROTO_ICMP, IPPROTO_UDP, ipText, macText, parseArp, parseIpv4, parseUdp, } from './packet.js';
/** The gateway's MAC: locally administered, the same on every network. */
export const GATEWAY_MAC = Uint8Array.of(0x02, 0x74, 0x76, 0x00, 0x00, 0x01);
const GATEWAY_TEXT = macText(GATEWAY_MAC);
export class Gateway {
    o;
    stats = { arp: 0, ping: 0, dhcp: 0, dns: 0, ignored: 0 };
    constructor(o) {
        this.o = o;
    }
    /** A frame the switch delivered to the gateway's port (unicast to it, or flooded). */
    receive(frame) {
        try {
            this.handle(frame);
        }
        catch (e) {
            if (!(e instanceof DhcpIgnored || e instanceof DnsIgnored))
                throw e;
            this.stats.ignored++;
        }
    }
    handle(frame) {
        const srcMac = frame.slice(6, 12);
        const arp = parseArp(frame);
        if (arp) {
            if (arp.op === 1 && arp.targetIp === this.o.ip) {
                this.stats.arp++;
                this.o.output(buildArpReply(GATEWAY_MAC, this.o.ip, arp.senderMac, arp.senderIp));
            }
            return;
        }
        const ip = parseIpv4(frame);
        if (!ip)
            return;
        if (ip.protocol === IPPROTO_UDP) {
            const udp = parseUdp(ip.payload);
            if (!udp)
                return;
            if (udp.dstPort === 67 && udp.srcPort === 68) {
                const r = this.o.dhcp.handle(udp.data);
                if (!r)
                    return;
                this.stats.dhcp++;
                if (r.type === 'ack' && r.ip !== undefined)
                    this.o.log(`dhcp: ${macText(srcMac)} has ${ipText(r.ip)}`);
                // Broadcast: the client has no address yet, and every DHCP client reads broadcast replies.
                const u = buildUdp(this.o.ip, 0xffffffff, 67, 68, r.message);
                this.o.output(buildIpv4(BROADCAST_MAC, GATEWAY_MAC, this.o.ip, 0xffffffff, IPPROTO_UDP, u));
                return;
            }
            if (ip.dst === this.o.ip && udp.dstPort === 53) {
                const answer = answerDns(udp.data, this.o.domain, (h) => h === 'gateway' ? this.o.ip : this.o.dhcp.resolve(h));
                this.stats.dns++;
                // Names the network does not know go to the host's resolver, when the network reaches beyond the host.
                if ((answer[3] & 15) === 3 && this.o.nat?.forwardDns(ip, udp.srcPort, udp.data, srcMac))
                    return;
                const u = buildUdp(this.o.ip, ip.src, 53, udp.srcPort, answer);
                this.o.output(buildIpv4(srcMac, GATEWAY_MAC, this.o.ip, ip.src, IPPROTO_UDP, u));
                return;
            }
        }
        // Routed traffic comes to the gateway's MAC; frames flooded to every port are not the gateway's to forward.
        if (this.o.nat && macText(frame) === GATEWAY_TEXT && ip.protocol !== IPPROTO_ICMP) {
            this.o.nat.handle(ip, srcMac);
            return;
        }
        if (ip.protocol === IPPROTO_UDP)
            return;
        if (ip.protocol === IPPROTO_ICMP && ip.dst === this.o.ip) {
            const icmp = ip.payload;
            if (icmp.length < 8 || icmp[0] !== 8 || checksum(icmp) !== 0)
                return; // echo requests with a good checksum
            this.stats.ping++;
            const reply = icmp.slice();
            reply[0] = 0;
            reply[2] = reply[3] = 0;
            const sum = checksum(reply);
            reply[2] = sum >> 8;
            reply[3] = sum & 255;
            this.o.output(buildIpv4(srcMac, GATEWAY_MAC, this.o.ip, ip.src, IPPROTO_ICMP, reply));
        }
    }
}
//# sourceMappingURL=gateway.js.map