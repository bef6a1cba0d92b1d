package org.nifispectro.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Soak benchmark (issue 9), not a test: a real NiFi 2.3.0 with the XANES imaging, PDF identification and
 * structure catalog flows (their back-pressure thresholds as committed in flows/), fed in waves for a fixed
 * time with thousands of measured PDFs (.gr), thousands of CIFs and tens of STXM stacks (copies of the
 * samples/), then a burst of the same dropped at once (what the flows can do flat out), then left to drain. Every few seconds it samples over REST the JVM heap (system-diagnostics),
 * the queue depth of every connection and the active threads, and counts the results in storage.
 * It prints throughput (inputs and stored files per second), heap over time (first third against last third
 * of the loaded period: growth would show there), the deepest queues, and whether every input ended in
 * storage or quarantine.
 *
 * <pre>
 * java -Dspectro.nifi.home=nifi-spectro-runtime/target/nifi-spectro-nifi -Dspectro.repo=. \
 *      [-Dsoak.pdfs=4000] [-Dsoak.cifs=4000] [-Dsoak.stacks=30] [-Dsoak.feed.seconds=300] [-Dsoak.burst.pdfs=2000]
 *      [-Dsoak.burst.cifs=2000] [-Dsoak.burst.stacks=10] [-Dsoak.drain.seconds=400]
 *      [-Dsoak.sample.seconds=5] [-Dsoak.heap=1g] [-Dsoak.keep=false] -cp ... org.nifispectro.runtime.SoakBenchmark
 * </pre>
 * bin/bench runs it as the "Soak" step. No ExtractEXAFS load of its own: no flow takes XDI files directly
 * (ExtractEXAFS reads the cluster spectra of the XANES flow, switched off for this soft X-ray L-edge stack).
 */
public final class SoakBenchmark {

    private static volatile boolean stopFeeding;
    private static volatile double burstAt = Double.NaN;

    private SoakBenchmark() {
    }

    private record Sample(double t, long heapUsed, long heapMax, long queued, long active, long waiting,
                          Map<String, Long> done) {
    }

    public static void main(String[] args) throws Exception {
        int pdfs = Integer.getInteger("soak.pdfs", 4000);
        int cifs = Integer.getInteger("soak.cifs", 4000);
        int stacks = Integer.getInteger("soak.stacks", 30);
        int feedSeconds = Integer.getInteger("soak.feed.seconds", 300);
        int burstPdfs = Integer.getInteger("soak.burst.pdfs", 2000);
        int burstCifs = Integer.getInteger("soak.burst.cifs", 2000);
        int burstStacks = Integer.getInteger("soak.burst.stacks", 10);
        int drainSeconds = Integer.getInteger("soak.drain.seconds", 400);
        int sampleSeconds = Integer.getInteger("soak.sample.seconds", 5);
        String heap = System.getProperty("soak.heap", "1g");
        boolean keep = Boolean.getBoolean("soak.keep");
        Path samples = NiFiInstance.repo().resolve("samples");
        Path stack = samples.resolve("xanes-imaging/als_stxm_71214078_FeL23_od.h5");
        List<Path> grs = List.of(samples.resolve("pdf-identification/Ni.gr"), samples.resolve("pdf-identification/CdSe-bulk.gr"));
        List<Path> cifSamples;
        try (Stream<Path> s = Files.list(samples.resolve("structure-catalog"))) {
            cifSamples = s.filter(p -> p.toString().endsWith(".cif")).sorted().toList();
        }

        System.out.printf(Locale.ROOT, "Soak run %s: NiFi 2.3.0 (heap %s), flows xanes-imaging + pdf-identification + "
                + "structure-catalog;%n  load fed in waves for %d s: %d PDFs (.gr: Ni, CdSe), %d CIFs (%d samples), %d STXM "
                + "stacks (%.1f MB, 2 edge windows);%n  then a burst dropped at once: %d PDFs, %d CIFs, %d stacks; then up to %d s "
                + "to drain; sampled every %d s%n",
                Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC", heap, feedSeconds, pdfs, cifs,
                cifSamples.size(), stacks, Files.size(stack) / 1e6, burstPdfs, burstCifs, burstStacks, drainSeconds, sampleSeconds);
        System.out.println("  back-pressure thresholds in the flows (objects / size, min..max over connections): "
                + thresholds());

        long t0Start = System.nanoTime();
        NiFiInstance nifi = NiFiInstance.start("soak", heap);
        List<Sample> samplesTaken = new ArrayList<>();
        Map<String, Long> maxDepth = new TreeMap<>();
        Map<String, Long> maxPercent = new TreeMap<>();
        Map<String, Long> fed = new LinkedHashMap<>();
        List<DeployedFlow> flows;
        double feedEnd;
        double drained = Double.NaN;
        try {
            System.out.printf(Locale.ROOT, "  NiFi started in %.0f s%n", (System.nanoTime() - t0Start) / 1e9);
            DeployedFlow xanes = DeployedFlow.deploy(nifi, "xanes-imaging", Map.of("xanes.edge.windows", "L3:700-716, L2:716-730",
                    "xanes.min.snr", "10", "xanes.snr.signal", "White Line", "exafs.enabled", "false"), 0, 0);
            DeployedFlow pdf = DeployedFlow.deploy(nifi, "pdf-identification", Map.of(), 450, 0);
            DeployedFlow cif = DeployedFlow.deploy(nifi, "structure-catalog", Map.of(), 900, 0);
            flows = List.of(xanes, pdf, cif);
            Map<String, Predicate<Path>> result = Map.of(
                    "xanes-imaging", p -> p.toString().endsWith("_dbscan.png"),
                    "pdf-identification", p -> p.toString().endsWith(".classify.json"),
                    "structure-catalog", p -> p.toString().endsWith(".gr"));

            // feeder: waves every 10 s, each a share of the totals
            int waves = Math.max(1, feedSeconds / 10);
            AtomicInteger wavesDone = new AtomicInteger();
            Thread feeder = new Thread(() -> {
                try {
                    int p = 0;
                    int c = 0;
                    int s = 0;
                    long start = System.nanoTime();
                    for (int w = 1; w <= waves && !stopFeeding; w++) {
                        for (; p < (long) pdfs * w / waves; p++) {
                            Path src = grs.get(p % grs.size());
                            pdf.feed(src, String.format("w%03d_%05d_%s", w, p, src.getFileName()));
                        }
                        for (; c < (long) cifs * w / waves; c++) {
                            Path src = cifSamples.get(c % cifSamples.size());
                            cif.feed(src, String.format("w%03d_%05d_%s", w, c, src.getFileName()));
                        }
                        for (; s < (long) stacks * w / waves; s++) {
                            xanes.feed(stack, String.format("als_stxm_soak%03d_FeL23_od.h5", s));
                        }
                        wavesDone.set(w);
                        long next = start + w * 10_000_000_000L;
                        long sleep = (next - System.nanoTime()) / 1_000_000L;
                        if (sleep > 0) {
                            Thread.sleep(sleep);
                        }
                    }
                    burstAt = (System.nanoTime() - start) / 1e9;
                    for (int i = 0; i < burstPdfs && !stopFeeding; i++, p++) {
                        Path src = grs.get(p % grs.size());
                        pdf.feed(src, String.format("burst_%05d_%s", p, src.getFileName()));
                    }
                    for (int i = 0; i < burstCifs && !stopFeeding; i++, c++) {
                        Path src = cifSamples.get(c % cifSamples.size());
                        cif.feed(src, String.format("burst_%05d_%s", c, src.getFileName()));
                    }
                    for (int i = 0; i < burstStacks && !stopFeeding; i++, s++) {
                        xanes.feed(stack, String.format("als_stxm_soak%03d_FeL23_od.h5", s));
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException("feeding failed", e);
                }
            }, "soak-feeder");
            fed.put("xanes-imaging", (long) stacks + burstStacks);
            fed.put("pdf-identification", (long) pdfs + burstPdfs);
            fed.put("structure-catalog", (long) cifs + burstCifs);

            long t0 = System.nanoTime();
            feeder.start();
            double quietSince = Double.NaN;
            feedEnd = Double.NaN;
            while (true) {
                Thread.sleep(sampleSeconds * 1000L);
                double t = (System.nanoTime() - t0) / 1e9;
                JsonNode diag = nifi.rest().systemDiagnostics();
                long queued = 0;
                long active = 0;
                long waiting = 0;
                Map<String, Long> done = new LinkedHashMap<>();
                for (DeployedFlow f : flows) {
                    JsonNode st = f.status();
                    queued += st.path("flowFilesQueued").asLong();
                    active += st.path("activeThreadCount").asLong();
                    for (JsonNode c : st.path("connectionStatusSnapshots")) {
                        JsonNode cs = c.path("connectionStatusSnapshot");
                        String name = f.key + ": " + cs.path("sourceName").asText() + " -> " + cs.path("destinationName").asText();
                        maxDepth.merge(name, cs.path("flowFilesQueued").asLong(), Math::max);
                        maxPercent.merge(name, cs.path("percentUseCount").asLong(), Math::max);
                    }
                    waiting += DeployedFlow.files(f.incoming, p -> !p.getFileName().toString().startsWith(".")).size();
                    done.put(f.key, (long) DeployedFlow.files(f.storage, result.get(f.key)).size());
                }
                Sample sample = new Sample(t, diag.path("usedHeapBytes").asLong(), diag.path("maxHeapBytes").asLong(), queued,
                        active, waiting, done);
                samplesTaken.add(sample);
                System.out.printf(Locale.ROOT, "  t=%4.0f s heap %4d MB  queued %5d  active %2d  waiting in incoming %5d  done %s%n",
                        t, sample.heapUsed() >> 20, queued, active, waiting, done);
                boolean feeding = feeder.isAlive();
                if (!feeding && Double.isNaN(feedEnd)) {
                    feedEnd = t;
                }
                boolean idle = !feeding && queued == 0 && active == 0 && waiting == 0;
                if (idle) {
                    if (Double.isNaN(quietSince)) {
                        quietSince = t;
                    } else if (t - quietSince >= 15) {
                        drained = quietSince;
                        break;
                    }
                } else {
                    quietSince = Double.NaN;
                }
                if (!feeding && t - feedEnd > drainSeconds) {
                    break;
                }
            }
            feeder.join();

            // ---- report
            System.out.println();
            report(samplesTaken, maxDepth, maxPercent, fed, flows, result, feedEnd, drained);
            burstReport(samplesTaken, fed, flows, Map.of("xanes-imaging", burstStacks, "pdf-identification", burstPdfs,
                    "structure-catalog", burstCifs));
        } finally {
            stopFeeding = true;
            nifi.close();
            if (!keep) {
                NiFiInstance.deleteTree(nifi.instance());
            }
        }
        System.out.printf(Locale.ROOT, "whole run incl. NiFi start and stop: %.0f s%n", (System.nanoTime() - t0Start) / 1e9);
    }

    private static void report(List<Sample> s, Map<String, Long> maxDepth, Map<String, Long> maxPercent, Map<String, Long> fed,
                               List<DeployedFlow> flows, Map<String, Predicate<Path>> result, double feedEnd, double drained)
            throws IOException {
        Sample last = s.get(s.size() - 1);
        double end = Double.isNaN(drained) ? last.t() : drained;
        System.out.printf(Locale.ROOT, "== Throughput (feeding ended at %.0f s; %s)%n", feedEnd,
                Double.isNaN(drained) ? "NOT drained within the drain time" : String.format(Locale.ROOT, "all drained at %.0f s", drained));
        long totalDone = 0;
        long totalFed = 0;
        for (DeployedFlow f : flows) {
            long done = last.done().get(f.key);
            totalDone += done;
            totalFed += fed.get(f.key);
            // peak rate over a 30 s window
            double peak = 0;
            for (int i = 0; i < s.size(); i++) {
                for (int j = i + 1; j < s.size(); j++) {
                    if (s.get(j).t() - s.get(i).t() >= 30) {
                        peak = Math.max(peak, (s.get(j).done().get(f.key) - s.get(i).done().get(f.key)) / (s.get(j).t() - s.get(i).t()));
                        break;
                    }
                }
            }
            long stored = DeployedFlow.files(f.storage).size();
            long quarantined = DeployedFlow.files(f.quarantine, p -> !p.toString().endsWith(".error.json")).size();
            System.out.printf(Locale.ROOT, "%-20s fed %5d  results %5d  quarantined %3d  stored files %6d  mean %6.2f inputs/s  peak (30 s) %6.2f inputs/s%n",
                    f.key, fed.get(f.key), done, quarantined, stored, done / end, peak);
        }
        System.out.printf(Locale.ROOT, "%-20s fed %5d  results %5d  mean %6.2f inputs/s over %.0f s%n", "all", totalFed, totalDone,
                totalDone / end, end);

        System.out.println("== Heap (system-diagnostics usedHeapBytes, MB; max " + (last.heapMax() >> 20) + " MB)");
        List<Sample> loaded = s.stream().filter(x -> x.t() <= end).toList();
        int third = Math.max(1, loaded.size() / 3);
        List<Sample> first = loaded.subList(0, third);
        List<Sample> lastThird = loaded.subList(loaded.size() - third, loaded.size());
        System.out.printf(Locale.ROOT, "loaded period %.0f s, %d samples: first third mean %4d min %4d max %4d | last third mean %4d min %4d max %4d | overall max %4d%n",
                end, loaded.size(), mean(first), min(first), max(first), mean(lastThird), min(lastThird), max(lastThird), max(loaded));
        System.out.printf(Locale.ROOT, "heap floor (min per third) last/first: %.2f; mean last/first: %.2f%n",
                (double) min(lastThird) / Math.max(1, min(first)), (double) mean(lastThird) / Math.max(1, mean(first)));
        StringBuilder series = new StringBuilder("heap every ~30 s (MB):");
        double nextT = 0;
        for (Sample x : s) {
            if (x.t() >= nextT) {
                series.append(' ').append(x.heapUsed() >> 20);
                nextT = x.t() + 30;
            }
        }
        System.out.println(series);

        System.out.println("== Queues");
        System.out.printf(Locale.ROOT, "max FlowFiles queued in the three flows at once: %d; max files waiting in incoming (not yet listed): %d%n",
                s.stream().mapToLong(Sample::queued).max().orElse(0), s.stream().mapToLong(Sample::waiting).max().orElse(0));
        System.out.println("deepest connections (max FlowFiles queued, max % of the object back-pressure threshold):");
        maxDepth.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(8)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %6d  %3d %%  %s%n", e.getValue(), maxPercent.get(e.getKey()), e.getKey()));

        System.out.println("== Nothing lost");
        for (DeployedFlow f : flows) {
            long quarantined = DeployedFlow.files(f.quarantine, p -> !p.toString().endsWith(".error.json")).size();
            long done = DeployedFlow.files(f.storage, result.get(f.key)).size();
            long left = DeployedFlow.files(f.incoming).size();
            long partial = DeployedFlow.files(f.storage, p -> p.getFileName().toString().startsWith(".")).size();
            System.out.printf(Locale.ROOT, "%-20s fed %5d = results %5d + quarantined %3d + still in incoming %3d + in flight %d; dot-temp files in storage %d%n",
                    f.key, fed.get(f.key), done, quarantined, left, fed.get(f.key) - done - quarantined - left, partial);
        }
    }

    /**
     * Capacity: how fast the burst (dropped at once after the waves) was worked off, per flow, from the sample before
     * the burst to the first sample where all of that flow's inputs had their result. All three flows compete for
     * the same 2 cores (and this machine's other load), so these are rates under load, not one processor alone.
     */
    private static void burstReport(List<Sample> s, Map<String, Long> fed, List<DeployedFlow> flows, Map<String, Integer> burst) {
        if (Double.isNaN(burstAt)) {
            return;
        }
        System.out.printf(Locale.ROOT, "== Burst at t=%.0f s (everything still queued is worked off at full speed)%n", burstAt);
        Sample before = s.get(0);
        for (Sample x : s) {
            if (x.t() <= burstAt) {
                before = x;
            }
        }
        for (DeployedFlow f : flows) {
            long target = fed.get(f.key);
            Sample complete = null;
            for (Sample x : s) {
                if (x.t() > burstAt && x.done().get(f.key) >= target) {
                    complete = x;
                    break;
                }
            }
            long work = target - before.done().get(f.key);
            if (complete == null) {
                System.out.printf(Locale.ROOT, "%-20s burst %5d: not all done by the end of the run%n", f.key, burst.get(f.key));
            } else {
                double secs = complete.t() - before.t();
                System.out.printf(Locale.ROOT, "%-20s burst %5d (+%d still open before it): all done %.0f s later, %6.2f inputs/s%n",
                        f.key, burst.get(f.key), work - burst.get(f.key), secs, work / secs);
            }
        }
    }

    private static long mean(List<Sample> s) {
        return (long) s.stream().mapToLong(Sample::heapUsed).average().orElse(0) >> 20;
    }

    private static long min(List<Sample> s) {
        return s.stream().mapToLong(Sample::heapUsed).min().orElse(0) >> 20;
    }

    private static long max(List<Sample> s) {
        return s.stream().mapToLong(Sample::heapUsed).max().orElse(0) >> 20;
    }

    /** The range of back-pressure thresholds over every connection of the three flows, as committed. */
    private static String thresholds() throws IOException {
        List<Long> counts = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        for (String key : List.of("xanes-imaging", "pdf-identification", "structure-catalog")) {
            JsonNode def = NiFiRest.json().readTree(NiFiInstance.repo().resolve("flows/nifi-spectro").resolve(key + ".json").toFile());
            for (JsonNode c : def.path("flowContents").path("connections")) {
                counts.add(c.path("backPressureObjectThreshold").asLong());
                String size = c.path("backPressureDataSizeThreshold").asText();
                if (!sizes.contains(size)) {
                    sizes.add(size);
                }
            }
        }
        return counts.stream().mapToLong(Long::longValue).min().orElse(0) + ".." + counts.stream().mapToLong(Long::longValue).max().orElse(0)
                + " objects; sizes " + sizes;
    }
}
