using Microsoft.AspNetCore.Http;
using StandIns.Core;

namespace StandIns.Grafana;

/// <summary>
/// The Grafana stand-in's dashboard page (labelled "stand-in UI") at the real route /d/&lt;uid&gt;[/&lt;slug&gt;]: like Grafana's
/// dashboard page it loads GET /api/dashboards/uid/&lt;uid&gt; and runs each panel's queries through POST /api/ds/query (the
/// credential travels as the browser sends it: the suite's Bearer token), then draws each panel with Grafana's own
/// test ids ("data-testid Panel header &lt;title&gt;") and, for a panel whose query failed, the error badge Grafana shows
/// ("data-testid Panel status error"). Template variables are not resolved (the sandbox's dashboards have none).
/// </summary>
public static class GrafanaUi
{
    public static Task Dashboard(HttpContext ctx, string uid) => StandInUi.Page(ctx, "Grafana", "Dashboard", Script);

    private const string Script = """
        const uid = decodeURIComponent(location.pathname.split('/')[2]);
        async function panel(p) {
          const el = document.getElementById('panel-' + p.id).querySelector('.body');
          const queries = (p.targets || []).filter(t => t.expr).map(t => ({ refId: t.refId, datasource: t.datasource || p.datasource,
            expr: t.expr, range: !t.instant, instant: !!t.instant, intervalMs: 15000, maxDataPoints: 500 }));
          if (queries.length === 0) { el.textContent = 'no query'; return; }
          const r = await fetch('/api/ds/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ from: 'now-5m', to: 'now', queries }) });
          const body = await r.json().catch(() => ({}));
          const errors = Object.entries(body.results || {}).filter(([, v]) => v.error).map(([k, v]) => k + ': ' + v.error);
          if (!r.ok && errors.length === 0) errors.push('HTTP ' + r.status + ' ' + (body.message || ''));
          if (errors.length) {
            el.innerHTML = '<button class="error" data-testid="data-testid Panel status error" title="' + esc(errors.join('; ')) + '">&#9888; ' + esc(errors.join('; ')) + '</button>';
            return;
          }
          let series = 0, values = 0;
          for (const v of Object.values(body.results || {}))
            for (const f of (v.frames || [])) {
              series++;
              for (const col of ((f.data || {}).values || []).slice(1)) values += col.filter(x => x !== null).length;
            }
          el.textContent = values > 0 ? series + ' series, ' + values + ' values' : 'No data';
        }
        api('/api/dashboards/uid/' + encodeURIComponent(uid)).then(async model => {
          const d = model.dashboard;
          const panels = (d.panels || []).filter(p => p.type !== 'row');
          document.querySelector('h1').textContent = d.title;
          status(panels.length + ' panels, last 5 minutes');
          show(panels.map(p => '<section class="panel" id="panel-' + p.id + '" data-testid="data-testid Panel header ' + esc(p.title) + '"><h2>' +
            esc(p.title) + '</h2><div class="body">loading…</div></section>').join(''));
          await Promise.all(panels.map(panel));
        }).catch(e => status(e.message, 'error'));
        """;
}
