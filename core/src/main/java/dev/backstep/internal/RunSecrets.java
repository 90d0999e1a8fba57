package dev.backstep.internal;

/** Every secret one run knows. */
final class RunSecrets {
    static final RunSecrets NONE = new RunSecrets();
}
