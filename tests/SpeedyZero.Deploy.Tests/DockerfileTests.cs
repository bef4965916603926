using System.Text.RegularExpressions;

namespace SpeedyZero.Deploy.Tests;

/// <summary>One Dockerfile instruction, continuation lines joined.</summary>
public sealed record Instruction(string Keyword, string Arguments);

public sealed record Stage(string Image, string? Alias, List<Instruction> Instructions);

/// <summary>Just enough of the Dockerfile syntax to check the images' invariants without a Docker engine.</summary>
public static class Dockerfile
{
    public static List<Stage> Parse(string text)
    {
        var instructions = RawInstructions(text);
        var stages = new List<Stage>();
        var globalArgs = GlobalArgs(instructions);
        foreach (var ins in instructions)
        {
            if (ins.Keyword == "FROM")
            {
                // FROM ${NAME}: the global ARG's default, as a build without --build-arg uses it.
                var from = Regex.Replace(ins.Arguments, @"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                    m => globalArgs.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
                var parts = Regex.Split(from, @"\s+").Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
                var alias = parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add(new Stage(parts[0], alias, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(ins);
            }
        }
        return stages;
    }

    /// <summary>Every instruction in order, continuation lines joined, comments dropped.</summary>
    public static List<Instruction> RawInstructions(string text)
    {
        var instructions = new List<Instruction>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }
            if (line.TrimStart().StartsWith('#'))
            {
                continue; // comment inside a continued instruction
            }
            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }
            current += line;
            var trimmed = current.Trim();
            var space = trimmed.IndexOf(' ');
            instructions.Add(new Instruction(trimmed[..space].ToUpperInvariant(), trimmed[(space + 1)..].Trim()));
            current = "";
        }
        return instructions;
    }

    /// <summary>The ARGs before the first FROM (usable in FROM lines) with their defaults.</summary>
    public static Dictionary<string, string> GlobalArgs(List<Instruction> instructions)
    {
        var args = new Dictionary<string, string>();
        foreach (var ins in instructions.TakeWhile(i => i.Keyword != "FROM").Where(i => i.Keyword == "ARG"))
        {
            var eq = ins.Arguments.IndexOf('=');
            args[eq < 0 ? ins.Arguments : ins.Arguments[..eq]] = eq < 0 ? "" : ins.Arguments[(eq + 1)..].Trim('"');
        }
        return args;
    }

    /// <summary>Packages named by 'apt-get install' in a stage's RUN instructions.</summary>
    public static List<string> AptPackages(Stage stage) =>
        stage.Instructions.Where(i => i.Keyword == "RUN")
            .SelectMany(i => Regex.Matches(i.Arguments, @"apt-get install((?:\s+[^\s&|;]+)+)").Select(m => m.Groups[1].Value))
            .SelectMany(s => Regex.Split(s.Trim(), @"\s+"))
            .Where(p => !p.StartsWith('-'))
            .ToList();
}

public class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "deploy/docker/Dockerfile", "deploy/docker/Dockerfile.cuda" };

    private static readonly Regex BuildToolPackage = new(@"^(gcc|g\+\+|cpp|clang.*|cmake|make|ninja-build|build-essential|dotnet-sdk.*|.*-dev|libtorch-dev|nvidia-cuda-toolkit|cuda-toolkit.*|cuda-nvcc.*)$");

    private static List<Stage> Stages(string path) => Dockerfile.Parse(Repo.Read(path));

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Is_multi_stage_with_a_separate_build_stage(string path)
    {
        var stages = Stages(path);
        Assert.True(stages.Count >= 3, $"{path}: {stages.Count} stages");
        var final = stages[^1];
        var build = stages.SingleOrDefault(s => s.Alias == "build");
        Assert.NotNull(build);
        Assert.NotSame(build, final);
        Assert.Contains(final.Instructions, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=build", StringComparison.Ordinal));
        Assert.Contains(build!.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains(build.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("libspeedyzero_engine.so", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Every_base_image_is_pinned(string path)
    {
        var stages = Stages(path);
        var aliases = stages.Select(s => s.Alias).Where(a => a is not null).ToHashSet();
        foreach (var s in stages)
        {
            if (aliases.Contains(s.Image))
            {
                continue;
            }
            Assert.True(ManifestTests.IsPinned(s.Image, out var why), $"{path}: FROM {s.Image} {why}");
        }
        // Files from other images only through named (pinned) stages, never COPY --from=<image>.
        foreach (var copy in stages.SelectMany(s => s.Instructions).Where(i => i.Keyword == "COPY"))
        {
            var from = Regex.Match(copy.Arguments, @"--from=(\S+)");
            if (from.Success)
            {
                Assert.True(aliases.Contains(from.Groups[1].Value), $"{path}: COPY --from={from.Groups[1].Value} is not a stage");
            }
        }
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Bases_are_build_arguments_and_no_frontend_is_pulled(string path)
    {
        var text = Repo.Read(path);
        // '# syntax=' makes BuildKit pull a frontend image: no offline build could work.
        Assert.DoesNotMatch(new Regex(@"^\s*#\s*syntax\s*=", RegexOptions.Multiline | RegexOptions.IgnoreCase), text);
        var froms = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)).ToList();
        var aliases = Stages(path).Select(s => s.Alias).Where(a => a is not null).ToHashSet();
        foreach (var from in froms)
        {
            var image = Regex.Split(from, @"\s+").Skip(1).First(p => !p.StartsWith("--", StringComparison.Ordinal));
            if (aliases.Contains(image))
            {
                continue;
            }
            // A base the local builds (scripts/container-bases.sh) can replace by --build-arg.
            Assert.Matches(@"^\$\{[A-Z_]+\}$", image);
        }
        foreach (var arg in new[] { "BUILD_IMAGE", "RUNTIME_IMAGE", "DOTNET_SDK_IMAGE", "DOTNET_RUNTIME_IMAGE" })
        {
            Assert.True(Dockerfile.GlobalArgs(Dockerfile.RawInstructions(text)).TryGetValue(arg, out var value) && value.Length > 0,
                $"{path}: no global ARG {arg} with a default (the public image)");
        }
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Final_stage_runs_as_a_non_root_user(string path)
    {
        var final = Stages(path)[^1];
        var user = final.Instructions.LastOrDefault(i => i.Keyword == "USER");
        Assert.True(user is not null, $"{path}: the final stage sets no USER");
        var name = user!.Arguments.Split(':')[0];
        Assert.DoesNotContain(name, new[] { "root", "0" });
        // Numeric, so Kubernetes' runAsNonRoot can verify it, and the manifests' runAsUser.
        Assert.Equal("10001", name);
        Assert.Contains(final.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("useradd", StringComparison.Ordinal) && i.Arguments.Contains("10001", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Final_stage_has_no_build_tools(string path)
    {
        var final = Stages(path)[^1];
        var tools = Dockerfile.AptPackages(final).Where(p => BuildToolPackage.IsMatch(p)).ToList();
        Assert.True(tools.Count == 0, $"{path}: build tools in the runtime image: {string.Join(", ", tools)}");
        Assert.DoesNotContain(final.Instructions, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=dotnet-sdk", StringComparison.Ordinal));
        Assert.Contains(final.Instructions, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=dotnet-runtime", StringComparison.Ordinal));
        Assert.Contains(final.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("rm -rf /var/lib/apt/lists", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Final_stage_sets_runtime_hygiene_and_the_speedyzero_entrypoint(string path)
    {
        var final = Stages(path)[^1];
        Assert.Contains(final.Instructions, i => i.Keyword == "ENV" && Regex.IsMatch(i.Arguments, @"(^|\s)OPENBLAS_NUM_THREADS=1(\s|$)"));
        var entrypoint = final.Instructions.Last(i => i.Keyword == "ENTRYPOINT");
        Assert.Equal("[\"dotnet\", \"/app/speedyzero.dll\"]", entrypoint.Arguments);
        Assert.Contains(final.Instructions, i => i.Keyword == "EXPOSE" && i.Arguments == "9090");
    }

    [Fact]
    public void Cpu_image_builds_on_Debian_libtorch_and_runs_on_its_runtime_packages()
    {
        var stages = Stages("deploy/docker/Dockerfile");
        var build = stages.Single(s => s.Alias == "build");
        var final = stages[^1];
        Assert.StartsWith("debian:12", build.Image);
        Assert.StartsWith("debian:12", final.Image);
        Assert.EndsWith("-slim", final.Image);
        Assert.Contains("libtorch-dev", Dockerfile.AptPackages(build));
        Assert.Contains("cmake", Dockerfile.AptPackages(build));
        var runtime = Dockerfile.AptPackages(final);
        Assert.Contains("libtorch1.13", runtime);
        Assert.Contains("libopenblas0-pthread", runtime);
    }

    [Fact]
    public void Cuda_image_builds_against_the_CUDA_libtorch_through_TORCH_DIR()
    {
        var stages = Stages("deploy/docker/Dockerfile.cuda");
        var build = stages.Single(s => s.Alias == "build");
        var final = stages[^1];
        Assert.Contains("cuda", build.Image, StringComparison.Ordinal);
        Assert.Contains("cuda", final.Image, StringComparison.Ordinal);
        Assert.EndsWith("-runtime", final.Image);
        // The same PyTorch release in both stages: the engine runs on the libtorch it was built against.
        Assert.Equal(build.Image.Replace("-devel", "", StringComparison.Ordinal), final.Image.Replace("-runtime", "", StringComparison.Ordinal));
        Assert.Contains(build.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("TORCH_DIR=", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerignore_keeps_build_outputs_and_git_out_of_the_context()
    {
        var entries = File.ReadAllLines(Repo.PathOf(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        foreach (var required in new[] { ".git", "**/bin", "**/obj", "build" })
        {
            Assert.Contains(required, entries);
        }
    }

    [Fact]
    public void Make_images_says_clearly_when_there_is_no_builder()
    {
        var make = Tool.Require("make", "Install Debian's 'make' package (make deps).");
        // Builder commands and an engine address that cannot exist, so the result does not
        // depend on what this machine has.
        var result = Tool.Run(make, ["--no-print-directory", "images"], environment: new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = "unix:///nonexistent/speedyzero-test-docker.sock",
            ["DOCKER"] = "/nonexistent/docker",
            ["BUILDAH"] = "/nonexistent/buildah",
        }, timeoutSeconds: 60);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("make images:", result.StdErr);
        Assert.Contains("buildah", result.StdErr);
        Assert.Contains("Nothing was built", result.StdErr);
    }

    [Fact]
    public void Make_images_refuses_local_bases_with_docker_and_for_the_CUDA_image()
    {
        var make = Tool.Require("make", "Install Debian's 'make' package (make deps).");
        var docker = Tool.Run(make, ["--no-print-directory", "images", "BASES=local"], environment: new Dictionary<string, string?>
        {
            ["BUILDER"] = "docker",
            ["DOCKER"] = "/bin/true",
        }, timeoutSeconds: 60);
        Assert.NotEqual(0, docker.ExitCode);
        Assert.Contains("BASES=local needs buildah", docker.StdErr);
        var cuda = Tool.Run(make, ["--no-print-directory", "images", "BASES=local", "IMAGES=cuda"], environment: new Dictionary<string, string?>
        {
            ["BUILDER"] = "buildah",
            ["BUILDAH"] = "/bin/true",
        }, timeoutSeconds: 60);
        Assert.NotEqual(0, cuda.ExitCode);
        Assert.Contains("no local CUDA base", cuda.StdErr);
    }
}
