package dev.kiln.engine.testing;

import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Nested JSON lists of numbers (reference fixtures) as flat float arrays and tensors. */
public final class JsonArrays {
    private JsonArrays() {}

    /** The numbers in row-major order. */
    public static float[] floats(Object nested) {
        List<Float> out = new ArrayList<>();
        flatten(nested, out);
        float[] values = new float[out.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = out.get(i);
        }
        return values;
    }

    /** A tensor with the nesting's shape (the first element of each level gives its size). */
    public static Tensor tensor(Object nested) {
        List<Integer> dims = new ArrayList<>();
        Object level = nested;
        while (level instanceof List<?> list && !list.isEmpty()) {
            dims.add(list.size());
            level = list.getFirst();
        }
        return Tensor.wrap(floats(nested), Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()));
    }

    private static void flatten(Object node, List<Float> out) {
        if (node instanceof List<?> list) {
            for (Object item : list) {
                flatten(item, out);
            }
        } else {
            out.add(((Number) node).floatValue());
        }
    }
}
