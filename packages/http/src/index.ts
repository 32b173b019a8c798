/**
 * @projectkit/http — what every projectkit adapter does the same way over HTTP: the transport
 * (base URL, credentials, retries), wire error classes and error tables, and the adapter shell.
 */
export * as Adapter from "./Adapter.js"
export * as ErrorTable from "./ErrorTable.js"
export * as ProviderHttp from "./ProviderHttp.js"
export * as WireError from "./WireError.js"
