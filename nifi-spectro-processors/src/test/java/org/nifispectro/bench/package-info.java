/**
 * Hand-run timing programs (named *Benchmark, not run by surefire) that print figures to compare
 * with the scikit-learn timings in shared/data/benchmarks/bench_results.jsonl.
 */
package org.nifispectro.bench;
