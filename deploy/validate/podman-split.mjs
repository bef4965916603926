// Splits a rendered podman overlay (kubectl kustomize deploy/podman/overlay) into what the deploy
// check's `pods` step hands to podman 4.3 (scripts/deploy-check.sh, docs/deployment.md):
//
//   node podman-split.mjs RENDERED.yaml OUTDIR
//
//   OUTDIR/<deployment>.yaml  every ConfigMap plus that one Deployment, for one `podman kube play`
//                             each (NATS and Redis get fixed addresses with --ip, so they are
//                             played on their own)
//   OUTDIR/secrets/<name>     each Secret as podman needs it for secretKeyRef: the flat JSON of
//                             its `data` ({"KEY": "<base64>", ...}); a Secret played by kube play
//                             fails there ("illegal base64 data"), one made beforehand with
//                             `podman secret create <name> <file>` works
//   OUTDIR/deployments        one line per Deployment: name, replicas, first container's name
//   OUTDIR/aliases            one line per hostAliases entry of the pods: hostname, address
//   OUTDIR/volumes            the podman volumes kube play makes: ConfigMaps, claims, emptyDirs
//
// Kinds with no podman counterpart (Namespace, Service, NetworkPolicy, HorizontalPodAutoscaler,
// PodDisruptionBudget) are listed and left out; any other kind is an error (podman ignores a
// StatefulSet without a word, so one left in the overlay must not pass unnoticed).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

const [rendered, out] = process.argv.slice(2);
if (!rendered || !out) {
  console.error("usage: node podman-split.mjs RENDERED.yaml OUTDIR");
  process.exit(2);
}

const objects = YAML.parseAllDocuments(readFileSync(rendered, "utf8"))
  .map((d) => d.toJS())
  .filter((o) => o && typeof o === "object");
const notPlayed = new Set(["Namespace", "Service", "NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget"]);
const configMaps = objects.filter((o) => o.kind === "ConfigMap");
const deployments = objects.filter((o) => o.kind === "Deployment");
const problems = [];
const skipped = [];
for (const o of objects) {
  const id = `${o.kind}/${o.metadata?.name}`;
  if (notPlayed.has(o.kind)) skipped.push(id);
  else if (!["ConfigMap", "Secret", "Deployment"].includes(o.kind)) problems.push(`${id}: podman kube play does not run this kind`);
}
if (deployments.length === 0) problems.push("no Deployment in the rendered overlay");
if (problems.length > 0) {
  for (const p of problems) console.error(`podman-split: ${p}`);
  process.exit(1);
}

mkdirSync(join(out, "secrets"), { recursive: true });
const volumes = new Set(configMaps.map((c) => c.metadata.name));
const aliases = new Map();
const lines = [];
for (const d of deployments) {
  const name = d.metadata.name;
  const pod = d.spec.template.spec;
  writeFileSync(join(out, `${name}.yaml`), [...configMaps, d].map((o) => YAML.stringify(o)).join("---\n"));
  lines.push(`${name} ${d.spec.replicas ?? 1} ${pod.containers[0].name}`);
  for (const v of pod.volumes ?? []) {
    if (v.persistentVolumeClaim) volumes.add(v.persistentVolumeClaim.claimName);
    if (v.emptyDir) volumes.add(v.name);
  }
  for (const a of pod.hostAliases ?? []) for (const h of a.hostnames ?? []) aliases.set(h, a.ip);
}
for (const s of objects.filter((o) => o.kind === "Secret")) {
  writeFileSync(join(out, "secrets", s.metadata.name), JSON.stringify(s.data ?? {}));
}
writeFileSync(join(out, "deployments"), lines.join("\n") + "\n");
writeFileSync(join(out, "aliases"), [...aliases].map(([h, ip]) => `${h} ${ip}`).join("\n") + "\n");
writeFileSync(join(out, "volumes"), [...volumes].join("\n") + "\n");
console.log(`podman-split: ${deployments.length} Deployments, ${configMaps.length} ConfigMaps, ` +
  `${objects.filter((o) => o.kind === "Secret").length} Secret(s); not played (no podman counterpart): ${skipped.join(", ")}`);
