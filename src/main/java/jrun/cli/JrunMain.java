package jrun.cli;

import jrun.Version;

/** Entry point of bin/jrun. The runtime itself arrives with issue 4; until then only --version answers. */
public final class JrunMain {
    private JrunMain() {}

    public static void main(String[] argv) {
        if (argv.length == 1 && (argv[0].equals("--version") || argv[0].equals("-v"))) {
            System.out.println("jrun version " + Version.VERSION);
            System.out.println("spec: " + Version.SPEC);
            return;
        }
        System.err.println("jrun: not implemented yet");
        System.exit(1);
    }
}
