using CloudTemple.Operator.Controllers;

namespace CloudTemple.Operator.Tests.Controllers;

public sealed class CredentialsPolicyTests
{
    [Fact]
    public void TheOperatorsCredentials_ServeNoNamespace_UnlessGranted()
    {
        Assert.False(new CredentialsPolicy().GrantsOperatorCredentials("demo"));
        var granted = new CredentialsPolicy { OperatorCredentialsNamespaces = ["demo"] };
        Assert.True(granted.GrantsOperatorCredentials("demo"));
        Assert.False(granted.GrantsOperatorCredentials("evil"));
        Assert.True(new CredentialsPolicy { OperatorCredentialsNamespaces = [CredentialsPolicy.EveryNamespace] }.GrantsOperatorCredentials("evil"));
    }

    [Theory]
    [InlineData("https://shiva.cloud-temple.com", true)]
    [InlineData("https://shiva.cloud-temple.com/", true)]
    [InlineData("http://shiva.cloud-temple.com", false)]
    [InlineData("https://shiva.cloud-temple.com.evil.example", false)]
    [InlineData("https://shiva.cloud-temple.com:8443", false)]
    [InlineData("http://127.0.0.1:9000", false)]
    public void ASecretsUrl_IsAllowedOnlyWhenTheAdminListedIt_AndOnlyOverHttps(string url, bool allowed)
    {
        var policy = new CredentialsPolicy { AllowedUrls = [new Uri("https://shiva.cloud-temple.com/")] };

        Assert.Equal(allowed, policy.AllowsUrl(new Uri(url)));
    }

    [Fact]
    public void AnHttpUrl_IsRefused_EvenWhenListed() =>
        Assert.False(new CredentialsPolicy { AllowedUrls = [new Uri("http://127.0.0.1:9000")] }.AllowsUrl(new Uri("http://127.0.0.1:9000")));
}
