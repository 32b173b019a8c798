/**
 * A receiver's check of sync.so's `Sync-Signature`, written from sync.so's own documented procedure
 * (https://sync.so/docs/api-reference/guides/webhooks, "Verify webhook signatures"), not from the
 * server's signer: split the header into `t` and `v1`, HMAC-SHA256 `"<t>.<raw body>"` with the
 * signing secret as given, compare the hex digests in constant time, and refuse an old timestamp.
 */
import * as Crypto from "node:crypto"

/** Why `header` does not sign `body` with `secret`, or undefined when it does. */
export const syncSignatureProblem = (
  secret: string,
  header: string | ReadonlyArray<string> | undefined,
  body: string,
  options: { readonly nowSeconds?: number; readonly toleranceSeconds?: number } = {}
): string | undefined => {
  if (typeof header !== "string") return "no Sync-Signature header"
  const parts = new Map(header.split(",").map((part) => {
    const at = part.indexOf("=")
    return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const
  }))
  const timestamp = parts.get("t")
  const signature = parts.get("v1")
  if (timestamp === undefined || !/^\d+$/.test(timestamp)) return `no t=<unix seconds> in ${header}`
  if (signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) return `no v1=<hex> in ${header}`
  const expected = Crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest()
  if (!Crypto.timingSafeEqual(expected, Buffer.from(signature, "hex"))) return "v1 does not match the body signed with the secret"
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return `t=${timestamp} is too far from now`
  return undefined
}
