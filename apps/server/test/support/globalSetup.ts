/**
 * Before any test file runs, in CI: the Sanity CLI's install (a few hundred MB from the registry
 * on a new machine) is started in the background, so that it overlaps the other files instead of
 * holding the worker of each Sanity file that waits for it (`SanityCli.install` shares one install).
 * The run waits for it at the end, so no half-done install is left behind.
 */
import * as SanityCli from "./SanityCli.js"

export default function setup() {
  if (process.env["CI"] === undefined) return
  const installing = SanityCli.install().catch(() => undefined)
  return async () => {
    await installing
  }
}
