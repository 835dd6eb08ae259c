package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * The config both global pooling layers share, with Keras' keys: {@code name},
 * {@code data_format} and {@code keepdims}. Kiln's sequences are always steps by features and a
 * pooled value is one vector per example, so only Keras' defaults ("channels_last", false) are
 * taken; any other value is refused by name rather than ignored.
 */
final class GlobalPoolingConfig {
    static final String CHANNELS_LAST = "channels_last";

    private GlobalPoolingConfig() {}

    /** The layer's name from a saved config, after checking its keys and values. */
    static String name(PartConfig config) {
        config.requireOnly(List.of("name", "data_format", "keepdims"));
        config.getChoice("data_format", CHANNELS_LAST, List.of(CHANNELS_LAST));
        if (config.getBoolean("keepdims", false)) {
            throw config.invalid("keepdims", true, "false (the output is one vector per example)");
        }
        return config.getName();
    }

    /** The config a pooling layer of {@code type} named {@code name} saves: Keras' keys with their only values. */
    static PartConfig of(String type, String name) {
        return PartConfig.layer(type).put("name", name).put("data_format", CHANNELS_LAST).put("keepdims", false).build();
    }
}
