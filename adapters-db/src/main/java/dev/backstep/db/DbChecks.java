package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.StepValidationException;
import dev.backstep.db.internal.Jdbc;
import dev.backstep.db.internal.Target;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Data-integrity verifications (kind {@link StepKind#VERIFICATION}: no side effects, their failure
 * rolls the run back) on one database, read over JDBC.
 *
 * <pre>{@code
 * DbChecks check = Db.postgres(conn).check();
 * Plan.named("migrate").step(...)
 *     .verify(check.rowCount("orders").atLeast(1000))
 *     .verify(check.rowCount("customers").between(10, 1_000_000))
 *     .verify(check.foreignKeysValid())
 *     .verify(check.query("SELECT count(*) FROM orders WHERE total < 0").returnsSingle("0"))
 *     .build();
 * }</pre>
 *
 * <p>{@link #foreignKeysValid()} counts, for every foreign key the driver reports, the child rows
 * whose non-null key matches no parent row (SQLite: {@code PRAGMA foreign_key_check}). That finds
 * what the engine would not: rows written with checks off ({@code FOREIGN_KEY_CHECKS=0},
 * {@code session_replication_role=replica}, {@code REFERENTIAL_INTEGRITY FALSE}, SQLite's default)
 * and {@code NOT VALID} constraints. Immutable.
 */
public final class DbChecks {
    private final Target target;

    DbChecks(Target target) {
        this.target = target;
    }

    /** Starts a row count check of {@code table} ({@code name} or {@code schema.name}). */
    public RowCount rowCount(String table) {
        if (table == null || table.isBlank()) {
            throw new PlanDefinitionException(null, null, "the table name of a row count check on " + target.id()
                    + " is blank, was " + (table == null ? null : "'" + table + "'"));
        }
        return new RowCount(table);
    }

    /** Starts a check of a query that returns a single value. */
    public Query query(String sql) {
        return new Query(SqlStep.require(sql));
    }

    /** A verification that no row references a missing parent row. */
    public Step foreignKeysValid() {
        String name = "foreign keys valid in " + target.id();
        return Step.named(name)
                .kind(StepKind.VERIFICATION)
                .describe("check that every foreign key of " + target.id() + " points to an existing row")
                .validate(ctx -> connects(name))
                .action(ctx -> {
                    List<String> problems = new ArrayList<>();
                    try (Connection c = Jdbc.connect(target, name)) {
                        if (target.engine() == DbEngine.SQLITE) {
                            try (Statement s = c.createStatement();
                                 ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
                                while (rs.next()) {
                                    problems.add(rs.getString(1) + " row " + rs.getString(2) + " -> "
                                            + rs.getString(3));
                                }
                            }
                        } else {
                            for (Jdbc.ForeignKey fk : Jdbc.foreignKeys(c, target.engine())) {
                                long n = Jdbc.orphans(c, target.engine(), fk);
                                if (n > 0) {
                                    problems.add(fk.child().display() + fk.childColumns() + " -> "
                                            + fk.parent().display() + fk.parentColumns() + ": " + n
                                            + " row(s) without a parent (" + fk.name() + ")");
                                }
                            }
                        }
                    } catch (SQLException e) {
                        throw Jdbc.failure(name, target, "checking foreign keys", e);
                    }
                    if (!problems.isEmpty()) {
                        throw new DbCheckFailedException(name, "foreign keys of " + target.id() + " violated: "
                                + String.join("; ", problems.subList(0, Math.min(20, problems.size())))
                                + (problems.size() > 20 ? "; and " + (problems.size() - 20) + " more" : ""));
                    }
                })
                .build();
    }

    private void connects(String name) {
        try (Connection c = Jdbc.connect(target, name)) {
            c.isValid(30);
        } catch (DbException e) {
            throw new StepValidationException(name, e.getMessage().replaceFirst("^step '[^']*': ", ""));
        } catch (SQLException e) {
            throw new StepValidationException(name, Jdbc.failure(null, target, "connecting", e).getMessage());
        }
    }

    /** A row count check under construction. */
    public final class RowCount {
        private final String table;

        private RowCount(String table) {
            this.table = table;
        }

        /** Passes when the table has at least {@code min} rows. */
        public Step atLeast(long min) {
            return between(min, Long.MAX_VALUE);
        }

        /** Passes when the table has between {@code min} and {@code max} rows, both included. */
        public Step between(long min, long max) {
            if (min < 0 || max < min) {
                throw new PlanDefinitionException(null, null, "row count bounds of " + table + " on " + target.id()
                        + " are wrong: " + min + ".." + max);
            }
            String bounds = max == Long.MAX_VALUE ? "at least <" + min + ">" : "between <" + min + "> and <" + max + ">";
            String name = "row count of " + table + " in " + target.id();
            return Step.named(name)
                    .kind(StepKind.VERIFICATION)
                    .describe("check that " + table + " in " + target.id() + " has " + bounds.replace("<", "")
                            .replace(">", "") + " rows")
                    .validate(ctx -> {
                        connects(name);
                        try (Connection c = Jdbc.connect(target, name)) {
                            if (Jdbc.findTable(c, target.engine(), table).isEmpty()) {
                                throw new StepValidationException(name, "table " + table + " does not exist in "
                                        + target.id());
                            }
                        }
                    })
                    .action(ctx -> {
                        long n;
                        try (Connection c = Jdbc.connect(target, name)) {
                            Jdbc.Table t = Jdbc.findTable(c, target.engine(), table).orElseThrow(() ->
                                    new DbCheckFailedException(name, "table " + table + " does not exist in "
                                            + target.id()));
                            n = Jdbc.rowCount(c, target.engine(), t);
                        } catch (SQLException e) {
                            throw Jdbc.failure(name, target, "counting rows of " + table, e);
                        }
                        if (n < min || n > max) {
                            throw new DbCheckFailedException(name, "row count of " + table + " in " + target.id()
                                    + ": expected " + bounds + " but was <" + n + ">");
                        }
                    })
                    .build();
        }
    }

    /** A query check under construction. */
    public final class Query {
        private final String sql;

        private Query(String sql) {
            this.sql = sql;
        }

        /** Passes when the query returns exactly one row of one column equal to {@code expected}. */
        public Step returnsSingle(long expected) {
            return returnsSingle(String.valueOf(expected));
        }

        /** Passes when the query returns exactly one row of one column whose text is {@code expected}. */
        public Step returnsSingle(String expected) {
            PlanDefinitionException.requireNonNull(expected, null, "the expected value");
            String name = "query on " + target.id() + ": " + SqlStep.abbreviate(sql);
            return Step.named(name)
                    .kind(StepKind.VERIFICATION)
                    .describe("check that '" + SqlStep.abbreviate(sql) + "' returns " + expected)
                    .validate(ctx -> connects(name))
                    .action(ctx -> {
                        List<String> values = new ArrayList<>();
                        int columns;
                        try (Connection c = Jdbc.connect(target, name)) {
                            c.setReadOnly(target.engine() != DbEngine.SQLITE);
                            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                                columns = rs.getMetaData().getColumnCount();
                                while (rs.next() && values.size() < 3) {
                                    values.add(rs.getString(1));
                                }
                            }
                        } catch (SQLException e) {
                            throw Jdbc.failure(name, target, "running the check query", e);
                        }
                        if (columns != 1 || values.size() != 1) {
                            throw new DbCheckFailedException(name, "'" + SqlStep.abbreviate(sql) + "' on " + target.id()
                                    + ": expected a single value <" + expected + "> but got " + values.size()
                                    + (values.size() > 2 ? "+" : "") + " row(s) of " + columns + " column(s)");
                        }
                        if (!expected.equals(values.get(0))) {
                            throw new DbCheckFailedException(name, "'" + SqlStep.abbreviate(sql) + "' on " + target.id()
                                    + ": expected <" + expected + "> but was <" + values.get(0) + ">");
                        }
                    })
                    .build();
        }
    }
}
