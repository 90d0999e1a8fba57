package dev.backstep.git;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepValidationException;
import java.nio.file.Path;

/** Argument checks shared by the factories ({@link PlanDefinitionException}s), and validation wrapping. */
final class Args {
    static final String DEFAULT_GIT = "git";

    private Args() {
    }

    static Path repo(Path repo) {
        if (repo == null) {
            throw new PlanDefinitionException(null, null, "the repository path is null");
        }
        return repo.toAbsolutePath().normalize();
    }

    /** A ref, remote, branch or tag name as git receives it in argv. */
    static String name(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new PlanDefinitionException(null, null, what + " is null or blank, was "
                    + (value == null ? null : "'" + value + "'"));
        }
        if (value.startsWith("-")) {
            throw new PlanDefinitionException(null, null, what + " '" + value
                    + "' starts with '-', which git would read as an option");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new PlanDefinitionException(null, null, what + " '" + value
                        + "' contains whitespace or a control character");
            }
        }
        return value;
    }

    /**
     * A remote name. A URL with credentials is refused, its credentials masked in the message: a
     * name would carry them into step names, descriptions, dry-runs, journals and git's argv.
     */
    static String remote(String value) {
        if (value != null && (value.contains("://") || value.contains("@"))
                && !dev.backstep.files.EnvDiff.maskUrlCredentials(value).equals(value)) {
            throw new PlanDefinitionException(null, null, "the remote '"
                    + dev.backstep.files.EnvDiff.maskUrlCredentials(value) + "' is a URL with credentials: add it"
                    + " as a named remote without them (git remote add origin https://host/repo.git) and pass the"
                    + " credentials with credentials(user, Secret), which git gets through GIT_ASKPASS, never argv");
        }
        return name("the remote", value);
    }

    static dev.backstep.git.internal.Askpass.Credentials credentials(String username, dev.backstep.Secret password) {
        if (username == null || username.isEmpty() || password == null) {
            throw new PlanDefinitionException(null, null, "git credentials need a user name and a password, the user name was "
                    + (username == null ? null : "'" + username + "'") + (password == null ? " and the password null" : ""));
        }
        if (username.chars().anyMatch(Character::isISOControl)) {
            throw new PlanDefinitionException(null, null, "the git user name contains a control character");
        }
        return new dev.backstep.git.internal.Askpass.Credentials(username, password);
    }

    static String gitBinary(Path gitBinary) {
        if (gitBinary == null || gitBinary.toString().isBlank()) {
            throw new PlanDefinitionException(null, null, "the git executable path is null or blank, was "
                    + (gitBinary == null ? null : "'" + gitBinary + "'"));
        }
        return gitBinary.toString();
    }

    /** Turns a {@link GitException} raised while validating into a {@link StepValidationException}. */
    static StepValidationException invalid(String stepName, GitException e) {
        return new StepValidationException(stepName, e.getMessage(), e);
    }

    static String summary(String from, String fromSubject, String to, String toSubject) {
        return shortSha(from) + " -> " + shortSha(to) + " (\"" + fromSubject + "\" -> \"" + toSubject + "\")";
    }

    static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
