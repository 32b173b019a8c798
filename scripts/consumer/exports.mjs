// Only the public modules are reachable through `exports`: `./internal/*` is closed, and `dist/`
// and `src/` are not paths a user can import.
const closed = [
  "@projectkit/core/internal/text",
  "@projectkit/core/internal/text.js",
  "@projectkit/http/dist/Adapter.js",
  "@projectkit/sync/src/SyncClient.ts",
  "@projectkit/indream/internal/editorStateSchema.js"
]
for (const specifier of closed) {
  const reached = await import(specifier).then(() => true, (error) => {
    if (error.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error
    return false
  })
  if (reached) throw new Error(`${specifier} is reachable`)
}
const open = ["@projectkit/core/PromiseClient", "@projectkit/http/PromiseAdapter", "@projectkit/sync/SyncPromise", "@projectkit/indream/Autosaver", "@projectkit/indream/IndreamPromise", "@projectkit/indream/IndreamWebhooks", "@projectkit/sanity/SanityPromise"]
for (const specifier of open) await import(specifier)
console.log("ok - the public modules import; internals are not reachable through exports")
