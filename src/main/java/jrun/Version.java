package jrun;

/** The product version and the runtime-spec version we implement (the git commit: jrun.cli.JrunMain.commit). */
public final class Version {
    private Version() {}

    public static final String VERSION = "0.1.0";
    public static final String SPEC = "1.2.1";
}
