package org.nifispectro.runtime;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real NiFi 2.3.0 started with the project's own script (bin/nifi-spectro.sh of the assembly in
 * target/nifi-spectro-nifi), each in a fresh instance folder, so provenance and state start empty.
 */
public final class NiFiInstance implements AutoCloseable {

    private final Path home;
    private final Path instance;
    private final int port;
    private final NiFiRest rest;

    private NiFiInstance(Path home, Path instance, int port) {
        this.home = home;
        this.instance = instance;
        this.port = port;
        this.rest = new NiFiRest("http://127.0.0.1:" + port + "/nifi-api");
    }

    public static Path assemblyHome() {
        String home = System.getProperty("spectro.nifi.home");
        if (home == null) {
            throw new IllegalStateException("spectro.nifi.home is not set: run the integration tests through Maven (failsafe)");
        }
        return Paths.get(home);
    }

    public static Path repo() {
        return Paths.get(System.getProperty("spectro.repo", "..")).toAbsolutePath().normalize();
    }

    /** Starts a fresh instance in a new folder under target/ and waits until its REST API answers. */
    public static NiFiInstance start(String name) throws IOException, InterruptedException {
        return start(name, "1g");
    }

    /** As {@link #start(String)} with this maximum heap (e.g. "1g", "2g"). */
    public static NiFiInstance start(String name, String heap) throws IOException, InterruptedException {
        Path home = assemblyHome();
        Path instance = home.getParent().resolve("it-instances").resolve(name + "-" + System.currentTimeMillis());
        Files.createDirectories(instance);
        int port = freePort();
        NiFiInstance nifi = new NiFiInstance(home, instance, port);
        nifi.script("start", "--port", Integer.toString(port), "--heap", heap);
        nifi.script("wait", "300");
        return nifi;
    }

    public NiFiRest rest() {
        return rest;
    }

    public Path instance() {
        return instance;
    }

    public int port() {
        return port;
    }

    /** The process id of the running NiFi (from the instance's nifi.pid), or -1 when it is not running. */
    public long pid() throws IOException {
        Path pidFile = instance.resolve("nifi.pid");
        return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : -1;
    }

    /** SIGKILL, as a crash would. */
    public void kill() throws IOException, InterruptedException {
        script("kill");
    }

    /** Starts this same instance again (after a stop or a kill) and waits for it. */
    public void restart() throws IOException, InterruptedException {
        script("start");
        script("wait", "300");
    }

    /**
     * Stops NiFi. The instance folder stays for post-mortem reading (logs, repositories, about 10 MB)
     * except its work/ folder: the NARs NiFi unpacked at start, about 210 MB per instance, which the
     * next start unpacks again in about a second.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        script("stop");
        deleteTree(instance.resolve("work"));
    }

    /** Deletes a folder and everything below it; nothing when it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void script(String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("bin/nifi-spectro.sh").toString(), command,
                instance.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(400, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("nifi-spectro.sh " + command + " did not finish: " + out);
        }
        if (p.exitValue() != 0) {
            throw new IOException("nifi-spectro.sh " + command + " failed (" + p.exitValue() + "): " + out);
        }
        System.out.print(out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
