export const SIFIVE_TEST_SIZE = 0x1000;
export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;
/**
 * Writing 0x5555 powers off, 0x7777 resets, (code << 16) | 0x3333 exits with `code` (16 bits).
 * Other values, other offsets and byte accesses are ignored (QEMU accepts 2- and 4-byte
 * accesses at offset 0). Reads return 0.
 */
export class SifiveTest {
    events;
    constructor(events) {
        this.events = events;
    }
    read(_offset, _size) {
        return 0;
    }
    write(offset, size, value) {
        if (offset !== 0 || (size !== 2 && size !== 4))
            return;
        value >>>= 0;
        if (size === 2)
            value &= 0xffff;
        const status = value & 0xffff;
        const code = value >>> 16;
        switch (status) {
            case FINISHER_FAIL:
                this.events.exit(code);
                break;
            case FINISHER_PASS:
                this.events.powerOff();
                break;
            case FINISHER_RESET:
                this.events.reset();
                break;
            default:
                break;
        }
    }
    save() {
        return {};
    }
    restore(_state) {
        // nothing to restore
    }
    /** Emits `test@<base>` (in /soc) with its phandle, so that the power nodes can point at it. */
    static fdtNode(fdt, base, phandle) {
        fdt
            .beginNode(`test@${base.toString(16)}`)
            .propU32('phandle', phandle)
            .propReg('reg', base, SIFIVE_TEST_SIZE)
            .propStrings('compatible', ['sifive,test1', 'sifive,test0', 'syscon'])
            .endNode();
    }
    /** Emits the root-level `poweroff` and `reboot` syscon nodes that Linux uses to reach this device. */
    static fdtPowerNodes(fdt, testPhandle) {
        fdt
            .beginNode('poweroff')
            .propU32('value', FINISHER_PASS)
            .propU32('offset', 0)
            .propU32('regmap', testPhandle)
            .propString('compatible', 'syscon-poweroff')
            .endNode();
        fdt
            .beginNode('reboot')
            .propU32('value', FINISHER_RESET)
            .propU32('offset', 0)
            .propU32('regmap', testPhandle)
            .propString('compatible', 'syscon-reboot')
            .endNode();
    }
}
//# sourceMappingURL=sifive-test.js.map