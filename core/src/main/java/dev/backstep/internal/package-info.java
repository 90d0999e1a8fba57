/** The engine's implementation; not API, may change at any time. Other modules must not use it. */
package dev.backstep.internal;
