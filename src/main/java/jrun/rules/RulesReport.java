package jrun.rules;

/** One line per rule outcome, for `rules apply` and the interceptor's debug log. */
public final class RulesReport {
    private RulesReport() {}

    /** Whether to list an outcome: rules that matched, except presets that changed nothing; everything with all. */
    public static boolean listed(RuleSet.Outcome o, boolean all) {
        if (all) return true;
        if (o.kind() == RuleSet.Kind.NOT_MATCHED) return false;
        return !(o.kind() == RuleSet.Kind.UNCHANGED && o.rule().isPreset());
    }

    public static String line(RuleSet.Outcome o) {
        Rule r = o.rule();
        StringBuilder sb = new StringBuilder();
        sb.append(switch (o.kind()) {
            case EDITED -> "edited";
            case UNCHANGED -> "matched (no change)";
            case DENIED -> "denied";
            case SKIPPED -> "skipped";
            case NOT_MATCHED -> "not matched";
        });
        sb.append(": rule ").append(r.name()).append(" (").append(r.source()).append(')');
        if (o.why() != null) sb.append(o.kind() == RuleSet.Kind.SKIPPED || o.kind() == RuleSet.Kind.NOT_MATCHED ? ": " : ": when ").append(o.why());
        if (!o.edits().isEmpty()) sb.append("; edits: ").append(String.join("; ", o.edits()));
        if (o.kind() == RuleSet.Kind.DENIED) sb.append("; message: ").append(r.deny());
        return sb.toString();
    }
}
