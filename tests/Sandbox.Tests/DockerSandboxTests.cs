using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FluentAssertions;
using YamlDotNet.RepresentationModel;

namespace Acceptance.Sandbox.Tests;

/// <summary>The engine part of the sandbox: private registry (TLS + htpasswd), locally built images,
/// the compose project ml-platform. Engine tests are skipped when sandbox/up ran without an engine.</summary>
public class DockerSandboxTests
{
    private static string RegistryUrl => $"https://{Sandbox.Host}:{Sandbox.Port("REGISTRY_PORT")}";
    private static string RegistryPassword => File.ReadAllText(Sandbox.StatePath("secrets", "registry.password")).Trim();
    private static HttpClient Registry() => Sandbox.Http(true, ("platform", RegistryPassword));
    private static string EngineAddress => File.ReadAllText(Sandbox.StatePath("docker", "engine")).Trim();

    private static void RequireEngine()
    {
        if (!File.Exists(Sandbox.StatePath("docker", "engine")))
            Assert.Ignore("sandbox/up ran without a Docker engine (process-only sandbox)");
    }

    private static Sandbox.Result Docker(params string[] args) => Sandbox.Run("/usr/bin/docker", ["-H", EngineAddress, .. args], TimeSpan.FromSeconds(30));

    private static List<(string Name, string Tag, string Digest)> ImagesTsv() =>
        File.ReadAllLines(Sandbox.StatePath("docker", "images.tsv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t')).Select(c => (c[0], c[1], c[2])).ToList();

    private static HttpRequestMessage ManifestHead(string name, string tag)
    {
        var req = new HttpRequestMessage(HttpMethod.Head, $"{RegistryUrl}/v2/{name}/manifests/{tag}");
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        return req;
    }

    [TestCase("/v2/")]
    [TestCase("/v2/_catalog")]
    [TestCase("/v2/ml-platform/pushgateway/manifests/latest")]
    public async Task Registry_refuses_anonymous_requests_with_401(string path)
    {
        using var http = Sandbox.Http();
        using var r = await http.GetAsync(RegistryUrl + path);
        r.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        r.Headers.WwwAuthenticate.Should().Contain(h => h.Scheme == "Basic");
    }

    [Test]
    public async Task Registry_refuses_a_wrong_password()
    {
        using var http = Sandbox.Http(true, ("platform", RegistryPassword + "x"));
        using var r = await http.GetAsync(RegistryUrl + "/v2/_catalog");
        r.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Registry_serves_the_catalog_with_the_credentials_over_tls()
    {
        using var http = Registry();
        using var r = await http.GetAsync(RegistryUrl + "/v2/_catalog");
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        r.Headers.GetValues("Docker-Distribution-Api-Version").Should().Contain("registry/2.0");
        var repos = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("repositories")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        if (File.Exists(Sandbox.StatePath("docker", "engine")))
            repos.Should().Contain(["ml-platform/pushgateway", "ml-platform/trainer", "ml-platform/registry"]);
    }

    [Test]
    public async Task Plain_http_to_the_registry_port_does_not_serve_the_api()
    {
        using var http = Sandbox.Http();
        using var r = await http.GetAsync($"http://{Sandbox.Host}:{Sandbox.Port("REGISTRY_PORT")}/v2/");
        r.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        r.Headers.Contains("Docker-Distribution-Api-Version").Should().BeFalse();
    }

    [Test]
    public void Registry_secrets_are_private_and_the_htpasswd_is_bcrypt()
    {
        foreach (var f in new[] { "registry.password", "registry.htpasswd" }.Select(f => Sandbox.StatePath("secrets", f)))
            File.GetUnixFileMode(f).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, f);
        File.ReadAllText(Sandbox.StatePath("secrets", "registry.htpasswd")).Should().MatchRegex(@"^platform:\$2[aby]\$");
    }

    [Test]
    public async Task Images_tsv_digests_match_the_registrys_docker_content_digest()
    {
        RequireEngine();
        var rows = ImagesTsv();
        rows.Select(r => r.Name).Should().Contain(["ml-platform/pushgateway", "ml-platform/trainer", "ml-platform/registry"]);
        rows.Should().Contain(r => r.Name == "ml-platform/trainer" && r.Tag == "1.1.0");
        using var http = Registry();
        foreach (var (name, tag, digest) in rows)
        {
            tag.Should().MatchRegex(@"^\d+\.\d+\.\d+(-broken)?$", name);
            using var r = await http.SendAsync(ManifestHead(name, tag));
            r.StatusCode.Should().Be(HttpStatusCode.OK, $"{name}:{tag}");
            r.Headers.GetValues("Docker-Content-Digest").Single().Should().Be(digest, $"{name}:{tag}");
        }
    }

    [Test]
    public void Pushgateway_container_is_running_healthy_and_limited()
    {
        RequireEngine();
        var ps = Docker("ps", "-q", "--filter", "label=com.docker.compose.project=ml-platform",
            "--filter", "label=com.docker.compose.service=pushgateway");
        ps.ExitCode.Should().Be(0, ps.Output);
        var id = ps.Stdout.Trim();
        id.Should().NotBeEmpty("the compose project runs the pushgateway");
        var inspect = Docker("inspect", id);
        inspect.ExitCode.Should().Be(0, inspect.Output);
        var c = JsonDocument.Parse(inspect.Stdout).RootElement[0];
        c.GetProperty("State").GetProperty("Status").GetString().Should().Be("running");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Docker("inspect", "-f", "{{.State.Health.Status}}", id).Stdout.Trim() != "healthy" && DateTime.UtcNow < deadline)
            Thread.Sleep(500);
        Docker("inspect", "-f", "{{.State.Health.Status}}", id).Stdout.Trim().Should().Be("healthy");
        var host = c.GetProperty("HostConfig");
        host.GetProperty("Memory").GetInt64().Should().BeInRange(1, 256L << 20);
        host.GetProperty("NanoCpus").GetInt64().Should().BeGreaterThan(0);
        host.GetProperty("Init").GetBoolean().Should().BeTrue();
        host.GetProperty("RestartPolicy").GetProperty("Name").GetString().Should().Be("unless-stopped");
        foreach (var binding in host.GetProperty("PortBindings").EnumerateObject().SelectMany(p => p.Value.EnumerateArray()))
            binding.GetProperty("HostIp").GetString().Should().Be("127.0.0.1");
        c.GetProperty("Config").GetProperty("Image").GetString().Should().StartWith($"127.0.0.1:{Sandbox.Port("REGISTRY_PORT")}/ml-platform/pushgateway:");
        c.GetProperty("Mounts").EnumerateArray().Should().Contain(m => m.GetProperty("Type").GetString() == "volume"
            && m.GetProperty("Destination").GetString() == "/data");
    }

    [Test]
    public void Target_file_names_the_engine_and_the_registry()
    {
        RequireEngine();
        var stream = new YamlStream();
        using (var reader = new StreamReader(Sandbox.StatePath("target.yaml"))) stream.Load(reader);
        var services = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["services"];
        var docker = (YamlMappingNode)services["docker"];
        docker["address"].ToString().Should().Be(EngineAddress);
        docker["compose_project"].ToString().Should().Be("ml-platform");
        docker["drill_project"].ToString().Should().Be("ml-platform-drill");
        ((YamlSequenceNode)docker["drill_environment"]).Children.Select(c => c.ToString()).Should().Equal("PUSHGATEWAY_PUBLISH=127.0.0.1:19191");
        docker["drill_broken_version"].ToString().Should().EndWith("-broken", "the drill's failed deployment is a pushed release that cannot start");
        ((YamlSequenceNode)docker["stateful_services"]).Children.Select(c => c.ToString()).Should().Equal("pushgateway");
        File.Exists(docker["compose_env_file"].ToString()).Should().BeTrue();
        File.Exists(((YamlSequenceNode)docker["compose_files"]).Children[0].ToString()).Should().BeTrue();
        File.GetUnixFileMode(Path.Combine(docker["config_dir"].ToString(), "config.json"))
            .Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var registry = (YamlMappingNode)services["registry"];
        registry["address"].ToString().Should().Be(RegistryUrl);
        registry["training_image"].ToString().Should().Be("ml-platform/trainer:1.1.0");
        ((YamlMappingNode)registry["basic_auth"])["username"].ToString().Should().Be("platform");
    }

    [Test]
    public void Compose_file_has_no_literal_secrets_and_no_container_name()
    {
        var yml = File.ReadAllText(Path.Combine(Sandbox.Dir, "compose", "docker-compose.yml"));
        yml.Should().NotContain("container_name");
        yml.Should().NotContain(RegistryPassword);
        yml.Should().Contain("${PUSHGATEWAY_PUBLISH:-127.0.0.1:19091}:9091");
    }
}
