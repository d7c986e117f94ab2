using Acceptance.Support.Configuration;

using Acceptance.TestSupport;

namespace Acceptance.Support.Tests.Rules;

/// <summary>A target environment made in code (no file), e.g. one service pointing at a <see cref="FixtureServer"/>.</summary>
internal static class TestTarget
{
    /// <summary>A target declaring exactly <paramref name="services"/> (their Key must be set).</summary>
    public static TargetEnvironment With(params ServiceOptions[] services) => new()
    {
        SourceFile = "/test/target.yaml",
        Name = "test",
        Environment = "test",
        Services = services.ToDictionary(s => s.Key, s => s),
    };
}
