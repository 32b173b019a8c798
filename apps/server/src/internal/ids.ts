import * as Crypto from "node:crypto"

/** A random UUID: the id form of every record the server creates. */
export const randomId = (): string => Crypto.randomUUID()

/** 32 random bytes in base64url: credentials and signing secrets. */
export const randomSecret = (): string => Crypto.randomBytes(32).toString("base64url")
