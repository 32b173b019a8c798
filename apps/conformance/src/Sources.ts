/**
 * The documents the checks cite, by their path in the shared documents: what each is, and the
 * provider's public page for it where one exists, so that a reader can follow a check to its rule.
 * The seed pages are copies of public pages; the notes in `providers/` gather the official clients,
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

export const documents = {
  "seeds/000_86ea530f0552be1f.txt": {
    title: "sync.so developer guide: Projects",
    url: "https://sync.so/docs/developer-guides/projects"
  },
  "seeds/001_1d497ce5a3a811e3.txt": {
    // The product behind the editor Open API could not be identified; its page is named by its heading.
    title: "editor Open API v1: Projects (\"Build autosave and multi-step render workflows with Open API projects.\"; no public URL known)"
  },
  "seeds/002_ca4c5324aa88fbe4.txt": {
    title: "sync.so API reference: Get Asset",
    url: "https://sync.so/docs/api-reference/api/assets-api/get"
  },
  "seeds/003_a94817e391f0b551.txt": {
    title: "Sanity: Projects API reference",
    url: "https://www.sanity.io/docs/http-reference/projects-api"
  },
  "providers/sync.md": { title: "projectkit notes on sync.so v2 (the seed pages, the official SDK @sync.so/sdk, inferences marked INF)" },
  "providers/editor.md": { title: "projectkit notes on the editor Open API v1 (the seed page, and choices marked INF)" },
  "providers/sanity.md": {
    title: "projectkit notes on Sanity's Projects API (recorded traffic, official docs and clients, inferences marked INF)"
  }
} as const satisfies Record<string, Document>

export type DocumentPath = keyof typeof documents

/**
 * A check's source: the document, its words verbatim (a test finds them there), and the public
 * page — the document's own unless the sentence's fact has a more precise one. `note` says how
 * the words lead to what the check asserts, where that is a reading rather than the words.
 */
export const cite = (
  document: DocumentPath,
  sentence: string,
  options: { readonly url?: string; readonly note?: string } = {}
): Source => {
  const own: Document = documents[document]
  const url = options.url ?? own.url
  return {
    document,
    sentence,
    ...(url === undefined ? {} : { url }),
    ...(options.note === undefined ? {} : { note: options.note })
  }
}
