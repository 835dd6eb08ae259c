package dev.kiln.nlp.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} options, {@code --flag} switches and positional
 * words. Unknown options, missing values and malformed numbers are {@link UsageException}s that
 * name the option and what was expected.
 */
final class CommandLine {
    private final String command;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Thrown for arguments the command does not accept; the message says what was wrong. */
    @SuppressWarnings("serial") // never serialized: Kiln does not use Java serialization
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private CommandLine(String command) {
        this.command = command;
    }

    /** Parses {@code args}: options in {@code valued} take a value, those in {@code switches} do not. */
    static CommandLine parse(String command, List<String> args, Set<String> valued, Set<String> switches) throws UsageException {
        CommandLine line = new CommandLine(command);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                line.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (switches.contains(name) && value == null) {
                line.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(command + ": --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                line.options.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option --" + name + " (see " + command + " --help)");
            }
        }
        return line;
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    List<String> positional() {
        return positional;
    }

    String string(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    Path path(String name, Path fallback) {
        return options.containsKey(name) ? Path.of(options.get(name)) : fallback;
    }

    int integer(String name, int fallback, int min) throws UsageException {
        long value = longValue(name, fallback);
        if (value < min || value > Integer.MAX_VALUE) {
            throw new UsageException(command + ": --" + name + " must be between " + min + " and " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    long longValue(String name, long fallback) throws UsageException {
        if (!options.containsKey(name)) {
            return fallback;
        }
        try {
            return Long.parseLong(options.get(name));
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a whole number, got '" + options.get(name) + "'");
        }
    }

    float positiveFloat(String name, float fallback) throws UsageException {
        if (!options.containsKey(name)) {
            return fallback;
        }
        try {
            float value = Float.parseFloat(options.get(name));
            if (!(value > 0) || !Float.isFinite(value)) {
                throw new UsageException(command + ": --" + name + " must be a positive number, got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a number, got '" + options.get(name) + "'");
        }
    }
}
