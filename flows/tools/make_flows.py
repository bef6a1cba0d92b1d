#!/usr/bin/env python3
"""Authoring aid: writes the flow definitions under flows/<bucket>/ in the JSON that NiFi 2.x's
"Download flow definition" produces and its GitHub/GitLab flow registry clients read
(pretty-printed, sorted keys, stable identifiers).

Once a flow has been changed in the NiFi UI and committed through a registry client, the JSON file
is the source of truth and this script should be updated to match, or no longer run for it.
The static check (FlowDefinitionTest) and the end-to-end tests run against the JSON files.

    python3 flows/tools/make_flows.py
"""
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
FLOWS = os.path.dirname(HERE)
BUCKET = "nifi-spectro"
VERSION = "0.1.0-SNAPSHOT"
NS = uuid.UUID("6f1c3a52-8d7e-4f0a-9b1e-2c5d4e6f7a80")

SPECTRO = {"group": "org.nifispectro", "artifact": "nifi-spectro-nar", "version": VERSION}
STANDARD = {"group": "org.apache.nifi", "artifact": "nifi-standard-nar", "version": "2.3.0"}
UPDATE_ATTRIBUTE = {"group": "org.apache.nifi", "artifact": "nifi-update-attribute-nar", "version": "2.3.0"}


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(parts)))


class Flow:
    def __init__(self, key, name, comments, context, parameters):
        self.key = key
        self.gid = uid(key)
        self.name = name
        self.comments = comments
        self.context = context
        self.parameters = parameters  # list of (name, value, description)
        self.processors = []
        self.connections = []
        self.labels = []

    def processor(self, name, ptype, bundle, x, y, properties=None, auto_terminate=(), schedule="0 sec",
                  strategy="TIMER_DRIVEN", comments="", penalty="30 sec", tasks=1, retried=(), retry_count=0):
        pid = uid(self.key, "processor", name)
        self.processors.append({
            "autoTerminatedRelationships": sorted(auto_terminate),
            "backoffMechanism": "PENALIZE_FLOWFILE",
            "bulletinLevel": "WARN",
            "bundle": bundle,
            "comments": comments,
            "componentType": "PROCESSOR",
            "concurrentlySchedulableTaskCount": tasks,
            "executionNode": "PRIMARY" if ptype.endswith(".ListFile") else "ALL",
            "groupIdentifier": self.gid,
            "identifier": pid,
            "maxBackoffPeriod": "10 mins",
            "name": name,
            "penaltyDuration": penalty,
            "position": {"x": float(x), "y": float(y)},
            "properties": dict(properties or {}),
            "propertyDescriptors": {},
            "retriedRelationships": sorted(retried),
            "retryCount": retry_count,
            "runDurationMillis": 0,
            "scheduledState": "ENABLED",
            "schedulingPeriod": schedule,
            "schedulingStrategy": strategy,
            "style": {},
            "type": ptype,
            "yieldDuration": "1 sec",
        })
        return name

    def position(self, name):
        pid = uid(self.key, "processor", name)
        p = next(p for p in self.processors if p["identifier"] == pid)
        return p["position"]["x"], p["position"]["y"]

    def connect(self, source, relationships, destination, backpressure_count=10000, backpressure_size="1 GB",
                bends=None):
        sid = uid(self.key, "processor", source)
        did = uid(self.key, "processor", destination)
        cid = uid(self.key, "connection", source, ",".join(sorted(relationships)), destination)
        if bends is None and source == destination:
            # a retry loop: drawn to the right of the processor instead of on top of it
            x, y = self.position(source)
            bends = [(x + 420, y + 20), (x + 420, y + 100)]
        self.connections.append({
            "backPressureDataSizeThreshold": backpressure_size,
            "backPressureObjectThreshold": backpressure_count,
            "bends": [{"x": float(bx), "y": float(by)} for bx, by in (bends or [])],
            "componentType": "CONNECTION",
            "destination": {"comments": "", "groupId": self.gid, "id": did, "name": destination, "type": "PROCESSOR"},
            "flowFileExpiration": "0 sec",
            "groupIdentifier": self.gid,
            "identifier": cid,
            "labelIndex": 1,
            "loadBalanceCompression": "DO_NOT_COMPRESS",
            "loadBalanceStrategy": "DO_NOT_LOAD_BALANCE",
            "name": "",
            "prioritizers": [],
            "selectedRelationships": sorted(relationships),
            "source": {"comments": "", "groupId": self.gid, "id": sid, "name": source, "type": "PROCESSOR"},
            "zIndex": 0,
        })

    def label(self, text, x, y, width=420, height=120):
        self.labels.append({
            "componentType": "LABEL",
            "groupIdentifier": self.gid,
            "height": float(height),
            "identifier": uid(self.key, "label", text[:40]),
            "label": text,
            "position": {"x": float(x), "y": float(y)},
            "style": {"font-size": "14px"},
            "width": float(width),
            "zIndex": 0,
        })

    def quarantine(self, sources, x, y):
        """Every failure goes to the quarantine folder: the content as it arrived, plus a sidecar
        <filename>.error.json with all attributes (spectro.error, spectro.error.where, ...)."""
        store = self.processor("Quarantine input", "org.apache.nifi.processors.standard.PutFile", STANDARD, x, y, {
            "Directory": "#{quarantine.dir}/${spectro.error.processor:replaceNull('unknown')}",
            "Conflict Resolution Strategy": "replace",
            "Create Missing Directories": "true",
        }, auto_terminate=["success"], penalty="30 sec", comments="Failed inputs, byte for byte as they arrived")
        to_json = self.processor("Error attributes to JSON", "org.apache.nifi.processors.standard.AttributesToJSON",
                                 STANDARD, x + 560, y, {
                                     "Destination": "flowfile-content",
                                     "Include Core Attributes": "true",
                                     "Pretty Print": "true",
                                 }, auto_terminate=["failure"])
        name = self.processor("Name error file", "org.apache.nifi.processors.attributes.UpdateAttribute",
                              UPDATE_ATTRIBUTE, x + 560, y + 200, {"filename": "${filename}.error.json"})
        store_json = self.processor("Quarantine error report", "org.apache.nifi.processors.standard.PutFile", STANDARD,
                                    x + 560, y + 400, {
                                        "Directory": "#{quarantine.dir}/${spectro.error.processor:replaceNull('unknown')}",
                                        "Conflict Resolution Strategy": "replace",
                                        "Create Missing Directories": "true",
                                    }, auto_terminate=["success"])
        for source, rels in sources:
            self.connect(source, rels, store)
            self.connect(source, rels, to_json)
        self.connect(store, ["failure"], store)
        self.connect(to_json, ["success"], name)
        self.connect(name, ["success"], store_json)
        self.connect(store_json, ["failure"], store_json)

    def definition(self):
        return {
            "externalControllerServices": {},
            "flowContents": {
                "comments": self.comments,
                "componentType": "PROCESS_GROUP",
                "connections": sorted(self.connections, key=lambda c: c["identifier"]),
                "controllerServices": [],
                "defaultBackPressureDataSizeThreshold": "1 GB",
                "defaultBackPressureObjectThreshold": 10000,
                "defaultFlowFileExpiration": "0 sec",
                "executionEngine": "INHERITED",
                "flowFileConcurrency": "UNBOUNDED",
                "flowFileOutboundPolicy": "STREAM_WHEN_AVAILABLE",
                "funnels": [],
                "identifier": self.gid,
                "inputPorts": [],
                "labels": self.labels,
                "maxConcurrentTasks": 1,
                "name": self.name,
                "outputPorts": [],
                "parameterContextName": self.context,
                "position": {"x": 0.0, "y": 0.0},
                "processGroups": [],
                "processors": sorted(self.processors, key=lambda p: p["identifier"]),
                "remoteProcessGroups": [],
                "scheduledState": "ENABLED",
                "statelessFlowTimeout": "1 min",
            },
            "flowEncodingVersion": "1.0",
            "latest": False,
            "parameterContexts": {
                self.context: {
                    "componentType": "PARAMETER_CONTEXT",
                    "description": "Per-beamline values of the " + self.name + " flow",
                    "inheritedParameterContexts": [],
                    "name": self.context,
                    "parameters": [
                        {"description": d, "name": n, "provided": False, "sensitive": False, "value": v}
                        for n, v, d in self.parameters
                    ],
                }
            },
            "parameterProviders": {},
        }

    def write(self):
        os.makedirs(os.path.join(FLOWS, BUCKET), exist_ok=True)
        path = os.path.join(FLOWS, BUCKET, self.key + ".json")
        with open(path, "w") as f:
            json.dump(self.definition(), f, indent=2, sort_keys=True)
            f.write("\n")
        print("wrote", os.path.relpath(path, os.path.dirname(FLOWS)))


def common_parameters(prefix):
    return [
        ("incoming.dir", "./data/" + prefix + "/incoming", "Folder the detector or user writes files into"),
        ("minimum.file.age", "5 sec", "A file is picked up only when it has not changed for this long (complete files only)"),
        ("archive.dir", "./data/" + prefix + "/archive", "Raw input files are moved here once fetched"),
        ("storage.dir", "./data/" + prefix + "/storage", "Results, laid out per sample/scan"),
        ("quarantine.dir", "./data/" + prefix + "/quarantine", "Inputs that failed, with an .error.json of their attributes"),
    ]


def listing(flow, file_filter, x=0, y=0):
    lst = flow.processor("List incoming files", "org.apache.nifi.processors.standard.ListFile", STANDARD, x, y, {
        "Input Directory": "#{incoming.dir}",
        "File Filter": file_filter,
        "Minimum File Age": "#{minimum.file.age}",
        "Recurse Subdirectories": "true",
        "Ignore Hidden Files": "true",
    }, schedule="5 sec", comments="Only complete files: older than minimum.file.age, hidden (temporary) files ignored")
    fetch = flow.processor("Fetch file", "org.apache.nifi.processors.standard.FetchFile", STANDARD, x, y + 200, {
        "File to Fetch": "${absolute.path}/${filename}",
        "Completion Strategy": "Move File",
        "Move Destination Directory": "#{archive.dir}",
        "Move Conflict Strategy": "Rename",
    }, comments="The raw file is moved to archive.dir once its content is in NiFi")
    flow.connect(lst, ["success"], fetch)
    return fetch


def structure_catalog():
    f = Flow("structure-catalog", "Structure catalog",
             "A folder of CIFs -> SimulatePDF -> .gr files in storage (the input of ClassifyStructure training)",
             "Structure catalog", common_parameters("structure-catalog") + [
                 ("pdf.qmax", "20.0", "Qmax of the simulated PDFs (1/A)"),
                 ("pdf.uiso", "0.005", "Uiso given to every atom (A^2); empty keeps the CIF's values"),
                 ("pdf.variants", "0", "Variants per structure (lattice +-4 %, Uiso 0.005-0.025, Latin hypercube); 0 = the structure only"),
             ])
    fetch = listing(f, r".*\.cif")
    sim = f.processor("SimulatePDF", "org.nifispectro.processors.SimulatePDF", SPECTRO, 0, 400, {
        "qmax": "#{pdf.qmax}",
        "uiso": "#{pdf.uiso}",
        "Variants Per Structure": "#{pdf.variants}",
    }, auto_terminate=["original"])
    f.connect(fetch, ["success"], sim)
    store = f.processor("Store PDFs", "org.apache.nifi.processors.standard.PutFile", STANDARD, 0, 600, {
        "Directory": "#{storage.dir}/${pdf.source}",
        "Conflict Resolution Strategy": "replace",
        "Create Missing Directories": "true",
    }, auto_terminate=["success"])
    f.connect(sim, ["success"], store)
    f.connect(store, ["failure"], store)
    f.quarantine([(fetch, ["failure", "not.found", "permission.denied"]), (sim, ["failure"])], 700, 200)
    f.label("Structure catalog\n\nCIF files dropped into #{incoming.dir} become simulated X-ray PDFs G(r)\n"
            "(.gr, PDFgetX3 layout) in #{storage.dir}/<cif name>/. Failures: #{quarantine.dir}.", 700, -20, 520, 130)
    return f


if __name__ == "__main__":
    for flow in [structure_catalog()]:
        flow.write()
