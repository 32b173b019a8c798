/**
 * `fields` without its undefined entries. With `exactOptionalPropertyTypes` an absent field and
 * one set to undefined differ; decoded requests carry the latter, stores take the former.
 */
export const compact = <A extends object>(fields: A): { [K in keyof A]?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], undefined>
  }
