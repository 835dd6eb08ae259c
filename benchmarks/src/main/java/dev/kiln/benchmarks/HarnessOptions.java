package dev.kiln.benchmarks;

/** The harnesses' {@code --name value} options. */
final class HarnessOptions {
    private HarnessOptions() {}

    /** The value after {@code name} in {@code args}, or {@code fallback} when it is not given. */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
