import { createEditorClient, ProjectsError } from "@projectkit/editor"

export const main = async () => {
  const client = createEditorClient({
    // The reference server (`npx pnpm@10.34.8 start` in projectkit) prints a demo editor key.
    baseUrl: process.env.EDITOR_BASE_URL ?? "http://localhost:4000/editor",
    apiKey: process.env.EDITOR_API_KEY!
  })
  try {
    // The editor's own calls, as `EditorClient` names them, under `client.editor`.
    const project = await client.editor.projects.create({ title: "Launch video" })

    // An editing session: every change goes to the Autosaver, which coalesces them and saves at
    // most once per interval; closing it flushes the latest state.
    const saver = await client.autosaver({ projectId: project.projectId, stateVersion: project.stateVersion })
    for (let take = 1; take <= 20; take++) await saver.update({ tracks: [{ type: "text", text: `take ${take}` }] })
    await saver.close()

    // Render the saved state; the task (and its webhook) carries projectId.
    const task = await client.editor.exports.fromProject(project.projectId, { format: "mp4" })
    const saved = await client.editor.projects.get(project.projectId)

    // The neutral projects: the same calls on every adapter.
    const names: Array<string> = []
    for await (const each of client.projects.list({ search: "launch" })) names.push(each.name)
    let missing = ""
    try {
      await client.projects.get("no-such-project")
    } catch (error) {
      // The core error itself, not a wrapper.
      if (!(error instanceof ProjectsError.NotFound)) throw error
      missing = error.message
    }
    return { stateVersion: saved.stateVersion, editorState: saved.editorState, task: task.status, names, missing }
  } finally {
    await client.close()
  }
}
