/**
 * The documents the checks cite, by their path in the shared documents: what each is, and the
 * provider's public page for it where one exists, so that a reader can follow a check to its rule.
 * Each dialect declares its own documents (see `Dialect.ts`) and cites them through `citing`; the
 * seed pages are copies of public pages; the notes in `providers/` gather the official clients,
 * recorded traffic and the choices the documents leave open (marked INF there) — those point to
 * the provider's page for a fact where the page exists, per sentence.
 */
import type { Source } from "./Check.js"

export interface Document {
  /** What the document is, as people would name it. */
  readonly title: string
  /** The provider's public page it is a copy of, when it is one. */
  readonly url?: string
}

/** A dialect's documents, by their path relative to the shared documents. */
export type Documents = Readonly<Record<string, Document>>

/**
 * How a dialect's checks cite its documents: `cite(document, sentence, options)` names one of
 * `documents` (the compiler refuses any other), its words verbatim (a test finds them there), and
 * the public page — the document's own unless the sentence's fact has a more precise one. `note`
 * says how the words lead to what the check asserts, where that is a reading rather than the words.
 */
export const citing = <const D extends Documents>(documents: D) =>
(
  document: keyof D & string,
  sentence: string,
  options: { readonly url?: string; readonly note?: string } = {}
): Source => {
  const own: Document | undefined = documents[document]
  const url = options.url ?? own?.url
  return {
    document,
    sentence,
    ...(url === undefined ? {} : { url }),
    ...(options.note === undefined ? {} : { note: options.note })
  }
}
