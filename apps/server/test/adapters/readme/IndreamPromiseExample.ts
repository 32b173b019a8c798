import { createIndreamClient, IndreamEditorState, ProjectsError } from "@projectkit/indream"

export const main = async (png: Uint8Array) => {
  const client = createIndreamClient({
    apiKey: process.env.INDREAM_API_KEY!,
    // Indream itself by default; the reference server serves the same API under /indream.
    baseUrl: process.env.INDREAM_BASE_URL ?? "https://api.indream.ai"
  })
  try {
    const indream = client.indream
    // A project needs an editorState: here the smallest valid one, an empty 1080p timeline.
    const editorState = IndreamEditorState.blank()
    const project = await indream.projects.create({ title: "Launch video", editorState }, { idempotencyKey: "launch-1" })

    // Upload a file (raw bytes, its MIME type) and bind it to the project in the same call.
    const logo = await indream.assets.upload(png, { filename: "logo.png", contentType: "image/png", projectId: project.projectId })
    const bound = await indream.assets.listForProject(project.projectId)

    // Check a state before saving it: {valid, errors: [{code, path, message}]}.
    const check = await indream.editor.validate(editorState)

    // An editing session: the Autosaver coalesces changes and syncs at most once per interval.
    const saver = await client.autosaver({ projectId: project.projectId })
    for (let take = 1; take <= 20; take++) await saver.update({ ...editorState, compositionWidth: 1900 + take })
    await saver.close()
    const saved = await indream.projects.get(project.projectId)

    // Render the saved state and wait for the task to finish.
    const task = await indream.exports.createFromProject(project.projectId, { fps: 30, ratio: "16:9", scale: 1, format: "mp4" })
    const done = await indream.exports.wait(task.taskId, { interval: 10 })

    let missing = ""
    try {
      await client.projects.get("00000000-0000-4000-8000-000000000000")
    } catch (error) {
      // The core error itself, not a wrapper.
      if (!(error instanceof ProjectsError.NotFound)) throw error
      missing = error._tag
    }
    return {
      bound: bound.items.map((asset) => asset.filename),
      logo: logo.mimetype,
      valid: check.valid,
      stateVersion: saved.stateVersion,
      width: saved.editorState.compositionWidth,
      status: done.status,
      missing
    }
  } finally {
    await client.close()
  }
}
