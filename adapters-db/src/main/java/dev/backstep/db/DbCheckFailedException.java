package dev.backstep.db;

/**
 * An integrity verification ({@link DbChecks}) found the database not as expected: too few rows,
 * a foreign key pointing nowhere, a query returning something else. Its failure rolls the run back.
 *
 * <pre>{@code
 * // row count of orders on postgres://app@db:5432/shop: expected at least <100> but was <3>
 * }</pre>
 */
public class DbCheckFailedException extends DbException {
    private static final long serialVersionUID = 1L;

    public DbCheckFailedException(String stepName, String problem) {
        super(stepName, problem);
    }
}
