package dev.backstep.docker.internal;

import dev.backstep.StepContext;
import dev.backstep.check.LogSource;
import dev.backstep.docker.DockerException;
import dev.backstep.docker.DockerException.Reason;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The output (stdout and stderr) of a Compose service's containers, read with
 * {@code docker logs --timestamps --since}: a position is a time, in seconds and nanoseconds
 * since the epoch, on the engine's clock (this host's for a local engine). Containers removed
 * since (recreated by {@code up}) took their logs with them.
 */
public final class ComposeLog implements LogSource {
    private final Function<CommandRunner, ProjectSpec> project;
    private final String service;
    private final String description;

    public ComposeLog(Function<CommandRunner, ProjectSpec> project, String service, String description) {
        this.project = project;
        this.service = service;
        this.description = description;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String end(StepContext ctx) {
        return position(Instant.now());
    }

    @Override
    public Optional<String> at(Instant when, StepContext ctx) {
        return Optional.of(position(when));
    }

    private static String position(Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    @Override
    public String read(String from, StepContext ctx, LineSink sink) {
        Engine engine = new Engine(project.apply(ctx.commands()), ctx.commands());
        Instant next = parse(from);
        for (String container : engine.containers(service)) {
            CommandResult r = engine.docker(service, "logs", "--timestamps", "--since", from, container);
            if (r.truncated()) {
                throw new DockerException(Reason.COMMAND_FAILED, service, "the logs of service " + service
                        + " since " + from + " are too long to read whole");
            }
            for (String out : List.of(r.stdout(), r.stderr())) {
                for (String line : out.split("\n")) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    int sp = line.indexOf(' ');
                    String text = sp > 0 ? line.substring(sp + 1) : line;
                    if (sp > 0) {
                        try {
                            Instant t = Instant.parse(line.substring(0, sp));
                            if (t.isBefore(parse(from))) {
                                continue; // --since is inclusive
                            }
                            if (!t.isBefore(next)) {
                                next = t.plusNanos(1);
                            }
                        } catch (java.time.format.DateTimeParseException e) {
                            text = line;
                        }
                    }
                    if (!sink.accept(text)) {
                        return position(next);
                    }
                }
            }
        }
        return position(next);
    }

    private static Instant parse(String position) {
        int dot = position.indexOf('.');
        return Instant.ofEpochSecond(Long.parseLong(position.substring(0, dot)),
                Long.parseLong(position.substring(dot + 1)));
    }
}
