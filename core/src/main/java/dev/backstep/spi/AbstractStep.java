package dev.backstep.spi;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;

/**
 * The base of a step class: holds the step's {@link #name()} and journaled {@link #type()}, refuses
 * a blank name, and makes {@link #withName} return the same class (so a renamed step keeps its
 * builder methods and its recovery type). Every built-in step extends it; extend it for a step type
 * of your own that {@code recover()} or a later {@code rollback(runId)} must rebuild through a
 * {@link StepTypeProvider}.
 *
 * <pre>{@code
 * public final class FlushCache extends AbstractStep {
 *     public static final String TYPE = "acme.flushCache";
 *     private final String host;
 *
 *     public FlushCache(String name, String host) {
 *         super(name, TYPE);
 *         this.host = host;
 *     }
 *
 *     @Override public FlushCache withName(String newName) { return new FlushCache(newName, host); }
 *     @Override public void execute(StepContext ctx) { ... }
 *     @Override public Compensation compensation() { return Compensation.none("the cache refills itself"); }
 *     @Override public String describe() { return "flush the cache on " + host; }
 * }
 * }</pre>
 *
 * <p>Immutable when the subclass is; the name and type never change.
 */
public abstract class AbstractStep implements Step {
    private final String name;
    private final String type;

    /**
     * @param name the step's name, unique within its plan
     * @param type the journaled type that {@link StepTypeProvider}s resolve in recovery
     * @throws PlanDefinitionException when the name or type is null or blank
     */
    protected AbstractStep(String name, String type) {
        if (name == null || name.isBlank()) {
            throw new PlanDefinitionException(null, null, "a step needs a non-blank name, was "
                    + (name == null ? null : "'" + name + "'"));
        }
        if (type == null || type.isBlank()) {
            throw new PlanDefinitionException(null, name, "a step needs a non-blank type, was "
                    + (type == null ? null : "'" + type + "'"));
        }
        this.name = name;
        this.type = type;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String type() {
        return type;
    }

    /** The same step under another name, of the same class. */
    @Override
    public abstract Step withName(String newName);

    /** {@code ClassName[name]}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
