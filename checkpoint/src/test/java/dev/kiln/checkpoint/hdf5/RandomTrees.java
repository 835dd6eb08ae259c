package dev.kiln.checkpoint.hdf5;

import dev.kiln.engine.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random HDF5 trees for the writer's tests: names, nesting, shapes, dtypes, attributes of every kind, wide groups. */
final class RandomTrees {
    private static final String LETTERS = "abcxyz_09:.-ÄéΩ✓ ";

    private RandomTrees() {}

    static Hdf5GroupBuilder tree(Random random) {
        Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
        fill(root, random, 0, new int[] {600});
        return root;
    }

    /** Fills {@code group} at {@code depth}; {@code budget[0]} objects are left to make in the whole tree. */
    private static void fill(Hdf5GroupBuilder group, Random random, int depth, int[] budget) {
        int attributes = random.nextInt(4);
        for (int i = 0; i < attributes; i++) {
            group.attribute("a" + i + name(random), value(random));
        }
        int children = random.nextInt(10) == 0 ? 20 + random.nextInt(400) : random.nextInt(depth < 3 ? 6 : 2);
        for (int i = 0; i < children && budget[0] > 0; i++, budget[0]--) {
            String name = i + "#" + name(random);
            if (random.nextInt(3) == 0 && depth < 6) {
                fill(group.group(name), random, depth + 1, budget);
            } else {
                group.dataset(name, data(random));
            }
        }
    }

    private static String name(Random random) {
        StringBuilder name = new StringBuilder();
        int length = 1 + random.nextInt(random.nextInt(20) == 0 ? 300 : 8);
        for (int i = 0; i < length; i++) {
            name.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        String text = name.toString();
        return text.equals(".") ? "dot" : text;
    }

    private static Hdf5Data data(Random random) {
        int rank = random.nextInt(4);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = 1 + random.nextInt(5);
        }
        Shape shape = Shape.of(dims);
        int n = shape.size();
        return switch (random.nextInt(4)) {
            case 0 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                yield Hdf5Data.float32(shape, v);
            }
            case 1 -> Hdf5Data.float64(shape, random.doubles(n).toArray());
            case 2 -> Hdf5Data.int32(shape, random.ints(n).toArray());
            default -> Hdf5Data.int64(shape, random.longs(n).toArray());
        };
    }

    private static Hdf5Value value(Random random) {
        List<String> strings = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            strings.add(random.nextInt(5) == 0 ? "" : random.nextInt(30) == 0 ? "long".repeat(2_000 + random.nextInt(5_000))
                    : name(random));
        }
        List<String> ascii = strings.stream().map(s -> s.replaceAll("[^\\x01-\\x7f]", "?")).toList();
        return switch (random.nextInt(9)) {
            case 0 -> Hdf5Value.utf8(strings.getFirst());
            case 1 -> Hdf5Value.utf8(strings);
            case 2 -> Hdf5Value.ascii(ascii.getFirst());
            case 3 -> Hdf5Value.ascii(ascii);
            case 4 -> Hdf5Value.fixedAscii(ascii.stream().map(s -> s.length() > 500 ? s.substring(0, 500) : s).toList());
            case 5 -> Hdf5Value.int64(random.nextLong());
            case 6 -> Hdf5Value.int64s(random.longs(random.nextInt(5)).toArray());
            case 7 -> Hdf5Value.float64(random.nextGaussian());
            default -> Hdf5Value.float64s(random.doubles(random.nextInt(5)).toArray());
        };
    }
}
