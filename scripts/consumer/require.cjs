// CommonJS users: `require` of the ESM packages, through Node's require(esm) (Node ^20.19 || >=22.12).
const { createSyncClient } = require("@projectkit/sync")
const { createIndreamClient } = require("@projectkit/indream")
const { createSanityClient } = require("@projectkit/sanity")
const { createProjectsClient } = require("@projectkit/core")
for (const [name, value] of Object.entries({ createSyncClient, createIndreamClient, createSanityClient, createProjectsClient })) {
  if (typeof value !== "function") throw new Error(`require: ${name} is ${typeof value}`)
}
console.log("ok - require() of every package")
