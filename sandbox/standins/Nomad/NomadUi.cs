using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Nomad;

/// <summary>
/// The Nomad stand-in's UI pages (labelled "stand-in UI"): at the real UI's routes (/ and /ui/ redirect to /ui/jobs),
/// they read the token the real UI keeps in localStorage <c>nomadTokenSecret</c> and send it as X-Nomad-Token, as the real
/// UI does: /ui/jobs lists GET /v1/jobs?meta=true (the real UI of 1.8+ reads the same list through /v1/jobs/statuses),
/// /ui/clients lists GET /v1/nodes with each node's status and eligibility.
/// </summary>
public static class NomadUi
{
    public static Task Serve(HttpContext ctx, string[] seg)
    {
        if (seg.Length == 2 && seg[1] == "jobs") return StandInUi.Page(ctx, "Nomad", "Jobs", Common + Jobs);
        if (seg.Length == 2 && seg[1] == "clients") return StandInUi.Page(ctx, "Nomad", "Clients", Common + Clients);
        ctx.Response.Redirect("/ui/jobs");
        return Task.CompletedTask;
    }

    private const string Common = """
        const token = localStorage.getItem('nomadTokenSecret') || '';
        const headers = token ? { 'X-Nomad-Token': token } : {};
        """;

    private const string Jobs = """
        api('/v1/jobs?meta=true', headers).then(list => {
          status(list.length + ' jobs');
          show('<table><tr><th>Name</th><th>Type</th><th>Status</th><th>Namespace</th></tr>' + list.map(j =>
            '<tr data-job="' + esc(j.ID) + '"><td>' + esc(j.Name) + '</td><td>' + esc(j.Type) + '</td><td>' + esc(j.Status) + '</td><td>' + esc(j.Namespace || 'default') + '</td></tr>').join('') + '</table>');
        }).catch(e => status(e.message, 'error'));
        """;

    private const string Clients = """
        api('/v1/nodes', headers).then(list => {
          status(list.length + ' client nodes');
          show('<table><tr><th>Name</th><th>Status</th><th>Eligibility</th><th>Datacenter</th></tr>' + list.map(n =>
            '<tr data-test-client-node-row data-node="' + esc(n.Name) + '"><td>' + esc(n.Name) + '</td><td class="' + (n.Status === 'ready' ? 'passing' : 'critical') + '">' + esc(n.Status) + '</td><td>' + esc(n.SchedulingEligibility) + '</td><td>' + esc(n.Datacenter) + '</td></tr>').join('') + '</table>');
        }).catch(e => status(e.message, 'error'));
        """;
}
