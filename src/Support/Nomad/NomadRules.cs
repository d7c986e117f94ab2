using Acceptance.Support.Checks;

namespace Acceptance.Support.Nomad;

/// <summary>Nomad's own rules (client nodes, ACLs): pure functions of <see cref="NomadProbe"/>'s facts.</summary>
public static class NomadRules
{
    /// <summary>
    /// Every client node is ready, eligible and not draining, and fingerprints each of <paramref name="drivers"/>
    /// (expect.nomad_drivers) as detected and healthy; there is at least one node.
    /// </summary>
    public static Verdict NodesSchedulable(IReadOnlyList<NomadNode> nodes, IReadOnlyList<string> drivers)
    {
        var shortfalls = new List<string>();
        if (nodes.Count == 0) shortfalls.Add("no client nodes registered");
        foreach (var n in nodes)
        {
            if (!n.IsSchedulable) shortfalls.Add(n.StatusLine);
            foreach (var d in drivers)
            {
                var driver = n.Driver(d);
                if (driver is null) shortfalls.Add($"{n.Name}: driver {d} not fingerprinted");
                else if (!driver.IsUsable) shortfalls.Add($"{n.Name}: driver {driver}");
            }
        }
        return Verdict.From("every Nomad client node is ready and eligible with the expected drivers healthy",
            $"every node Status ready, SchedulingEligibility eligible, not draining, drivers [{string.Join(", ", drivers)}] (expect.nomad_drivers) detected and healthy",
            string.Join("; ", nodes.Select(n => n.StatusLine + " drivers " + string.Join(", ", drivers.Select(d => n.Driver(d)?.ToString() ?? d)))),
            shortfalls);
    }

    /// <summary>
    /// ACLs enforced: every protected endpoint answers an anonymous caller 403 (Nomad's documented answer) or 401;
    /// the message text is not judged.
    /// </summary>
    public static Verdict AnonymousDenied(IReadOnlyList<NomadAnonymousAccess> access) => Verdict.From(
        "Nomad ACLs deny anonymous callers on protected endpoints",
        "403 (or 401) for an anonymous GET of /v1/jobs and /v1/nodes",
        string.Join("; ", access),
        access.Where(a => a.Status is not (403 or 401)).Select(a => $"anonymous GET /{a.Path} answered {a.Status}: ACLs are not enforced"));
}
