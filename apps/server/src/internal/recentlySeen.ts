/**
 * `make` remembered for the strings seen lately: for values clients send request after request
 * (a credential, an API key) whose making costs a request a measurable share. Bounded in number
 * (the whole forgotten when full: no bookkeeping per use) and in length (longer strings, junk
 * rather than real keys, are made each time and never kept), so whatever clients send, it holds
 * at most `entries` × `longest` characters. Only for pure `make`: a value kept stands for the
 * string alone, never for a decision about it.
 */
export const recentlySeen = <A>(
  make: (key: string) => A,
  limits: { readonly entries: number; readonly longest: number }
): (key: string) => A => {
  const kept = new Map<string, A>()
  return (key) => {
    if (key.length > limits.longest) return make(key)
    let value = kept.get(key)
    if (value === undefined) {
      if (kept.size >= limits.entries) kept.clear()
      value = make(key)
      kept.set(key, value)
    }
    return value
  }
}
