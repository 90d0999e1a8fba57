package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backstep.BackstepException;
import dev.backstep.PlanDefinitionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Checks that a step type's definition mistakes are refused the way Backstep promises: a
 * {@link PlanDefinitionException} (rooted at {@link BackstepException}) whose message names the plan
 * and step when they are known and the offending value, never shows a secret, and is thrown before
 * anything changed. Drive it from a table of {@link Mistake}s, one dynamic test each:
 *
 * <pre>{@code
 * DefinitionMistakes check = DefinitionMistakes.leaving(workDir)   // every file and mode under it
 *     .neverShowing("s3cr3t").notA(MyStepException.class);
 * List<Mistake> mistakes = List.of(
 *     Mistake.exact("a zero timeout", () -> MySteps.copy(src).timeout(Duration.ZERO), "copy app",
 *         "step 'copy app': timeout must be positive, was PT0S"),
 *     Mistake.containing("a null source", () -> MySteps.copy(null), null, "the source is null"));
 * return mistakes.stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> check.refuses(m)));
 * }</pre>
 *
 * <p>Immutable: each method returns a new check.
 */
public final class DefinitionMistakes {
    private final List<Path> roots;
    private final List<String> secrets;
    private final List<Class<? extends Throwable>> notTypes;
    private final Map<String, Callable<?>> states;

    /**
     * One definition mistake: the call that must be refused, the plan and step its exception must
     * name ({@code null} for none), and its message: exactly {@code message}, or, when that is
     * {@code null}, one holding every one of {@code parts}.
     */
    public record Mistake(String what, Runnable call, String plan, String step, String message,
                          List<String> parts) {
        public Mistake {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(call, "call");
            parts = List.copyOf(parts);
        }

        /** A mistake outside any plan whose message is exactly {@code message}. */
        public static Mistake exact(String what, Runnable call, String step, String message) {
            return new Mistake(what, call, null, step, Objects.requireNonNull(message, "message"), List.of());
        }

        /** A mistake outside any plan whose message holds each of {@code parts}. */
        public static Mistake containing(String what, Runnable call, String step, String... parts) {
            return new Mistake(what, call, null, step, null, List.of(parts));
        }

        /** The same mistake, made in plan {@code plan} ({@code null}: outside any plan). */
        public Mistake inPlan(String plan) {
            return new Mistake(what, call, plan, step, message, parts);
        }
    }

    private DefinitionMistakes(List<Path> roots, List<String> secrets, List<Class<? extends Throwable>> notTypes,
                               Map<String, Callable<?>> states) {
        this.roots = List.copyOf(roots);
        this.secrets = List.copyOf(secrets);
        this.notTypes = List.copyOf(notTypes);
        this.states = Map.copyOf(states);
    }

    /** A check that every file and directory under {@code roots} (its mode and, for files, its bytes) stays. */
    public static DefinitionMistakes leaving(Path... roots) {
        return new DefinitionMistakes(List.of(roots), List.of(), List.of(), Map.of());
    }

    /** Also: no message shows any of {@code secrets}. */
    public DefinitionMistakes neverShowing(String... secrets) {
        return new DefinitionMistakes(roots, concat(this.secrets, secrets), notTypes, states);
    }

    /**
     * Also: the exception is none of {@code types}, such as the step type's own run-time exception,
     * which a definition mistake must not be.
     */
    @SafeVarargs
    public final DefinitionMistakes notA(Class<? extends Throwable>... types) {
        return new DefinitionMistakes(roots, secrets, concat(notTypes, types), states);
    }

    /** Also: what {@code state} reads (a database's tables, say) is equal before and after the call. */
    public DefinitionMistakes alsoLeaving(String what, Callable<?> state) {
        Map<String, Callable<?>> more = new LinkedHashMap<>(states);
        more.put(Objects.requireNonNull(what, "what"), Objects.requireNonNull(state, "state"));
        return new DefinitionMistakes(roots, secrets, notTypes, more);
    }

    /**
     * Runs the mistake's call and asserts it was refused as promised.
     *
     * @return the exception, for further assertions
     * @throws AssertionError when it was not
     */
    public PlanDefinitionException refuses(Mistake m) {
        Map<String, Object> before = state();
        Throwable t = catchThrowable(m.call()::run);
        assertThat(t).as(m.what()).isInstanceOf(BackstepException.class).isInstanceOf(PlanDefinitionException.class);
        for (Class<? extends Throwable> type : notTypes) {
            assertThat(t).as(m.what()).isNotInstanceOf(type);
        }
        PlanDefinitionException e = (PlanDefinitionException) t;
        assertThat(e.planName()).as("plan name").isEqualTo(m.plan());
        assertThat(e.stepName()).as("step name").isEqualTo(Optional.ofNullable(m.step()));
        if (m.plan() != null) {
            assertThat(e.getMessage()).startsWith("plan '" + m.plan() + "'");
        }
        if (m.step() != null) {
            assertThat(e.getMessage()).contains("step '" + m.step() + "': ");
        }
        if (m.message() != null) {
            assertThat(e).hasMessage(m.message());
        }
        for (String part : m.parts()) {
            assertThat(e).hasMessageContaining(part);
        }
        assertThat(e.getMessage()).doesNotContain("plan ''");
        for (String secret : secrets) {
            assertThat(e.getMessage()).doesNotContain(secret);
        }
        assertThat(state()).as("nothing changed").isEqualTo(before);
        return e;
    }

    /** Every file and directory under {@code root}, by relative path: its mode and, for files, a hash and size. */
    public static Map<String, String> tree(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                out.put(root.relativize(p).toString(), mode + (Files.isRegularFile(p)
                        ? " " + Arrays.hashCode(Files.readAllBytes(p)) + ":" + Files.size(p) : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Map<String, Object> state() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Path root : roots) {
            out.put(root.toString(), tree(root));
        }
        states.forEach((what, state) -> {
            try {
                out.put(what, state.call());
            } catch (Exception e) {
                throw new IllegalStateException("could not read " + what, e);
            }
        });
        return out;
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T> first, T... more) {
        List<T> out = new ArrayList<>(first);
        out.addAll(Arrays.asList(more));
        return out;
    }
}
