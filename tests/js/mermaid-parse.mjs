// Parse Mermaid sources with Mermaid's own parser (the version pinned in package.json).
// Input on stdin: a JSON array of diagram sources. Output: a JSON array, one entry per
// source: null when it parsed, or the parser's error message. Mermaid sanitises labels with
// DOMPurify, which needs a DOM, so a jsdom window stands in for the browser.
import { JSDOM } from "jsdom";

const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
for (const name of ["Element", "HTMLElement", "Node", "DOMParser", "navigator"]) {
  if (!(name in globalThis)) globalThis[name] = window[name];
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
    results.push(null);
  } catch (error) {
    results.push(String(error && error.message ? error.message : error));
  }
}
process.stdout.write(JSON.stringify(results));
