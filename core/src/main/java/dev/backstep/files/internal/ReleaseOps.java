package dev.backstep.files.internal;

import dev.backstep.Compensation;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.FileStepException;
import dev.backstep.files.PathEscapeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release directory layout ({@code <base>/releases/<version>}, {@code <base>/current} link,
 * {@code releases/.good}, {@code releases/.pending/<run id>}), its checks, the atomic switch of
 * {@code current}, and the stateless compensations of the release steps.
 */
public final class ReleaseOps {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseOps.class);
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+\\-]{0,127}");
    private static final Pattern CURRENT_TMP_NAME = Pattern.compile("current\\.tmp-[0-9a-f]{12}");

    public static final String BASE = "base";
    public static final String VERSION_KEY = "version";
    public static final String HAD_CURRENT = "hadCurrent";
    public static final String PREVIOUS = "previous";
    public static final String PENDING = "pending";
    public static final String STAGING = "staging";
    public static final String CREATED = "created";
    public static final String CURRENT_TMP = "currentTmp";
    public static final String HAD_GOOD = "hadGood";
    public static final String PREVIOUS_GOOD = "previousGood";
    /** The name of the deploy log in {@code releases/}: one line per deploy, oldest first. */
    public static final String DEPLOY_LOG = ".releases_log";
    /** What names a failed copy: {@code releases/<version>.failed-<run id>}. */
    public static final String FAILED = ".failed-";

    /** Undoes a deploy or a switch: {@code current} back to the recorded target, a created release removed. */
    public static final Compensation UNDO_SWITCH = new UndoSwitch();
    /** Undoes marking a release good: the previous marker back, or none. */
    public static final Compensation UNDO_MARK_GOOD = new UndoMarkGood();
    /** Pruning is not undone: it never deletes a release a rollback needs. */
    public static final Compensation NOTHING_TO_UNDO = new Compensation() {
        @Override
        public void compensate(StepContext ctx) {
            // pruned releases were neither current, nor marked good, nor a pending rollback target
        }

        @Override
        public String toString() {
            return "nothing to undo (pruned releases were not needed for any rollback)";
        }
    };

    private ReleaseOps() {
    }

    public static Path releases(Path base) {
        return base.resolve("releases");
    }

    public static Path current(Path base) {
        return base.resolve("current");
    }

    public static Path goodMarker(Path base) {
        return releases(base).resolve(".good");
    }

    public static Path pendingDir(Path base) {
        return releases(base).resolve(".pending");
    }

    public static Path deployLog(Path base) {
        return releases(base).resolve(DEPLOY_LOG);
    }

    /** {@code releases/<version>} as the text of the {@code current} link. */
    public static String linkText(String version) {
        return "releases/" + version;
    }

    /**
     * A version is one path segment of letters, digits, '.', '_', '+' and '-' not starting with
     * '.' (so {@code ..}, {@code ../x}, {@code /etc} and {@code .good} are all refused).
     */
    public static String checkVersion(String step, Path base, String version) {
        if (version == null || version.isBlank()) {
            throw new dev.backstep.PlanDefinitionException(null, step, "a release version must not be blank, was "
                    + (version == null ? null : "'" + version + "'"));
        }
        Path rel = releases(base);
        boolean separator = version.indexOf('/') >= 0 || version.indexOf('\\') >= 0;
        Path resolved = separator || version.equals("..") || version.equals(".")
                ? rel.resolve(version).normalize() : rel.resolve(version);
        if (separator || version.equals("..") || version.equals(".") || !resolved.startsWith(rel)
                || !rel.equals(resolved.getParent())) {
            throw new PathEscapeException(step, resolved, rel, "release version '" + version
                    + "' is not a single directory name inside " + rel + " (it resolves to " + resolved + ")");
        }
        if (version.contains(FAILED)) {
            throw new dev.backstep.PlanDefinitionException(null, step, "invalid release version '" + version + "': '" + FAILED
                    + "' names the kept copy of a failed release");
        }
        if (!VERSION.matcher(version).matches()) {
            throw new dev.backstep.PlanDefinitionException(null, step, "invalid release version '" + version
                    + "': use letters, digits, '.', '_', '+' and '-', starting with a letter or digit (at most 128)");
        }
        return version;
    }

    /**
     * The base is a directory; {@code releases} (if present) is a real directory inside it, not a
     * link that leads elsewhere; {@code current} (if present) is a symbolic link.
     */
    public static void checkLayout(String step, Path base) {
        Path realBase = TargetFiles.realBase(step, base);
        Path rel = releases(base);
        if (Files.exists(rel, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(rel)) {
                String where;
                try {
                    where = rel.toRealPath().toString();
                } catch (IOException e) {
                    where = "nowhere (dangling)";
                }
                throw new PathEscapeException(step, rel, base, rel + " is a symbolic link to " + where
                        + "; releases must be a real directory inside " + realBase);
            }
            if (!Files.isDirectory(rel, LinkOption.NOFOLLOW_LINKS)) {
                throw new StepValidationException(step, rel + " is a file, not a directory");
            }
            if (!Files.isWritable(rel)) {
                throw new StepValidationException(step, "directory " + rel + " is not writable");
            }
            for (Path p : List.of(pendingDir(base), goodMarker(base), deployLog(base))) {
                if (Files.isSymbolicLink(p)) {
                    throw new PathEscapeException(step, p, base, p + " is a symbolic link; refusing to follow it");
                }
            }
            if (Files.exists(pendingDir(base)) && !Files.isDirectory(pendingDir(base))) {
                throw new StepValidationException(step, pendingDir(base) + " is a file, not a directory");
            }
            if (Files.exists(deployLog(base)) && !Files.isRegularFile(deployLog(base))) {
                throw new StepValidationException(step, deployLog(base) + " is not a regular file");
            }
        } else if (!Files.isWritable(base)) {
            throw new StepValidationException(step, "base directory " + base + " is not writable");
        }
        Path cur = current(base);
        if (Files.exists(cur, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(cur)) {
            throw new StepValidationException(step, cur + " is a " + (Files.isDirectory(cur) ? "directory" : "file")
                    + ", not a symbolic link; move it away before the first switch");
        }
        if (!Files.isWritable(base)) {
            throw new StepValidationException(step, "base directory " + base + " is not writable");
        }
    }

    /** The text of the {@code current} link, if there is one. */
    public static Optional<String> readCurrent(Path base) throws IOException {
        try {
            return Optional.of(Files.readSymbolicLink(current(base)).toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.file.NotLinkException e) {
            throw new IOException(current(base) + " is not a symbolic link", e);
        }
    }

    /** The release version a link text names, when it names {@code releases/<version>} of this base. */
    public static Optional<String> versionOf(Path base, String linkText) {
        Path target = base.resolve(linkText).normalize();
        Path parent = target.getParent();
        if (parent == null || target.getFileName() == null) {
            return Optional.empty();
        }
        String v = target.getFileName().toString();
        if (!VERSION.matcher(v).matches()) {
            return Optional.empty();
        }
        if (parent.equals(releases(base))) {
            return Optional.of(v);
        }
        try {
            if (Files.exists(parent) && parent.toRealPath().equals(releases(base).toRealPath())) {
                return Optional.of(v);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public static Optional<String> currentVersion(Path base) throws IOException {
        Optional<String> link = readCurrent(base);
        return link.isPresent() ? versionOf(base, link.get()) : Optional.empty();
    }

    public static Optional<String> goodVersion(Path base) throws IOException {
        Path g = goodMarker(base);
        if (!Files.isRegularFile(g, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String v = Files.readString(g, StandardCharsets.UTF_8).strip();
        return VERSION.matcher(v).matches() ? Optional.of(v) : Optional.empty();
    }

    /** Run id to the version its not-yet-finished deploy or switch would roll back to. */
    public static Map<String, String> pending(Path base) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Path dir = pendingDir(base);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8).strip());
                }
            }
        }
        return out;
    }

    /** Release versions present (directories or links to directories), in {@link VersionOrder}. */
    public static List<String> versions(Path base) throws IOException {
        List<String> out = releaseEntries(base, (n, p) -> VERSION.matcher(n).matches() && !n.contains(FAILED)
                && Files.isDirectory(p));
        out.sort(VersionOrder.INSTANCE);
        return out;
    }

    /** The names of the entries of {@code releases/} that {@code keep} accepts; none without that directory. */
    private static List<String> releaseEntries(Path base, BiPredicate<String, Path> keep) throws IOException {
        List<String> out = new ArrayList<>();
        Path rel = releases(base);
        if (!Files.isDirectory(rel, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(rel)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (keep.test(n, p)) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Whether a name in {@code releases/} is the kept copy of a failed release. */
    public static boolean isFailedCopy(String name) {
        return name.contains(FAILED) && VERSION.matcher(name).matches();
    }

    /**
     * The kept copies of failed releases ({@code <version>.failed-<run id>}), oldest run first
     * (generated run ids sort by start time).
     */
    public static List<String> failedCopies(Path base) throws IOException {
        List<String> out = releaseEntries(base, (n, p) -> isFailedCopy(n));
        out.sort(java.util.Comparator.comparing((String n) -> n.substring(n.indexOf(FAILED) + FAILED.length()))
                .thenComparing(n -> n));
        return out;
    }

    /**
     * Keeps a release a failed run created as {@code releases/<version>.failed-<run id>} (renamed,
     * never copied; a linked release is renamed as a link, not followed) for an incident review,
     * owner-only, until a {@code keep(n)} prunes it. Returns the new name.
     */
    public static String keepFailedRelease(Path base, String version, String runId) throws IOException {
        if (!VERSION.matcher(version).matches() || version.contains(FAILED)) {
            throw new IOException("refusing to move release '" + version + "': not a version name");
        }
        Path rel = releases(base);
        Path dir = rel.resolve(version);
        String run = runId.replaceAll("[^A-Za-z0-9._-]", "_");
        String stem = version + FAILED + run.substring(0, Math.min(run.length(), 255 - 3 - version.length()
                - FAILED.length()));
        String name = stem;
        for (int i = 2; Files.exists(rel.resolve(name), LinkOption.NOFOLLOW_LINKS); i++) {
            name = stem + "-" + i; // an earlier attempt of the same run was kept already
        }
        Path kept = rel.resolve(name);
        Files.move(dir, kept, StandardCopyOption.ATOMIC_MOVE);
        if (Files.isDirectory(kept, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(kept, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        FileOps.fsyncDir(rel);
        return name;
    }

    /** Removes a bookkeeping directory once nothing is left in it, so a rollback leaves no trace. */
    static void removeIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException stillUsed) {
            // other runs' markers are still there
        }
    }

    /**
     * The rollback marks (run id to release) of the {@code n} newest runs, oldest first: generated
     * run ids sort by start time.
     */
    public static List<Map.Entry<String, String>> newestMarks(Path base, int n) throws IOException {
        // an empty mark (earlier builds wrote one for a first deploy) protects nothing: it expires
        List<Map.Entry<String, String>> all = new ArrayList<>(pending(base).entrySet().stream()
                .filter(e -> !e.getValue().isEmpty()).toList());
        return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /** One line of the deploy log. */
    public record LogEntry(String version, String runId, String at) {
        String line() {
            return version + "\t" + runId + "\t" + at + "\n";
        }
    }

    /**
     * The deploy log, oldest first; lines that are not {@code version TAB run TAB time} (a hand
     * edit) are skipped. Empty when there is none.
     */
    public static List<LogEntry> readLog(Path base) throws IOException {
        Path log = deployLog(base);
        if (Files.isSymbolicLink(log)) {
            throw new IOException(log + " is a symbolic link; refusing to follow it");
        }
        if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<LogEntry> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (f.length == 3 && VERSION.matcher(f[0]).matches() && !f[1].isEmpty()) {
                out.add(new LogEntry(f[0], f[1], f[2]));
            } else if (!line.isBlank()) {
                LOG.warn("{}: skipping a line that is not 'version<TAB>run<TAB>time'", log);
            }
        }
        return out;
    }

    /** Replaces the deploy log atomically (temp, fsync, rename); removes it when empty. */
    public static void writeLog(Path base, List<LogEntry> entries) throws IOException {
        Path log = deployLog(base);
        if (entries.isEmpty()) {
            if (Files.deleteIfExists(log)) {
                FileOps.fsyncDir(releases(base));
            }
            return;
        }
        StringBuilder b = new StringBuilder(entries.size() * 64);
        entries.forEach(e -> b.append(e.line()));
        FileOps.atomicWrite(log, b.toString().getBytes(StandardCharsets.UTF_8), "0644", null, null,
                FileOps.tempSibling(log), FaultHook.NONE);
    }

    /**
     * Appends this run's deploy of {@code version} to the log, once (a retry does not add it again).
     *
     * @return true when it wrote the log, which syncs {@code releases/} (so also a release
     *     directory just renamed into it); false when the log had the line already
     */
    public static boolean logDeploy(Path base, String version, String runId, Instant at) throws IOException {
        List<LogEntry> entries = new ArrayList<>(readLog(base));
        if (entries.stream().anyMatch(e -> e.version().equals(version) && e.runId().equals(runId))) {
            return false;
        }
        entries.add(new LogEntry(version, runId, at.toString()));
        writeLog(base, entries);
        return true;
    }

    /** Removes this run's deploy of {@code version} from the log (a rollback of that deploy). */
    public static void unlogDeploy(Path base, String version, String runId) throws IOException {
        List<LogEntry> entries = readLog(base);
        List<LogEntry> kept = entries.stream()
                .filter(e -> !(e.version().equals(version) && e.runId().equals(runId))).toList();
        if (kept.size() != entries.size()) {
            writeLog(base, kept);
        }
    }

    /**
     * Releases in deploy order, oldest first: the versions of the log whose directory exists, each
     * at the place of its latest deploy. Directories the log does not name are not in it.
     */
    public static List<String> deployOrder(Path base) throws IOException {
        Set<String> present = new HashSet<>(versions(base));
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (LogEntry e : readLog(base)) {
            if (present.contains(e.version())) {
                order.remove(e.version());
                order.add(e.version());
            }
        }
        return List.copyOf(order);
    }

    /** Writes the pending marker of this run: the version a rollback would return to. */
    public static void writePending(Path marker, String previousVersion) throws IOException {
        FileOps.ensurePrivateDir(marker.getParent());
        FileOps.writePrivateFile(marker, (previousVersion + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Points {@code current} at {@code linkText} atomically: a new link {@code current.tmp-…} is
     * renamed over {@code current}, so {@code current} always exists (old or new), then the base
     * directory is synced.
     *
     * @param recordTmp told the temp link's path before it is created (null in compensations)
     */
    public static void switchCurrent(Path base, String linkText, FaultHook hook, Consumer<String> recordTmp)
            throws IOException {
        Path tmp = base.resolve("current.tmp-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        if (recordTmp != null) {
            recordTmp.accept(tmp.toString());
        }
        Files.createSymbolicLink(tmp, Path.of(linkText));
        boolean done = false;
        try {
            hook.at("before-switch");
            Files.move(tmp, current(base), StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        FileOps.fsyncDir(base);
    }

    /**
     * Records base, version and where {@code current} points now (once per run: a retry keeps what
     * the first attempt saw), and writes this run's pending rollback target so that pruning keeps it.
     */
    public static void capturePrevious(StepContext ctx, Path base, String version) throws IOException {
        // collected and journaled with one sync; the pending marker is written after its path is durable
        Map<String, String> values = new LinkedHashMap<>();
        if (ctx.recorded(BASE).isEmpty()) {
            values.put(BASE, base.toString());
        }
        if (ctx.recorded(VERSION_KEY).isEmpty()) {
            values.put(VERSION_KEY, version);
        }
        if (ctx.recorded(HAD_CURRENT).isEmpty()) {
            Optional<String> previous = readCurrent(base);
            previous.ifPresent(p -> values.put(PREVIOUS, p));
            Optional<String> previousVersion = previous.flatMap(p -> versionOf(base, p));
            Path marker = pendingDir(base).resolve(ctx.runId().value());
            if (previousVersion.isPresent()) {
                // no mark without a release to go back to: it would protect nothing
                values.put(PENDING, marker.toString());
            }
            values.put(HAD_CURRENT, Boolean.toString(previous.isPresent()));
            ctx.recordAll(values);
            if (previousVersion.isPresent()) {
                writePending(marker, previousVersion.get());
            }
        } else {
            ctx.recordAll(values);
            // a retry after an attempt that failed between the journal sync and the marker
            Optional<String> pending = ctx.recorded(PENDING);
            Optional<String> previousVersion = ctx.recorded(PREVIOUS).flatMap(p -> versionOf(base, p));
            if (pending.isPresent() && previousVersion.isPresent() && !Files.exists(Path.of(pending.get()))) {
                writePending(Path.of(pending.get()), previousVersion.get());
            }
        }
    }

    /** Switches {@code current} to {@code releases/<version>}, recording the temp link first. */
    public static void switchTo(StepContext ctx, Path base, String version, FaultHook hook) throws IOException {
        switchCurrent(base, linkText(version), hook, tmp -> ctx.record(CURRENT_TMP, tmp));
    }

    /** The release directory exists (following a link for linked releases). */
    public static void checkReleaseExists(String step, Path base, String version) {
        Path dir = releases(base).resolve(version);
        if (!Files.isDirectory(dir)) {
            throw new StepValidationException(step, "release " + version + " does not exist ("
                    + dir + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? " is not a directory)" : " is missing)"));
        }
    }

    /** Removes {@code current.tmp-…} links an interrupted switch left behind. */
    public static void deleteStaleSwitchLinks(Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, "current.tmp-*")) {
            for (Path p : ds) {
                if (CURRENT_TMP_NAME.matcher(p.getFileName().toString()).matches() && Files.isSymbolicLink(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Deletes {@code releases/<version>} (a link only as a link), refusing anything outside releases. */
    public static void deleteRelease(Path base, String version) throws IOException {
        deleteReleaseUnsynced(base, version);
        FileOps.fsyncDir(releases(base));
    }

    /** Like {@link #deleteRelease} without syncing {@code releases/}: for many deletions, sync once after. */
    public static void deleteReleaseUnsynced(Path base, String version) throws IOException {
        if (!VERSION.matcher(version).matches()) {
            throw new IOException("refusing to delete release '" + version + "': not a version name");
        }
        FileOps.deleteRecursively(releases(base).resolve(version));
    }

    /**
     * The target of {@code current} that a switch back would restore ({@code previous}, a link
     * text) exists as a directory.
     *
     * @throws FileStepException naming the missing release otherwise
     */
    public static void checkSwitchBackTarget(String step, Path base, String previous) {
        Path target = base.resolve(previous).normalize();
        if (!Files.isDirectory(target)) {
            String what = versionOf(base, previous).map(v -> "release " + v).orElse(previous);
            throw new FileStepException(step, current(base), "cannot switch " + current(base) + " back to " + what
                    + ": " + target + " is missing (pruned or deleted since); " + current(base)
                    + " is left as it is", null);
        }
    }

    private static final class UndoSwitch implements Compensation {
        @Override
        public void compensate(StepContext ctx) throws IOException {
            Optional<String> b = ctx.recorded(BASE);
            if (b.isEmpty()) {
                return;
            }
            Path base = Path.of(b.get());
            Optional<String> tmp = ctx.recorded(CURRENT_TMP);
            if (tmp.isPresent() && Files.isSymbolicLink(Path.of(tmp.get()))) {
                Files.deleteIfExists(Path.of(tmp.get()));
            }
            deleteStaleSwitchLinks(base);
            Optional<String> staging = ctx.recorded(STAGING);
            if (staging.isPresent()) {
                Path s = Path.of(staging.get());
                if (s.startsWith(releases(base)) && s.getFileName().toString().startsWith(".tmp-")) {
                    FileOps.deleteRecursively(s);
                }
            }
            String version = ctx.recorded(VERSION_KEY).orElse(null);
            Optional<String> hadCurrent = ctx.recorded(HAD_CURRENT);
            if (hadCurrent.isPresent()) {
                Optional<String> now = readCurrent(base);
                Optional<String> nowVersion = now.isPresent() ? versionOf(base, now.get()) : Optional.empty();
                boolean ours = now.isEmpty() || (version != null && nowVersion.equals(Optional.of(version)));
                if (Boolean.parseBoolean(hadCurrent.get())) {
                    String previous = ctx.recorded(PREVIOUS).orElseThrow(() -> new FileStepException(ctx.stepName(),
                            current(base), "cannot switch " + current(base) + " back: the journal has no 'previous'", null));
                    if (!now.equals(Optional.of(previous))) {
                        if (!ours) {
                            throw new FileStepException(ctx.stepName(), current(base), current(base) + " points to "
                                    + now.get() + ", not to release " + version + " that this step switched to;"
                                    + " not switching it back to " + previous + " (it changed since)", null);
                        }
                        checkSwitchBackTarget(ctx.stepName(), base, previous);
                        switchCurrent(base, previous, FaultHook.NONE, null);
                    }
                } else if (now.isPresent()) {
                    if (!ours) {
                        throw new FileStepException(ctx.stepName(), current(base), current(base) + " points to "
                                + now.get() + ", not to release " + version + " that this step created it for;"
                                + " not removing it (it changed since)", null);
                    }
                    Files.delete(current(base));
                    FileOps.fsyncDir(base);
                }
            }
            if (version != null) {
                unlogDeploy(base, version, ctx.runId().value());
            }
            if (version != null && "true".equals(ctx.recorded(CREATED).orElse(null))) {
                if (currentVersion(base).equals(Optional.of(version))) {
                    LOG.warn("release {} in {} is current again; it is kept", version, base);
                } else if (Files.exists(releases(base).resolve(version), LinkOption.NOFOLLOW_LINKS)) {
                    String kept = keepFailedRelease(base, version, ctx.runId().value());
                    LOG.info("kept failed release {} of {} as {}", version, base, linkText(kept));
                }
            }
            Optional<String> pending = ctx.recorded(PENDING);
            if (pending.isPresent()) {
                Path p = Path.of(pending.get());
                if (p.startsWith(pendingDir(base))) {
                    Files.deleteIfExists(p);
                    removeIfEmpty(pendingDir(base));
                }
            }
        }

        /**
         * Before a rollback of a finished run: the release to switch back to still exists (else
         * refused, whatever the options), and the run did not make the first release (its
         * rollback would leave no {@code current}: refused unless {@code FORCE}).
         */
        @Override
        public void precheck(StepContext ctx, Set<RollbackOption> options) {
            Optional<String> b = ctx.recorded(BASE);
            Optional<String> hadCurrent = ctx.recorded(HAD_CURRENT);
            if (b.isEmpty() || hadCurrent.isEmpty()) {
                return; // current was never switched: the compensation only cleans up
            }
            Path base = Path.of(b.get());
            String version = ctx.recorded(VERSION_KEY).orElse("?");
            if (Boolean.parseBoolean(hadCurrent.get())) {
                ctx.recorded(PREVIOUS).ifPresent(previous -> checkSwitchBackTarget(ctx.stepName(), base, previous));
            } else if (!options.contains(RollbackOption.FORCE)) {
                throw new RollbackRefusedException("release " + version + " was the first release of " + base
                        + ": there are no older releases to roll back to (the rollback would remove "
                        + current(base) + "); use RollbackOption.FORCE to remove it anyway");
            }
        }

        @Override
        public String toString() {
            return "switch current back to the recorded release (and remove a release this run created)";
        }
    }

    private static final class UndoMarkGood implements Compensation {
        @Override
        public void compensate(StepContext ctx) throws IOException {
            Optional<String> b = ctx.recorded(BASE);
            Optional<String> hadGood = ctx.recorded(HAD_GOOD);
            if (b.isEmpty() || hadGood.isEmpty()) {
                return;
            }
            Path base = Path.of(b.get());
            Optional<String> now = goodVersion(base);
            Optional<String> version = ctx.recorded(VERSION_KEY);
            if (now.isPresent() && !now.equals(version)) {
                LOG.info("{} marks {} good now, not {}; leaving it", goodMarker(base), now.get(), version.orElse("?"));
                return;
            }
            if (Boolean.parseBoolean(hadGood.get())) {
                String previous = ctx.recorded(PREVIOUS_GOOD).orElseThrow();
                FileOps.atomicWrite(goodMarker(base), (previous + "\n").getBytes(StandardCharsets.UTF_8), "0644",
                        null, null, FileOps.tempSibling(goodMarker(base)), FaultHook.NONE);
            } else if (Files.deleteIfExists(goodMarker(base))) {
                FileOps.fsyncDir(releases(base));
            }
        }

        @Override
        public String toString() {
            return "restore the previous good-release marker";
        }
    }
}
