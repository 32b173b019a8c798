import * as Crypto from "node:crypto"

/** A random UUID: the id form of every record the server creates. */
export const randomId = (): string => Crypto.randomUUID()

/** 32 random bytes in base64url: credentials and signing secrets. */
export const randomSecret = (): string => Crypto.randomBytes(32).toString("base64url")

/** INF: the editor's API keys are opaque; "ek_" makes them recognisable in logs. */
export const editorKey = (): string => `ek_${randomSecret()}`

/** INF: sync.so keys are opaque; "sk-" makes them recognisable in logs. */
export const syncKey = (): string => `sk-${randomSecret()}`

/**
 * INF: Sanity tokens are long opaque strings starting `sk` (as the real ones do), alphanumeric
 * only. 64 random bytes in hexadecimal after the prefix.
 */
export const sanityToken = (): string => `sk${Crypto.randomBytes(64).toString("hex")}`

/**
 * What is stored of a credential: its SHA-256, in hexadecimal. A credential is shown once, when it
 * is issued; the database alone does not let anyone call the API. (Unsalted: these are 32+ random
 * bytes, not passwords, and a lookup must find the row from the secret alone.)
 */
export const hashSecret = (secret: string): string => Crypto.createHash("sha256").update(secret).digest("hex")
