package jrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import jrun.JrunException;

/** jrun features: the runtime-spec features document, saying only what jrun really applies. */
final class FeaturesCommand implements Command {
    @Override
    public int run(Globals g, List<String> args) {
        if (!new Args("features", args).parse(Set.of(), Set.of(), (n, v) -> { }).isEmpty())
            throw JrunException.usage("features: takes no arguments");
        try (InputStream in = FeaturesCommand.class.getResourceAsStream("/jrun/features.json")) {
            System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | NullPointerException e) {
            throw new JrunException("jar is missing /jrun/features.json");
        }
        return 0;
    }
}
