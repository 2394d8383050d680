// Seeded pseudo-random generator (xoshiro128**) so every generated test can be replayed from its seed.
export class Rng {
    s0;
    s1;
    s2;
    s3;
    constructor(seed) {
        // splitmix32 expands the seed so nearby seeds give unrelated streams.
        let z = seed >>> 0;
        const next = () => {
            z = (z + 0x9e3779b9) | 0;
            let t = z ^ (z >>> 16);
            t = Math.imul(t, 0x21f0aaad);
            t ^= t >>> 15;
            t = Math.imul(t, 0x735a2d97);
            return (t ^ (t >>> 15)) >>> 0;
        };
        this.s0 = next();
        this.s1 = next();
        this.s2 = next();
        this.s3 = next() | 1;
    }
    /** Uniform 32-bit unsigned integer. */
    u32() {
        const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
        const t = this.s1 << 9;
        this.s2 ^= this.s0;
        this.s3 ^= this.s1;
        this.s1 ^= this.s2;
        this.s0 ^= this.s3;
        this.s2 ^= t;
        this.s3 = rotl(this.s3, 11);
        return result;
    }
    /** Uniform integer in [0, n). */
    int(n) {
        return Math.floor((this.u32() / 0x1_0000_0000) * n);
    }
    /** Uniform integer in [lo, hi]. */
    range(lo, hi) {
        return lo + this.int(hi - lo + 1);
    }
    bool(p = 0.5) {
        return this.u32() / 0x1_0000_0000 < p;
    }
    pick(items) {
        return items[this.int(items.length)];
    }
    /** Uniform 64-bit value as a BigInt (test-side only). */
    u64() {
        return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    }
}
function rotl(x, k) {
    return (x << k) | (x >>> (32 - k));
}
//# sourceMappingURL=rng.js.map