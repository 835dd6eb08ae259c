package dev.kiln.nlp.hostile;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a hostile-file property counts (files its loader accepted, files it refused by name) and
 * the compute pool the accepted ones predict on, made at first use and closed with the summary
 * line when the property's class is done.
 */
final class HostileTally {
    private final String summary;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private ComputePool pool;

    /** {@code summary} formats the total, the accepted and the refused count, in this order. */
    HostileTally(String summary) {
        this.summary = summary;
    }

    void count(boolean wasAccepted) {
        (wasAccepted ? accepted : refused).incrementAndGet();
    }

    synchronized Engine engine() {
        if (pool == null) {
            pool = ComputePool.withThreads(2);
        }
        return Engine.on(pool);
    }

    /** Prints the summary and closes the pool. */
    synchronized void close() {
        System.out.printf(summary + "%n", accepted.get() + refused.get(), accepted.get(), refused.get());
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
