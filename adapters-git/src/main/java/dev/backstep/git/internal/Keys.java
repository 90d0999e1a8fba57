package dev.backstep.git.internal;

/** Names of the values git steps record for their compensations. */
public final class Keys {
    /** Absolute top level of the work tree. */
    public static final String REPO = "repo";
    /** The git executable the step used. */
    public static final String GIT = "git";
    /** {@code true} when HEAD was detached before the step. */
    public static final String DETACHED = "detached";
    /** The branch HEAD was attached to before the step (absent when detached). */
    public static final String BRANCH = "branch";
    /** {@code true} when the work tree had no change before the step. */
    public static final String CLEAN = "clean";
    /** The commit HEAD was at before the step; recorded last of the HEAD state. */
    public static final String HEAD = "head";
    /** The commit the step moves HEAD to (or tags). */
    public static final String TARGET = "target";
    /** The unique message of the stash the step creates, recorded before stashing. */
    public static final String STASH_MESSAGE = "stashMessage";
    /** The commit of that stash, recorded right after stashing. */
    public static final String STASH = "stash";
    /** The remote a fetch or pull reads. */
    public static final String REMOTE = "remote";
    /** A file listing the remote-tracking refs and tags before fetching. */
    public static final String REFS_BEFORE = "refsBefore";
    /** A file listing what fetching changed: ref, old value, new value. */
    public static final String REFS_CHANGED = "refsChanged";
    /** The tag a tag step creates. */
    public static final String TAG = "tag";
    /** {@code true} when the tag existed before the step (then undo leaves it alone). */
    public static final String TAG_EXISTED = "tagExisted";
    /** The value of the created tag ref (the tag object of an annotated tag). */
    public static final String TAG_REF = "tagRef";

    private Keys() {
    }
}
