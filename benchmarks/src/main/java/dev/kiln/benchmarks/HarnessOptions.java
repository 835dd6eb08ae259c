package dev.kiln.benchmarks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A harness's command line: {@code --name value} options and bare {@code --flag}s, each declared.
 * {@code --help} prints the usage and ends the program; an undeclared word, an option without its
 * value or a number that does not parse ends it with a message naming it (a misspelt option used
 * to be ignored, and the harness ran a full epoch with its defaults).
 */
final class HarnessOptions {
    private final String usage;
    private final Map<String, String> values;
    private final Set<String> flags;

    private HarnessOptions(String usage, Map<String, String> values, Set<String> flags) {
        this.usage = usage;
        this.values = values;
        this.flags = flags;
    }

    /**
     * Reads {@code args}, knowing the options that take a value and the flags that do not. On
     * {@code --help} or {@code -h} prints {@code usage} and exits 0; on anything else it does not
     * know, says so on standard error and exits 2.
     */
    static HarnessOptions parse(String[] args, String usage, Set<String> valued, Set<String> flagNames) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(usage);
                System.exit(0);
            } else if (flagNames.contains(arg)) {
                flags.add(arg);
            } else if (valued.contains(arg) && i + 1 < args.length) {
                values.put(arg, args[++i]);
            } else if (valued.contains(arg)) {
                fail(usage, arg + " needs a value");
            } else {
                fail(usage, "unknown option " + arg);
            }
        }
        return new HarnessOptions(usage, values, flags);
    }

    /** The value given for {@code name}, if any. */
    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The value given for {@code name}, or {@code fallback}. */
    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The whole number given for {@code name}, or {@code fallback}; exits with a message if it is not one. */
    long number(String name, long fallback) {
        return parsed(name, fallback, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The same for an int (a count, a size); exits with a message if it does not fit one. */
    int count(String name, int fallback) {
        return (int) parsed(name, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private long parsed(String name, long fallback, long min, long max) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(usage, name + " expects a whole number from " + min + " to " + max + ", got '" + text + "'");
        return fallback; // not reached: fail exits
    }

    /** Whether the flag {@code name} was given. */
    boolean flag(String name) {
        return flags.contains(name);
    }

    private static void fail(String usage, String problem) {
        System.err.println(problem + "\n" + usage);
        System.exit(2);
    }
}
