/** Implementation of the database adapter; not API, may change at any time. */
package dev.backstep.db.internal;
