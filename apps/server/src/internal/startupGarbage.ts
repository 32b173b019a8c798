/**
 * The garbage of the bin's start collected once the server is first idle. Starting promotes much
 * that dies soon after (layer construction, migrations, the demo organization, what parsing and
 * compiling the modules leave) into the old generation; an idle server allocates too little for
 * V8 to run the full collection that would free it, so a third of the old generation stays dead
 * but resident (~9 MB). One compacting full collection gives those pages back.
 *
 * It pauses the process (~50 ms, more on a loaded machine), so the bin runs it on the server's
 * first idle moment (`loadWatch.ts`); until then, as under load later, V8 collects as it decides.
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
