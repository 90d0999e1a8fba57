package dev.backstep.db.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One Laravel migration file written for a test (the artisan tests here and the examples' runbook
 * 000): {@code database/migrations/<name>.php} returning an anonymous class whose {@code up(PDO)}
 * executes {@code up} in order and whose {@code down(PDO)} executes {@code down}. Real {@code php
 * artisan migrate} runs what it writes.
 *
 * <pre>{@code
 * new ArtisanMigration("2024_03_01_000000_create_orders_table",
 *         List.of("CREATE TABLE orders (id INT PRIMARY KEY)"), List.of("DROP TABLE orders")).writeTo(app);
 * }</pre>
 */
public record ArtisanMigration(String name, List<String> up, List<String> down) {
    public ArtisanMigration {
        Objects.requireNonNull(name, "name");
        up = List.copyOf(up);
        down = List.copyOf(down);
    }

    /** Writes {@code ms} into {@code app}'s {@code database/migrations} (created if missing). */
    public static void writeAll(Path app, ArtisanMigration... ms) throws IOException {
        for (ArtisanMigration m : ms) {
            m.writeTo(app);
        }
    }

    /** Writes this migration into {@code app}'s {@code database/migrations}; returns the file. */
    public Path writeTo(Path app) throws IOException {
        List<String> lines = new ArrayList<>(List.of("<?php", "", "return new class {"));
        method(lines, "up", up);
        lines.add("");
        method(lines, "down", down);
        lines.add("};");
        Path dir = Files.createDirectories(app.resolve("database/migrations"));
        return Files.writeString(dir.resolve(name + ".php"), String.join("\n", lines) + "\n");
    }

    private static void method(List<String> lines, String name, List<String> statements) {
        lines.add("    public function " + name + "(PDO $db): void");
        lines.add("    {");
        for (String sql : statements) {
            lines.add("        $db->exec('" + sql.replace("\\", "\\\\").replace("'", "\\'") + "');");
        }
        lines.add("    }");
    }
}
