using System.CommandLine;

namespace GradScope.Cli.Validation;

/// <summary>
/// One rule about options given together on one command: a conflict (both given: one would be silently ignored)
/// or a requirement (given without what it works with). Options and arguments are matched by name, so a command adds
/// rules here without touching its own file.
/// </summary>
internal sealed record OptionRule(string Command, string Option, OptionRule.Kind Type, string[] Others, string Reason)
{
    public enum Kind { ConflictsWith, Needs }

    public static OptionRule Conflict(string command, string option, string[] others, string reason) =>
        new(command, option, Kind.ConflictsWith, others, reason);

    public static OptionRule Need(string command, string option, string[] others, string reason) =>
        new(command, option, Kind.Needs, others, reason);

    /// <summary>Throws an <see cref="ArgumentException"/> (exit 2) with the reason when the rule is broken.</summary>
    public void Check(ParseResult parse)
    {
        if (!Given(parse, Option)) return;
        if (Type == Kind.ConflictsWith)
        {
            string? other = Others.FirstOrDefault(o => Given(parse, o));
            if (other is not null) throw new ArgumentException($"{Display(Option)} cannot be combined with {Display(other)}: {Reason}.");
        }
        else if (!Others.Any(o => Given(parse, o)))
        {
            throw new ArgumentException($"{Display(Option)} needs {string.Join(" or ", Others.Select(Display))}: {Reason}.");
        }
    }

    /// <summary>Options as typed (--json); an argument by its help name (a CHECKPOINTS argument).</summary>
    private static string Display(string name) => name.StartsWith('-') ? name : $"a {name} argument";

    /// <summary>
    /// True when the user typed the option (a default value does not count), or gave at least one value for the
    /// argument of that name (e.g. analyze's CHECKPOINTS).
    /// </summary>
    public static bool Given(ParseResult parse, string name)
    {
        var command = parse.CommandResult.Command;
        var option = command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
        if (option is not null) return parse.GetResult(option) is { Implicit: false };
        var argument = command.Arguments.FirstOrDefault(a => a.Name == name);
        return argument is not null && parse.GetResult(argument) is { Tokens.Count: > 0 };
    }

    /// <summary>How many values the user gave for the argument (or option) <paramref name="name"/>.</summary>
    public static int Count(ParseResult parse, string name)
    {
        var command = parse.CommandResult.Command;
        Symbol? symbol = command.Arguments.FirstOrDefault(a => a.Name == name)
            ?? (Symbol?)command.Options.FirstOrDefault(o => o.Name == name);
        return symbol is null ? 0 : parse.GetResult(symbol)?.Tokens.Count ?? 0;
    }
}
