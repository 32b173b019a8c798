#!/usr/bin/env node
/**
 * The published bin's entry (bundled into `dist/bundle/projectkit-server.js`): holds off the young
 * generation's growth before any other module loads (`internal/youngGeneration.ts`), then runs the
 * CLI (`bin.ts`). Loaded dynamically, the CLI and everything it imports evaluate after the hold;
 * a static import would evaluate them first.
 */
import "./internal/youngGeneration.js"

await import("./bin.js")
