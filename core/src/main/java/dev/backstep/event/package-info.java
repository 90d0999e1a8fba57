/**
 * Run events: a {@link dev.backstep.event.RunListener} hears runs, steps and compensations start
 * and end; built-in listeners log through SLF4J or print progress.
 *
 * <pre>{@code
 * Runner runner = Backstep.runner().listener(RunListener.console(System.out)).build();
 * }</pre>
 */
package dev.backstep.event;
