/**
 * Validates JUnit XML against the schema CI systems use (test/support/junit-10.xsd) with
 * `xmllint --schema` (libxml2-utils). Without xmllint the validating tests are skipped with a
 * message — except in CI (`CI` set), where its absence is a failure, so CI never passes them by
 * checking nothing.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const schema = fileURLToPath(new URL("./junit-10.xsd", import.meta.url))

const found = (() => {
  try {
    execFileSync("xmllint", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

/** Whether the validating tests run: xmllint is here, or this is CI (where they must). */
export const available = found || process.env["CI"] !== undefined && process.env["CI"] !== ""

if (!available) {
  console.warn("xmllint not found (apt-get install libxml2-utils): the JUnit schema validation tests are skipped")
}

/** `xmllint --schema junit-10.xsd`: whether the document validates, and what xmllint said. */
export const validate = (xml: string): { readonly valid: boolean; readonly output: string } => {
  if (!found) return { valid: false, output: "xmllint is not installed (apt-get install libxml2-utils)" }
  const file = join(mkdtempSync(join(tmpdir(), "pkc-junit-")), "report.xml")
  writeFileSync(file, xml)
  const result = spawnSync("xmllint", ["--noout", "--schema", schema, file], { encoding: "utf8" })
  return { valid: result.status === 0, output: `${result.stdout}${result.stderr}` }
}
