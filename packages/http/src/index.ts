/**
 * @projectkit/http — what every projectkit adapter does the same way over HTTP: the transport
 * (base URL, credentials, retries), wire error classes and error tables, the adapter shell, and
 * what every adapter's Promise client shares (`PromiseAdapter`).
 */
export * as Adapter from "./Adapter.js"
export * as ErrorTable from "./ErrorTable.js"
export * as PromiseAdapter from "./PromiseAdapter.js"
export * as ProviderHttp from "./ProviderHttp.js"
export * as WireError from "./WireError.js"
