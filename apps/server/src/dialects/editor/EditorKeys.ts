/** The editor's API keys, as this server issues them. */
import { randomSecret } from "../../internal/ids.js"

/** INF: the editor's API keys are opaque; "ek_" makes them recognisable in logs. */
export const editorKey = (): string => `ek_${randomSecret()}`
