/**
 * The reference server the package's vitest `globalSetup` starts (`../http/test/support/referenceServer.ts`):
 * its URL, admin token, and an organization's credentials.
 */
import { inject } from "vitest"

export interface ReferenceServer {
  readonly url: string
  readonly adminToken: string
  readonly credentials: {
    readonly sync: { readonly apiKey: string }
    readonly editor: { readonly apiKey: string }
    readonly sanity: { readonly token: string }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    readonly referenceServer: ReferenceServer
  }
}

export const referenceServer = (): ReferenceServer => inject("referenceServer")
