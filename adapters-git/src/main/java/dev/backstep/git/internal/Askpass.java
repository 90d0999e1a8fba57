package dev.backstep.git.internal;

import dev.backstep.Secret;
import dev.backstep.git.GitException;
import dev.backstep.git.GitException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Hands git HTTP credentials through {@code GIT_ASKPASS} and the environment, never argv: a
 * fixed helper script (owner-only, it holds no secret) prints the user name or the password from
 * the environment of the git process when git asks.
 *
 * <pre>{@code
 * GitCli cli = GitCli.open(runner, "git", repo).withCredentials(new Askpass.Credentials("ci", Secret.of(token)));
 * }</pre>
 */
public final class Askpass {
    static final String USER_VAR = "BACKSTEP_GIT_USERNAME";
    static final String PASSWORD_VAR = "BACKSTEP_GIT_PASSWORD";
    private static final String SCRIPT = "#!/bin/sh\n"
            + "# Backstep askpass helper: answers git's prompt from the environment, holds no secret\n"
            + "case \"$1\" in\n"
            + "  [Uu]sername*) printf '%s\\n' \"$" + USER_VAR + "\" ;;\n"
            + "  *) printf '%s\\n' \"$" + PASSWORD_VAR + "\" ;;\n"
            + "esac\n";
    private static Path script;

    private Askpass() {
    }

    /**
     * A user name and its password or token.
     *
     * @param username the user name (not secret; for a token-only host any non-empty name)
     * @param password the password or token
     */
    public record Credentials(String username, Secret password) {
        public Credentials {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }
    }

    /** The helper script, created once per JVM in an owner-only temporary directory. */
    static synchronized Path script() {
        if (script == null || !Files.isExecutable(script)) {
            try {
                Path dir = Files.createTempDirectory("backstep-askpass",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path s = dir.resolve("askpass.sh");
                Files.writeString(s, SCRIPT);
                Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
                script = s;
            } catch (IOException e) {
                throw new GitException(Reason.COMMAND_FAILED, null, "cannot write the git askpass helper: " + e);
            }
        }
        return script;
    }
}
