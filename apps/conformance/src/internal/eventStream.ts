/** The most of an event stream read for its first event. */
const FIRST_EVENT_LIMIT = 64 * 1024

/**
 * A response's body up to its first server-sent event (through the first blank line), or all of
 * it when it ends first, or its first 64 KiB; the rest is cancelled, so that a stream the server
 * keeps open (a job's events until the job ends) holds neither a check nor the test's proxy.
 */
export const firstEvent = async (response: Response): Promise<string> => {
  if (response.body === null) return ""
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ""
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return text + decoder.decode()
      text += decoder.decode(value, { stream: true })
      const end = /\r?\n\r?\n/.exec(text)
      if (end !== null) return text.slice(0, end.index + end[0].length)
      if (text.length >= FIRST_EVENT_LIMIT) return text
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}
