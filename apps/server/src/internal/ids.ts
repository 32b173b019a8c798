import * as Crypto from "node:crypto"

/** A random UUID: the id form of every record the server creates. */
export const randomId = (): string => Crypto.randomUUID()

/** 32 random bytes in base64url: credentials and signing secrets. */
export const randomSecret = (): string => Crypto.randomBytes(32).toString("base64url")

/**
 * What is stored of a credential: its SHA-256, in hexadecimal. A credential is shown once, when it
 * is issued; the database alone does not let anyone call the API. (Unsalted: these are 32+ random
 * bytes, not passwords, and a lookup must find the row from the secret alone.)
 */
export const hashSecret = (secret: string): string => Crypto.createHash("sha256").update(secret).digest("hex")
