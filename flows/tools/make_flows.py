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


# Canvas layout. NiFi draws a processor as a 352 x 128 px box and a connection's label (name,
# relationships, queue) as a ~240 x 60 px box at the middle of the connection: rows ROW px apart leave
# room for that label between two stacked processors; columns COL px apart for labels of connections
# that run sideways. FlowDefinitionTest fails if two boxes overlap.
ROW = 300
COL = 600
PROCESSOR_W, PROCESSOR_H = 352, 128


def row(i):
    return i * ROW


# Back-pressure per connection: (object count, data size). A queue that reaches either threshold stops
# its source processor until it drains. Sized by what the queue holds:
LISTING = (10000, "100 MB")    # ListFile -> FetchFile: attribute-only FlowFiles, no content
STACK = (10, "20 GB")          # raw, normalized or masked XANES stacks: 0.5-4 GB each (602 x 643 x 1024 float32 = 1.6 GB)
CLUSTER = (1000, "4 GB")       # DBSCANCluster results (label maps, mean spectra: a few MB) and phase-map PNGs
SMALL = (10000, "1 GB")        # PDFs (.gr), CIFs, EXAFS text, JSON, PNG, error reports: KB to a few MB each
SERIES = (200, "2 GB")         # gathered in-situ series (TAR of up to thousands of .gr files)
FAILED_STACK = (100, "40 GB")  # failed XANES inputs on their way to quarantine: stacks, kept unchanged


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
        self.funnels = []

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

    def funnel(self, name, x, y):
        fid = uid(self.key, "funnel", name)
        self.funnels.append({
            "componentType": "FUNNEL",
            "groupIdentifier": self.gid,
            "identifier": fid,
            "position": {"x": float(x), "y": float(y)},
        })
        return "funnel:" + name

    def endpoint(self, name):
        if name.startswith("funnel:"):
            return {"comments": "", "groupId": self.gid, "id": uid(self.key, "funnel", name[7:]), "name": "Funnel",
                    "type": "FUNNEL"}
        return {"comments": "", "groupId": self.gid, "id": uid(self.key, "processor", name), "name": name,
                "type": "PROCESSOR"}

    def connect(self, source, relationships, destination, load, bends=None, loop_side="right"):
        """Connects source to destination for the relationships, with the back-pressure thresholds of
        `load` (object count, data size): one of the profiles above, chosen by what the queue holds."""
        count, size = load
        cid = uid(self.key, "connection", source, ",".join(sorted(relationships)), destination)
        if bends is None and source == destination:
            # a retry loop: drawn beside the processor (right or left) instead of on top of it, far enough
            # that its label (centred on the loop, ~240 px wide) stays clear of the processor
            x, y = self.position(source)
            bx = x + PROCESSOR_W + 160 if loop_side == "right" else x - 160
            bends = [(bx, y + 24), (bx, y + 104)]
        self.connections.append({
            "backPressureDataSizeThreshold": size,
            "backPressureObjectThreshold": count,
            "bends": [{"x": float(bx), "y": float(by)} for bx, by in (bends or [])],
            "componentType": "CONNECTION",
            "destination": self.endpoint(destination),
            "flowFileExpiration": "0 sec",
            "groupIdentifier": self.gid,
            "identifier": cid,
            "labelIndex": 1,
            "loadBalanceCompression": "DO_NOT_COMPRESS",
            "loadBalanceStrategy": "DO_NOT_LOAD_BALANCE",
            "name": "",
            "prioritizers": [],
            "selectedRelationships": sorted(relationships),
            "source": self.endpoint(source),
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

    def quarantine(self, sources, x, y, load=SMALL):
        """Every failure goes to the quarantine folder: the content as it arrived, plus a sidecar
        <filename>.error.json with all attributes (spectro.error, spectro.error.where, ...). The failure
        relationships of all sources meet in one funnel at (x, y); the quarantine processors stand in a
        column to its right. `load` is the back-pressure of the queues that carry the failed inputs."""
        funnel = self.funnel("Failures", x, y)
        qx = x + 450
        store = self.processor("Quarantine input", "org.apache.nifi.processors.standard.PutFile", STANDARD, qx, y - ROW, {
            "Directory": "#{quarantine.dir}/${spectro.error.processor:replaceNull('unknown')}",
            "Conflict Resolution Strategy": "replace",
            "Create Missing Directories": "true",
        }, auto_terminate=["success"], penalty="30 sec", comments="Failed inputs, byte for byte as they arrived")
        to_json = self.processor("Error attributes to JSON", "org.apache.nifi.processors.standard.AttributesToJSON",
                                 STANDARD, qx, y + ROW - 40, {
                                     "Destination": "flowfile-content",
                                     "Include Core Attributes": "true",
                                     "Pretty Print": "true",
                                 }, auto_terminate=["failure"])
        name = self.processor("Name error file", "org.apache.nifi.processors.attributes.UpdateAttribute",
                              UPDATE_ATTRIBUTE, qx, y + 2 * ROW - 40, {"filename": "${filename}.error.json"})
        store_json = self.processor("Quarantine error report", "org.apache.nifi.processors.standard.PutFile", STANDARD,
                                    qx, y + 3 * ROW - 40, {
                                        "Directory": "#{quarantine.dir}/${spectro.error.processor:replaceNull('unknown')}",
                                        "Conflict Resolution Strategy": "replace",
                                        "Create Missing Directories": "true",
                                    }, auto_terminate=["success"])
        for source, rels in sources:
            self.connect(source, rels, funnel, load)
        self.connect(funnel, [], store, load)
        self.connect(funnel, [], to_json, load)
        self.connect(store, ["failure"], store, load)
        self.connect(to_json, ["success"], name, SMALL)
        self.connect(name, ["success"], store_json, SMALL)
        self.connect(store_json, ["failure"], store_json, SMALL)

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
                "funnels": sorted(self.funnels, key=lambda f: f["identifier"]),
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


def listing(flow, file_filter, load, x=0, y=0):
    """ListFile -> FetchFile at rows 0 and 1 of column x; `load` is the back-pressure of what is fetched."""
    lst = flow.processor("List incoming files", "org.apache.nifi.processors.standard.ListFile", STANDARD, x, y, {
        "Input Directory": "#{incoming.dir}",
        "File Filter": file_filter,
        "Minimum File Age": "#{minimum.file.age}",
        "Recurse Subdirectories": "true",
        "Ignore Hidden Files": "true",
    }, schedule="5 sec", comments="Only complete files: older than minimum.file.age, hidden (temporary) files ignored")
    fetch = flow.processor("Fetch file", "org.apache.nifi.processors.standard.FetchFile", STANDARD, x, y + ROW, {
        "File to Fetch": "${absolute.path}/${filename}",
        "Completion Strategy": "Move File",
        "Move Destination Directory": "#{archive.dir}",
        "Move Conflict Strategy": "Rename",
    }, comments="The raw file is moved to archive.dir once its content is in NiFi")
    flow.connect(lst, ["success"], fetch, LISTING)
    return fetch


FETCH_FAILURES = ["failure", "not.found", "permission.denied"]


def structure_catalog():
    f = Flow("structure-catalog", "Structure catalog",
             "A folder of CIFs -> SimulatePDF -> .gr files in storage (the input of ClassifyStructure training)",
             "Structure catalog", common_parameters("structure-catalog") + [
                 ("pdf.qmax", "20.0", "Qmax of the simulated PDFs (1/A)"),
                 ("pdf.uiso", "0.005", "Uiso given to every atom (A^2); empty keeps the CIF's values"),
                 ("pdf.variants", "0", "Variants per structure (lattice +-4 %, Uiso 0.005-0.025, Latin hypercube); 0 = the structure only"),
             ])
    fetch = listing(f, r".*\.cif", SMALL)
    sim = f.processor("SimulatePDF", "org.nifispectro.processors.SimulatePDF", SPECTRO, 0, row(2), {
        "qmax": "#{pdf.qmax}",
        "uiso": "#{pdf.uiso}",
        "Variants Per Structure": "#{pdf.variants}",
    }, auto_terminate=["original"])
    f.connect(fetch, ["success"], sim, SMALL)
    store = f.processor("Store PDFs", "org.apache.nifi.processors.standard.PutFile", STANDARD, 0, row(3), {
        "Directory": "#{storage.dir}/${pdf.source}",
        "Conflict Resolution Strategy": "replace",
        "Create Missing Directories": "true",
    }, auto_terminate=["success"])
    f.connect(sim, ["success"], store, SMALL)
    f.connect(store, ["failure"], store, SMALL)
    f.quarantine([(fetch, FETCH_FAILURES), (sim, ["failure"])], COL + 200, row(2))
    f.label("Structure catalog\n\nCIF files dropped into #{incoming.dir} become simulated X-ray PDFs G(r)\n"
            "(.gr, PDFgetX3 layout) in #{storage.dir}/<cif name>/. Failures: #{quarantine.dir}.",
            COL + 200, -60, 560, 130)
    return f


def store(flow, name, directory, x, y):
    """A PutFile into storage that replaces a file of the same name (re-processing a scan updates its results)."""
    return flow.processor(name, "org.apache.nifi.processors.standard.PutFile", STANDARD, x, y, {
        "Directory": directory,
        "Conflict Resolution Strategy": "replace",
        "Create Missing Directories": "true",
    }, auto_terminate=["success"])


def xanes_imaging():
    f = Flow("xanes-imaging", "XANES imaging",
             "Spectral image stacks (HDF5) -> NormalizeSpectra -> RejectLowSNR -> DBSCANCluster -> ExtractEXAFS on the "
             "cluster spectra; results, phase maps and EXAFS files to storage per sample/scan (Duan et al. 2016)",
             "XANES imaging", common_parameters("xanes-imaging") + [
                 ("xanes.edge.windows", "L3:700-716, L2:716-730",
                  "Edge windows label:emin-emax in eV, normalized and clustered separately (empty = one window)"),
                 ("xanes.min.snr", "10", "Pixels whose signal / pre-edge noise is below this are rejected"),
                 ("xanes.snr.signal", "Edge Step", "Signal of the SNR: 'Edge Step' (hard X-ray K and L edges) or "
                                                   "'White Line' (soft X-ray L2,3 edges, whose edge step is small)"),
                 ("dbscan.eps", "auto", "DBSCAN radius in PCA score units; auto = estimated from the k-distance curve"),
                 ("dbscan.minpts", "10", "DBSCAN minimum neighbourhood size"),
                 ("dbscan.min.cluster.size", "1 %", "Clusters smaller than this (pixels, or percent of the clustered "
                                                   "pixels) join the outlier group; 0 = DBSCAN's own labels"),
                 ("exafs.enabled", "true", "Extract EXAFS from the cluster spectra (needs a scan reaching ~300 eV above the "
                                           "edge: hard X-ray K/L edges; false for soft X-ray L-edge stacks)"),
                 ("exafs.kweight", "2", "k-weight of chi(k) for the Fourier transform"),
             ])
    fetch = listing(f, r".*\.(h5|hdf5|nxs|hdf)", STACK)
    names = f.processor("Sample and scan from file name", "org.apache.nifi.processors.attributes.UpdateAttribute",
                        UPDATE_ATTRIBUTE, 0, row(2), {
                            "sample": "${filename:substringBefore('_')}",
                            "scan": "${filename:substringBeforeLast('.')}",
                        }, comments="Storage layout: <storage.dir>/<sample>/<scan>/ (sample = file name up to the first '_')")
    f.connect(fetch, ["success"], names, STACK)
    norm = f.processor("NormalizeSpectra", "org.nifispectro.processors.NormalizeSpectra", SPECTRO, 0, row(3), {
        "Edge Windows": "#{xanes.edge.windows}",
    }, auto_terminate=["original"])
    f.connect(names, ["success"], norm, STACK)
    snr = f.processor("RejectLowSNR", "org.nifispectro.processors.RejectLowSNR", SPECTRO, 0, row(4), {
        "Minimum SNR": "#{xanes.min.snr}",
        "Signal": "#{xanes.snr.signal}",
    }, auto_terminate=["original"])
    f.connect(norm, ["success"], snr, STACK)
    cluster = f.processor("DBSCANCluster", "org.nifispectro.processors.DBSCANCluster", SPECTRO, 0, row(5), {
        "Eps": "#{dbscan.eps}",
        "MinPts": "#{dbscan.minpts}",
        "Minimum Cluster Size": "#{dbscan.min.cluster.size}",
    }, auto_terminate=["original"])
    f.connect(snr, ["success"], cluster, STACK)
    results = store(f, "Store results", "#{storage.dir}/${sample}/${scan}", -COL, row(6))
    f.connect(snr, ["success"], results, STACK)
    f.connect(cluster, ["success"], results, CLUSTER)
    f.connect(results, ["failure"], results, STACK, loop_side="left")
    route = f.processor("Cluster spectra only", "org.apache.nifi.processors.standard.RouteOnAttribute", STANDARD,
                        0, row(6), {
                            "Routing Strategy": "Route to Property name",
                            "cluster spectra": "${filename:endsWith('.h5'):and(#{exafs.enabled})}",
                        }, auto_terminate=["unmatched"])
    f.connect(cluster, ["success"], route, CLUSTER)
    exafs = f.processor("ExtractEXAFS", "org.nifispectro.processors.ExtractEXAFS", SPECTRO, 0, row(7), {
        "kweight": "#{exafs.kweight}",
        "window": "hanning",
    }, auto_terminate=["original"])
    f.connect(route, ["cluster spectra"], exafs, CLUSTER)
    exafs_store = store(f, "Store EXAFS", "#{storage.dir}/${sample}/${scan}/exafs", 0, row(8))
    f.connect(exafs, ["success"], exafs_store, SMALL)
    f.connect(exafs_store, ["failure"], exafs_store, SMALL)
    f.quarantine([(fetch, FETCH_FAILURES), (norm, ["failure"]), (snr, ["failure"]),
                  (cluster, ["failure"]), (exafs, ["failure"])], COL + 200, row(4), FAILED_STACK)
    f.label("XANES imaging (seed 000)\n\nStacks written into #{incoming.dir} are normalized per edge window, low-SNR\n"
            "pixels masked, phases found by DBSCAN (outliers = minority phase) and EXAFS extracted from\n"
            "each phase's mean spectrum. Results: #{storage.dir}/<sample>/<scan>/. Failures: #{quarantine.dir}.",
            COL + 200, -60, 680, 150)
    return f


def pdf_identification():
    f = Flow("pdf-identification", "PDF identification",
             "Measured PDFs (.gr) -> ClassifyStructure -> storage, split by identified / unidentified",
             "PDF identification", common_parameters("pdf-identification") + [
                 ("classify.model", "", "Model file of ClassifyStructure; empty = the model shipped with nifi-spectro"),
                 ("classify.min.probability", "0.5", "A PDF is identified when its top candidate reaches this probability"),
                 ("classify.element.filter", "None", "Chemical constraint: None, Composition In File Header (the "
                  "'composition =' line of PDFgetX3/xPDFsuite) or Listed Elements (then classify.required.elements)"),
                 ("classify.required.elements", "", "With Listed Elements: element symbols every ranked class must "
                  "contain, e.g. 'Cd Se'"),
             ])
    fetch = listing(f, r".*\.(gr|dat|txt)", SMALL)
    classify = f.processor("ClassifyStructure", "org.nifispectro.processors.ClassifyStructure", SPECTRO, 0, row(2), {
        "Model File": "#{classify.model}",
        "Minimum Top Probability": "#{classify.min.probability}",
        "Element Filter": "#{classify.element.filter}",
        "Required Elements": "#{classify.required.elements}",
    }, auto_terminate=["original"])
    f.connect(fetch, ["success"], classify, SMALL)
    ident = store(f, "Store identified", "#{storage.dir}/identified", -COL // 2 - 100, row(3) + 60)
    unident = store(f, "Store unidentified", "#{storage.dir}/unidentified", COL // 2 + 100, row(3) + 60)
    f.connect(classify, ["identified"], ident, SMALL)
    f.connect(classify, ["unidentified"], unident, SMALL)
    f.connect(classify, ["chart"], ident, SMALL, bends=[(-COL // 2 - 100 + 120, row(2) + 64)])
    f.connect(ident, ["failure"], ident, SMALL, loop_side="left")
    f.connect(unident, ["failure"], unident, SMALL)
    f.quarantine([(fetch, FETCH_FAILURES), (classify, ["failure"])], COL + 300, row(1) + 40)
    f.label("PDF identification (seed 004)\n\n.gr files in #{incoming.dir} get a ranked list of candidate structures;\n"
            "#{storage.dir}/identified or /unidentified by the confidence rule. Failures: #{quarantine.dir}.",
            COL + 300, -320, 580, 130)
    return f


def insitu_series():
    f = Flow("insitu-series", "In-situ series",
             "PDFs of one series gathered by MergeContent -> DecomposePCANMF -> each component -> ClassifyStructure "
             "-> storage with scree and weight plots", "In-situ series", common_parameters("insitu-series") + [
                 ("series.files", "10", "A series is decomposed once this many of its files have arrived"),
                 ("series.max.wait", "5 min", "...or once its first file has waited this long"),
                 ("pca.variance.threshold", "0.99", "Components kept: cumulative explained variance up to this"),
                 ("pca.component.rule", "Variance Threshold Plus One",
                  "How many NMF components: 'Variance Threshold' (the PCA count), 'Variance Threshold Plus One' (k "
                  "significant mean-centred PCA axes span k + 1 end members: a series moving from one phase to another "
                  "needs 2), or 'Fixed'"),
                 ("classify.model", "", "Model file of ClassifyStructure; empty = the model shipped with nifi-spectro"),
                 ("classify.min.probability", "0.5", "A component is identified when its top candidate reaches this probability"),
             ])
    fetch = listing(f, r".*\.gr", SMALL)
    series = f.processor("Series from file name", "org.apache.nifi.processors.attributes.UpdateAttribute",
                         UPDATE_ATTRIBUTE, 0, row(2), {"series": "${filename:substringBeforeLast('_')}"},
                         comments="Files <series>_<index>.gr belong to series <series>")
    f.connect(fetch, ["success"], series, SMALL)
    merge = f.processor("Gather series", "org.apache.nifi.processors.standard.MergeContent", STANDARD, 0, row(3), {
        "Merge Strategy": "Bin-Packing Algorithm",
        "Merge Format": "TAR",
        "Correlation Attribute Name": "series",
        "Minimum Number of Entries": "#{series.files}",
        "Maximum Number of Entries": "100000",
        "Max Bin Age": "#{series.max.wait}",
        "Keep Path": "false",
    }, auto_terminate=["original"])
    # MergeContent holds a whole series in its bins: the queue into it must not stop a series half way
    f.connect(series, ["success"], merge, (100000, "2 GB"))
    name_series = f.processor("Name series archive", "org.apache.nifi.processors.attributes.UpdateAttribute",
                              UPDATE_ATTRIBUTE, 0, row(4), {"filename": "${series}.tar"},
                              comments="Outputs are named after the series: <series>_weights.csv, <series>_nmf_1.gr, ...")
    f.connect(merge, ["merged"], name_series, SERIES)
    decompose = f.processor("DecomposePCANMF", "org.nifispectro.processors.DecomposePCANMF", SPECTRO, 0, row(5), {
        "Variance Threshold": "#{pca.variance.threshold}",
        "Component Count Rule": "#{pca.component.rule}",
    }, auto_terminate=["original"])
    f.connect(name_series, ["success"], decompose, SERIES)
    results = store(f, "Store decomposition", "#{storage.dir}/${series}", -COL, row(6))
    f.connect(decompose, ["success"], results, SMALL)
    f.connect(results, ["failure"], results, SMALL, loop_side="left")
    route = f.processor("Components only", "org.apache.nifi.processors.standard.RouteOnAttribute", STANDARD, 0, row(6), {
        "Routing Strategy": "Route to Property name",
        "component": "${decompose.component.index:isEmpty():not()}",
    }, auto_terminate=["unmatched"])
    f.connect(decompose, ["success"], route, SMALL)
    classify = f.processor("ClassifyStructure", "org.nifispectro.processors.ClassifyStructure", SPECTRO, 0, row(7), {
        "Model File": "#{classify.model}",
        "Minimum Top Probability": "#{classify.min.probability}",
    }, auto_terminate=["original"])
    f.connect(route, ["component"], classify, SMALL)
    ident = store(f, "Store component identification", "#{storage.dir}/${series}/identification", 0, row(8))
    f.connect(classify, ["identified", "unidentified", "chart"], ident, SMALL)
    f.connect(ident, ["failure"], ident, SMALL)
    f.quarantine([(fetch, FETCH_FAILURES), (merge, ["failure"]),
                  (decompose, ["failure"]), (classify, ["failure"])], COL + 200, row(4))
    f.label("In-situ series (seed 004)\n\nFiles <series>_<n>.gr are gathered per series, reduced by PCA + NMF, and each\n"
            "component is classified. Results: #{storage.dir}/<series>/. Failures: #{quarantine.dir}.",
            COL + 200, -60, 680, 130)
    return f


BUILDERS = {
    "structure-catalog": structure_catalog,
    "xanes-imaging": xanes_imaging,
    "pdf-identification": pdf_identification,
    "insitu-series": insitu_series,
}

if __name__ == "__main__":
    import sys
    for key in (sys.argv[1:] or BUILDERS):
        BUILDERS[key]().write()
