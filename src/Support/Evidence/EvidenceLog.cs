using System.Text.Json;

namespace Acceptance.Support.Evidence;

/// <summary>One piece of evidence: what a check observed.</summary>
/// <param name="Name">Title shown in the report ("GET https://…/api/v1/targets → 200").</param>
/// <param name="MimeType">text/plain, application/json, text/html, image/png…</param>
/// <param name="Content">The bytes, already redacted when textual.</param>
/// <param name="Extension">File extension for the attachment.</param>
public sealed record EvidenceItem(string Name, string MimeType, byte[] Content, string Extension);

/// <summary>
/// The evidence of one scenario (one instance per scenario, injected into probes and drivers).
/// Probes and clients record here; the report writer moves what was recorded during a step into
/// that step's attachments. Text is redacted on the way in, so no secret is ever held here.
/// </summary>
public sealed class EvidenceLog
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly object _gate = new();
    private readonly List<EvidenceItem> _pending = [];
    private readonly List<string> _notes = [];

    /// <summary>
    /// The last exchange with the target in this scenario ("Consul GET https://…/v1/agent/members → 200", redacted): when
    /// an answer turns out not to have the shape the suite reads, the error names it.
    /// </summary>
    public string? LastExchange { get; set; }

    /// <summary>Attaches text (redacted).</summary>
    public void AttachText(string name, string text, string mimeType = "text/plain", string extension = "txt")
    {
        var redacted = SecretRegistry.Redact(text);
        Add(new EvidenceItem(SecretRegistry.Redact(name), mimeType, System.Text.Encoding.UTF8.GetBytes(redacted), extension));
    }

    /// <summary>Attaches an object as indented JSON (redacted).</summary>
    public void AttachJson(string name, object value) =>
        AttachText(name, value as string ?? JsonSerializer.Serialize(value, Indented), "application/json", "json");

    /// <summary>Attaches binary content (screenshots, charts). Never put secrets in binary evidence.</summary>
    public void AttachBinary(string name, byte[] content, string mimeType, string extension) =>
        Add(new EvidenceItem(SecretRegistry.Redact(name), mimeType, content, extension));

    /// <summary>Adds a line to the step's "observations" attachment (verdict, rule that decided, poll attempts…).</summary>
    public void Note(string line)
    {
        lock (_gate) _notes.Add(SecretRegistry.Redact(line));
    }

    /// <summary>Takes everything recorded since the last call (the notes become one text attachment).</summary>
    public IReadOnlyList<EvidenceItem> Drain()
    {
        lock (_gate)
        {
            var items = new List<EvidenceItem>(_pending);
            if (_notes.Count > 0)
                items.Insert(0, new EvidenceItem("observations", "text/plain",
                    System.Text.Encoding.UTF8.GetBytes(string.Join("\n", _notes)), "txt"));
            _pending.Clear();
            _notes.Clear();
            return items;
        }
    }

    private void Add(EvidenceItem item)
    {
        lock (_gate) _pending.Add(item);
    }
}
