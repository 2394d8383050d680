export const RTC_SIZE = 0x1000;
export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;
const TWO32 = 0x1_0000_0000;
function hiOf(t) {
    return Math.floor(t / TWO32);
}
/**
 * Reading TIME_LOW latches TIME_HIGH, so the pair is consistent. Writing ALARM_LOW arms the alarm
 * (ALARM_HIGH first); an alarm in the past fires at once. With no timer of its own, the device
 * fires a due alarm whenever it is accessed or `update()` is called; `nextDeadline()` tells the
 * run loop when that is (in `nowNs()` time). Times are JS numbers: nanoseconds since 1970 exceed
 * 2^53, so they are exact to about 256 ns, which the guest cannot tell from clock jitter.
 * Only aligned 4-byte accesses have an effect.
 */
export class GoldfishRtc {
    irq;
    nowNs;
    offsetNs = 0;
    alarmLo = 0;
    alarmHi = 0;
    alarmRunning = false;
    irqPending = false;
    irqEnabled = false;
    timeHighLatch = 0;
    irqLevel = false;
    constructor(irq, nowNs) {
        this.irq = irq;
        this.nowNs = nowNs;
    }
    /** Guest wall-clock time in nanoseconds since the Unix epoch. */
    timeNs() {
        return this.nowNs() + this.offsetNs;
    }
    read(offset, size) {
        if (size !== 4)
            return 0;
        this.update();
        switch (offset) {
            case RTC_TIME_LOW: {
                const t = this.timeNs();
                const hi = hiOf(t);
                this.timeHighLatch = hi >>> 0;
                return (t - hi * TWO32) >>> 0;
            }
            case RTC_TIME_HIGH:
                return this.timeHighLatch;
            case RTC_ALARM_LOW:
                return this.alarmLo;
            case RTC_ALARM_HIGH:
                return this.alarmHi;
            case RTC_IRQ_ENABLED:
                return this.irqEnabled ? 1 : 0;
            case RTC_ALARM_STATUS:
                return this.alarmRunning ? 1 : 0;
            default:
                return 0;
        }
    }
    write(offset, size, value) {
        if (size !== 4)
            return;
        value >>>= 0;
        switch (offset) {
            case RTC_TIME_LOW:
            case RTC_TIME_HIGH: {
                const t = this.timeNs();
                const hi = hiOf(t);
                const lo = t - hi * TWO32;
                // Guest time is held as a number; a high half beyond 2^21 would not be exact, so cap it.
                const next = offset === RTC_TIME_LOW ? hi * TWO32 + value : Math.min(value, 0x1fffff) * TWO32 + lo;
                this.offsetNs = next - this.nowNs();
                break;
            }
            case RTC_ALARM_LOW:
                this.alarmLo = value;
                this.arm();
                break;
            case RTC_ALARM_HIGH:
                this.alarmHi = value;
                break;
            case RTC_IRQ_ENABLED:
                this.irqEnabled = (value & 1) !== 0;
                break;
            case RTC_CLEAR_ALARM:
                this.alarmRunning = false;
                break;
            case RTC_CLEAR_INTERRUPT:
                this.irqPending = false;
                break;
            default:
                return;
        }
        this.update();
    }
    /** Fires the alarm if it is due and drives the interrupt line. */
    update() {
        if (this.alarmRunning && this.timeNs() >= this.alarmNs()) {
            this.alarmRunning = false;
            this.irqPending = true;
        }
        this.drive(false);
    }
    drive(force) {
        const level = this.irqPending && this.irqEnabled;
        if (level !== this.irqLevel || force) {
            this.irqLevel = level;
            this.irq.set(level);
        }
    }
    /** When (in `nowNs()` time) the armed alarm fires; Infinity if none is armed. */
    nextDeadline() {
        return this.alarmRunning ? this.alarmNs() - this.offsetNs : Infinity;
    }
    save() {
        return {
            offsetNs: this.offsetNs,
            alarm: [this.alarmLo, this.alarmHi],
            alarmRunning: this.alarmRunning,
            irqPending: this.irqPending,
            irqEnabled: this.irqEnabled,
            timeHighLatch: this.timeHighLatch,
        };
    }
    restore(s) {
        this.offsetNs = Number.isFinite(s.offsetNs) ? s.offsetNs : 0;
        this.alarmLo = s.alarm[0] >>> 0;
        this.alarmHi = s.alarm[1] >>> 0;
        this.alarmRunning = !!s.alarmRunning;
        this.irqPending = !!s.irqPending;
        this.irqEnabled = !!s.irqEnabled;
        this.timeHighLatch = s.timeHighLatch >>> 0;
        this.update();
        this.drive(true);
    }
    /** Emits `rtc@<base>` in /soc, wired to `irq` of the PLIC with phandle `plicPhandle`. */
    static fdtNode(fdt, base, plicPhandle, irq) {
        fdt
            .beginNode(`rtc@${base.toString(16)}`)
            .propU32('interrupts', irq)
            .propU32('interrupt-parent', plicPhandle)
            .propReg('reg', base, RTC_SIZE)
            .propString('compatible', 'google,goldfish-rtc')
            .endNode();
    }
    alarmNs() {
        return this.alarmHi * TWO32 + this.alarmLo;
    }
    arm() {
        // A past alarm fires at once (update() below sees it due), as in QEMU.
        this.alarmRunning = true;
    }
}
//# sourceMappingURL=goldfish-rtc.js.map