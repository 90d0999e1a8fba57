package dev.backstep.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code backstep} command's config file ({@code --config}, default {@code ./backstep.properties}):
 *
 * <pre>
 * journal=dir:/var/lib/backstep/journal          # a directory journal, or:
 * journal=jdbc:postgresql://db:5432/ops           # a JDBC journal (and lock) shared by several hosts
 * journal.user=backstep                           # JDBC only
 * journal.passwordEnv=BACKSTEP_DB_PASSWORD        # JDBC only: the NAME of the variable holding the password
 * stateDir=/var/lib/backstep                      # backups and file locks
 * target=samokoder                                # the system; --service api means target samokoder/api
 * host=deploy-1                                   # optional: this host's name in the journal
 * </pre>
 *
 * Relative paths are resolved against the file's directory. The password itself is never in the
 * file (a {@code journal.password} key is refused), nor in the arguments.
 *
 * @param journal {@code dir:PATH} resolved to an absolute path, or a {@code jdbc:} URL
 * @param user the JDBC user, empty for a directory journal
 * @param passwordEnv the name of the environment variable holding the JDBC password, empty for none
 * @param stateDir where backups and file locks are
 * @param target the target of {@code --full}; {@code --service S} is {@code target/S}
 * @param host the host name to act as, empty for the machine's
 */
record CliConfig(String journal, Optional<String> user, Optional<String> passwordEnv, Path stateDir,
                 Optional<String> target, Optional<String> host) {
    private static final Set<String> KEYS = Set.of("journal", "journal.user", "journal.passwordEnv", "stateDir",
            "target", "host");

    boolean jdbc() {
        return journal.startsWith("jdbc:");
    }

    Path journalDir() {
        return Path.of(journal.substring("dir:".length()));
    }

    static CliConfig read(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CliException(ExitCode.CONFIG, "config file " + file + " does not exist (give one with --config "
                    + "FILE: journal=dir:PATH or journal=jdbc:URL, stateDir=DIR, target=NAME; or give --journal and --state-dir)");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCode.CONFIG, "config file " + file + " is not a regular file");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCode.CONFIG, "config file " + file + " cannot be read: " + e.getMessage());
        }
        if (p.containsKey("journal.password") || p.containsKey("password")) {
            throw new CliException(ExitCode.CONFIG, "config file " + file + ": a password is never written in the "
                    + "config; name the environment variable that holds it with journal.passwordEnv=NAME");
        }
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new CliException(ExitCode.CONFIG, "config file " + file + ": unknown key(s) " + unknown
                    + "; known: " + new TreeSet<>(KEYS));
        }
        Path base = file.toAbsolutePath().getParent();
        String journal = journal(value(p, "journal").orElseThrow(() -> new CliException(ExitCode.CONFIG, "config file "
                + file + ": journal= is missing (journal=dir:PATH or journal=jdbc:URL)")), base, "config file " + file);
        if (journal.startsWith("dir:") && (p.containsKey("journal.user") || p.containsKey("journal.passwordEnv"))) {
            throw new CliException(ExitCode.CONFIG, "config file " + file
                    + ": journal.user and journal.passwordEnv are for a jdbc: journal only");
        }
        Optional<String> passwordEnv = value(p, "journal.passwordEnv");
        passwordEnv.filter(n -> !n.matches("[A-Za-z_][A-Za-z0-9_]*")).ifPresent(n -> {
            throw new CliException(ExitCode.CONFIG, "config file " + file
                    + ": journal.passwordEnv must be an environment variable name");
        });
        Path stateDir = value(p, "stateDir").map(s -> base.resolve(s).normalize()).orElseThrow(() -> new CliException(
                ExitCode.CONFIG, "config file " + file + ": stateDir= is missing"));
        return new CliConfig(journal, value(p, "journal.user"), passwordEnv, stateDir, value(p, "target"),
                value(p, "host"));
    }

    /** A config from the command line alone ({@code --journal} and {@code --state-dir}), relative to {@code base}. */
    static CliConfig of(String journal, Path stateDir, String target, Path base) {
        return new CliConfig(journal(journal, base, "--journal"), Optional.empty(), Optional.empty(),
                base.resolve(stateDir).normalize(), Optional.ofNullable(target), Optional.empty());
    }

    /** This config with the command line's {@code --journal}, {@code --state-dir}, {@code --target} (null: kept). */
    CliConfig with(String journal, Path stateDir, String target) {
        Path cwd = Path.of("").toAbsolutePath();
        return new CliConfig(journal == null ? this.journal : journal(journal, cwd, "--journal"), user, passwordEnv,
                stateDir == null ? this.stateDir : cwd.resolve(stateDir).normalize(),
                target == null ? this.target : Optional.of(target), host);
    }

    private static String journal(String spec, Path base, String where) {
        if (spec.startsWith("dir:")) {
            String dir = spec.substring("dir:".length()).trim();
            if (dir.isEmpty()) {
                throw new CliException(ExitCode.CONFIG, where + ": journal dir: needs a path");
            }
            return "dir:" + base.resolve(dir).normalize();
        }
        if (!spec.startsWith("jdbc:")) {
            throw new CliException(ExitCode.CONFIG, where + ": the journal must start with dir: or jdbc:, was '"
                    + spec.replaceAll("[:@].*", ":...") + "'");
        }
        if (spec.matches("(?i).*[?&;]password=.*")) {
            throw new CliException(ExitCode.CONFIG, where + ": the journal URL holds a password; "
                    + "name the environment variable that holds it with journal.passwordEnv=NAME in the config");
        }
        return spec;
    }

    private static Optional<String> value(Properties p, String key) {
        return Optional.ofNullable(p.getProperty(key)).map(String::trim).filter(s -> !s.isEmpty());
    }
}
