// Lints Dockerfiles with dockerfile-utils (the linter of the VS Code Docker extension):
//   node lint-dockerfiles.mjs FILE...
// Every diagnostic, error or warning, fails the check. This catches syntax, unknown
// instructions and flags, bad ARG/ENV/EXPOSE/USER forms and the like; it does not pull bases,
// run instructions or check that packages exist (only a build shows that).
import { readFileSync } from "node:fs";
import { validate } from "dockerfile-utils";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node lint-dockerfiles.mjs FILE...");
  process.exit(2);
}
const severity = { 1: "error", 2: "warning", 3: "information", 4: "hint" };
let problems = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const diagnostics = validate(text);
  for (const d of diagnostics) {
    problems++;
    console.error(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity[d.severity] ?? d.severity}: ${d.message}`);
  }
  if (/^#\s*syntax\s*=/m.test(text)) {
    problems++;
    console.error(`${file}: a '# syntax=' line makes BuildKit pull a frontend image; builds must work offline`);
  }
  console.log(`lint: ${file}: ${diagnostics.length} diagnostic(s)`);
}
process.exit(problems > 0 ? 1 : 0);
