/**
 * The garbage of the bin's start collected before it says it is ready. Starting promotes much that
 * dies soon after (layer construction, migrations, the demo organization, what parsing and
 * compiling the modules leave) into the old generation; an idle server allocates too little for
 * V8 to run the full collection that would free it, so a third of the old generation stays dead
 * but resident (~9 MB). One compacting full collection gives those pages back. It costs the start
 * ~30 ms; run once the server listens but still starting, it leaves the young generation held
 * (`youngGeneration.ts`) and V8's heuristics as they are for the load that follows (run later, on
 * an idle server, V8 shrinks the young generation after it).
 *
 * V8 offers no collection to call but the `gc` extension (`--expose-gc`), which it installs only
 * in contexts created while the flag is on: one throwaway context is made for it (~150 KB).
 * Flags set after start are best effort by Node's own account: should a V8 version ignore them,
 * the server only idles with more memory.
 */
import * as V8 from "node:v8"
import * as Vm from "node:vm"

/** One compacting full collection, now. */
export const collect = (): void => {
  V8.setFlagsFromString("--expose-gc")
  const gc: unknown = Vm.runInNewContext("gc")
  V8.setFlagsFromString("--no-expose-gc")
  if (typeof gc !== "function") return
  // Every page evacuated, not only the most fragmented: the survivors of the start are scattered
  // over all of them, and a plain collection frees the garbage but keeps its pages.
  V8.setFlagsFromString("--compact-on-every-full-gc")
  try {
    gc()
  } finally {
    V8.setFlagsFromString("--no-compact-on-every-full-gc")
  }
}
