package dev.kiln.engine.kernel;

/**
 * Functions java.lang.Math lacks, in double precision: the error function (Keras' exact gelu
 * needs it). A power series near 0 and Lentz's continued fraction for erfc further out; both
 * are accurate to about 1e-15 (tested against reference values).
 */
public final class ScalarMath {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private ScalarMath() {}

    /** The error function, erf(x) = 2/sqrt(pi) times the integral of e^(-t^2) from 0 to x; NaN gives NaN. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double z = Math.abs(x);
        double value = z < 2.5 ? series(z) : 1 - erfcContinuedFraction(z);
        return Math.copySign(value, x);
    }

    /** erf(z) = 2/sqrt(pi) sum (-1)^n z^(2n+1) / (n! (2n+1)), summed until the terms no longer change it. */
    private static double series(double z) {
        double term = z; // (-1)^n z^(2n+1) / n!
        double sum = z;
        double z2 = z * z;
        for (int n = 1; n < 200; n++) {
            term *= -z2 / n;
            double next = sum + term / (2 * n + 1);
            if (next == sum) {
                break;
            }
            sum = next;
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erfc(z) = exp(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), by the modified Lentz method. */
    private static double erfcContinuedFraction(double z) {
        if (z > 27) {
            return 0; // below the smallest double
        }
        double tiny = 1e-300;
        double f = z;
        double c = z;
        double d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k / 2.0;
            d = z + a * d;
            d = d == 0 ? tiny : d;
            c = z + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
    }
}
