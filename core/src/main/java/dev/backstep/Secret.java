package dev.backstep;


/**
 * A value that must never appear in argv, logs, the journal, reports or exception messages.
 * Pass secrets to commands as environment variables; every occurrence of the value in captured
 * output and errors is replaced by {@code ****}.
 *
 * <pre>{@code
 * Command.of("mysql", "-u", "app", "shop").env("MYSQL_PWD", Secret.of(password));
 * }</pre>
 *
 * <p><b>What is masked.</b> Every secret a step of a run holds ({@link Step#secrets()}: the
 * secret environment of a {@link Command} and of its compensation, the secret values of a
 * {@code ConfigFile.edit}, the credentials of a {@code Check.http}, git credentials) is known to
 * the whole run. Each literal occurrence of its value is replaced by {@link #MASK}, whichever
 * step prints it, in:
 * <ul>
 *   <li>the stdout, stderr and errors of every command the run's steps run through
 *       {@link StepContext#commands()};</li>
 *   <li>step and compensation failures (messages, causes and suppressed exceptions; a failure
 *       holding a secret is replaced by a copy naming its original type) and so the
 *       {@link RunResult}, its {@link RunReport} and {@link RunFailedException};</li>
 *   <li>the journal (every free-text value: errors, summaries, reasons, recorded values),
 *       {@link dev.backstep.event.RunEvent events} given to listeners, and what steps log through
 *       {@link StepContext#logger()};</li>
 *   <li>{@link Runner#dryRun} previews and problems;</li>
 *   <li>a rollback from the journal, when the runner knows the run's plan.</li>
 * </ul>
 * A {@code .env} edit also masks a value that holds one of its secrets under any key, and the old
 * value of a removed key when it held one. {@code Check.http} also masks the forms in which
 * credentials travel: the token of a {@code Bearer}/{@code Basic} header value, the decoded
 * {@code user:password} of a Basic value, and the Basic base64 of URI user-info. Not recognised:
 * a secret the program prints in another form of its own (encoded otherwise, split over lines),
 * and anything written outside the run (the host application's own logs).
 *
 * <p>Immutable and thread-safe. {@link #toString()} never reveals the value.
 */
public final class Secret {
    /** What secret values are replaced with. */
    public static final String MASK = "****";
    private final String value;

    private Secret(String value) {
        this.value = PlanDefinitionException.requireNonNull(value, null, "the secret value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The clear value: hand it only to the process that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
