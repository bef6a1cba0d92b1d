package org.nifispectro.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The NiFi 2.x REST calls the end-to-end tests need (HTTP, no authentication). */
public final class NiFiRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String clientId = UUID.randomUUID().toString();

    public NiFiRest(String base) {
        this.base = base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public JsonNode put(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(response.request().method() + " " + response.request().uri() + " -> "
                    + response.statusCode() + ": " + response.body());
        }
        String body = response.body();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    public String rootGroupId() throws IOException, InterruptedException {
        return get("/flow/process-groups/root").path("processGroupFlow").path("id").asText();
    }

    /** Imports a flow definition (the JSON of "download flow definition") as a new process group under root. */
    public String importFlow(String groupName, JsonNode flowDefinition, double x, double y)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("groupName", groupName);
        body.putObject("positionDTO").put("x", x).put("y", y);
        body.putObject("revisionDTO").put("version", 0).put("clientId", clientId);
        body.set("flowSnapshot", flowDefinition);
        JsonNode created = post("/process-groups/" + rootGroupId() + "/process-groups/import", body);
        return created.path("id").asText();
    }

    /** The processors of a group with their validation status and errors. */
    public List<JsonNode> processors(String groupId) throws IOException, InterruptedException {
        List<JsonNode> list = new ArrayList<>();
        get("/process-groups/" + groupId + "/processors").path("processors").forEach(list::add);
        return list;
    }

    public void enableServicesAndStart(String groupId) throws IOException, InterruptedException {
        ObjectNode services = JSON.createObjectNode().put("id", groupId).put("state", "ENABLED");
        put("/flow/process-groups/" + groupId + "/controller-services", services);
        ObjectNode run = JSON.createObjectNode().put("id", groupId).put("state", "RUNNING");
        put("/flow/process-groups/" + groupId, run);
    }

    public void stop(String groupId) throws IOException, InterruptedException {
        ObjectNode run = JSON.createObjectNode().put("id", groupId).put("state", "STOPPED");
        put("/flow/process-groups/" + groupId, run);
    }

    /** Provenance events whose FlowFile had this file name (oldest first). */
    public List<JsonNode> provenanceByFilename(String filename) throws IOException, InterruptedException {
        return provenance("Filename", filename);
    }

    /**
     * Provenance events matching one indexed search term (EventType, FlowFileUUID, Filename, ProcessorID,
     * Relationship), oldest first.
     */
    public List<JsonNode> provenance(String term, String value) throws IOException, InterruptedException {
        return provenance(term, value, 1000);
    }

    /** As {@link #provenance(String, String)}, returning at most {@code maxResults} events. */
    public List<JsonNode> provenance(String term, String value, int maxResults) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode request = body.putObject("provenance").putObject("request");
        request.put("maxResults", maxResults);
        request.putObject("searchTerms").putObject(term).put("value", value).put("inverse", false);
        return provenanceQuery(body);
    }

    private List<JsonNode> provenanceQuery(ObjectNode body) throws IOException, InterruptedException {
        JsonNode submitted = post("/provenance", body);
        String id = submitted.path("provenance").path("id").asText();
        try {
            JsonNode state = submitted;
            // up to 5 min: a query over a just-rebuilt index (after a crash) on a loaded machine can take a while
            for (int i = 0; i < 1200 && !state.path("provenance").path("finished").asBoolean(); i++) {
                Thread.sleep(250);
                state = get("/provenance/" + id);
            }
            if (!state.path("provenance").path("finished").asBoolean()) {
                System.err.println("provenance query " + body + " did not finish within 5 min; partial results: "
                        + state.path("provenance").path("percentCompleted").asText() + " %");
            }
            List<JsonNode> events = new ArrayList<>();
            state.path("provenance").path("results").path("provenanceEvents").forEach(events::add);
            events.sort((a, b) -> Long.compare(a.path("eventId").asLong(), b.path("eventId").asLong()));
            return events;
        } finally {
            delete("/provenance/" + id);
        }
    }

    /** The lineage graph of one FlowFile: nodes (events and FlowFiles) and links. */
    public JsonNode lineage(String flowFileUuid) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("lineage").putObject("request").put("lineageRequestType", "FLOWFILE").put("uuid", flowFileUuid);
        JsonNode submitted = post("/provenance/lineage", body);
        String id = submitted.path("lineage").path("id").asText();
        try {
            JsonNode state = submitted;
            for (int i = 0; i < 120 && !state.path("lineage").path("finished").asBoolean(); i++) {
                Thread.sleep(250);
                state = get("/provenance/lineage/" + id);
            }
            return state.path("lineage");
        } finally {
            delete("/provenance/lineage/" + id);
        }
    }

    /**
     * The status of a process group and everything in it ({@code GET /flow/process-groups/{id}/status}): the
     * {@code aggregateSnapshot} holds flowFilesQueued, activeThreadCount, flowFilesIn/Out and, per connection,
     * connectionStatusSnapshots (queuedCount, queuedSize).
     */
    public JsonNode groupStatus(String groupId) throws IOException, InterruptedException {
        return get("/flow/process-groups/" + groupId + "/status?recursive=true").path("processGroupStatus");
    }

    /** JVM heap, threads and repository usage of the node ({@code GET /system-diagnostics}). */
    public JsonNode systemDiagnostics() throws IOException, InterruptedException {
        return get("/system-diagnostics").path("systemDiagnostics").path("aggregateSnapshot");
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
