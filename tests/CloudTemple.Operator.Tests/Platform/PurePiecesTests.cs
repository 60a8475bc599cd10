using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.Http;
using Polly;
using Polly.RateLimiting;
using Polly.Timeout;

namespace CloudTemple.Operator.Tests.Platform;

public sealed class PurePiecesTests
{
    [Theory]
    [InlineData("""{"state":{"waiting":{}}}""", "waiting")]
    [InlineData("""{"state":{"running":{"status":"Creating","startDate":"2026-01-01T00:00:00Z","progression":40}}}""", "running:40")]
    [InlineData("""{"state":{"completed":{"startDate":"x","stopDate":"y","result":"cpool-1"}}}""", "completed:cpool-1")]
    [InlineData("""{"state":{"failed":{"startDate":"x","stopDate":"y","reason":"None of the workers were able to respond"}}}""", "failed:True")]
    [InlineData("""{"state":{"failed":{"reason":"Volume too small (B1)"}}}""", "failed:False")]
    [InlineData("""{"id":"op-1"}""", "waiting")]
    public void TheOneKeyStateObject_IsReadAsAnActivityState(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        var text = PlatformSession.StateOf(document.RootElement) switch
        {
            ActivityWaiting => "waiting",
            ActivityRunning r => $"running:{r.Progress}",
            ActivityCompleted c => $"completed:{c.ResultId}",
            ActivityFailed f => $"failed:{f.Transient}",
            _ => "?",
        };

        Assert.Equal(expected, text);
    }

    [Fact]
    public void KnownTransientReasons_AreRecognisedInsideLongerMessages()
    {
        Assert.True(ActivityFailed.IsTransientReason("Error 502: Failed to load configuration via API"));
        Assert.False(ActivityFailed.IsTransientReason("Refused (C1)"));
        Assert.False(ActivityFailed.IsTransientReason(null));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true, true)]
    [InlineData(HttpStatusCode.InternalServerError, true, false)]
    [InlineData(HttpStatusCode.BadGateway, true, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true, false)]
    [InlineData(HttpStatusCode.BadRequest, false, false)]
    [InlineData(HttpStatusCode.NotFound, false, false)]
    [InlineData(HttpStatusCode.Accepted, false, false)]
    public void ReadsRetryTransientAnswers_WritesOnlyWhatWasNotProcessed(HttpStatusCode status, bool read, bool write)
    {
        using var response = new HttpResponseMessage(status);
        var outcome = Outcome.FromResult(response);

        Assert.Equal(read, ResiliencePipelines.IsTransientRead(outcome));
        Assert.Equal(write, ResiliencePipelines.IsNotProcessed(outcome));
    }

    [Fact]
    public void ATimeoutIsRetriedOnAReadOnly_TheLocalRateLimitOnBoth()
    {
        var timeout = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException());
        var limited = Outcome.FromException<HttpResponseMessage>(new RateLimiterRejectedException());

        Assert.True(ResiliencePipelines.IsTransientRead(timeout));
        Assert.False(ResiliencePipelines.IsNotProcessed(timeout));
        Assert.True(ResiliencePipelines.IsNotProcessed(limited));
    }

    [Fact]
    public void RetryAfter_IsHonouredButCapped()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        using var tooLong = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        tooLong.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10));
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(3), ResiliencePipelines.RetryAfter(response, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), ResiliencePipelines.RetryAfter(tooLong, TimeSpan.FromSeconds(30)));
        Assert.Null(ResiliencePipelines.RetryAfter(none, TimeSpan.FromSeconds(30)));
    }
}
