package dev.kiln.checkpoint.callback;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ModelCheckpoint filepath such as {@code "ckpt/weights.{epoch:02d}-{val_loss:.2f}.kiln"}:
 * Python str.format fields with the specs Keras users write ({@code d} with optional zero-padded
 * width for integers, {@code .Nf} / {@code .Ne} for decimals, none for the default form). It is
 * parsed when the callback is built, so a malformed template fails then, not at epoch 7; it is
 * formatted with Locale.ROOT, so a German locale does not write "0,81".
 */
public final class FilepathTemplate {
    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?\\d*)(?:\\.(\\d+))?([dfe]?))?}");

    private record Part(String literal, String key, String spec) {}

    private final String template;
    private final List<Part> parts = new ArrayList<>();

    /** Parses {@code template}; an empty or malformed one is an {@code IllegalArgumentException}. */
    public FilepathTemplate(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("ModelCheckpoint filepath is empty");
        }
        this.template = template;
        Matcher matcher = FIELD.matcher(template);
        int at = 0;
        while (matcher.find()) {
            literal(template.substring(at, matcher.start()));
            String width = matcher.group(2) == null ? "" : matcher.group(2);
            String precision = matcher.group(3);
            String kind = matcher.group(4) == null ? "" : matcher.group(4);
            String spec;
            if (kind.equals("d")) {
                if (precision != null) {
                    throw new IllegalArgumentException("ModelCheckpoint filepath '" + template + "': precision is not allowed with d");
                }
                spec = "%" + width + "d";
            } else if (kind.isEmpty() && precision == null && width.isEmpty()) {
                spec = null; // the default form
            } else {
                spec = "%" + width + (precision == null ? "" : "." + precision) + (kind.isEmpty() ? "f" : kind);
            }
            parts.add(new Part(null, matcher.group(1), spec));
            at = matcher.end();
        }
        literal(template.substring(at));
    }

    private void literal(String text) {
        if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0) {
            throw new IllegalArgumentException("ModelCheckpoint filepath '" + template + "': malformed field near '" + text
                    + "' (expected {name} or {name:spec}, e.g. {epoch:02d} or {val_loss:.2f})");
        }
        if (!text.isEmpty()) {
            parts.add(new Part(text, null, null));
        }
    }

    /** The path for these values (epoch 1-based, batch, and the logs); a missing key is an error naming it. */
    public String format(Map<String, Number> values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part.literal() != null) {
                out.append(part.literal());
                continue;
            }
            Number value = values.get(part.key());
            if (value == null) {
                throw new IllegalArgumentException("Failed to format this callback filepath: \"" + template + "\". Reason: '"
                        + part.key() + "' is not among " + values.keySet());
            }
            if (part.spec() == null) {
                out.append(value instanceof Double || value instanceof Float ? Double.toString(value.doubleValue()) : value);
            } else if (part.spec().endsWith("d")) {
                out.append(String.format(Locale.ROOT, part.spec(), value.longValue()));
            } else {
                out.append(String.format(Locale.ROOT, part.spec(), value.doubleValue()));
            }
        }
        return out.toString();
    }

    /** Whether the path changes with the epoch, batch or logs (a template with fields). */
    public boolean hasFields() {
        return parts.stream().anyMatch(part -> part.key() != null);
    }

    @Override
    public String toString() {
        return template;
    }
}
