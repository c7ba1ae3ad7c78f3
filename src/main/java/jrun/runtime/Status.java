package jrun.runtime;

/** The runtime-spec states, and which commands each allows. */
public enum Status {
    CREATING("creating"), CREATED("created"), RUNNING("running"), PAUSED("paused"), STOPPED("stopped");

    private final String specName; // spelled out: toLowerCase(Locale.ROOT) initialises Locale, ~0.2 ms interpreted

    Status(String specName) {
        this.specName = specName;
    }

    public String specName() {
        return specName;
    }

    public boolean canStart() {
        return this == CREATED;
    }

    public boolean canKill() {
        return this == CREATED || this == RUNNING || this == PAUSED;
    }

    /** delete without --force: only what cannot run any more (a created init is killed first). */
    public boolean canDelete(boolean force) {
        return force || this == STOPPED || this == CREATED;
    }

    public static Status parse(String s) {
        for (Status st : values()) if (st.specName().equals(s)) return st;
        throw new IllegalArgumentException("unknown status " + s);
    }
}
