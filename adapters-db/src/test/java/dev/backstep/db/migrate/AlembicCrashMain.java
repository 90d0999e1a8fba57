package dev.backstep.db.migrate;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM of {@link AlembicIT}: upgrades with alembic, then hangs in the next step (after
 * announcing it) until the test kills it with SIGKILL.
 * Arguments: application dir, state dir, database URL (no password), marker file; the password
 * comes from the environment variable {@code CRASH_DB_PASSWORD}.
 */
public final class AlembicCrashMain {
    private AlembicCrashMain() {
    }

    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        Path state = Path.of(args[1]);
        Path reached = Path.of(args[3]);
        Plan plan = Plan.named("v3").target("shop")
                .step(Migrations.alembic(app).program(AlembicIT.ALEMBIC).config("alembic.ini")
                        .env("SHOP_DB_URL", args[2])
                        .env("SHOP_DB_PASSWORD", Secret.of(System.getenv("CRASH_DB_PASSWORD"))))
                .verify(Step.verification("hang", ctx -> {
                    Files.writeString(reached, "upgraded");
                    Thread.sleep(600_000);
                }))
                .build();
        Backstep.runner().journal(Journal.directory(state.resolve("journal"))).stateDir(state).build().run(plan);
    }
}
