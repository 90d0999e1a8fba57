/**
 * The service provider interface for adapters and embedders: where runs are journaled
 * ({@link dev.backstep.spi.Journal}), how targets are locked ({@link dev.backstep.spi.Lock} and
 * the rules every lock shares, {@link dev.backstep.spi.Locks}), how commands run, how step types
 * are resolved for recovery ({@link dev.backstep.spi.StepTypeProvider}), which adapter evidence
 * kinds a rollback can rebuild ({@link dev.backstep.spi.EvidenceTypeProvider}), and the JSON encoding of
 * journal data ({@link dev.backstep.spi.JsonCodec}). For writing steps and their plumbing: the
 * base of every step class ({@link dev.backstep.spi.AbstractStep}) and of step contexts
 * ({@link dev.backstep.spi.AbstractStepContext}), undoing a half-done action before its failure
 * leaves the step ({@link dev.backstep.spi.UndoOnFailure}), checks of journaled command words
 * ({@link dev.backstep.spi.JournaledArgv}), and a base for journal wrappers
 * ({@link dev.backstep.spi.ForwardingJournal}). Modules other than core use only this
 * package and the public API, never an {@code internal} package.
 *
 * <pre>{@code
 * Runner runner = Backstep.runner().journal(Journal.directory(state)).lock(Lock.file(state)).build();
 * }</pre>
 */
package dev.backstep.spi;
