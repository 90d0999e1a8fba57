/**
 * Git steps for Backstep plans: {@link dev.backstep.git.Git#checkout checkout},
 * {@link dev.backstep.git.Git#pull pull}, {@link dev.backstep.git.Git#fetch fetch},
 * {@link dev.backstep.git.Git#resetHard reset --hard} and {@link dev.backstep.git.Git#tag tag},
 * each undone exactly from the state it recorded before changing anything, and
 * {@link dev.backstep.git.Git#releases release lookup} by semantic version.
 *
 * <pre>{@code
 * Plan plan = Plan.named("deploy v1.3.0")
 *     .step(Git.fetch(repo, "origin"))
 *     .step(Git.checkout(repo, "v1.3.0").stashChanges())
 *     .step(Command.of("composer", "install", "--no-dev").in(repo))
 *     .build();
 * }</pre>
 */
package dev.backstep.git;
