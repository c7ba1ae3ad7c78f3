package jrun.runtime;

import java.util.List;
import java.util.Map;

import jrun.helper.Step;
import jrun.spec.Spec;

/**
 * Where a command-line dialect (run_oci's, see jrun.cli.RunOciMain) adds its own behaviour to
 * the lifecycle without a second code path: config edits from its flags, plan edits, extra state
 * annotations for hooks, and callbacks once the container exists and once it runs. NONE adds
 * nothing, which is what bin/jrun uses.
 */
public interface LifecycleExtension {
    /** Edits the bundle's config tree (read once at create) before the spec model is built from it. */
    default void editConfig(String id, Map<String, Object> config) {}

    /** Edits the helper's plan (steps before CLONE run in the helper, in the host namespaces). */
    default void editPlan(Spec spec, List<Step> steps) {}

    /** Annotations added to the state JSON that hooks read (and `state` prints). */
    default Map<String, String> stateAnnotations(String id) {
        return Map.of();
    }

    /** After create: the init exists (waiting for start), in its cgroups, state saved. A failure aborts the create. */
    default void created(Spec spec, ContainerState state) {}

    /** After start and the poststart hooks: the container runs. */
    default void started(ContainerState state) {}

    LifecycleExtension NONE = new LifecycleExtension() {};
}
