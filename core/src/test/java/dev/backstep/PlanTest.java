package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlanTest {

    static Step step(String name) {
        return Step.named(name).action(ctx -> { }).compensation(ctx -> { }).build();
    }

    @Test
    void rejectsAPlanWithoutSteps() {
        assertThatThrownBy(() -> Plan.named("empty").build()).isInstanceOf(PlanDefinitionException.class)
                .hasMessage("plan 'empty': it has no steps");
    }

    @Test
    void rejectsDuplicateStepNamesNamingThem() {
        assertThatThrownBy(() -> Plan.named("p").step(step("a")).step(step("a")).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("'a' is used twice");
    }

    @Test
    void rejectsDuplicatesAcrossParallelGroupsAndSubPlans() {
        Plan sub = Plan.named("sub").step(step("b")).build();
        assertThatThrownBy(() -> Plan.named("p").parallel(step("a"), step("b")).include(sub).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("'b' is used twice");
    }

    @Test
    void rejectsNullSteps() {
        assertThatThrownBy(() -> Plan.named("p").step(step("a")).step(null).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("step #2 is null");
        assertThatThrownBy(() -> Plan.named("p").parallel(step("a"), null).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("contains a null step");
        assertThatThrownBy(() -> Plan.named("p").verify(null).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("is null");
    }

    @Test
    void rejectsBlankNames() {
        assertThatThrownBy(() -> Plan.named(" ").step(step("a")).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("plan name is blank");
        assertThatThrownBy(() -> Step.named("").action(ctx -> { }).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> Plan.named("p").step(step("a").withName(" ")).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("blank name");
        assertThatThrownBy(() -> Plan.named("p").target("").step(step("a")).build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("target is blank");
    }

    @Test
    void rejectsEmptyParallelGroupsAndMissingActions() {
        assertThatThrownBy(() -> Plan.named("p").parallel().build())
                .isInstanceOf(PlanDefinitionException.class).hasMessageContaining("parallel group #1 is empty");
        assertThatThrownBy(() -> Step.named("x").build())
                .isInstanceOf(PlanDefinitionException.class).hasMessage("step 'x': it has no action");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> Plan.named("p").step(null).step(step("a")).step(step("a")).build())
                .hasMessageContaining("step #1 is null").hasMessageContaining("'a' is used twice");
    }

    @Test
    void targetDefaultsToThePlanName() {
        assertThat(Plan.named("shop").step(step("a")).build().target()).isEqualTo("shop");
        assertThat(Plan.named("shop").target("shop-prod").step(step("a")).build().target()).isEqualTo("shop-prod");
    }

    @Test
    void describesStagesKindsAndParallelGroups() {
        Plan plan = Plan.named("deploy").step(step("checkout")).parallel(step("warm"), step("index"))
                .step(Step.named("notify").action(ctx -> { }).build())
                .step(step("charge").asPivot())
                .verify(step("health")).build();

        assertThat(plan.describe()).contains("Plan 'deploy'").contains("1. checkout").contains("2. in parallel:")
                .contains("- warm").contains("3. notify [irreversible]").contains("4. charge [pivot]")
                .contains("5. health [verify]");
        assertThat(plan.steps()).extracting(Step::name)
                .containsExactly("checkout", "warm", "index", "notify", "charge", "health");
        assertThat(plan.stages().get(1).parallel()).isTrue();
    }

    @Test
    void rendersAMermaidFlowchartWithUndoEdges() {
        Plan plan = Plan.named("deploy").step(step("a")).parallel(step("b"), step("c")).verify(step("ok")).build();

        String m = plan.toMermaid();

        assertThat(m).startsWith("flowchart TD").contains("s0[\"a\"]").contains("s0 --> s1").contains("s0 --> s2")
                .contains("s3{{\"ok\"}}").contains("s1 --> s3").contains("s2 --> s3").contains("s3 --> done")
                .contains("s2 -. undo .-> s1").contains("s1 -. undo .-> s0");
    }

    @Test
    void decoratorsKeepTheStepAndChangeOnlyWhatTheySay() {
        Step base = step("a");
        Step d = base.withRetry(RetryPolicy.attempts(3)).withTimeout(java.time.Duration.ofSeconds(5)).asPivot();

        assertThat(d.name()).isEqualTo("a");
        assertThat(d.kind()).isEqualTo(StepKind.PIVOT);
        assertThat(d.policy().retry().maxAttempts()).isEqualTo(3);
        assertThat(d.policy().timeout()).contains(java.time.Duration.ofSeconds(5));
        assertThat(base.kind()).isEqualTo(StepKind.COMPENSATABLE);
    }

    @Test
    void retryPolicyRejectsNonsense() {
        assertThatThrownBy(() -> RetryPolicy.attempts(0)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> RetryPolicy.custom().backoff(java.time.Duration.ofMillis(10), 0.5).build())
                .hasMessageContaining("multiplier");
        assertThat(RetryPolicy.custom().backoff(java.time.Duration.ofMillis(100), 2.0)
                .maxDelay(java.time.Duration.ofMillis(300)).build().delayAfter(3)).isEqualTo(java.time.Duration.ofMillis(300));
    }

    @Test
    void compensationNoneNeedsAReason() {
        assertThatThrownBy(() -> Compensation.none(" ")).isInstanceOf(PlanDefinitionException.class)
                .hasMessage("Compensation.none needs a reason, was ' '");
        assertThat(Compensation.none("mail sent").irreversibleReason()).contains("mail sent");
    }

    @Test
    void runIdsAreSafeFileNames() {
        assertThatThrownBy(() -> RunId.of("../etc")).isInstanceOf(BackstepException.class)
                .hasMessageContaining("invalid run id '../etc'");
        java.time.Instant t = java.time.Instant.parse("2026-11-22T01:45:00Z");
        RunId first = RunId.generate(t);
        assertThat(RunId.generate(t)).isGreaterThan(first);
        assertThat(first.value())
                .matches("20261122-014500\\.000-\\d{6}[0-9a-f]{4}");
    }
}
