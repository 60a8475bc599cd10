using System.Net;
using System.Text;
using CloudTemple.Operator.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using CloudTemple.Operator.Tests.Validation;

namespace CloudTemple.Operator.Tests.Webhooks;

/// <summary>The webhook's routes served by Kestrel on loopback, posted to as the API server (or anyone who reaches the port) would.</summary>
public sealed class WebhookEndpointsTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapValidation(new InMemoryNamespaceView());
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _address = new Uri(address);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> MalformedBodies() => new()
    {
        { "", "the body is not JSON" },
        { "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {", "the body is not JSON" },
        { "[1, 2, 3]", "an AdmissionReview object was expected, not array" },
        { "null", "an AdmissionReview object was expected, not null" },
        { "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"}", "the AdmissionReview has no request object" },
        { "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"operation\": \"CREATE\"}}", "request.uid is missing" },
        { "{\"apiVersion\": 1, \"kind\": [], \"request\": {}}", "an admission.k8s.io/v1 AdmissionReview was expected" },
        { Review("\"spec\": {\"availabilityZone\": \"PAR7S\", \"bladeType\": \"standard\", \"hosts\": \"three\"}"), "request.object cannot be read as a Cpool" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task AMalformedPost_IsAnswered400_WithTheReason_NeverA500OrAnEmptyBody(string body, string reason)
    {
        using var http = Client();
        using var response = await http.PostAsync("/validate/cpools", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.StartsWith("Malformed AdmissionReview: ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWellFormedReview_IsAnswered200_WithTheVerdict()
    {
        using var http = Client();
        using var response = await http.PostAsync("/validate/cpools", new StringContent(
            Review("\"spec\": {\"availabilityZone\": \"PAR7S\", \"bladeType\": \"standard\", \"hosts\": 3}"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"allowed\":true", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyAbove3MiB_IsAnswered413_FromItsContentLength()
    {
        using var http = Client();
        using var content = new ByteArrayContent(new byte[WebhookEndpoints.MaxRequestBodyBytes + 1]);

        using var response = await http.PostAsync("/validate/cpools", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 3145728 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedBodyAbove3MiB_IsCutOffAtTheLimit_NotReadToItsEnd()
    {
        // 27 MiB, under Kestrel's default limit of 30 MB. No Content-Length: Kestrel counts the bytes as they come and stops at the limit, answering
        // 413 and closing the connection, which the client may only see as a broken pipe.
        var body = new EndlessJson(WebhookEndpoints.MaxRequestBodyBytes * 9);
        using var content = new StreamContent(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/validate/cpools") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var http = Client();
        try
        {
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The server closed the connection before the client had sent everything.
        }

        Assert.True(body.Position < body.Length, $"the server read the whole {body.Length}-byte body");
    }

    private HttpClient Client() => new() { BaseAddress = _address };

    private static string Review(string spec) =>
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"u\", \"operation\": \"CREATE\", " +
        "\"kind\": {\"group\": \"iaas.cloud-temple.com\", \"version\": \"v1alpha1\", \"kind\": \"Cpool\"}, \"namespace\": \"t\", " +
        "\"object\": {\"apiVersion\": \"iaas.cloud-temple.com/v1alpha1\", \"kind\": \"Cpool\", \"metadata\": {\"name\": \"p\"}, " + spec + "}}}";

    // A JSON string that goes on for `length` bytes: `{"padding":"aaaa…`.
    private sealed class EndlessJson(long length) : Stream
    {
        private static readonly byte[] s_start = Encoding.ASCII.GetBytes("{\"padding\":\"");
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = _position + i < s_start.Length ? s_start[(int)(_position + i)] : (byte)'a';
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
