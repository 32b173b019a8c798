import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Attachment } from "../src/index.js"

interface Asset {
  readonly id: string
  readonly tenant: string
  readonly projectId: string | null
}

/** A tiny store shaped like a server's: projects owned by tenants, assets filed under them. */
const makeStore = () => {
  const projects = new Map([["p-acme", "acme"], ["p-acme-2", "acme"], ["p-globex", "globex"]])
  const assets = new Map<string, Asset>()
  const ownerOf = (id: string) => Effect.sync(() => Option.fromNullable(projects.get(id)))
  const createAsset = (tenant: string, reference: Attachment.ProjectReference) =>
    Attachment.createFiled({
      tenant,
      reference,
      ownerOf,
      create: (projectId) =>
        Effect.sync(() => {
          const asset = { id: `a${assets.size + 1}`, tenant, projectId }
          assets.set(asset.id, asset)
          return asset
        })
    })
  const deleteProject = (id: string) =>
    Effect.sync(() => {
      projects.delete(id)
      for (const asset of assets.values()) assets.set(asset.id, Attachment.detach(asset, id))
    })
  return { assets, createAsset, deleteProject }
}

describe("Attachment", () => {
  it.effect("a missing or null project reference is fine: the resource is not grouped", () =>
    Effect.gen(function*() {
      const store = makeStore()
      expect((yield* store.createAsset("acme", undefined)).projectId).toBeNull()
      expect((yield* store.createAsset("acme", null)).projectId).toBeNull()
      expect(store.assets.size).toBe(2)
    }))

  it.effect("a reference to one of the tenant's projects files the resource there", () =>
    Effect.gen(function*() {
      const store = makeStore()
      expect((yield* store.createAsset("acme", "p-acme")).projectId).toBe("p-acme")
    }))

  it.effect("an unknown project is rejected with InvalidReference and nothing is created", () =>
    Effect.gen(function*() {
      const store = makeStore()
      const error = yield* Effect.flip(store.createAsset("acme", "p-nope"))
      expect(error._tag).toBe("InvalidReference")
      expect(error).toMatchObject({ field: "projectId", id: "p-nope" })
      expect(store.assets.size).toBe(0)
    }))

  it.effect("another tenant's project is rejected exactly like an unknown one, and nothing is created", () =>
    Effect.gen(function*() {
      const store = makeStore()
      const foreign = yield* Effect.flip(store.createAsset("acme", "p-globex"))
      const unknown = yield* Effect.flip(store.createAsset("acme", "p-nope"))
      expect(foreign._tag).toBe("InvalidReference")
      expect(foreign.message.replace("p-globex", "ID")).toBe(unknown.message.replace("p-nope", "ID"))
      expect(store.assets.size).toBe(0)
    }))

  it.effect("the empty string is a reference, not an absence, and is rejected", () =>
    Effect.gen(function*() {
      const store = makeStore()
      expect((yield* Effect.flip(store.createAsset("acme", "")))._tag).toBe("InvalidReference")
      expect(store.assets.size).toBe(0)
    }))

  it.effect("deleting a project detaches what was filed under it and deletes none of it", () =>
    Effect.gen(function*() {
      const store = makeStore()
      const filed = yield* store.createAsset("acme", "p-acme")
      const elsewhere = yield* store.createAsset("acme", "p-acme-2")
      const loose = yield* store.createAsset("acme", null)
      const foreign = yield* store.createAsset("globex", "p-globex")
      yield* store.deleteProject("p-acme")
      expect(store.assets.size).toBe(4)
      expect(store.assets.get(filed.id)).toEqual({ ...filed, projectId: null })
      expect(store.assets.get(elsewhere.id)).toEqual(elsewhere)
      expect(store.assets.get(loose.id)).toEqual(loose)
      expect(store.assets.get(foreign.id)).toEqual(foreign)
      // And the deleted project can no longer be referenced.
      expect((yield* Effect.flip(store.createAsset("acme", "p-acme")))._tag).toBe("InvalidReference")
    }))
})
