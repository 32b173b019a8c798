/**
 * What an organization's Sanity plan allows: its features, the list `GET /projects/{id}/features`
 * answers, and the refusals when a request needs one the plan lacks.
 *
 * Each feature is one organization switch (`Dialect.settings`, a column of `organizations` this
 * dialect's migration adds, on by default): by default an organization has the plan that allows
 * everything the server implements, and the control plane (`PATCH /__projectkit/orgs/{id}` with
 * e.g. `{"sanityFeature.advancedDatasetManagement": false}`) turns features off to mimic a
 * smaller plan, such as the one real project in recorded traffic (REC: the list below without
 * `advancedDatasetManagement` and `embeddingsIndex`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * Every feature a plan may have: the list one real project shows in recorded traffic (REC,
 * 2026-03), plus `advancedDatasetManagement` (the CLI checks it before making an alias; copying
 * needs it on the real service) and `embeddingsIndex` (INF: the embeddings settings this server
 * serves; REC names `embeddingsIndexApi`).
 */
export const features = [
  "activityFeed",
  "advancedDatasetManagement",
  "contentSourceMapping",
  "editorialAiFieldActions",
  "embeddingsIndex",
  "embeddingsIndexApi",
  "noVersionRevival",
  "privateDataset",
  "roleContributor",
  "roleDeveloper",
  "roleEditor",
  "roleViewer",
  "sanityTasks",
  "scheduledPublishing",
  "singleDocRelease",
  "studioComments",
  "supportCommunity",
  "toggle.schema.upload-pause",
  "toggle.user-application.upload-live-manifest"
] as const
export type Feature = (typeof features)[number]

/** The feature's switch, as the control plane names it (`PATCH /__projectkit/orgs/{id}`). */
export const settingName = (feature: Feature): string => `sanityFeature.${feature}`

/** The feature's column of `organizations`: `advancedDatasetManagement` → `sanity_feature_advanced_dataset_management`. */
export const column = (feature: Feature): string =>
  `sanity_feature_${feature.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/[^a-z0-9]+/g, "_")}`

/** The switches the dialect declares: each feature's name and column. */
export const settings: Readonly<Record<string, string>> = Object.fromEntries(
  features.map((feature) => [settingName(feature), column(feature)])
)

/** The statements adding the switches, each on (the plan that allows everything) for every organization. */
export const migration: ReadonlyArray<string> = features.map((feature) =>
  `ALTER TABLE organizations ADD COLUMN ${column(feature)} INTEGER NOT NULL DEFAULT 1`
)

/** The feature a role other than the administrator's and the token-only ones needs (REC: the role* features). */
const roleFeatures: Readonly<Record<string, Feature | undefined>> = {
  contributor: "roleContributor",
  developer: "roleDeveloper",
  editor: "roleEditor",
  viewer: "roleViewer"
}

/** Whether a plan with `enabled` offers the role named `role`. */
export const offersRole = (enabled: ReadonlyArray<string>, role: string): boolean => {
  const needed = roleFeatures[role]
  return needed === undefined || enabled.includes(needed)
}

/**
 * The refusal of what the plan lacks. INF: no source shows the real API's answer (the CLI checks
 * `/features` before asking, and tells "This project cannot create a dataset alias - see
 * https://www.sanity.io/pricing"); a 403 in Sanity's body saying which feature is missing, in the
 * CLI's words.
 */
export const lacking = (feature: Feature, what: string) =>
  new ProjectsError.Forbidden({
    reason: "Other",
    description: `This project cannot ${what} - its plan lacks the feature "${feature}" (see https://www.sanity.io/pricing)`
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const selected = sql.literal(features.map((feature) => `${column(feature)} AS "${feature}"`).join(", "))

  /** The features the organization's plan has on, in the list's order (none for an unknown organization). */
  const enabled = (orgId: string) =>
    Effect.map(
      sql<Record<string, unknown>>`SELECT ${selected} FROM organizations WHERE id = ${orgId}`,
      (rows): ReadonlyArray<Feature> => {
        const row = rows[0]
        if (row === undefined) return []
        return features.filter((feature) => Number(row[feature]) === 1 || row[feature] === true)
      }
    )

  /** Nothing when the organization's plan has `feature`; its refusal otherwise. */
  const require = (orgId: string, feature: Feature, what: string) =>
    Effect.flatMap(enabled(orgId), (on) => on.includes(feature) ? Effect.void : Effect.fail(lacking(feature, what)))

  /** Nothing when the plan offers `role`; its refusal otherwise. */
  const requireRole = (orgId: string, role: string) =>
    Effect.flatMap(enabled(orgId), (on) => {
      const needed = roleFeatures[role]
      return needed === undefined || on.includes(needed) ? Effect.void : Effect.fail(lacking(needed, `give the role "${role}"`))
    })

  return { enabled, require, requireRole }
})

export type SanityPlanService = Effect.Effect.Success<typeof make>

export class SanityPlan extends Context.Tag("@projectkit/server/SanityPlan")<SanityPlan, SanityPlanService>() {}

export const layer = Layer.effect(SanityPlan, make)
