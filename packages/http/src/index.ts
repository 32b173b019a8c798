export * as ProviderHttp from "./ProviderHttp.js"
