package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.jhdf.HdfFile;

import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.ProcessingHistory;

/**
 * Checks shared by the processor tests: the processing history inside every kind of output (HDF5, PNG,
 * JSON, text) and the FORK provenance event that ties the outputs to their input.
 */
final class OutputChecks {

    private OutputChecks() {
    }

    /** The history inside an output, read by the reader that fits its file name. */
    static List<ProcessStep> historyOf(String filename, byte[] content) {
        try {
            if (filename.endsWith(".h5") || filename.endsWith(".nxs")) {
                try (HdfFile hdf = HdfFile.fromBytes(content)) {
                    return ProcessStep.readAll(hdf);
                }
            }
            if (filename.endsWith(".png")) {
                return ProcessingHistory.fromPng(content);
            }
            if (filename.endsWith(".json")) {
                return ProcessingHistory.fromJson(new ObjectMapper().readTree(content).get("history"));
            }
            return ProcessingHistory.fromText(Arrays.asList(new String(content, StandardCharsets.UTF_8).split("\r?\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(filename + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asserts the output carries a history whose last step is this processor, of this build's version,
     * dated, with the given parameter text, from the named input (and FlowFile, when {@code inputUuid} is
     * not null). Returns the whole history.
     */
    static List<ProcessStep> assertCarriesHistory(MockFlowFile out, String processor, String inputName, String inputUuid,
                                                  String parameter) {
        String name = out.getAttribute("filename");
        List<ProcessStep> history = historyOf(name, out.toByteArray());
        assertFalse(history.isEmpty(), name + " carries no processing history");
        ProcessStep last = history.get(history.size() - 1);
        assertEquals("nifi-spectro " + processor, last.program(), name + ": who");
        assertEquals(BuildInfo.version(), last.version(), name + ": which version");
        assertFalse(last.version().isBlank(), name + ": version");
        Instant.parse(last.date());
        assertTrue(last.parametersJson().contains(parameter), name + ": parameters " + last.parametersJson());
        assertEquals(inputName, last.inputFile(), name + ": from which input");
        if (inputUuid != null) {
            assertEquals(inputUuid, last.inputUuid(), name + ": from which FlowFile");
        }
        return history;
    }

    static void assertEveryOutputCarriesHistory(Collection<MockFlowFile> outputs, String processor, String inputName,
                                                String inputUuid, String parameter) {
        assertFalse(outputs.isEmpty(), "no outputs");
        for (MockFlowFile out : outputs) {
            assertCarriesHistory(out, processor, inputName, inputUuid, parameter);
        }
    }

    /**
     * Asserts one FORK event reported by the processor (with details; nifi-mock also records the detail-less
     * FORK that {@code session.create(parent)} implies) whose parent is {@code parentUuid}, whose children are
     * exactly {@code children}, and whose details hold {@code detail} and the duration.
     */
    static ProvenanceEventRecord assertForkOf(TestRunner runner, String parentUuid, Collection<MockFlowFile> children,
                                              String detail) {
        List<ProvenanceEventRecord> forks = runner.getProvenanceEvents().stream()
                .filter(e -> e.getEventType() == ProvenanceEventType.FORK && e.getDetails() != null)
                .filter(e -> parentUuid.equals(e.getFlowFileUuid())).toList();
        assertEquals(1, forks.size(), "one reported FORK of " + parentUuid + ": " + runner.getProvenanceEvents());
        ProvenanceEventRecord fork = forks.get(0);
        Set<String> expected = new HashSet<>();
        children.forEach(c -> expected.add(c.getAttribute("uuid")));
        assertEquals(expected, new HashSet<>(fork.getChildUuids()), "FORK children are the outputs");
        assertTrue(fork.getDetails().contains(detail), fork.getDetails());
        assertTrue(fork.getDetails().matches("(?s).*duration=\\d+ ms.*"), fork.getDetails());
        assertTrue(fork.getEventDuration() >= 0, "duration " + fork.getEventDuration());
        return fork;
    }
}
