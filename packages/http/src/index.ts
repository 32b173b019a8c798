/**
 * @projectkit/http — what every projectkit adapter does the same way over HTTP: the transport
 * (base URL, credentials, retries), wire error classes and error tables, the adapter shell, what
 * every adapter's Promise client shares (`PromiseAdapter`), and what contracts' OpenAPI documents
 * say beyond what their schemas tell (`ContractDocument`).
 */
export * as Adapter from "./Adapter.js"
export * as ContractDocument from "./ContractDocument.js"
export * as ErrorTable from "./ErrorTable.js"
export * as PromiseAdapter from "./PromiseAdapter.js"
export * as ProviderHttp from "./ProviderHttp.js"
export * as WireError from "./WireError.js"
