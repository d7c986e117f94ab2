using Acceptance.Support.Ssh;
using FluentAssertions;
using NUnit.Framework;

namespace Acceptance.Support.Tests.Rules;

/// <summary><see cref="SshRules"/> on small facts: key-only servers, root-login policy, the bastion and its bypass.</summary>
public sealed class SshRulesTests
{
    private static SshServerFacts Server(string node, params string[] methods) =>
        new(node, "direct", "ssh-ed25519 SHA256:abc", true, methods, NoneAccepted: false);

    private static readonly SshOptions Ssh = new()
    {
        Key = "ssh", Address = "127.0.0.1", Bastion = "10.0.0.2:22", PrivateNodes = ["10.0.1.2:22"], ConnectTimeoutSeconds = 3,
    };

    [Test]
    public void A_server_offering_only_publickey_with_a_pinned_key_holds() =>
        SshRules.KeyLoginOnly([Server("a:22", "publickey"), Server("b:22", "publickey")]).Holds.Should().BeTrue();

    [Test]
    public void Password_and_keyboard_interactive_are_named_per_node()
    {
        var v = SshRules.KeyLoginOnly([Server("a:22", "publickey", "password", "keyboard-interactive")]);
        v.Holds.Should().BeFalse();
        v.Shortfalls.Should().Equal("a:22: offers password authentication", "a:22: offers keyboard-interactive (password or OTP prompts)");
    }

    [Test]
    public void A_login_without_authentication_and_an_unpinned_key_fail()
    {
        var v = SshRules.KeyLoginOnly([
            new SshServerFacts("a:22", "direct", "k", true, ["none"], NoneAccepted: true),
            new SshServerFacts("b:22", "direct", "ssh-rsa SHA256:x", false, null, NoneAccepted: false)]);
        v.Shortfalls.Should().Contain("a:22: accepts a login with NO authentication")
            .And.Contain(s => s.StartsWith("b:22: host key ssh-rsa SHA256:x is not listed"));
    }

    [Test]
    public void A_server_without_publickey_fails() =>
        SshRules.KeyLoginOnly([Server("a:22", "gssapi-with-mic")]).Shortfalls.Should().Contain("a:22: does not offer publickey");

    [Test]
    public void Root_login_policy_compares_the_effective_setting()
    {
        var ok = new SshNodeLogin("a:22", "direct", SshProbe.ParseSshdT("port 22\npermitrootlogin without-password\nhostkey /k1\nhostkey /k2\n"), null);
        SshRules.RootLoginPolicy([ok], "prohibit-password").Holds.Should().BeTrue();
        ok.Setting("hostkey").Should().Be("/k1 /k2");
        var yes = new SshNodeLogin("b:22", "direct", SshProbe.ParseSshdT("permitrootlogin yes"), null);
        SshRules.RootLoginPolicy([ok, yes], "no").Shortfalls.Should().Equal("a:22: permitrootlogin without-password, not no", "b:22: permitrootlogin yes, not no");
    }

    [Test]
    public void A_private_node_answering_a_direct_connection_is_a_bastion_bypass()
    {
        SshRules.DirectAccessRefused([new DirectReach("10.0.1.2:22", false, "NetworkUnreachable", 1)], Ssh).Holds.Should().BeTrue();
        SshRules.DirectAccessRefused([new DirectReach("10.0.1.2:22", true, "CONNECTED, server says 'SSH-2.0-OpenSSH_9.2'", 3)], Ssh)
            .Shortfalls.Should().ContainSingle().Which.Should().StartWith("bastion bypass: 10.0.1.2:22 accepted a direct connection");
    }

    [Test]
    public void Every_private_node_must_be_reached_through_the_bastion()
    {
        SshRules.ReachedThroughBastion([new SshNodeLogin("10.0.1.2:22", "through bastion", null, "x")], Ssh).Holds.Should().BeTrue();
        SshRules.ReachedThroughBastion([], Ssh).Shortfalls.Should().Equal("10.0.1.2:22: no login through the bastion");
    }
}
