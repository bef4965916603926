using System.Text.RegularExpressions;

namespace SpeedyZero.Deploy.Tests;

/// <summary>Invariants of every rendered overlay: every object, pod template and container.</summary>
public partial class ManifestTests
{
    public static TheoryData<string> Overlays => new() { "k8s/overlays/cpu", "k8s/overlays/gpu", "k8s" };

    internal static readonly string[] RecommendedLabels =
    [
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
        "app.kubernetes.io/part-of", "app.kubernetes.io/version", "app.kubernetes.io/managed-by",
    ];

    internal static readonly string[] Roles = ["actor", "replay", "reanalyzer", "priority-refresh", "learner", "evaluator"];

    private static IEnumerable<(K8sObject Workload, string Name, object Container)> AllContainers(IReadOnlyList<K8sObject> objects) =>
        objects.Where(o => o.IsWorkload).SelectMany(o => o.Containers().Select(c => (o, c.Container.At("name").Str() ?? "?", c.Container)));

    private static bool IsRole(K8sObject workload) => workload.TemplateLabels.GetValueOrDefault("app.kubernetes.io/name") == "speedyzero";

    [Theory, MemberData(nameof(Overlays))]
    public void Renders_every_part_of_the_system(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var ids = objects.Select(o => o.Id).ToHashSet();
        foreach (var expected in new[]
                 {
                     "Namespace/speedyzero", "StatefulSet/nats", "StatefulSet/redis", "Service/nats", "Service/redis",
                     "Deployment/actor", "Deployment/replay", "Deployment/reanalyzer", "Deployment/priority-refresh",
                     "StatefulSet/learner", "Deployment/evaluator", "HorizontalPodAutoscaler/actor",
                 })
        {
            Assert.True(ids.Contains(expected), $"{overlay}: {expected} is missing; rendered: {string.Join(", ", ids)}");
        }
        Assert.Contains(objects, o => o.Kind == "ConfigMap" && o.Name.StartsWith("speedyzero-config", StringComparison.Ordinal));
        Assert.Contains(objects, o => o.Kind == "Secret" && o.Name.StartsWith("speedyzero-credentials", StringComparison.Ordinal));
        Assert.Contains(objects, o => o.Kind == "PodDisruptionBudget");
        Assert.Contains(objects, o => o.Kind == "NetworkPolicy");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_object_and_pod_template_has_the_recommended_labels(string overlay)
    {
        var problems = new List<string>();
        foreach (var o in Kustomize.Render(overlay))
        {
            problems.AddRange(RecommendedLabels.Where(l => !o.Labels.ContainsKey(l)).Select(l => $"{o.Id}: label {l} missing"));
            if (o.IsWorkload)
            {
                problems.AddRange(RecommendedLabels.Where(l => !o.TemplateLabels.ContainsKey(l)).Select(l => $"{o.Id} pod template: label {l} missing"));
            }
            if (o.Labels.TryGetValue("app.kubernetes.io/part-of", out var partOf) && partOf != "speedyzero")
            {
                problems.Add($"{o.Id}: part-of is '{partOf}'");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Namespaced_objects_live_in_the_speedyzero_namespace(string overlay)
    {
        var stray = Kustomize.Render(overlay).Where(o => o.Kind != "Namespace" && o.Namespace != "speedyzero").Select(o => o.Id).ToList();
        Assert.True(stray.Count == 0, "outside namespace speedyzero: " + string.Join(", ", stray));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_has_requests_and_limits(string overlay)
    {
        var problems = new List<string>();
        foreach (var (w, name, c) in AllContainers(Kustomize.Render(overlay)))
        {
            foreach (var kind in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    if (string.IsNullOrEmpty(c.At("resources", kind, resource)?.ToString()))
                    {
                        problems.Add($"{w.Id}/{name}: resources.{kind}.{resource} missing");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_has_liveness_and_readiness_probes_on_its_health_endpoints(string overlay)
    {
        var problems = new List<string>();
        foreach (var (w, name, c) in AllContainers(Kustomize.Render(overlay)))
        {
            var liveness = c.At("livenessProbe");
            var readiness = c.At("readinessProbe");
            if (liveness is null || readiness is null)
            {
                problems.Add($"{w.Id}/{name}: liveness and readiness probes required");
                continue;
            }
            if (IsRole(w))
            {
                // The contract of every role host: /healthz (alive) and /readyz (ready) on 'metrics' (9090).
                Expect(problems, $"{w.Id}/{name} liveness", liveness, "/healthz");
                Expect(problems, $"{w.Id}/{name} readiness", readiness, "/readyz");
                var port = c.At("ports").Items().FirstOrDefault(p => p.At("name").Str() == "metrics");
                if (port.At("containerPort")?.ToString() != "9090")
                {
                    problems.Add($"{w.Id}/{name}: containerPort 9090 named 'metrics' required");
                }
            }
            else if (w.Name == "nats")
            {
                Expect(problems, $"{w.Id} liveness", liveness, "/healthz?js-enabled-only=true", "monitor");
                Expect(problems, $"{w.Id} readiness", readiness, "/healthz", "monitor");
            }
            else if (w.Name == "redis")
            {
                var cmd = string.Join(' ', readiness.At("exec", "command").Items().Select(x => x?.ToString()));
                if (!cmd.Contains("ping", StringComparison.Ordinal) || !cmd.Contains("PONG", StringComparison.Ordinal))
                {
                    problems.Add($"{w.Id}: readiness must PING and expect PONG, got '{cmd}'");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        static void Expect(List<string> problems, string what, object probe, string path, string port = "metrics")
        {
            if (probe.At("httpGet", "path").Str() != path || probe.At("httpGet", "port")?.ToString() != port)
            {
                problems.Add($"{what}: expected httpGet {path} on port {port}, got {probe.At("httpGet", "path")} on {probe.At("httpGet", "port")}");
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_runs_restricted(string overlay)
    {
        var problems = new List<string>();
        foreach (var (w, name, c) in AllContainers(Kustomize.Render(overlay)))
        {
            var pod = w.PodSpec.At("securityContext");
            var sc = c.At("securityContext");
            string? Effective(string key) => (sc.At(key) ?? pod.At(key))?.ToString();
            var id = $"{w.Id}/{name}";
            if (Effective("runAsNonRoot") != "true") problems.Add($"{id}: runAsNonRoot must be true");
            if (Effective("runAsUser") is "0") problems.Add($"{id}: runAsUser 0");
            if (sc.At("readOnlyRootFilesystem")?.ToString() != "true") problems.Add($"{id}: readOnlyRootFilesystem must be true");
            if (sc.At("allowPrivilegeEscalation")?.ToString() != "false") problems.Add($"{id}: allowPrivilegeEscalation must be false");
            if (sc.At("privileged")?.ToString() == "true") problems.Add($"{id}: privileged");
            if (!sc.At("capabilities", "drop").Items().Any(x => x?.ToString() == "ALL")) problems.Add($"{id}: capabilities must drop ALL");
            if (sc.At("capabilities", "add").Items().Count > 0) problems.Add($"{id}: adds capabilities");
            if ((sc.At("seccompProfile", "type") ?? pod.At("seccompProfile", "type"))?.ToString() != "RuntimeDefault")
            {
                problems.Add($"{id}: seccompProfile RuntimeDefault required");
            }
            // A read-only root needs a writable /tmp: an emptyDir.
            var tmp = c.At("volumeMounts").Items().FirstOrDefault(m => m.At("mountPath").Str() == "/tmp");
            var tmpVolume = w.PodSpec.At("volumes").Items().FirstOrDefault(v => v.At("name").Str() == tmp.At("name").Str());
            if (tmp is null || tmpVolume.At("emptyDir") is null) problems.Add($"{id}: /tmp must be an emptyDir mount");
            if (w.PodSpec.At("automountServiceAccountToken")?.ToString() != "false") problems.Add($"{w.Id}: automountServiceAccountToken must be false");
            if (w.PodSpec.At("hostNetwork")?.ToString() == "true" || w.PodSpec.At("hostPID")?.ToString() == "true") problems.Add($"{w.Id}: host namespaces");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_image_is_pinned_to_a_version(string overlay)
    {
        var problems = new List<string>();
        foreach (var (w, name, c) in AllContainers(Kustomize.Render(overlay)))
        {
            var image = c.At("image").Str() ?? "";
            if (!IsPinned(image, out var why))
            {
                problems.Add($"{w.Id}/{name}: image '{image}' {why}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A digest, or a tag that names a version (has a digit) and is not 'latest'.</summary>
    internal static bool IsPinned(string image, out string why)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            why = "";
            return true;
        }
        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.IndexOf(':');
        if (colon < 0)
        {
            why = "has no tag";
            return false;
        }
        var tag = lastSegment[(colon + 1)..];
        why = tag == "latest" ? "uses 'latest'" : !tag.Any(char.IsDigit) ? $"tag '{tag}' names no version" : "";
        return why.Length == 0;
    }

    [Theory]
    [InlineData("nats:2.10.22-alpine", true)]
    [InlineData("registry.local:5000/speedyzero/speedyzero:0.1.0", true)]
    [InlineData("debian@sha256:0123456789abcdef", true)]
    [InlineData("nats", false)]
    [InlineData("nats:latest", false)]
    [InlineData("debian:bookworm-slim", false)]
    [InlineData("registry.local:5000/speedyzero/speedyzero", false)]
    public void Pinned_image_rule(string image, bool pinned) => Assert.Equal(pinned, IsPinned(image, out _));

    [GeneratedRegex("(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|AUTH|_KEY$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLikeName();

    [Theory, MemberData(nameof(Overlays))]
    public void Secrets_are_referenced_never_inlined(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var secrets = objects.Where(o => o.Kind == "Secret").ToDictionary(o => o.Name, o => o.Node.At("data").StringMap());
        var problems = new List<string>();
        foreach (var (w, name, c) in AllContainers(objects))
        {
            foreach (var env in c.At("env").Items())
            {
                var envName = env.At("name").Str() ?? "";
                var secretRef = env.At("valueFrom", "secretKeyRef");
                if (SecretLikeName().IsMatch(envName) && secretRef is null)
                {
                    problems.Add($"{w.Id}/{name}: {envName} must come from a secretKeyRef, not a literal value");
                }
                if (secretRef is not null)
                {
                    var secretName = secretRef.At("name").Str() ?? "";
                    var key = secretRef.At("key").Str() ?? "";
                    if (!secrets.TryGetValue(secretName, out var data) || !data.ContainsKey(key))
                    {
                        problems.Add($"{w.Id}/{name}: {envName} refers to {secretName}/{key}, which is not rendered");
                    }
                }
            }
            foreach (var from in c.At("envFrom").Items())
            {
                if (from.At("secretRef", "name").Str() is { } s && !secrets.ContainsKey(s))
                {
                    problems.Add($"{w.Id}/{name}: envFrom secret {s} is not rendered");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Credential_values_appear_only_inside_the_Secret(string overlay)
    {
        var values = File.ReadAllLines(Repo.PathOf("k8s/base/secrets/credentials.env.example"))
            .Where(l => l.Contains('=') && !l.TrimStart().StartsWith('#'))
            .Where(l => SecretLikeName().IsMatch(l[..l.IndexOf('=')]))
            .Select(l => l[(l.IndexOf('=') + 1)..].Trim())
            .ToList();
        Assert.NotEmpty(values);
        var kubectlText = Kustomize.RenderText(overlay);
        var docsWithoutSecrets = string.Join("\n---\n", kubectlText.Split("\n---\n").Where(d => !Regex.IsMatch(d, @"(?m)^kind: Secret$")));
        foreach (var value in values)
        {
            Assert.False(docsWithoutSecrets.Contains(value, StringComparison.Ordinal), $"{overlay}: a credential value is written in plain text outside the Secret");
        }
        // And the Secret itself comes from the generator (hash suffix), not from a committed manifest.
        Assert.Matches("^speedyzero-credentials-[a-z0-9]{10}$", Kustomize.Render(overlay).Single(o => o.Kind == "Secret").Name);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Workload_selectors_match_their_pod_templates(string overlay)
    {
        var problems = new List<string>();
        foreach (var w in Kustomize.Render(overlay).Where(o => o.IsWorkload))
        {
            var selector = w.Node.At("spec", "selector", "matchLabels").StringMap();
            if (!Selectors.Matches(selector, w.TemplateLabels))
            {
                problems.Add($"{w.Id}: selector {string.Join(",", selector)} does not match its template labels");
            }
            if (selector.ContainsKey("app.kubernetes.io/version"))
            {
                problems.Add($"{w.Id}: the version label must not be in the (immutable) selector");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Services_PDBs_and_HPAs_point_at_existing_workloads(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var workloads = objects.Where(o => o.IsWorkload).ToList();
        var problems = new List<string>();
        foreach (var svc in objects.Where(o => o.Kind == "Service"))
        {
            var selector = svc.Node.At("spec", "selector").StringMap();
            var targets = workloads.Where(w => Selectors.Matches(selector, w.TemplateLabels)).ToList();
            if (targets.Count == 0)
            {
                problems.Add($"{svc.Id}: selector matches no workload");
                continue;
            }
            foreach (var port in svc.Node.At("spec", "ports").Items())
            {
                var target = port.At("targetPort")?.ToString() ?? port.At("port")?.ToString();
                var served = targets.All(w => w.Containers().Any(c => c.Container.At("ports").Items()
                    .Any(p => p.At("name").Str() == target || p.At("containerPort")?.ToString() == target)));
                if (!served)
                {
                    problems.Add($"{svc.Id}: targetPort {target} is not a container port of its pods");
                }
            }
        }
        foreach (var pdb in objects.Where(o => o.Kind == "PodDisruptionBudget"))
        {
            var selector = pdb.Node.At("spec", "selector", "matchLabels").StringMap();
            if (!workloads.Any(w => Selectors.Matches(selector, w.TemplateLabels)))
            {
                problems.Add($"{pdb.Id}: selects no workload");
            }
        }
        foreach (var hpa in objects.Where(o => o.Kind == "HorizontalPodAutoscaler"))
        {
            var kind = hpa.Node.At("spec", "scaleTargetRef", "kind").Str();
            var name = hpa.Node.At("spec", "scaleTargetRef", "name").Str();
            if (!workloads.Any(w => w.Kind == kind && w.Name == name))
            {
                problems.Add($"{hpa.Id}: scale target {kind}/{name} does not exist");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var actorHpa = objects.Single(o => o.Id == "HorizontalPodAutoscaler/actor");
        Assert.Equal("Deployment", actorHpa.Node.At("spec", "scaleTargetRef", "kind").Str());
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Configs_and_volumes_are_wired(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var configMaps = objects.Where(o => o.Kind == "ConfigMap").ToDictionary(o => o.Name);
        var problems = new List<string>();
        foreach (var w in objects.Where(o => o.IsWorkload))
        {
            foreach (var v in w.PodSpec.At("volumes").Items())
            {
                if (v.At("configMap", "name").Str() is { } cm && !configMaps.ContainsKey(cm))
                {
                    problems.Add($"{w.Id}: volume refers to missing ConfigMap {cm}");
                }
            }
            var claimNames = w.Node.At("spec", "volumeClaimTemplates").Items().Select(t => t.At("metadata", "name").Str()).ToHashSet();
            var volumeNames = w.PodSpec.At("volumes").Items().Select(v => v.At("name").Str()).ToHashSet();
            foreach (var (_, c) in w.Containers())
            {
                foreach (var m in c.At("volumeMounts").Items())
                {
                    var n = m.At("name").Str();
                    if (!volumeNames.Contains(n) && !claimNames.Contains(n))
                    {
                        problems.Add($"{w.Id}: mount {n} has no volume");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Durable state on PersistentVolumeClaims: JetStream, the Redis AOF, the learner's run folder.
        string MountOf(string id, string claim) => objects.Single(o => o.Id == id).Containers()
            .SelectMany(c => c.Container.At("volumeMounts").Items()).Single(m => m.At("name").Str() == claim).At("mountPath").Str()!;
        Assert.Equal("/data", MountOf("StatefulSet/nats", "data"));
        Assert.Equal("/data", MountOf("StatefulSet/redis", "data"));
        var runDir = Yaml.Load(Repo.Read("k8s/base/config/config.yaml")).At("learner", "run_dir").Str();
        Assert.Equal(runDir, MountOf("StatefulSet/learner", "run"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Roles_run_the_speedyzero_command_with_the_mounted_config(string overlay)
    {
        var expected = new Dictionary<string, string[]>
        {
            ["Deployment/actor"] = ["actor"],
            ["Deployment/replay"] = ["replay"],
            ["Deployment/reanalyzer"] = ["reanalyzer", "--mode", "reanalyze"],
            ["Deployment/priority-refresh"] = ["reanalyzer", "--mode", "refresh"],
            ["StatefulSet/learner"] = ["learner"],
            ["Deployment/evaluator"] = ["evaluator"],
        };
        var objects = Kustomize.Render(overlay);
        foreach (var (id, subcommand) in expected)
        {
            var w = objects.Single(o => o.Id == id);
            var c = w.Containers().Single().Container;
            var args = c.At("args").Items().Select(a => a?.ToString() ?? "").ToArray();
            Assert.Equal([.. subcommand, "--config", "/etc/speedyzero/config.yaml"], args);
            Assert.Null(c.At("command")); // the image's entrypoint is the speedyzero command
            var mount = c.At("volumeMounts").Items().Single(m => m.At("mountPath").Str() == "/etc/speedyzero");
            var volume = w.PodSpec.At("volumes").Items().Single(v => v.At("name").Str() == mount.At("name").Str());
            Assert.StartsWith("speedyzero-config-", volume.At("configMap", "name").Str());
            var env = c.At("env").Items().Select(e => e.At("name").Str()).ToHashSet();
            foreach (var name in new[] { "SPEEDYZERO__NATS__USER", "SPEEDYZERO__NATS__PASSWORD", "SPEEDYZERO__REDIS__PASSWORD", "SPEEDYZERO__ENGINE__THREADS", "OPENBLAS_NUM_THREADS" })
            {
                Assert.True(env.Contains(name), $"{id}: env {name} missing");
            }
            Assert.Contains(w.TemplateLabels["app.kubernetes.io/component"], Roles);
        }
        var configMap = objects.Single(o => o.Kind == "ConfigMap" && o.Name.StartsWith("speedyzero-config-", StringComparison.Ordinal));
        Assert.Equal(Repo.Read("k8s/base/config/config.yaml"), configMap.Node.At("data", "config.yaml").Str());
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Singletons_stay_single(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var replay = objects.Single(o => o.Id == "Deployment/replay");
        Assert.Equal("1", replay.Node.At("spec", "replicas")?.ToString());
        Assert.Equal("Recreate", replay.Node.At("spec", "strategy", "type").Str());
        Assert.Equal("1", objects.Single(o => o.Id == "StatefulSet/learner").Node.At("spec", "replicas")?.ToString());
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Network_policies_deny_by_default_and_allow_only_the_needed_ports(string overlay)
    {
        var policies = Kustomize.Render(overlay).Where(o => o.Kind == "NetworkPolicy").ToList();
        var deny = policies.Where(p =>
            p.Node.At("spec", "podSelector").Map().Count == 0
            && p.Node.At("spec", "policyTypes").Items().Select(x => x?.ToString()).ToHashSet().SetEquals(["Ingress", "Egress"])
            && p.Node.At("spec", "ingress") is null && p.Node.At("spec", "egress") is null).ToList();
        Assert.True(deny.Count == 1, $"{overlay}: one default-deny NetworkPolicy (empty podSelector, Ingress+Egress, no rules) expected");

        // Ingress ports allowed per target: nats 4222, redis 6379, roles 9090 (metrics) only.
        var allowed = new Dictionary<string, string> { ["nats"] = "4222", ["redis"] = "6379", ["speedyzero"] = "9090" };
        foreach (var p in policies)
        {
            var target = p.Node.At("spec", "podSelector", "matchLabels").StringMap().GetValueOrDefault("app.kubernetes.io/name");
            foreach (var rule in p.Node.At("spec", "ingress").Items())
            {
                Assert.True(target is not null && allowed.ContainsKey(target), $"{p.Id}: ingress for an unexpected target");
                var ports = rule.At("ports").Items().Select(x => x.At("port")?.ToString()).ToList();
                Assert.True(ports.Count > 0 && ports.All(x => x == allowed[target!]), $"{p.Id}: ingress ports {string.Join(",", ports)} for {target}");
                Assert.True(rule.At("from").Items().Count > 0, $"{p.Id}: ingress from anywhere");
            }
            foreach (var rule in p.Node.At("spec", "egress").Items())
            {
                Assert.True(rule.At("to").Items().Count > 0, $"{p.Id}: egress to anywhere");
                var ports = rule.At("ports").Items().Select(x => x.At("port")?.ToString()).ToList();
                Assert.True(ports.Count > 0 && ports.All(x => x is "53" or "4222" or "6379"), $"{p.Id}: egress ports {string.Join(",", ports)}");
            }
        }
    }

    [Theory]
    [InlineData("k8s/overlays/cpu", new string[0])]
    [InlineData("k8s", new string[0])]
    [InlineData("k8s/overlays/gpu", new[] { "Deployment/reanalyzer", "StatefulSet/learner" })]
    public void GPUs_go_to_the_learner_and_reanalyzers_only(string overlay, string[] gpuWorkloads)
    {
        var objects = Kustomize.Render(overlay);
        var withGpu = AllContainers(objects)
            .Where(x => x.Container.At("resources", "limits", "nvidia.com/gpu") is not null)
            .Select(x => x.Workload.Id).Distinct().OrderBy(x => x).ToArray();
        Assert.Equal(gpuWorkloads.OrderBy(x => x), withGpu);
        foreach (var id in gpuWorkloads)
        {
            var w = objects.Single(o => o.Id == id);
            var c = w.Containers().Single().Container;
            Assert.Equal("1", c.At("resources", "limits", "nvidia.com/gpu")?.ToString());
            Assert.Contains("-cuda:", c.At("image").Str());
            Assert.NotEmpty(w.PodSpec.At("nodeSelector").Map());
            Assert.Contains(w.PodSpec.At("tolerations").Items(), t => t.At("key").Str() == "nvidia.com/gpu");
            Assert.Contains(c.At("env").Items(), e => e.At("name").Str() == "SPEEDYZERO__ENGINE__DEVICE" && e.At("value").Str() == "cuda");
        }
        foreach (var (w, _, c) in AllContainers(objects).Where(x => !gpuWorkloads.Contains(x.Workload.Id)))
        {
            Assert.DoesNotContain("-cuda:", c.At("image").Str() ?? "");
            Assert.Null(w.PodSpec.At("nodeSelector"));
        }
    }

    [Fact]
    public void Root_kustomization_is_the_cpu_default()
    {
        Assert.Equal(Kustomize.RenderText("k8s/overlays/cpu"), Kustomize.RenderText("k8s"));
    }
}
