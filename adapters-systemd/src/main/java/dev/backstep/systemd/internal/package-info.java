/** Implementation of the systemd adapter; may change at any time. */
package dev.backstep.systemd.internal;
