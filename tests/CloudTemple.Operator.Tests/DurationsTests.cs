using CloudTemple.Operator.Hosting;

namespace CloudTemple.Operator.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("00:10:00", 600_000)]
    public void Durations_AreReadAsOperatorsWriteThem(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Durations.Parse(text));

    [Theory]
    [InlineData("10")]
    [InlineData("ten minutes")]
    [InlineData("5x")]
    public void AnythingElse_IsRefusedWithAnExample(string text) =>
        Assert.Contains("e.g. 30s", Assert.Throws<FormatException>(() => Durations.Parse(text)).Message, StringComparison.Ordinal);
}
