using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudTemple.Operator.Hosting;

/// <summary>Durations written as operators write them: 30s, 10m, 1h30m, 500ms, or 00:10:00.</summary>
internal static partial class Durations
{
    public static TimeSpan Parse(string text)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && text.Contains(':', StringComparison.Ordinal))
        {
            return span;
        }

        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text)
        {
            throw new FormatException($"'{text}' is not a duration: write e.g. 30s, 10m, 1h30m or 00:10:00.");
        }

        return parts.Aggregate(TimeSpan.Zero, (total, part) =>
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            return total + part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        });
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex Part();
}
