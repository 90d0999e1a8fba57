package dev.backstep.check;

/**
 * Where a {@link LogCheck} starts reading: the lines written since the run started, or since the
 * check itself started.
 *
 * <pre>{@code
 * Step clean = Check.log(Path.of("/var/log/shop/app.log")).since(Since.RUN_START).noneMatch("ERROR|FATAL");
 * }</pre>
 */
public enum Since {
    /**
     * Since the runner validated the plan, right before its first step: everything the deploy
     * caused. The log's position is taken during validation.
     */
    RUN_START,
    /** Since the check started: what the new version logs while the check watches ({@link LogCheck#during}). */
    STEP_START;

    String phrase() {
        return this == RUN_START ? "since the run started" : "since the check started";
    }
}
