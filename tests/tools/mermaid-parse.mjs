// Parses Mermaid diagrams with mermaid's own parser (mermaid.parse) under jsdom, no browser.
// Usage: node mermaid-parse.mjs FILE...   (run with NODE_PATH or from the tools directory)
// A file may be a whole diagram or Markdown holding ```mermaid blocks; each block is parsed.
// Prints one line per diagram, "ok <file>#<n> <type>" or "error <file>#<n> <message>", and
// exits 1 when any diagram fails to parse.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.ARCHAUDIT_NODE_MODULES + "/");
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import(require.resolve("mermaid"))).default;
mermaid.initialize({ startOnLoad: false });

function diagrams(text) {
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.length > 0 ? blocks : [text];
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const all = diagrams(readFileSync(file, "utf8"));
  for (const [i, d] of all.entries()) {
    try {
      const r = await mermaid.parse(d);
      console.log(`ok ${file}#${i} ${r.diagramType}`);
    } catch (e) {
      failed = true;
      console.log(`error ${file}#${i} ${String(e.message || e).replace(/\n/g, " ")}`);
    }
  }
}
process.exit(failed ? 1 : 0);
