package dev.backstep.spi;

import dev.backstep.PlanDefinitionException;
import java.util.List;

/**
 * Definition checks for the words of a command-line prefix that a step records in its journal
 * (a wrapper program such as {@code sudo -n}, an executable path), so that a rollback in another
 * process runs the same command. The journal keeps such a prefix one word a line, so a word must
 * not be blank nor hold a line break or NUL; a bad word is a {@link PlanDefinitionException}
 * from the builder call that received it, before any plan runs.
 *
 * <pre>{@code
 * public ToolCli via(String... wrapperArgv) {
 *     return new ToolCli(JournaledArgv.wrapper(wrapperArgv), executable);
 * }
 *
 * public ToolCli executable(String path) {
 *     return new ToolCli(wrapper, JournaledArgv.word("tool executable", path));
 * }
 * }</pre>
 */
public final class JournaledArgv {
    private JournaledArgv() {
    }

    /**
     * Returns {@code value} when it can be recorded as one word of a command line.
     *
     * @param what what the value is, as the message names it ({@code "docker executable"})
     * @throws PlanDefinitionException {@code the <what> is blank or holds a newline, was '...'}
     *     when the value is null, blank, or holds a line break or NUL
     */
    public static String word(String what, String value) {
        if (value == null || value.isBlank() || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new PlanDefinitionException(null, null, "the " + what + " is blank or holds a newline, was "
                    + (value == null ? null : "'" + value.replace("\n", "\\n").replace("\0", "\\0") + "'"));
        }
        return value;
    }

    /**
     * The argv of a wrapper program a command runs through, as given to a {@code via(...)} call.
     *
     * @return the words, as an immutable list
     * @throws PlanDefinitionException {@code via() needs the wrapper program, was []} when there is
     *     no word, or as {@link #word} names a bad {@code wrapper argument}
     */
    public static List<String> wrapper(String... argv) {
        if (argv == null || argv.length == 0) {
            throw new PlanDefinitionException(null, null, "via() needs the wrapper program, was "
                    + (argv == null ? null : "[]"));
        }
        for (String a : argv) {
            word("wrapper argument", a);
        }
        return List.of(argv);
    }
}
