/**
 * Implementation of the git steps: the git command line wrapper, state capture and the
 * compensations. Not an API: may change at any time.
 */
package dev.backstep.git.internal;
