/**
 * The young generation's growth held off while the bin starts. Starting allocates much that lives
 * on (modules, schemas, layers, migrations): V8 reads the survivors as a reason to grow the young
 * generation to its maximum (2 × 16 MB), which it then keeps while the server idles — a third of
 * an idle server's memory. Held at its initial size while starting (importing this module does
 * it) and allowed to grow again once the listening server is first busy (`allowGrowth`, which
 * the bin calls through `loadWatch.ts`), a server under load still grows it as before, and an
 * idle one does not carry it (the dialects' lifecycle ticks alone would double it in seconds).
 *
 * `v8.setFlagsFromString` after start is best effort by Node's own account: should a V8 version
 * ignore it, the server only idles with more memory.
 */
import * as V8 from "node:v8"

/** V8's own default: each growth doubles the young generation, up to its maximum. */
const defaultGrowthFactor = 2

V8.setFlagsFromString("--semi-space-growth-factor=1")

export const allowGrowth = (): void => V8.setFlagsFromString(`--semi-space-growth-factor=${defaultGrowthFactor}`)
