using System.Text.Json;
using Acceptance.Support.Configuration;
using Acceptance.Support.Evidence;
using Acceptance.Support.Http;

namespace Acceptance.Support.Alertmanager;

/// <summary>One alert inside a notification a receiver got.</summary>
public sealed record DeliveredAlert(string Receiver, string ReceivedAt, string NotificationStatus, string AlertStatus,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Receiver} at {ReceivedAt}: {Labels.GetValueOrDefault("alertname")} {AlertStatus} (notification {NotificationStatus})";
}

/// <summary>
/// A receiver whose deliveries can be read back (services.alertmanager.webhook_receiver): GET /notifications
/// lists {receiver, received_at, payload} where payload is Alertmanager's webhook body.
/// </summary>
public sealed class WebhookReceiverClient : IDisposable
{
    private readonly ServiceHttp _http;

    /// <summary>Creates the client for <paramref name="address"/>.</summary>
    public WebhookReceiverClient(string address, TargetEnvironment target, EvidenceLog evidence)
    {
        Address = address;
        _http = new ServiceHttp("Webhook receiver", new ServiceEndpoint { Key = "webhook_receiver", Address = address.TrimEnd('/') }, target.CaFile, evidence);
    }

    /// <summary>The receiver's base address.</summary>
    public string Address { get; }

    /// <summary>Every alert of every notification recorded so far (optionally for one receiver).</summary>
    public async Task<IReadOnlyList<DeliveredAlert>> DeliveredAsync(string? receiver = null, CancellationToken ct = default)
    {
        var json = (await _http.GetOkAsync("notifications" + (receiver is null ? "" : "?receiver=" + Uri.EscapeDataString(receiver)), ct)).Json();
        var list = new List<DeliveredAlert>();
        foreach (var n in json.EnumerateArray())
        {
            var payload = n.GetProperty("payload");
            if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("alerts", out var alerts)) continue;
            var status = payload.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
            foreach (var a in alerts.EnumerateArray())
                list.Add(new DeliveredAlert(n.GetProperty("receiver").GetString() ?? "", n.TryGetProperty("received_at", out var at) ? at.GetString() ?? "" : "",
                    status, a.TryGetProperty("status", out var st) ? st.GetString() ?? "" : "",
                    a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")));
        }
        return list;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
