// Render Markdown as GitHub-flavoured Markdown (tables, strikethrough, autolinks) with
// marked, the CommonMark/GFM parser Mermaid pins in package-lock.json. Raw HTML passes
// through unsanitised, as in the strictest reading of what an author could inject.
// Input on stdin: a JSON array of Markdown texts. Output: a JSON array of HTML texts.
import { marked } from "marked";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((text) => marked.parse(text, { gfm: true, async: false }));
process.stdout.write(JSON.stringify(out));
