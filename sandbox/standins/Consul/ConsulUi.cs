using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Consul;

/// <summary>
/// The Consul stand-in's UI page (labelled "stand-in UI"): at the real UI's routes (/ and /ui/ redirect to
/// /ui/&lt;dc&gt;/services), it reads the token the real UI keeps in localStorage <c>consul:token</c> (JSON with SecretID),
/// calls GET /v1/internal/ui/services?dc=&lt;dc&gt; with X-Consul-Token, as the real services page does, and lists the
/// services with their health-check summary.
/// </summary>
public static class ConsulUi
{
    public static Task Serve(HttpContext ctx, string[] seg, string dc)
    {
        if (seg.Length == 3 && seg[2] == "services") return StandInUi.Page(ctx, "Consul", "Services", Script);
        ctx.Response.Redirect($"/ui/{dc}/services");
        return Task.CompletedTask;
    }

    private const string Script = """
        const dc = decodeURIComponent(location.pathname.split('/')[2]);
        let token = '';
        try { token = JSON.parse(localStorage.getItem('consul:token') || '{}').SecretID || ''; } catch (e) { token = ''; }
        api('/v1/internal/ui/services?dc=' + encodeURIComponent(dc), token ? { 'X-Consul-Token': token } : {}).then(list => {
          status(list.length + ' services in ' + dc + (token ? '' : ' (no token: anonymous)'));
          show('<table><tr><th>Service</th><th>Instances</th><th>Health checks</th></tr>' + list.map(s => {
            const health = s.ChecksCritical > 0 ? '<span class="critical">' + s.ChecksCritical + ' critical</span>'
              : s.ChecksWarning > 0 ? '<span class="warning">' + s.ChecksWarning + ' warning</span>'
              : '<span class="passing">All health checks passing (' + s.ChecksPassing + ')</span>';
            return '<tr data-service="' + esc(s.Name) + '"><td>' + esc(s.Name) + '</td><td>' + s.InstanceCount + '</td><td>' + health + '</td></tr>';
          }).join('') + '</table>');
        }).catch(e => status(e.message, 'error'));
        """;
}
