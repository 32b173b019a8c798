/**
 * The neutral project record, and the inputs that create and change one.
 */
import * as Schema from "effect/Schema"

/**
 * A project's name: what every provider requires. Surrounding white space is not part of a name
 * (it is trimmed on decode), and a name of only white space is no name.
 */
export const ProjectName = Schema.Trim.pipe(
  Schema.compose(Schema.NonEmptyString, { strict: true }),
  Schema.annotations({ identifier: "ProjectName", description: "A non-empty name; surrounding white space is trimmed" })
)

/**
 * A project as every implementation reports it. `raw` is the provider's own record, untouched, for
 * the fields the neutral shape does not carry (a Sanity project's members, a sync.so project's
 * visibility, …).
 */
export class Project extends Schema.Class<Project>("@projectkit/core/Project")({
  id: Schema.NonEmptyString,
  name: Schema.String,
  description: Schema.optionalWith(Schema.String, { exact: true }),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  /** Which implementation the record comes from: "sync", "editor", "sanity", "memory", … */
  provider: Schema.String,
  raw: Schema.Unknown
}) {}

/** What creating a project takes. */
export class CreateProject extends Schema.Class<CreateProject>("@projectkit/core/CreateProject")({
  name: ProjectName,
  description: Schema.optionalWith(Schema.String, { exact: true })
}) {}

/**
 * A partial change. An absent field is left as it is; `description: null` removes the description,
 * which is not the same as leaving it out.
 */
export class ProjectPatch extends Schema.Class<ProjectPatch>("@projectkit/core/ProjectPatch")({
  name: Schema.optionalWith(ProjectName, { exact: true }),
  description: Schema.optionalWith(Schema.NullOr(Schema.String), { exact: true })
}) {
  /** True when the patch changes nothing: implementations still answer with the current record. */
  get isEmpty(): boolean {
    return this.name === undefined && this.description === undefined
  }
}

/** The result of applying `patch` to the fields of `project` it may change. */
export const applyPatch = (
  project: { readonly name: string; readonly description?: string },
  patch: ProjectPatch
): { readonly name: string; readonly description?: string } => {
  const name = patch.name ?? project.name
  const description = patch.description === undefined ? project.description : patch.description
  return description === undefined || description === null ? { name } : { name, description }
}
