import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authoring aid for flows/screenshots: drives a headless Chromium over the DevTools protocol (JDK only,
 * no libraries) through a list of steps and saves PNGs. Run with the single-file launcher:
 *
 *   chromium --headless --remote-debugging-port=9222 --window-size=1900,1250 about:blank &
 *   java flows/tools/CanvasShot.java 9222 nav:http://127.0.0.1:8080/nifi/ sleep:8000 eval:'...' shot:out.png
 *
 * Steps: size:WIDTHxHEIGHT (viewport), nav:URL, sleep:MILLIS, eval:JAVASCRIPT (prints the result), shot:FILE,
 * clip:X,Y,WIDTH,HEIGHT:FILE (a part of the page, to look at details). When the last eval returned a text
 * holding CLIP=X,Y,WIDTH,HEIGHT, the next shot: takes that part of the page. The viewport size lasts as long
 * as one run: give all steps of a picture to the same run.
 */
public final class CanvasShot {

    private static final Map<Integer, CompletableFuture<String>> PENDING = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+)");

    public static void main(String[] args) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + args[0] + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"type\": \"page\",\\s*\"url\": \"[^\"]*\",\\s*\"webSocketDebuggerUrl\": \"([^\"]+)\"")
                .matcher(list);
        String ws = m.find() ? m.group(1) : null;
        if (ws == null) {
            Matcher any = Pattern.compile("\"webSocketDebuggerUrl\": \"(ws://[^\"]+/page/[^\"]+)\"").matcher(list);
            if (!any.find()) {
                throw new IOException("no page target in " + list);
            }
            ws = any.group(1);
        }
        StringBuilder buffer = new StringBuilder();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                buffer.append(data);
                if (last) {
                    String msg = buffer.toString();
                    buffer.setLength(0);
                    Matcher id = ID.matcher(msg);
                    if (id.find()) {
                        CompletableFuture<String> f = PENDING.remove(Integer.parseInt(id.group(1)));
                        if (f != null) {
                            f.complete(msg);
                        }
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        String lastEval = "";
        for (int i = 1; i < args.length; i++) {
            String step = args[i];
            if (step.startsWith("size:")) {
                String[] wh = step.substring(5).split("x");
                call(socket, "Emulation.setDeviceMetricsOverride", "{\"width\":" + wh[0] + ",\"height\":" + wh[1]
                        + ",\"deviceScaleFactor\":1,\"mobile\":false}");
            } else if (step.startsWith("nav:")) {
                call(socket, "Page.navigate", "{\"url\":" + quote(step.substring(4)) + "}");
            } else if (step.startsWith("sleep:")) {
                Thread.sleep(Long.parseLong(step.substring(6)));
            } else if (step.startsWith("eval:")) {
                lastEval = call(socket, "Runtime.evaluate", "{\"expression\":" + quote(step.substring(5))
                        + ",\"returnByValue\":true,\"awaitPromise\":true}");
                System.out.println(lastEval);
            } else if (step.startsWith("shot:") || step.startsWith("clip:")) {
                String params = "{\"format\":\"png\"}";
                Matcher fromEval = Pattern.compile("CLIP=(\\d+,\\d+,\\d+,\\d+)").matcher(lastEval);
                if (step.startsWith("shot:") && fromEval.find()) {
                    step = "clip:" + fromEval.group(1) + ":" + step.substring(5);
                    lastEval = "";
                }
                if (step.startsWith("clip:")) {
                    String[] c = step.substring(5, step.indexOf(':', 5)).split(",");
                    params = "{\"format\":\"png\",\"clip\":{\"x\":" + c[0] + ",\"y\":" + c[1] + ",\"width\":" + c[2]
                            + ",\"height\":" + c[3] + ",\"scale\":1}}";
                    step = "shot:" + step.substring(step.indexOf(':', 5) + 1);
                }
                String reply = call(socket, "Page.captureScreenshot", params);
                Matcher data = Pattern.compile("\"data\":\"([^\"]+)\"").matcher(reply);
                if (!data.find()) {
                    throw new IOException("no screenshot: " + reply);
                }
                Files.write(Path.of(step.substring(5)), Base64.getDecoder().decode(data.group(1)));
                System.out.println("wrote " + step.substring(5));
            } else {
                throw new IllegalArgumentException("unknown step " + step);
            }
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }

    private static String call(WebSocket socket, String method, String params) throws Exception {
        int id = IDS.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        PENDING.put(id, reply);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).get();
        return reply.get(60, TimeUnit.SECONDS);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 32 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }
}
