// The C extension: a 64K-entry table expanding each 16-bit RV64C parcel to its 32-bit equivalent (0 = illegal).
import { expandCompressed } from './isa/compressed.js';
export { expandCompressed } from './isa/compressed.js';
let table;
/** The expansion table for every 16-bit parcel, built once. */
export function compressedTable() {
    if (!table) {
        table = new Int32Array(65536);
        for (let c = 0; c < 65536; c++)
            if ((c & 3) !== 3)
                table[c] = expandCompressed(c);
    }
    return table;
}
//# sourceMappingURL=compressed.js.map