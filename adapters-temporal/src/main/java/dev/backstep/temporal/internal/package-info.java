/** Implementation of the Temporal adapter (workflows, activities, the host-side step context); may change at any time. */
package dev.backstep.temporal.internal;
