// Schema validation of rendered Kubernetes manifests, offline (scripts/deploy-check.sh).
//
//   node validate.mjs FILE...                  every object must be valid
//   node validate.mjs --expect-invalid FILE... every object must be refused (the broken fixture)
//
// FILE: multi-document YAML as `kubectl kustomize` renders it. Each object is checked twice:
//  1. against the JSON schema of its kind (kubernetes-models: the Kubernetes OpenAPI; the
//     prometheus-operator CRDs for PodMonitor/PrometheusRule): types, required fields, enums,
//     formats. An apiVersion/kind without a schema is an error, not a pass.
//  2. for unknown fields: those schemas do not refuse them (the API server drops or refuses them
//     depending on its field validation), so every object also becomes a typed TypeScript
//     constant of the kind's interface and `tsc --strict` must accept it; an excess property
//     (a misspelt or misplaced field) is a compile error.
// Exit 0 when the expectation holds, 1 otherwise; every problem is printed with its object.
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const expectInvalid = args[0] === "--expect-invalid";
const files = expectInvalid ? args.slice(1) : args;
if (files.length === 0) {
  console.error("usage: node validate.mjs [--expect-invalid] FILE...");
  process.exit(2);
}

// apiVersion + kind -> module (within node_modules) and its interface name.
function moduleOf(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9.\/-]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  const pkg = apiVersion.startsWith("monitoring.coreos.com/") ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  const spec = `${pkg}/${apiVersion}/${kind}`;
  const file = join(here, "node_modules", pkg, apiVersion, `${kind}.js`);
  return existsSync(file) ? { spec, file, iface: `I${kind}` } : null;
}

const objects = []; // { id, source, doc, problems: [] }
for (const file of files) {
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8"));
  docs.forEach((d, i) => {
    const source = `${basename(file)}#${i + 1}`;
    if (d.errors.length > 0) {
      objects.push({ id: `(unparsable document)`, source, doc: null, problems: d.errors.map((e) => `YAML: ${e.message}`) });
      return;
    }
    const doc = d.toJS();
    if (doc === null || doc === undefined) return;
    const id = `${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    objects.push({ id, source, doc, problems: [] });
  });
}

// 1. Schemas.
for (const o of objects) {
  if (!o.doc) continue;
  const m = moduleOf(o.doc.apiVersion, o.doc.kind);
  if (!m) {
    o.problems.push(`no schema for apiVersion ${JSON.stringify(o.doc.apiVersion)} kind ${JSON.stringify(o.doc.kind)}`);
    continue;
  }
  o.module = m;
  const Model = (await import(m.file))[o.doc.kind];
  try {
    new Model(o.doc).validate();
  } catch (e) {
    o.problems.push(`schema: ${String(e.message ?? e).replace(/\s+/g, " ")}`);
  }
}

// 2. Unknown fields: one TypeScript file, one typed constant per object, tsc --strict.
const typed = objects.filter((o) => o.module);
if (typed.length > 0) {
  const dir = mkdtempSync(join(here, ".check-"));
  try {
    const lines = [];
    const imports = new Map();
    typed.forEach((o) => {
      const key = `${o.module.spec}`;
      if (!imports.has(key)) imports.set(key, `T${imports.size}`);
    });
    for (const [spec, alias] of imports) {
      const iface = `I${spec.split("/").pop()}`;
      lines.push(`import type { ${iface} as ${alias} } from ${JSON.stringify(spec)};`);
    }
    typed.forEach((o, i) => {
      o.firstLine = lines.length + 1;
      const body = JSON.stringify(o.doc, null, 2).split("\n");
      body[0] = `export const o${i}: ${imports.get(o.module.spec)} = ${body[0]}`;
      body[body.length - 1] += ";";
      lines.push(...body);
      o.lastLine = lines.length;
    });
    writeFileSync(join(dir, "objects.ts"), lines.join("\n") + "\n");
    const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "--strict", "--noEmit", "--skipLibCheck", "--target", "es2022",
      "--module", "esnext", "--moduleResolution", "bundler", "--pretty", "false", join(dir, "objects.ts")], { encoding: "utf8" });
    if (r.error) throw r.error;
    const out = `${r.stdout}${r.stderr}`;
    let attributed = 0;
    for (const line of out.split("\n")) {
      const m = /objects\.ts\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
      if (!m) continue;
      const n = Number(m[1]);
      const o = typed.find((t) => n >= t.firstLine && n <= t.lastLine);
      const text = `unknown field or wrong type (tsc --strict): ${m[2]}`;
      if (o) {
        o.problems.push(text);
        attributed++;
      } else {
        console.error(`validate: ${line}`);
      }
    }
    if (r.status !== 0 && attributed === 0) {
      console.error(`validate: tsc failed without an error in an object (exit ${r.status}):\n${out}`);
      process.exit(1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let failed = false;
for (const o of objects) {
  const bad = o.problems.length > 0;
  if (expectInvalid && !bad) {
    console.error(`FAIL ${o.source} ${o.id}: accepted, but this object is broken on purpose and must be refused`);
    failed = true;
  } else if (!expectInvalid && bad) {
    for (const p of o.problems) console.error(`FAIL ${o.source} ${o.id}: ${p}`);
    failed = true;
  } else if (expectInvalid) {
    console.log(`refused as expected: ${o.source} ${o.id}: ${o.problems[0]}`);
  }
}
if (objects.length === 0) {
  console.error("validate: no objects in " + files.join(", "));
  failed = true;
}
const kinds = [...new Set(objects.map((o) => o.doc?.kind))].sort().join(", ");
console.log(`validate: ${objects.length} objects (${kinds}) in ${files.join(", ")}: ${failed ? "FAILED" : expectInvalid ? "all refused" : "all valid"}`);
process.exit(failed ? 1 : 0);
