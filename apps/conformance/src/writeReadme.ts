/**
 * Rewrites the package README's table of checks (`pnpm --filter @projectkit/conformance readme`).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { allChecks, dialects } from "./dialects/index.js"
import * as Readme from "./Readme.js"

const path = fileURLToPath(new URL("../README.md", import.meta.url))
const before = readFileSync(path, "utf8")
const after = Readme.update(before, dialects)
writeFileSync(path, after)
console.log(before === after ? "README.md is up to date" : `README.md updated (${allChecks.length} checks)`)
