/**
 * The {@code backstep} operator command: {@code backstep rollback} rolls back, lists, previews,
 * recovers and verifies runs from the journal named in a small config file.
 *
 * <pre>{@code
 * $ cli/bin/backstep rollback --config /etc/backstep.properties --service api --to-version v1.2.3 --dry-run
 * int code = BackstepCli.run(new String[] {"rollback", "--auto", "--json"}, System.out, System.err);
 * }</pre>
 */
package dev.backstep.cli;
