package dev.backstep.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.exec.CommandLine;

/**
 * A Commons Exec command line that hands argv to the launcher exactly as given. Arguments are
 * added with quoting handling off, and because {@code CommandLine} also trims every argument
 * (and would expand {@code ${...}} with a substitution map), {@link #toStrings()}, which the
 * launcher uses, returns the untouched argv.
 */
final class LiteralCommandLine extends CommandLine {
    private final String[] argv;

    LiteralCommandLine(String executable, List<String> argv) {
        super(executable);
        for (String a : argv.subList(1, argv.size())) {
            addArgument(a, false);
        }
        this.argv = argv.toArray(new String[0]);
        this.argv[0] = executable;
    }

    @Override
    public String[] toStrings() {
        return argv.clone();
    }

    @Override
    public String[] getArguments() {
        return Arrays.copyOfRange(argv, 1, argv.length);
    }

    @Override
    public String getExecutable() {
        return argv[0];
    }
}
