using Acceptance.StepDefinitions.Infrastructure;
using Acceptance.Support.Lifecycle;
using Acceptance.Support.Network;
using Reqnroll;

namespace Acceptance.StepDefinitions.Cluster;

/// <summary>Steps about the load balancer: its servers, its traffic, its redirect and the failover drill.</summary>
[Binding]
public sealed class LoadBalancerSteps(ScenarioServices services, Checks checks, CleanupStack cleanup)
{
    private LoadBalancerDrill? _drill;
    private DateTimeOffset _since;

    private LoadBalancerOptions Lb => services.Target.LoadBalancer;

    [Then("every load balancer backend server is up")]
    public Task ThenEveryServerUp() => checks.EventuallyAsync("every load balancer backend server up", services.LoadBalancer.ServersAsync,
        s => LoadBalancerRules.EveryServerUp(s, Lb with { Backends = services.Target.RequireListed(Lb.Backends, "services.load_balancer.backends") }));

    [Then("requests through the load balancer reach every backend server")]
    public async Task ThenTrafficReachesEveryServer() => checks.Assert(LoadBalancerRules.TrafficReachesEveryServer(
        await services.LoadBalancer.ServedByAsync(12), await services.LoadBalancer.ServersAsync(), Lb with { Backends = services.Target.RequireListed(Lb.Backends, "services.load_balancer.backends") }));

    [Then("the load balancer redirects plain http to https")]
    public async Task ThenHttpRedirects() => checks.Assert(Support.Exposure.ExposureRules.RedirectsToHttps(
        await services.Anonymous.RedirectAsync(Lb, services.Target.RequireSetting(Lb.HttpAddress, "services.load_balancer.http_address", "no plain-http address to test"))));

    [When("one load balancer backend server's health check is made to fail")]
    public async Task WhenAHealthCheckFails()
    {
        var backend = services.Target.RequireListed(Lb.Backends, "services.load_balancer.backends")[0];
        var socket = services.Target.RequireSetting(Lb.RuntimeSocket, "services.load_balancer.runtime_socket", "the failover drill is not allowed on this target");
        var servers = await services.LoadBalancer.ServersAsync();
        checks.Assert(LoadBalancerRules.EveryServerUp(servers, Lb with { Backends = [backend] }));
        _drill = cleanup.Push(new LoadBalancerDrill(socket, backend, servers.First(s => s.Backend == backend).Server, services.Evidence));
        await _drill.FailHealthCheckAsync();
        _since = DateTimeOffset.UtcNow;
    }

    [Then("the load balancer takes that server out of rotation within the health-check interval")]
    public Task ThenTakenOut() => ThenStateWithin(up: false);

    [When("that server's health check passes again")]
    public async Task WhenHealthCheckPasses()
    {
        await _drill!.RestoreAsync();
        _since = DateTimeOffset.UtcNow;
    }

    [Then("the load balancer puts that server back within the health-check interval")]
    public Task ThenPutBack() => ThenStateWithin(up: true);

    private async Task ThenStateWithin(bool up)
    {
        var (backend, server) = (_drill!.Server.Split('/')[0], _drill.Server.Split('/')[1]);
        var (took, last) = await services.LoadBalancer.WaitForAsync(backend, server, up, _since, TimeSpan.FromSeconds(Lb.HealthCheckSeconds));
        checks.Assert(LoadBalancerRules.StateWithin(_drill.Server, up ? "UP" : "DOWN (out of rotation)", took, last, Lb));
    }
}
