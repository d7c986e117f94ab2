using Acceptance.Support.Network;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

public sealed class LoadBalancerRulesTests
{
    private static readonly LoadBalancerOptions Lb = new() { Key = "load_balancer", Backends = ["be_app"], BackendHeader = "X-Served-By", HealthCheckSeconds = 5 };

    // HAProxy 2.6's built-in Prometheus exporter: one series per state, 1 on the current one.
    private const string Exposition = """
        # HELP haproxy_server_status Current status of the service, per state label value.
        # TYPE haproxy_server_status gauge
        haproxy_server_status{proxy="be_app",server="backend1",state="DOWN"} 0
        haproxy_server_status{proxy="be_app",server="backend1",state="UP"} 1
        haproxy_server_status{proxy="be_app",server="backend1",state="MAINT"} 0
        haproxy_server_status{proxy="be_app",server="backend2",state="DOWN"} 1
        haproxy_server_status{proxy="be_app",server="backend2",state="UP"} 0
        haproxy_server_status{proxy="be_app",server="backend2",state="MAINT"} 0
        haproxy_server_check_failures_total{proxy="be_app",server="backend2"} 7
        """;

    [Test]
    public void The_state_of_each_server_is_read_from_haproxys_metrics()
    {
        LoadBalancerProbe.HaproxyServers(Exposition).Select(s => s.ToString()).Should().Equal("be_app/backend1 UP", "be_app/backend2 DOWN");
        LoadBalancerProbe.HaproxyServers("haproxy_server_status{proxy=\"be\",server=\"s1\"} 2\n").Single().State.Should().Be("MAINT", "older HAProxy codes the state in the value");
    }

    [Test]
    public void A_server_that_fails_its_health_check_is_named_and_all_up_passes()
    {
        var servers = LoadBalancerProbe.HaproxyServers(Exposition);
        LoadBalancerRules.EveryServerUp(servers, Lb).Shortfalls.Should().Equal("be_app/backend2 is DOWN: its health check fails");
        LoadBalancerRules.EveryServerUp([new("be_app", "backend1", "UP")], Lb).Holds.Should().BeTrue();
        LoadBalancerRules.EveryServerUp([], Lb).Shortfalls.Should().Equal("backend be_app: not in the load balancer's metrics (no server)");
    }

    [Test]
    public void Traffic_must_reach_every_server_of_the_backends()
    {
        var servers = new[] { new BackendServer("be_app", "backend1", "UP"), new BackendServer("be_app", "backend2", "UP") };
        LoadBalancerRules.TrafficReachesEveryServer(["backend1", "backend2", "backend1"], servers, Lb).Holds.Should().BeTrue();
        LoadBalancerRules.TrafficReachesEveryServer(["backend1", "backend1", "(status 503)"], servers, Lb).Shortfalls
            .Should().Equal("no request reached backend2", "a request got (status 503)");
    }

    [Test]
    public void A_failover_slower_than_the_health_check_interval_fails()
    {
        LoadBalancerRules.StateWithin("be_app/backend1", "DOWN", TimeSpan.FromSeconds(2.2), [], Lb).Holds.Should().BeTrue();
        LoadBalancerRules.StateWithin("be_app/backend1", "DOWN", TimeSpan.FromSeconds(7), [], Lb).Shortfalls.Single().Should().Contain("took 7.0 s to become DOWN, longer than 5 s");
        LoadBalancerRules.StateWithin("be_app/backend1", "UP", null, [new("be_app", "backend1", "DOWN")], Lb).Shortfalls.Single().Should().Be("be_app/backend1 did not become UP within 5 s");
    }

    [Test]
    public void The_check_port_to_restore_is_read_from_show_servers_state()
    {
        const string state = """
            1
            # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
            3 be_app 1 backend1 127.0.0.1 2 0 1 1 120 6 3 4 6 0 0 0 - 18081 - 0 0 - - 0
            3 be_app 2 backend2 127.0.0.1 2 0 1 1 120 6 3 4 6 0 0 0 - 18082 - 0 9000 - - 0
            """;
        LoadBalancerDrill.CheckPort(state, "backend1").Should().Be(18081, "no check port of its own: the server port");
        LoadBalancerDrill.CheckPort(state, "backend2").Should().Be(9000);
        LoadBalancerDrill.CheckPort(state, "backend3").Should().BeNull();
    }
}
