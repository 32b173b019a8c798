import http from "node:http"
import * as ES from "./dist/IndreamEditorState.js"
const v = ES.make()
const server = http.createServer((req, res) => {
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    const text = new TextDecoder().decode(Buffer.concat(chunks))
    const body = JSON.parse(text)
    const r = v.validate(body.editorState)
    const json = JSON.stringify(body.editorState)
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ valid: r.valid, n: json.length }))
  })
})
server.listen(0, () => console.log(`Listening on http://127.0.0.1:${server.address().port} Ctrl-C stops`))
