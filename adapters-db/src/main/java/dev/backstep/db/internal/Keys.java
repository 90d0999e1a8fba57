package dev.backstep.db.internal;

/** Recorded value keys of the database steps (besides {@link Target}'s). */
public final class Keys {
    public static final String RESTORE_ON_ROLLBACK = "restoreOnRollback";
    public static final String SNAPSHOT = "snapshot";
    public static final String SNAPSHOT_SHA256 = "snapshotSha256";
    public static final String SNAPSHOT_SIZE = "snapshotSize";
    public static final String SOURCE = "source";
    public static final String SOURCE_SHA256 = "sourceSha256";
    public static final String SAFETY = "safetySnapshot";
    public static final String SAFETY_SHA256 = "safetySnapshotSha256";
    public static final String DOWN = "down";
    public static final String COMMITTED = "committed";
    public static final String MODE = "snapshotMode";
    public static final String CLONE = "templateSnapshot";
    public static final String CLONE_OLD = "templateSnapshotSwapName";
    public static final String CLONE_OID = "templateSnapshotOid";
    public static final String CLONE_OWNER = "templateSnapshotOwner";
    public static final String TERMINATE = "terminateConnections";
    public static final String JOBS = "restoreJobs";

    private Keys() {
    }
}
