/** Implementation of the file steps; not API, may change at any time. */
package dev.backstep.files.internal;
