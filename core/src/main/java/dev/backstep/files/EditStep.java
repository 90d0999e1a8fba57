package dev.backstep.files;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.internal.EnvDocument;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.files.internal.FileOps;
import dev.backstep.files.internal.TargetFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sets and removes keys of a {@code .env} or {@code .properties} file, keeping comments, order,
 * blank lines, line endings and every other line byte for byte; new keys are appended. Backs the
 * file up and writes it atomically like {@link ReplaceStep}. Built by {@link ConfigFile#edit}.
 *
 * <pre>{@code
 * Step s = ConfigFile.edit(Path.of("/srv/shop/.env"))
 *     .set("APP_VERSION", "1.3.0")
 *     .set("DB_PASSWORD", Secret.of(password))   // masked in previews and reports
 *     .remove("LEGACY_MODE");
 * System.out.println(s.describe()); // edit /srv/shop/.env: set APP_VERSION=1.3.0, set DB_PASSWORD=****, remove LEGACY_MODE
 * }</pre>
 *
 * <p>In {@code .env} files a value that needs quoting is quoted (single quotes, or the quote style
 * the key already used); a value given with its own quotes is written as is. In
 * {@code .properties} files values are written as given. Immutable.
 */
public final class EditStep extends ProtectedFileStep<EditStep> {
    /** The {@link #type()} of this step. */
    public static final String TYPE = "files.edit";

    private record Op(String key, String value, boolean secret) {
    }

    private final List<Op> ops;
    private final boolean createIfMissing;

    private EditStep(String name, Path path, List<Op> ops, boolean createIfMissing, String mode, Path base,
                     FaultHook hook) {
        super(name, TYPE, path, mode, base, hook);
        this.ops = List.copyOf(ops);
        this.createIfMissing = createIfMissing;
    }

    static EditStep of(Path path) {
        Path p = TargetFiles.normalize(PlanDefinitionException.requireNonNull(path, null, "the path"));
        return new EditStep("edit " + p, p, List.of(), false, null, null, FaultHook.NONE);
    }

    /**
     * Sets {@code key} to {@code value} (every occurrence of the key), or appends it.
     *
     * @throws PlanDefinitionException for a key that is not {@code [A-Za-z_][A-Za-z0-9_.-]*} or a
     *     value with a line break
     */
    public EditStep set(String key, String value) {
        return with(new Op(checkKey(key), checkValue(key, value), false));
    }

    /** Sets a key whose value is a secret: it is masked wherever the step is shown. */
    public EditStep set(String key, Secret value) {
        PlanDefinitionException.requireNonNull(value, name(), "the secret value of " + key);
        return with(new Op(checkKey(key), checkValue(key, value.reveal()), true));
    }

    /** Removes every line of {@code key} (a missing key is fine). */
    public EditStep remove(String key) {
        return with(new Op(checkKey(key), null, false));
    }

    /** Creates the file when it does not exist (compensation then removes it). */
    public EditStep createIfMissing() {
        return new EditStep(name(), path, ops, true, mode, base, hook);
    }

    @Override
    EditStep copy(String name, String mode, Path base, FaultHook hook) {
        return new EditStep(name, path, ops, createIfMissing, mode, base, hook);
    }

    private EditStep with(Op op) {
        List<Op> next = new ArrayList<>(ops);
        next.add(op);
        return new EditStep(name(), path, next, createIfMissing, mode, base, hook);
    }

    private String checkKey(String key) {
        if (key == null || !EnvDocument.KEY.matcher(key).matches()) {
            throw new PlanDefinitionException(null, name(), "invalid key '" + key
                    + "': use letters, digits, '_', '.' and '-', starting with a letter or '_'");
        }
        return key;
    }

    private String checkValue(String key, String value) {
        PlanDefinitionException.requireNonNull(value, name(), "the value of " + key);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new PlanDefinitionException(null, name(), "the value of " + key + " contains a line break");
        }
        return value;
    }

    @Override
    public void validate(StepContext ctx) {
        if (ops.isEmpty()) {
            throw new StepValidationException(name(), "nothing to edit: call set(...) or remove(...)");
        }
        target(!createIfMissing);
    }

    @Override
    public void execute(StepContext ctx) {
        validate(ctx);
        Path target = target(!createIfMissing);
        byte[] current = current(target);
        byte[] next = apply(target, current);
        write(ctx, target, next, FileOps.PRIVATE_FILE);
        ctx.summary("edited " + target + ":\n" + envDiff(target, current, next, secretKeys(), secretValues()).toText());
    }

    private byte[] apply(Path target, byte[] current) {
        EnvDocument doc = EnvDocument.parse(current, EnvDocument.syntaxFor(target));
        for (Op op : ops) {
            if (op.value() == null) {
                doc.remove(op.key());
            } else {
                doc.set(op.key(), op.value());
            }
        }
        return doc.toBytes();
    }

    private Set<String> secretKeys() {
        return ops.stream().filter(Op::secret).map(Op::key).collect(Collectors.toUnmodifiableSet());
    }

    /** The values of this edit's secrets: masked also under other keys and as old values of removed keys. */
    private Set<String> secretValues() {
        return ops.stream().filter(Op::secret).map(Op::value).collect(Collectors.toUnmodifiableSet());
    }

    /** The secrets this edit writes; the run masks them in every step. */
    @Override
    public Set<Secret> secrets() {
        return secretValues().stream().map(Secret::of).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String describe() {
        Set<String> secret = secretKeys();
        String changes = ops.stream().map(op -> op.value() == null ? "remove " + op.key()
                : "set " + op.key() + "=" + (secret.contains(op.key()) ? Secret.MASK
                        : EnvDiff.mask(op.key(), op.value(), Set.of(), secretValues())))
                .collect(Collectors.joining(", "));
        return "edit " + path + ": " + (changes.isEmpty() ? "nothing" : changes) + "; undo: restore the backup";
    }

    /** The masked {@link EnvDiff} this edit would make to the file as it is now. */
    @Override
    public String preview(StepContext ctx) {
        Path target = target(!createIfMissing);
        return "edit " + target + ":\n" + diff(target).toText();
    }

    /** The masked diff this edit would make to the file as it is now. */
    public EnvDiff diff() {
        return diff(target(!createIfMissing));
    }

    private EnvDiff diff(Path target) {
        byte[] current = current(target);
        return envDiff(target, current, apply(target, current), secretKeys(), secretValues());
    }
}
