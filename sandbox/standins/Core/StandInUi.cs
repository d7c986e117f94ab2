using Microsoft.AspNetCore.Http;

namespace StandIns.Core;

/// <summary>
/// The stand-ins' web pages. They are NOT the products' UIs: each is a small page, labelled "stand-in UI" on screen,
/// served at the real UI's route, that takes the credential the way the real UI does (localStorage token, Bearer) and
/// makes the same API calls the real UI's landing route makes, rendering what they answer. The suite's browser checks
/// then judge a page that loads, calls its API and shows the data, as they would on the real UI.
/// </summary>
public static class StandInUi
{
    /// <summary>Serves a page: a banner naming the stand-in, a heading, a status line and a body the script fills.</summary>
    public static Task Page(HttpContext ctx, string product, string heading, string script)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        return Http.Text(ctx, 200, $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{{heading}} - {{product}} (stand-in UI)</title>
            <style>
              body { font-family: sans-serif; margin: 0; color: #222; }
              .banner { background: #fde68a; padding: 6px 16px; font-size: 13px; border-bottom: 1px solid #d97706; }
              main { padding: 16px; } table { border-collapse: collapse; min-width: 640px; }
              th, td { border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; }
              .passing { color: #15803d; } .warning { color: #b45309; } .critical, .error { color: #b91c1c; font-weight: bold; }
              section.panel { border: 1px solid #ccc; border-radius: 4px; margin: 8px 0; padding: 8px; width: 640px; }
            </style></head>
            <body><div class="banner">{{product}} <b>stand-in UI</b> (sandbox): not the {{product}} web UI; it makes the API calls the real UI's page makes and shows their answers.</div>
            <main><h1>{{heading}}</h1><p id="status">loading…</p><div id="content"></div></main>
            <script>
            const esc = s => String(s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
            const show = (html) => { document.getElementById('content').innerHTML = html; };
            const status = (text, cls) => { const p = document.getElementById('status'); p.textContent = text; p.className = cls || ''; };
            async function api(path, headers) {
              const r = await fetch(path, { headers: headers || {} });
              if (!r.ok) { const t = await r.text(); throw new Error(path + ' answered ' + r.status + ': ' + t.trim().slice(0, 200)); }
              return r.json();
            }
            {{script}}
            </script></body></html>
            """, "text/html; charset=utf-8");
    }
}
