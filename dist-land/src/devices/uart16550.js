import { HOST_INPUT_BACKLOG, InputBacklog } from './host-input.js';
export const UART_SIZE = 0x100;
export const UART_CLOCK_HZ = 3_686_400;
export const UART_FIFO_SIZE = 16;
// Register offsets (DLAB = LCR bit 7 switches 0/1 to the divisor latch).
export const UART_RBR_THR_DLL = 0;
export const UART_IER_DLM = 1;
export const UART_IIR_FCR = 2;
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;
export const IER_RDI = 0x01;
export const IER_THRI = 0x02;
export const IER_RLSI = 0x04;
export const IER_MSI = 0x08;
export const IIR_NO_INT = 0x01;
export const IIR_MSI = 0x00;
export const IIR_THRI = 0x02;
export const IIR_RDI = 0x04;
export const IIR_RLSI = 0x06;
export const IIR_RX_TIMEOUT = 0x0c;
export const IIR_FIFO_ENABLED = 0xc0;
export const FCR_ENABLE = 0x01;
export const FCR_CLEAR_RX = 0x02;
export const FCR_CLEAR_TX = 0x04;
export const LCR_DLAB = 0x80;
export const MCR_DTR = 0x01;
export const MCR_RTS = 0x02;
export const MCR_OUT1 = 0x04;
export const MCR_OUT2 = 0x08;
export const MCR_LOOP = 0x10;
export const LSR_DR = 0x01;
export const LSR_OE = 0x02;
export const LSR_PE = 0x04;
export const LSR_FE = 0x08;
export const LSR_BI = 0x10;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
const LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;
export const MSR_DCTS = 0x01;
export const MSR_DDSR = 0x02;
export const MSR_TERI = 0x04;
export const MSR_DDCD = 0x08;
export const MSR_CTS = 0x10;
export const MSR_DSR = 0x20;
export const MSR_RI = 0x40;
export const MSR_DCD = 0x80;
/** With no loopback, the host side of the line looks like a connected modem. */
const MSR_IDLE = MSR_DCD | MSR_DSR | MSR_CTS;
const RX_TRIGGER = [1, 4, 8, 14];
/**
 * Transmission is instantaneous: a THR write goes straight to `output` (or, in loopback, to the
 * receive FIFO), so THR and the transmitter are always empty. Host input given to `receive` waits
 * in a bounded backlog and enters the receive FIFO as the guest drains it, so host input never
 * overruns; a full backlog makes `receive` take less and the producer waits for `inputSpace`.
 * The host end of the line honours RTS as hardware flow control: bytes move into the FIFO only
 * while the guest asserts MCR.RTS outside loopback (Linux raises RTS when the port is opened,
 * after its start-up FIFO clear; firmware raises it at init), so input typed before a driver
 * listens waits instead of being cleared away. With no clock, the FIFO "character timeout" is
 * reported as soon as data sits below the trigger level: Linux drains the FIFO either way. Any
 * access size is treated as a byte access.
 */
export class Uart16550 {
    irq;
    output;
    rx = [];
    /** Host input not yet in the FIFO. */
    backlog;
    ier = 0;
    lcr = 0;
    /** OUT2 set at reset, as QEMU's model has it (it gates the IRQ on PC boards; not here). */
    mcr = MCR_OUT2;
    lsrErrors = 0;
    msr = MSR_IDLE;
    scr = 0;
    dll = 0;
    dlm = 0;
    fcr = 0;
    /** THR-empty interrupt latch: set when THR empties or THRI is enabled, cleared by IIR read or THR write. */
    thrPending = false;
    irqLevel = false;
    constructor(irq, output, events = {}, backlogLimit = HOST_INPUT_BACKLOG) {
        this.irq = irq;
        this.output = output;
        this.backlog = new InputBacklog(backlogLimit, events);
    }
    /** Bytes of host input the UART takes now (room in its backlog). */
    canAccept() {
        return this.backlog.room();
    }
    /** Host input (keyboard, socket): takes up to canAccept() bytes and feeds them to the guest as it reads. */
    receive(bytes) {
        const n = this.backlog.push(bytes);
        this.refill();
        this.updateIrq();
        return n;
    }
    /** Bytes of host input not yet read by the guest (FIFO plus backlog). */
    pendingInput() {
        return this.rx.length + this.backlog.length;
    }
    read(offset, _size) {
        switch (offset) {
            case UART_RBR_THR_DLL:
                if (this.lcr & LCR_DLAB)
                    return this.dll;
                return this.readRbr();
            case UART_IER_DLM:
                return this.lcr & LCR_DLAB ? this.dlm : this.ier;
            case UART_IIR_FCR: {
                const iir = this.iir();
                if ((iir & 0x0f) === IIR_THRI) {
                    this.thrPending = false;
                    this.updateIrq();
                }
                return iir;
            }
            case UART_LCR:
                return this.lcr;
            case UART_MCR:
                return this.mcr;
            case UART_LSR: {
                const lsr = this.lsr();
                if (this.lsrErrors) {
                    this.lsrErrors = 0;
                    this.updateIrq();
                }
                return lsr;
            }
            case UART_MSR: {
                const msr = this.msr;
                if (msr & 0x0f) {
                    this.msr &= 0xf0;
                    this.updateIrq();
                }
                return msr;
            }
            case UART_SCR:
                return this.scr;
            default:
                return 0;
        }
    }
    write(offset, _size, value) {
        value &= 0xff;
        switch (offset) {
            case UART_RBR_THR_DLL:
                if (this.lcr & LCR_DLAB)
                    this.dll = value;
                else
                    this.transmit(value);
                break;
            case UART_IER_DLM:
                if (this.lcr & LCR_DLAB) {
                    this.dlm = value;
                }
                else {
                    const was = this.ier;
                    this.ier = value & 0x0f;
                    // A real 16550 re-asserts THRE when THRI is turned on with an empty THR; Linux tests this.
                    if (this.ier & IER_THRI && !(was & IER_THRI))
                        this.thrPending = true;
                    this.updateIrq();
                }
                break;
            case UART_IIR_FCR:
                this.writeFcr(value);
                break;
            case UART_LCR:
                this.lcr = value;
                break;
            case UART_MCR:
                this.writeMcr(value & 0x1f);
                break;
            case UART_SCR:
                this.scr = value;
                break;
            default:
                break; // LSR and MSR are read-only (factory test writes are not modelled)
        }
    }
    save() {
        return {
            rx: [...this.rx],
            backlog: this.backlog.toArray(),
            ier: this.ier,
            lcr: this.lcr,
            mcr: this.mcr,
            lsrErrors: this.lsrErrors,
            msr: this.msr,
            scr: this.scr,
            dll: this.dll,
            dlm: this.dlm,
            fcr: this.fcr,
            thrPending: this.thrPending,
        };
    }
    restore(s) {
        this.fcr = s.fcr & (FCR_ENABLE | 0xc0);
        this.rx = s.rx.slice(0, this.fifoCapacity()).map((b) => b & 0xff);
        this.backlog.clear();
        this.backlog.push(Uint8Array.from(s.backlog, (b) => b & 0xff));
        this.ier = s.ier & 0x0f;
        this.lcr = s.lcr & 0xff;
        this.mcr = s.mcr & 0x1f;
        this.lsrErrors = s.lsrErrors & LSR_ERRORS;
        this.msr = s.msr & 0xff;
        this.scr = s.scr & 0xff;
        this.dll = s.dll & 0xff;
        this.dlm = s.dlm & 0xff;
        this.thrPending = !!s.thrPending;
        this.refill();
        this.irqLevel = !this.computeIrq(); // force the line to be driven
        this.updateIrq();
    }
    /** Emits `serial@<base>` in /soc, wired to `irq` of the PLIC with phandle `plicPhandle`. */
    static fdtNode(fdt, base, plicPhandle, irq) {
        fdt
            .beginNode(`serial@${base.toString(16)}`)
            .propU32('interrupts', irq)
            .propU32('interrupt-parent', plicPhandle)
            .propU32('clock-frequency', UART_CLOCK_HZ)
            .propReg('reg', base, UART_SIZE)
            .propString('compatible', 'ns16550a')
            .endNode();
    }
    fifoEnabled() {
        return (this.fcr & FCR_ENABLE) !== 0;
    }
    fifoCapacity() {
        return this.fifoEnabled() ? UART_FIFO_SIZE : 1;
    }
    readRbr() {
        if (this.rx.length === 0)
            return 0;
        const b = this.rx.shift();
        this.refill();
        this.updateIrq();
        this.backlog.notifySpace();
        return b;
    }
    /** The host may send: RTS asserted and the receiver not cut off by loopback. */
    lineOpen() {
        return (this.mcr & (MCR_RTS | MCR_LOOP)) === MCR_RTS;
    }
    refill() {
        if (!this.lineOpen())
            return;
        const cap = this.fifoCapacity();
        while (this.rx.length < cap && this.backlog.length > 0)
            this.rx.push(this.backlog.shift());
    }
    transmit(b) {
        if (this.mcr & MCR_LOOP) {
            if (this.rx.length < this.fifoCapacity()) {
                this.rx.push(b);
            }
            else {
                // Overrun: a full FIFO loses the new byte; the 1-byte holding register is overwritten.
                if (!this.fifoEnabled())
                    this.rx[0] = b;
                this.lsrErrors |= LSR_OE;
            }
        }
        else {
            this.output(Uint8Array.of(b));
        }
        // The byte left at once: THR is empty again, so the THRE interrupt latches anew.
        this.thrPending = true;
        this.updateIrq();
    }
    writeFcr(value) {
        const wasEnabled = this.fifoEnabled();
        const enable = (value & FCR_ENABLE) !== 0;
        if (value & FCR_CLEAR_RX || enable !== wasEnabled) {
            // Clearing (or toggling FIFO mode) discards unread bytes, as the chip does; the host backlog stays.
            this.rx = [];
        }
        this.fcr = enable ? value & (FCR_ENABLE | 0xc0) : 0;
        this.refill();
        this.updateIrq();
        this.backlog.notifySpace();
    }
    writeMcr(value) {
        const old = this.msr;
        this.mcr = value;
        let lines;
        if (value & MCR_LOOP) {
            lines =
                (value & MCR_RTS ? MSR_CTS : 0) |
                    (value & MCR_DTR ? MSR_DSR : 0) |
                    (value & MCR_OUT1 ? MSR_RI : 0) |
                    (value & MCR_OUT2 ? MSR_DCD : 0);
        }
        else {
            lines = MSR_IDLE;
        }
        const changed = (old ^ lines) & 0xf0;
        let delta = old & 0x0f;
        if (changed & MSR_CTS)
            delta |= MSR_DCTS;
        if (changed & MSR_DSR)
            delta |= MSR_DDSR;
        if (changed & MSR_DCD)
            delta |= MSR_DDCD;
        if (old & MSR_RI && !(lines & MSR_RI))
            delta |= MSR_TERI; // trailing edge only
        this.msr = lines | delta;
        this.refill();
        this.updateIrq();
        this.backlog.notifySpace();
    }
    lsr() {
        return (this.rx.length > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT | this.lsrErrors;
    }
    iir() {
        const fifoBits = this.fifoEnabled() ? IIR_FIFO_ENABLED : 0;
        return fifoBits | this.interruptId();
    }
    /** The highest-priority pending, enabled interrupt as an IIR low nibble. */
    interruptId() {
        const ier = this.ier;
        if (ier & IER_RLSI && this.lsrErrors)
            return IIR_RLSI;
        if (ier & IER_RDI && this.rx.length > 0) {
            if (!this.fifoEnabled())
                return IIR_RDI;
            return this.rx.length >= RX_TRIGGER[this.fcr >>> 6] ? IIR_RDI : IIR_RX_TIMEOUT;
        }
        if (ier & IER_THRI && this.thrPending)
            return IIR_THRI;
        if (ier & IER_MSI && this.msr & 0x0f)
            return IIR_MSI;
        return IIR_NO_INT;
    }
    computeIrq() {
        return this.interruptId() !== IIR_NO_INT;
    }
    updateIrq() {
        const level = this.computeIrq();
        if (level === this.irqLevel)
            return;
        this.irqLevel = level;
        this.irq.set(level);
    }
}
//# sourceMappingURL=uart16550.js.map