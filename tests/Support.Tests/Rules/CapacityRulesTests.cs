using System.Text.Json.Nodes;
using Acceptance.Support.Capacity;
using Acceptance.Support.Evidence;
using Acceptance.Support.Nomad;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary>
/// <see cref="CapacityRules"/>: each rule on the project's own small nodes (healthy and faulty), then on the documented Nomad
/// node (../shared/fixtures/nomad/nodes-list.json) read by the real <see cref="NomadClient"/>.
/// </summary>
public sealed class CapacityRulesTests
{
    private const long GiB = 1L << 30;

    /// <summary>A node that meets the checklist: 16 cores, 64 GiB, 2000 GiB disk, 25 Gbit/s.</summary>
    private static NomadNode Node(string name, string? segment = null, string status = "ready", params HostVolume[] volumes) =>
        new(name + "-id", name, status, "", status == "ready" ? "eligible" : "ineligible", false, [],
            16, 64 * 1024, 2000 * 1024, 100 * GiB, 25_000, "10.0.2.1:4646", "10.0.2.1",
            segment is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["network_segment"] = segment }, volumes);

    private static HostVolume Vol(string name, bool readOnly = false) => new(name, "/srv/" + name, readOnly);

    // ---------------------------------------------------------------- NodeMinimums

    [Test]
    public void NodeMinimums_holds_at_exactly_the_checklist_numbers_with_no_checklist_difference()
    {
        var v = CapacityRules.NodeMinimums([Node("w1"), Node("w2")], new NodeMinimums());

        v.Holds.Should().BeTrue(v.Sentence);
        v.ChecklistDifference.Should().BeNull();
        v.Expected.Should().Be("each node >= 16 CPU cores, >= 64 GiB memory, >= 2000 GiB disk");
    }

    [Test]
    public void NodeMinimums_names_each_node_and_each_missing_resource_with_the_numbers()
    {
        var small = Node("w2") with { CpuCores = 8, MemoryMb = 32 * 1024, DiskMb = 500 * 1024 };

        var v = CapacityRules.NodeMinimums([Node("w1"), small], new NodeMinimums());

        v.Shortfalls.Should().Equal(
            "w2: 8 CPU cores < 16",
            "w2: 32.0 GiB memory < 64 GiB",
            "w2: 500.0 GiB disk < 2000 GiB");
    }

    [Test]
    public void NodeMinimums_fails_one_core_short()
    {
        var v = CapacityRules.NodeMinimums([Node("w1") with { CpuCores = 15 }], new NodeMinimums());

        v.Shortfalls.Should().Equal("w1: 15 CPU cores < 16");
    }

    [Test]
    public void NodeMinimums_fails_without_nodes()
    {
        CapacityRules.NodeMinimums([], new NodeMinimums()).Shortfalls.Should().Equal("no client nodes registered");
    }

    [Test]
    public void NodeMinimums_lowered_on_the_target_says_so_for_each_lowered_number()
    {
        var lowered = new NodeMinimums { CpuCores = 8, MemoryGb = 32 };

        var v = CapacityRules.NodeMinimums([Node("w1") with { CpuCores = 8, MemoryMb = 32 * 1024 }], lowered);

        v.Holds.Should().BeTrue(v.Sentence);
        v.ChecklistDifference.Should().Be(
            "expect.node_minimums.cpu_cores is 8 on this target; the checklist says 16; " +
            "expect.node_minimums.memory_gb is 32 on this target; the checklist says 64");
    }

    // ---------------------------------------------------------------- NetworkSpeed

    [Test]
    public void NetworkSpeed_at_the_default_threshold_holds_with_no_checklist_difference()
    {
        var v = CapacityRules.NetworkSpeed([Node("w1"), Node("w2") with { NetworkSpeedMbits = 40_000 }], new NetworkThresholds());

        v.Holds.Should().BeTrue(v.Sentence);
        v.ChecklistDifference.Should().BeNull();
        v.Observed.Should().Be("w1: 25000 Mbit/s; w2: 40000 Mbit/s");
    }

    [Test]
    public void NetworkSpeed_names_a_slow_node_and_a_node_without_a_reported_speed()
    {
        var v = CapacityRules.NetworkSpeed([
            Node("w1"),
            Node("w2") with { NetworkSpeedMbits = 10_000 },
            Node("w3") with { NetworkSpeedMbits = 0 },
        ], new NetworkThresholds());

        v.Shortfalls.Should().Equal(
            "w2: 10000 Mbit/s < 25000 Mbit/s",
            "w3: network speed not reported (NodeResources.NodeNetworks / attribute network.speed)");
    }

    [Test]
    public void NetworkSpeed_at_1000_on_the_target_holds_for_a_gigabit_node_and_says_the_checklist_number()
    {
        var v = CapacityRules.NetworkSpeed([Node("w1") with { NetworkSpeedMbits = 1000 }], new NetworkThresholds { NetworkMinMbps = 1000 });

        v.Holds.Should().BeTrue(v.Sentence);
        v.ChecklistDifference.Should().Be("thresholds.network_min_mbps is 1000 on this target; the checklist says 25000");
        v.Sentence.Should().Contain("Threshold: thresholds.network_min_mbps is 1000 on this target; the checklist says 25000");
    }

    [Test]
    public void NetworkSpeed_at_1000_still_fails_a_slower_node_and_still_says_the_checklist_number()
    {
        var v = CapacityRules.NetworkSpeed([Node("w1") with { NetworkSpeedMbits = 100 }], new NetworkThresholds { NetworkMinMbps = 1000 });

        v.Shortfalls.Should().Equal("w1: 100 Mbit/s < 1000 Mbit/s");
        v.ChecklistDifference.Should().Be("thresholds.network_min_mbps is 1000 on this target; the checklist says 25000");
    }

    [Test]
    public void NetworkSpeed_fails_without_nodes()
    {
        CapacityRules.NetworkSpeed([], new NetworkThresholds()).Shortfalls.Should().Equal("no client nodes registered");
    }

    // ---------------------------------------------------------------- DedicatedSegments

    [Test]
    public void DedicatedSegments_holds_with_nodes_on_management_and_data()
    {
        var v = CapacityRules.DedicatedSegments([Node("m1", "management"), Node("d1", "data"), Node("d2", "data")]);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Be("m1: management; d1: data; d2: data");
    }

    [Test]
    public void DedicatedSegments_accepts_meta_segment_when_network_segment_is_absent()
    {
        var m1 = Node("m1") with { Meta = new Dictionary<string, string> { ["segment"] = "management" } };

        CapacityRules.DedicatedSegments([m1, Node("d1", "data")]).Holds.Should().BeTrue();
    }

    [Test]
    public void DedicatedSegments_names_nodes_without_or_with_an_unknown_segment()
    {
        var v = CapacityRules.DedicatedSegments([Node("m1", "management"), Node("d1", "data"), Node("x1", "dmz"), Node("x2")]);

        v.Shortfalls.Should().Equal(
            "x1: meta network_segment is 'dmz' (expected one of management, data)",
            "x2: meta network_segment is '(absent)' (expected one of management, data)");
    }

    [Test]
    public void DedicatedSegments_fails_when_a_segment_has_no_node()
    {
        var v = CapacityRules.DedicatedSegments([Node("m1", "management"), Node("m2", "management")]);

        v.Shortfalls.Should().Equal("no node is placed on the data segment");
    }

    [Test]
    public void DedicatedSegments_fails_without_nodes_for_both_segments()
    {
        CapacityRules.DedicatedSegments([]).Shortfalls.Should().Equal(
            "no node is placed on the management segment", "no node is placed on the data segment");
    }

    // ---------------------------------------------------------------- HostVolumesConfigured

    [Test]
    public void HostVolumesConfigured_holds_when_each_volume_is_writable_somewhere()
    {
        var v = CapacityRules.HostVolumesConfigured(
            [Node("w1", volumes: [Vol("pgdata"), Vol("certs", readOnly: true)]), Node("w2", volumes: [Vol("certs")])], ["pgdata", "certs"]);

        v.Holds.Should().BeTrue(v.Sentence);
        v.Observed.Should().Contain("w1: ready, eligible volumes [pgdata at /srv/pgdata, certs at /srv/certs (read-only)]");
    }

    [Test]
    public void HostVolumesConfigured_names_a_missing_volume_and_one_read_only_everywhere()
    {
        var v = CapacityRules.HostVolumesConfigured(
            [Node("w1", volumes: [Vol("certs", readOnly: true)]), Node("w2", volumes: [Vol("certs", readOnly: true)])], ["pgdata", "certs"]);

        v.Shortfalls.Should().Equal(
            "host volume pgdata: configured on no client node",
            "host volume certs: read-only on every node (w1, w2)");
    }

    // ---------------------------------------------------------------- StorageAccessible

    [Test]
    public void StorageAccessible_holds_when_every_holder_is_ready_and_reports_free_storage()
    {
        var v = CapacityRules.StorageAccessible([Node("w1", volumes: [Vol("pgdata")]), Node("w2", volumes: [Vol("pgdata")])], ["pgdata"]);

        v.Holds.Should().BeTrue(v.Sentence);
    }

    [Test]
    public void StorageAccessible_names_a_down_holder_even_when_another_is_ready()
    {
        var v = CapacityRules.StorageAccessible([Node("w1", volumes: [Vol("pgdata")]), Node("w2", status: "down", volumes: [Vol("pgdata")])], ["pgdata"]);

        v.Shortfalls.Should().Equal("host volume pgdata on w2: down, ineligible: storage not reachable");
    }

    [Test]
    public void StorageAccessible_fails_when_no_ready_node_holds_the_volume()
    {
        var onlyDown = CapacityRules.StorageAccessible([Node("w1", status: "down", volumes: [Vol("pgdata")])], ["pgdata"]);
        var nowhere = CapacityRules.StorageAccessible([Node("w1")], ["pgdata"]);

        onlyDown.Shortfalls.Should().Equal(
            "host volume pgdata: on no ready node",
            "host volume pgdata on w1: down, ineligible: storage not reachable");
        nowhere.Shortfalls.Should().Equal("host volume pgdata: on no ready node");
    }

    [Test]
    public void StorageAccessible_names_a_ready_holder_reporting_no_free_storage_once()
    {
        var full = Node("w1", volumes: [Vol("pgdata"), Vol("logs")]) with { DiskFreeBytes = 0 };

        var v = CapacityRules.StorageAccessible([full], ["pgdata", "logs"]);

        v.Shortfalls.Should().Equal("w1: reports no free storage (unique.storage.bytesfree)");
    }

    // ---------------------------------------------------------------- documented node through the real client

    private const string NodeId = "f7476465-4d6e-c0de-26d0-e383c49be941";

    private static async Task<IReadOnlyList<NomadNode>> ReadNodes(Action<JsonNode>? mutate = null)
    {
        var list = SharedFixtures.Json("nomad/nodes-list.json");
        var node = list[0]!.DeepClone();
        mutate?.Invoke(node);
        await using var server = new FixtureServer()
            .On("/v1/nodes", list.ToJsonString())
            .On("/v1/node/" + NodeId, node.ToJsonString());
        using var client = new NomadClient(TestTarget.With(new NomadOptions { Key = "nomad", Address = server.Url }), new EvidenceLog());
        return await new NomadProbe(client, new EvidenceLog()).NodesAsync();
    }

    /// <summary>The resources a full /v1/node/:id answer carries (Nomad's NodeResources and storage attributes), at the checklist's numbers.</summary>
    private static void Checklist(JsonNode n)
    {
        n["NodeResources"] = JsonNode.Parse("""
            {"Cpu":{"CpuShares":48000,"TotalCpuCores":16},"Memory":{"MemoryMB":65536},"Disk":{"DiskMB":2048000},
             "NodeNetworks":[{"Mode":"host","Device":"eth0","Speed":25000},{"Mode":"host","Device":"eth1","Speed":1000}]}
            """);
        n["Attributes"]!["unique.storage.bytesfree"] = (500 * GiB).ToString();
        n["Meta"] = new JsonObject { ["network_segment"] = "data" };
        n["HostVolumes"] = JsonNode.Parse("""{"pgdata":{"Name":"pgdata","Path":"/srv/pgdata","ReadOnly":false}}""");
    }

    [Test]
    public async Task Documented_node_list_entry_carries_no_resources_so_capacity_is_not_shown()
    {
        // The /v1/nodes sample lists a node stub: no NodeResources, no storage or network attributes.
        var nodes = await ReadNodes();

        CapacityRules.NodeMinimums(nodes, new NodeMinimums()).Shortfalls.Should().Equal(
            "nomad-4: 0 CPU cores < 16", "nomad-4: 0.0 GiB memory < 64 GiB", "nomad-4: 0.0 GiB disk < 2000 GiB");
        CapacityRules.NetworkSpeed(nodes, new NetworkThresholds()).Shortfalls.Should().Equal(
            "nomad-4: network speed not reported (NodeResources.NodeNetworks / attribute network.speed)");
        CapacityRules.DedicatedSegments(nodes).Shortfalls.Should().Contain("nomad-4: meta network_segment is '(absent)' (expected one of management, data)");
        CapacityRules.HostVolumesConfigured(nodes, ["pgdata"]).Shortfalls.Should().Equal("host volume pgdata: configured on no client node");
    }

    [Test]
    public async Task Documented_node_with_checklist_resources_meets_minimums_speed_and_storage()
    {
        var nodes = await ReadNodes(Checklist);
        var n = nodes.Single();

        n.Should().BeEquivalentTo(new { CpuCores = 16, MemoryMb = 65536L, DiskMb = 2_048_000L, NetworkSpeedMbits = 25_000L, Segment = "data" });
        CapacityRules.NodeMinimums(nodes, new NodeMinimums()).Holds.Should().BeTrue();
        CapacityRules.NetworkSpeed(nodes, new NetworkThresholds()).Holds.Should().BeTrue("the fastest interface counts");
        CapacityRules.HostVolumesConfigured(nodes, ["pgdata"]).Holds.Should().BeTrue();
        CapacityRules.StorageAccessible(nodes, ["pgdata"]).Holds.Should().BeTrue();
        CapacityRules.DedicatedSegments(nodes).Shortfalls.Should().Equal("no node is placed on the management segment");
    }

    [Test]
    public async Task Documented_node_resources_from_attributes_when_NodeResources_is_absent()
    {
        // Older clients: cpu.numcores, memory.totalbytes, unique.storage.bytestotal and network.speed attributes.
        var nodes = await ReadNodes(n =>
        {
            n["Attributes"]!["cpu.numcores"] = "8";
            n["Attributes"]!["memory.totalbytes"] = (32 * GiB).ToString();
            n["Attributes"]!["unique.storage.bytestotal"] = (500 * GiB).ToString();
            n["Attributes"]!["network.speed"] = "1000";
        });

        CapacityRules.NodeMinimums(nodes, new NodeMinimums()).Shortfalls.Should().Equal(
            "nomad-4: 8 CPU cores < 16", "nomad-4: 32.0 GiB memory < 64 GiB", "nomad-4: 500.0 GiB disk < 2000 GiB");
        CapacityRules.NetworkSpeed(nodes, new NetworkThresholds()).Shortfalls.Should().Equal("nomad-4: 1000 Mbit/s < 25000 Mbit/s");
        CapacityRules.NetworkSpeed(nodes, new NetworkThresholds { NetworkMinMbps = 1000 }).Holds.Should().BeTrue();
    }

    [Test]
    public async Task Documented_node_down_with_a_read_only_volume_and_no_free_storage_fails_storage_rules()
    {
        var nodes = await ReadNodes(n =>
        {
            Checklist(n);
            n["Status"] = "down";
            n["HostVolumes"]!["pgdata"]!["ReadOnly"] = true;
        });

        CapacityRules.HostVolumesConfigured(nodes, ["pgdata"]).Shortfalls.Should().Equal("host volume pgdata: read-only on every node (nomad-4)");
        CapacityRules.StorageAccessible(nodes, ["pgdata"]).Shortfalls.Should().Equal(
            "host volume pgdata: on no ready node", "host volume pgdata on nomad-4: down, eligible: storage not reachable");
    }

    [Test]
    public async Task Documented_ready_node_without_free_storage_fails_storage_accessible()
    {
        var nodes = await ReadNodes(n =>
        {
            Checklist(n);
            n["Attributes"]!["unique.storage.bytesfree"] = "0";
        });

        CapacityRules.StorageAccessible(nodes, ["pgdata"]).Shortfalls.Should().Equal("nomad-4: reports no free storage (unique.storage.bytesfree)");
    }

    [Test]
    public void A_node_just_under_a_minimum_never_reads_as_meeting_it()
    {
        var node = Node("w3") with { MemoryMb = 64 * 1024 - 1 };
        var v = CapacityRules.NodeMinimums([node], new NodeMinimums());
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().ContainSingle().Which.Should().Be("w3: 63.999023 GiB memory < 64 GiB");
    }
}
