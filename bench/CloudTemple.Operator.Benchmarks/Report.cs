using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>One figure: its value, and the target it is held to (null: reported only).</summary>
internal sealed record Figure(string Scenario, string Name, double Value, string Unit, string? Target = null, bool? Met = null, string? Note = null)
{
    public string Verdict => Met switch { true => "met", false => "MISSED", null => "-" };
}

/// <summary>The figures of a run: a table on the console, a JSON file and SVG charts under bench/results.</summary>
internal sealed class Report(string title)
{
    private readonly List<Figure> _figures = [];
    private readonly JsonObject _details = [];

    public IReadOnlyList<Figure> Figures => _figures;

    public void Add(Figure figure) => _figures.Add(figure);

    /// <summary>Extra facts for the JSON file: parameters, formula terms, series.</summary>
    public void Detail(string key, JsonNode? value) => _details[key] = value;

    public static string Format(double value) => value switch
    {
        0 => "0",
        _ when value == Math.Round(value) && Math.Abs(value) < 1e9 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("F2", CultureInfo.InvariantCulture),
        _ => value.ToString("G3", CultureInfo.InvariantCulture),
    };

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## {title}");
        output.WriteLine();
        output.WriteLine("| scenario | figure | value | target | verdict |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var f in _figures)
        {
            output.WriteLine($"| {f.Scenario} | {f.Name} | {Format(f.Value)} {f.Unit} | {f.Target ?? "-"} | {f.Verdict} |");
        }

        foreach (var f in _figures.Where(f => f.Note is not null))
        {
            output.WriteLine($"- {f.Scenario} / {f.Name}: {f.Note}");
        }
    }

    public string WriteJson(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = new JsonObject
        {
            ["title"] = title,
            ["writtenAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["figures"] = new JsonArray([.. _figures.Select(f => (JsonNode)new JsonObject
            {
                ["scenario"] = f.Scenario,
                ["name"] = f.Name,
                ["value"] = double.IsFinite(f.Value) ? Math.Round(f.Value, 4) : null,
                ["unit"] = f.Unit,
                ["target"] = f.Target,
                ["met"] = f.Met,
                ["note"] = f.Note,
            })]),
            ["details"] = _details.DeepClone(),
        };
        // Relaxed escaping: "<=" and "÷" stay as written, so the file reads (and greps) as the table does.
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return path;
    }

    /// <summary>A hand-written SVG line chart of Ready objects over time, with axes, ticks and labels.</summary>
    public static string WriteSvg(string path, string chartTitle, IReadOnlyList<(double Seconds, int Ready)> series, int total, double? lowerBound = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        const double width = 800, height = 420, left = 70, right = 20, top = 40, bottom = 50;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var maxX = Math.Max(1, Math.Max(series.Count > 0 ? series[^1].Seconds : 1, lowerBound ?? 0)) * 1.05;
        var maxY = Math.Max(1, total);
        string X(double s) => (left + (s / maxX * plotWidth)).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double r) => (top + plotHeight - (r / maxY * plotHeight)).ToString("F1", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{Escape(chartTitle)}</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{top + plotHeight}" x2="{left + plotWidth}" y2="{top + plotHeight}" stroke="black"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plotHeight}" stroke="black"/>""");
        for (var i = 0; i <= 5; i++)
        {
            var s = maxX * i / 5;
            var r = maxY * i / 5.0;
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{X(s)}" y1="{top + plotHeight}" x2="{X(s)}" y2="{top + plotHeight + 5}" stroke="black"/><text x="{X(s)}" y="{top + plotHeight + 18}" text-anchor="middle">{Format(s)}</text>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left - 5}" y1="{Y(r)}" x2="{left}" y2="{Y(r)}" stroke="black"/><text x="{left - 8}" y="{Y(r)}" text-anchor="end" dominant-baseline="middle">{r:F0}</text>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{Y(r)}" x2="{left + plotWidth}" y2="{Y(r)}" stroke="#eee"/>""");
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left + (plotWidth / 2)}" y="{height - 10}" text-anchor="middle">seconds since the objects were applied</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text transform="translate(18 {top + (plotHeight / 2)}) rotate(-90)" text-anchor="middle">Ready objects (of {total})</text>""");
        if (lowerBound is { } bound)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{X(bound)}" y1="{top}" x2="{X(bound)}" y2="{top + plotHeight}" stroke="#c00" stroke-dasharray="4 4"/><text x="{X(bound)}" y="{top - 4}" text-anchor="middle" fill="#c00">platform lower bound {Format(bound)} s</text>""");
        }

        // A step line: the count holds until the next change.
        var points = new StringBuilder($"{X(0)},{Y(0)}");
        var last = 0;
        foreach (var (seconds, ready) in series)
        {
            points.Append(CultureInfo.InvariantCulture, $" {X(seconds)},{Y(last)} {X(seconds)},{Y(ready)}");
            last = ready;
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{points}"/>""");
        svg.AppendLine("</svg>");
        File.WriteAllText(path, svg.ToString());
        return path;
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
