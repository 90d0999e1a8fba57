/** Implementation of the Docker Compose adapter; may change at any time. */
package dev.backstep.docker.internal;
