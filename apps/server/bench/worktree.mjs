// `pnpm bench -- --compare <git-ref>`: the server of another commit, built in a git worktree of its
// own under the OS's temporary directory, so that two versions run side by side on the same data
// and the same machine (A/B). The worktree is named after the commit and reused while it exists
// (`--keep-worktree` keeps it after the run: a build takes minutes on two cores).
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

const pnpm = ["--yes", "pnpm@10.34.8"]

const run = (command, args, cwd) => {
  const result = ChildProcess.spawnSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } })
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.status ?? result.signal}`)
}

const git = (args, cwd) => ChildProcess.execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

/**
 * The built server (`dist/bin.js`) of `ref`, and a function removing its worktree (unless `keep`).
 * `repository` is any directory of this repository's checkout.
 */
export const serverOf = (repository, ref, keep) => {
  const commit = git(["rev-parse", "--verify", `${ref}^{commit}`], repository)
  const directory = Path.join(Os.tmpdir(), `projectkit-bench-${commit.slice(0, 12)}`)
  const bin = Path.join(directory, "apps/server/dist/bin.js")
  const remove = () => {
    if (keep) return console.log(`  (worktree of ${ref} kept in ${directory})`)
    git(["worktree", "remove", "--force", directory], repository)
  }
  if (Fs.existsSync(bin)) {
    console.log(`${ref} (${commit.slice(0, 12)}): reusing the build in ${directory}`)
    return { commit, bin, remove }
  }
  if (Fs.existsSync(directory)) git(["worktree", "remove", "--force", directory], repository)
  console.log(`${ref} (${commit.slice(0, 12)}): building in a worktree, ${directory}`)
  git(["worktree", "add", "--detach", directory, commit], repository)
  try {
    run("npx", [...pnpm, "install", "--frozen-lockfile", "--prefer-offline"], directory)
    run("npx", [...pnpm, "exec", "turbo", "run", "build", "--filter=@projectkit/server", "--concurrency=2", "--output-logs=errors-only"], directory)
  } catch (error) {
    git(["worktree", "remove", "--force", directory], repository)
    throw error
  }
  return { commit, bin, remove }
}
