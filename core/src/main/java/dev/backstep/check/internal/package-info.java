/** Implementation of the checks; not API, may change at any time. */
package dev.backstep.check.internal;
