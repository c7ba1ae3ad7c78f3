package jrun.rules;

/** An edit that never adds, removes, replaces or renames a mount: {@link ConfigEdit#keepsMounts()} is true. */
interface KeepsMountsEdit extends ConfigEdit {
    @Override
    default boolean keepsMounts() {
        return true;
    }
}
