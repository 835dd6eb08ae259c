package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.kernel.LstmCell;
import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * The fused LSTM: the forward pass over whole sequences and a hand-written backward pass through
 * time, as one operation. Only real tokens are computed.
 *
 * <p>Layout: sequences are ordered by length, longest first, and their tokens laid out time-major,
 * so the sequences still running at step t are always the first active[t] rows of the state and
 * step t's rows are contiguous. The input projection of every token is then one large GEMM; each
 * step adds h.U for its active rows (U packed once per call) and runs the vectorized cell. A
 * finished sequence's state rows are simply never touched again, so its final h stays in place.
 * Backward replays the steps in reverse with the saved gates, cell states and tanh(c), then
 * computes the weight gradients as three large GEMMs over all tokens.
 */
final class RecurrentOps {
    private final OpContext context;

    RecurrentOps(OpContext context) {
        this.context = context;
    }

    /** The schedule of one call: who runs at each step and where each time-major row comes from. */
    private record Schedule(int[] order, int[] active, int[] rowStart, int[] tokenRow, int steps, int tokens) {

        static Schedule of(int[] lengths, int[] offsets, boolean backwards) {
            int batch = lengths.length;
            Integer[] boxed = new Integer[batch];
            for (int s = 0; s < batch; s++) {
                boxed[s] = s;
            }
            Arrays.sort(boxed, (a, b) -> Integer.compare(lengths[b], lengths[a])); // stable: ties keep batch order
            int[] order = new int[batch];
            for (int j = 0; j < batch; j++) {
                order[j] = boxed[j];
            }
            int steps = batch == 0 ? 0 : lengths[order[0]];
            int[] active = new int[steps];
            int[] rowStart = new int[steps + 1];
            int running = batch;
            for (int t = 0; t < steps; t++) {
                while (running > 0 && lengths[order[running - 1]] <= t) {
                    running--;
                }
                active[t] = running;
                rowStart[t + 1] = rowStart[t] + running;
            }
            int tokens = rowStart[steps];
            int[] tokenRow = new int[tokens];
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < active[t]; j++) {
                    int sequence = order[j];
                    int position = backwards ? lengths[sequence] - 1 - t : t;
                    tokenRow[rowStart[t] + j] = offsets[sequence] + position;
                }
            }
            return new Schedule(order, active, rowStart, tokenRow, steps, tokens);
        }
    }

    /**
     * LSTM over sequences packed as {@code values} [tokens, features] (sequence s at rows
     * offsets[s] .. offsets[s]+lengths[s]). Returns the final h of each sequence, [batch, units]
     * (zeros for an empty one), or with {@code returnSequences} the h after each token,
     * [tokens, units], in the input's row order.
     */
    Variable lstm(Variable values, int[] lengths, int[] offsets, Variable kernel, Variable recurrentKernel,
                  Variable bias, boolean backwards, boolean returnSequences) {
        OpContext.requireRank("lstm", values, 2);
        int features = values.shape().dim(1);
        int units = recurrentKernel.shape().dim(0);
        int width = 4 * units;
        kernel.value().requireShape(dev.kiln.engine.tensor.Shape.of(features, width), "lstm kernel");
        recurrentKernel.value().requireShape(dev.kiln.engine.tensor.Shape.of(units, width), "lstm recurrent kernel");
        bias.value().requireShape(dev.kiln.engine.tensor.Shape.of(width), "lstm bias");
        int batch = lengths.length;
        int total = values.shape().dim(0);
        for (int s = 0; s < batch; s++) {
            if (lengths[s] < 0 || offsets[s] < 0 || offsets[s] + lengths[s] > total) {
                throw new IllegalArgumentException("lstm: sequence " + s + " (offset " + offsets[s] + ", length "
                        + lengths[s] + ") lies outside the " + total + " rows of values");
            }
        }
        Kernels kernels = context.kernels();
        Gemm gemm = kernels.gemm();
        LstmCell cell = kernels.lstmCell();
        Schedule schedule = Schedule.of(lengths, offsets, backwards);
        int n = schedule.tokens;

        // Input projection of every real token at once: Z = X W + b, time-major.
        float[] inputs = new float[n * features];
        for (int row = 0; row < n; row++) {
            System.arraycopy(values.data(), schedule.tokenRow[row] * features, inputs, row * features, features);
        }
        float[] gates = new float[n * width];
        gemm.sgemm(false, false, n, width, features, 1f, inputs, 0, Math.max(1, features), kernel.data(), 0, width,
                0f, gates, 0, width);
        kernels.arithmetic().addBiasRows(n, width, bias.data(), 0, gates, 0, width);

        // The recurrence: step t adds h_{t-1} U to its rows, then the cell turns them into gates, c and h.
        float[] cells = new float[n * units];
        float[] squashed = new float[n * units];
        float[] hidden = new float[n * units];
        Gemm.PackedMatrix packedU = gemm.pack(false, units, width, recurrentKernel.data(), 0, width);
        for (int t = 0; t < schedule.steps; t++) {
            int rows = schedule.active[t];
            int row0 = schedule.rowStart[t];
            if (t > 0) {
                int previous = schedule.rowStart[t - 1];
                gemm.sgemm(false, rows, 1f, hidden, previous * units, units, packedU, 1f, gates, row0 * width, width);
                cell.forward(rows, units, gates, row0 * width, cells, previous * units, cells, row0 * units,
                        squashed, row0 * units, hidden, row0 * units);
            } else {
                cell.forward(rows, units, gates, 0, null, 0, cells, 0, squashed, 0, hidden, 0);
            }
        }

        Tensor output = returnSequences ? Tensor.zeros(total, units) : Tensor.zeros(batch, units);
        if (returnSequences) {
            for (int row = 0; row < n; row++) {
                System.arraycopy(hidden, row * units, output.data(), schedule.tokenRow[row] * units, units);
            }
        } else {
            for (int j = 0; j < batch; j++) {
                int sequence = schedule.order[j];
                if (lengths[sequence] > 0) {
                    int lastRow = schedule.rowStart[lengths[sequence] - 1] + j;
                    System.arraycopy(hidden, lastRow * units, output.data(), sequence * units, units);
                }
            }
        }
        Variable out = context.result(output, "lstm", values, kernel, recurrentKernel, bias);
        context.onBackward(out, () -> backward(out, values, kernel, recurrentKernel, bias, schedule, inputs, gates,
                cells, squashed, hidden, returnSequences));
        return out;
    }

    private void backward(Variable out, Variable values, Variable kernel, Variable recurrentKernel, Variable bias,
                          Schedule schedule, float[] inputs, float[] gates, float[] cells, float[] squashed,
                          float[] hidden, boolean returnSequences) {
        Kernels kernels = context.kernels();
        Gemm gemm = kernels.gemm();
        LstmCell cell = kernels.lstmCell();
        int units = recurrentKernel.shape().dim(0);
        int width = 4 * units;
        int features = values.shape().dim(1);
        int batch = schedule.order.length;
        int n = schedule.tokens;
        float[] dOut = out.gradData();

        // dh and dc per sorted sequence; dh starts as the output's gradient (final-state mode).
        float[] dh = new float[batch * units];
        float[] dc = new float[batch * units];
        if (!returnSequences) {
            for (int j = 0; j < batch; j++) {
                System.arraycopy(dOut, schedule.order[j] * units, dh, j * units, units);
            }
        }
        float[] dz = new float[n * width];
        Gemm.PackedMatrix packedUt = gemm.pack(true, width, units, recurrentKernel.data(), 0, width);
        for (int t = schedule.steps - 1; t >= 0; t--) {
            int rows = schedule.active[t];
            int row0 = schedule.rowStart[t];
            if (returnSequences) { // each step's h also feeds the output directly
                for (int j = 0; j < rows; j++) {
                    kernels.arithmetic().axpy(units, 1f, dOut, schedule.tokenRow[row0 + j] * units, dh, j * units);
                }
            }
            int previous = t > 0 ? schedule.rowStart[t - 1] : 0;
            cell.backward(rows, units, gates, row0 * width, t > 0 ? cells : null, previous * units,
                    squashed, row0 * units, dh, 0, dc, 0, dz, row0 * width);
            if (t > 0) { // dh_{t-1} = dz_t U^T for the rows still running
                gemm.sgemm(false, rows, 1f, dz, row0 * width, width, packedUt, 0f, dh, 0, units);
            }
        }

        if (kernel.requiresGrad()) { // dW += X^T dZ
            gemm.sgemm(true, false, features, width, n, 1f, inputs, 0, Math.max(1, features), dz, 0, width,
                    1f, kernel.gradData(), 0, width);
        }
        if (recurrentKernel.requiresGrad()) { // dU += H_{t-1}^T dZ, with H_{-1} = 0
            float[] previousHidden = new float[n * units];
            for (int t = 1; t < schedule.steps; t++) {
                System.arraycopy(hidden, schedule.rowStart[t - 1] * units, previousHidden, schedule.rowStart[t] * units,
                        schedule.active[t] * units);
            }
            gemm.sgemm(true, false, units, width, n, 1f, previousHidden, 0, units, dz, 0, width,
                    1f, recurrentKernel.gradData(), 0, width);
        }
        if (bias.requiresGrad()) {
            kernels.arithmetic().addColumnSums(n, width, dz, 0, width, bias.gradData(), 0);
        }
        if (values.requiresGrad()) { // dX = dZ W^T, scattered back to the input rows
            float[] dInputs = new float[n * features];
            gemm.sgemm(false, true, n, features, width, 1f, dz, 0, width, kernel.data(), 0, width, 0f,
                    dInputs, 0, Math.max(1, features));
            float[] dValues = values.gradData();
            for (int row = 0; row < n; row++) {
                kernels.arithmetic().axpy(features, 1f, dInputs, row * features, dValues, schedule.tokenRow[row] * features);
            }
        }
    }
}
