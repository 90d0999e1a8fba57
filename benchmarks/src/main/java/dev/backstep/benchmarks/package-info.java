/**
 * Benchmarks: journal append overhead against a bare fsync loop, and the engine's own cost per step.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar EngineBenchmark
 * }</pre>
 */
package dev.backstep.benchmarks;
