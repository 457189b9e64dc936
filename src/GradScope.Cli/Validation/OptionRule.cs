using System.CommandLine;

namespace GradScope.Cli.Validation;

/// <summary>
/// One rule about options given together on one command: a conflict (both given: one would be silently ignored)
/// or a requirement (given without what it works with). Options are matched by name, so a command adds rules here
/// without touching its own file.
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
            if (other is not null) throw new ArgumentException($"{Option} cannot be combined with {other}: {Reason}.");
        }
        else if (!Others.Any(o => Given(parse, o)))
        {
            throw new ArgumentException($"{Option} needs {string.Join(" or ", Others)}: {Reason}.");
        }
    }

    /// <summary>True when the user typed the option (a default value does not count).</summary>
    public static bool Given(ParseResult parse, string name)
    {
        var option = parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
        return option is not null && parse.GetResult(option) is { Implicit: false };
    }
}
