/**
 * The suite's version, from its package.json (one level above both `src/` and `dist/`), so that
 * `--version` and the reports say what was installed.
 */
import { readFileSync } from "node:fs"

const manifest: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))

export const version: string =
  typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string"
    ? manifest.version
    : "unknown"
