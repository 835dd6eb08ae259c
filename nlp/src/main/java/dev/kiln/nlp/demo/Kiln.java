package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.CheckpointTool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code kiln} command: {@code demo}, {@code train}, {@code predict}, and the checkpoint tools
 * {@code inspect}, {@code export}, {@code import}. Exit status: 0 done, 1 a failure (the message
 * names the file or value), 2 a usage error.
 */
public final class Kiln {
    static final String HELP = """
            usage: kiln COMMAND [options]      (kiln COMMAND --help for the options of one command)
              demo      the whole IMDB workflow: adapt, build, fit with checkpointing, plots, load the best
                        model, predict, continue training, test accuracy (--quick: under a minute)
              train     train a text model with checkpointing (--model seed, stacked, cnn or a Keras config FILE.json;
                        --target sentiment, rating or stars; epochs, ...)
              predict   answer for texts with a saved model (class and probabilities, or value)
              inspect   show a checkpoint's architecture, training state and tensor table, or a Keras model
                        file's (.keras, .h5) format, Keras version, layers and optimizer state
              export    write a model's config as Keras JSON (export --keras-json MODEL [--out FILE]), the whole model
                        as a Keras file (export --keras MODEL OUT.keras, or OUT.h5 --h5) or its weights as
                        safetensors (export --safetensors MODEL OUT)
              import    make a Kiln model file from a Keras model file (import --keras FILE OUT), Keras weights
                        with their config (import --keras WEIGHTS.h5 --config MODEL.json OUT) or safetensors
                        weights (import --safetensors IN --template MODEL OUT)
            """;

    private Kiln() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(List.of(args), System.in, System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs a command; {@code in} is what predict reads texts from when it is given none. */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.getFirst())) {
            out.print(HELP);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        boolean help = rest.contains("--help") || rest.contains("-h");
        try {
            switch (command) {
                case "demo" -> {
                    if (help) {
                        out.print(DemoCommand.HELP);
                    } else {
                        DemoCommand.run(rest, out);
                    }
                }
                case "train" -> {
                    if (help) {
                        out.print(TrainCommand.HELP);
                    } else {
                        TrainCommand.run(rest, out);
                    }
                }
                case "predict" -> {
                    if (help) {
                        out.print(PredictCommand.HELP);
                    } else {
                        PredictCommand.run(rest, in, out);
                    }
                }
                case "export" -> {
                    if (help) {
                        out.print(ExportCommand.HELP);
                    } else if (rest.stream().anyMatch(arg -> arg.startsWith("--keras"))) {
                        ExportCommand.run(rest, out);
                    } else {
                        return CheckpointTool.run(args, out, err);
                    }
                }
                case "import" -> {
                    if (help) {
                        out.print(ImportCommand.HELP);
                    } else if (rest.stream().anyMatch(arg -> arg.startsWith("--keras"))) {
                        ImportCommand.run(rest, out);
                    } else {
                        return CheckpointTool.run(args, out, err);
                    }
                }
                case "inspect" -> {
                    if (rest.size() == 1 && KerasModelCommands.isKerasFile(java.nio.file.Path.of(rest.getFirst()))) {
                        out.print(dev.kiln.checkpoint.keras.KerasModelFile.describe(java.nio.file.Path.of(rest.getFirst()),
                                SeedModel.kerasLayers()));
                    } else {
                        return CheckpointTool.run(args, out, err);
                    }
                }
                default -> throw new CommandLine.UsageException("unknown command '" + command + "'");
            }
            return 0;
        } catch (CommandLine.UsageException e) {
            err.println("kiln: " + e.getMessage());
            err.print(HELP);
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("kiln " + command + ": " + e.getMessage());
            return 1;
        }
    }
}
