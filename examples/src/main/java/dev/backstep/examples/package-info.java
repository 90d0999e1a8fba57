/**
 * Runnable examples: {@link dev.backstep.examples.Demo} (a real deploy, a failing health check and
 * its rollback) and {@link dev.backstep.examples.RollbackTool}, a {@code rollback.sh} built on the
 * runner.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples -am test-compile exec:java
 * }</pre>
 */
package dev.backstep.examples;
