package dev.backstep.files;

import java.nio.file.Path;

/**
 * One release directory of a {@link Release} layout, as {@link Release#list()} reports it.
 *
 * <pre>{@code
 * release.list().forEach(r -> System.out.println(r.version() + (r.current() ? "  <- current" : "")));
 * }</pre>
 *
 * @param version the directory name under {@code releases/}
 * @param path the release directory
 * @param current whether {@code current} points to it
 * @param good whether it is the release last marked good
 * @param linked whether it is a symbolic link to a directory elsewhere ({@link DeployStep#link()})
 */
public record ReleaseInfo(String version, Path path, boolean current, boolean good, boolean linked) {
}
