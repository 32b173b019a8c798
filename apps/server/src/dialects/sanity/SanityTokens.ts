/** Sanity's tokens (a person's, a project's robot), as this server issues them. */
import * as Crypto from "node:crypto"

/**
 * INF: Sanity tokens are long opaque strings starting `sk` (as the real ones do), alphanumeric
 * only. 64 random bytes in hexadecimal after the prefix.
 */
export const sanityToken = (): string => `sk${Crypto.randomBytes(64).toString("hex")}`
