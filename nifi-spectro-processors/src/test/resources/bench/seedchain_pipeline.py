"""Python equivalent of NormalizeSpectra -> RejectLowSNR -> DBSCANCluster for SeedChainBenchmark.

numpy per-pixel normalization (pre-edge line below e0 - 2 eV, post-edge line above e0 + 3 eV, e0 from
the derivative maximum of the window's mean spectrum, edge step at e0, pre-edge RMS noise), SNR mask
(every window >= min_snr), then per window scikit-learn PCA(n_components) + DBSCAN(eps, min_samples).
Usage: seedchain_pipeline.py stack.h5 out.json labels_prefix min_snr n_components minpts eps_L3 eps_L2 [mem_cap_gb]
The address space is capped (default 12 GB) so that scikit-learn's DBSCAN, which materialises every
point's eps-neighbourhood, fails with MemoryError instead of waking the machine's OOM killer (on the
seed-scale stack at the Java run's Eps it passed 18 GB RSS within a minute); the failure is reported.
Writes wall times per step and, per window, the labels (int32 raw, pixel order) to labels_prefix_<label>.i32.

When a window's DBSCAN raises MemoryError, the time scikit-learn's DBSCAN would have needed is bounded from below
by running the part of DBSCAN.fit that cannot be skipped, its neighbour search, in slices that fit the memory
(optional argument lower_bound = 1, default on): the same NearestNeighbors(radius=eps, leaf_size=30) that
DBSCAN.fit builds, fitted on the same scores, then radius_neighbors(X[slice], return_distance=False) for
consecutive slices of 2,000 points, each result counted and dropped. DBSCAN.fit does exactly this search
(in one call, keeping every neighbourhood) and then its core-point expansion on top, so the sum of fit and
slice times is a lower bound of its wall time on a machine with the memory; the neighbour pairs it found
times 8 bytes (int64 indices) is a lower bound of the memory it needs. Per window the result carries
dbscan_lower_bound_s, neighbour_pairs and neighbourhood_gb.

Subset comparison (optional arguments subset_sizes, e.g. 10000,25000,50000,75000,100000, and
subset_budget_s): right after the L3 PCA, DBSCAN(eps_L3, minpts) on random subsets (numpy default_rng
seed 20261121, indices sorted, i.e. pixel order) of the kept pixels' PCA scores, smallest first, until
one raises MemoryError, the next size's predicted time (the last time x (size ratio)^2) would pass the
budget, or the sizes run out. Per size the scores (float64 raw, n x ncomp, row-major) go to
labels_prefix_sub<n>.f64 and scikit-learn's labels to labels_prefix_sub<n>.i32, so that the Java side
clusters exactly the same coordinates.
"""
import json
import resource
import sys
import time

import h5py
import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

path, out, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
min_snr, ncomp, minpts = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
eps = {"L3": float(sys.argv[7]), "L2": float(sys.argv[8])}
cap_gb = float(sys.argv[9]) if len(sys.argv) > 9 else 12.0
subset_sizes = [int(v) for v in sys.argv[10].split(",")] if len(sys.argv) > 10 and sys.argv[10] else []
subset_budget = float(sys.argv[11]) if len(sys.argv) > 11 else 180.0
lower_bound = (sys.argv[12] != "0") if len(sys.argv) > 12 else True
resource.setrlimit(resource.RLIMIT_AS, (int(cap_gb * 2**30), int(cap_gb * 2**30)))
windows = [("L3", 700.0, 716.0), ("L2", 714.0, 730.0)]
times = {}
t = time.time()
with h5py.File(path, "r") as f:
    d = f["/entry/data/data"][...]
    e = f["/entry/data/energy"][...]
ne, ny, nx = d.shape
X = d.reshape(ne, ny * nx)
times["read"] = time.time() - t

t = time.time()
norm = {}
snr = {}
npix = ny * nx
chunk = 32768
for label, lo, hi in windows:
    sel = np.nonzero((e >= lo) & (e <= hi))[0]
    ew = e[sel]
    mean = X[sel, :].mean(axis=1, dtype=np.float64)
    e0 = ew[np.argmax(np.gradient(mean, ew))]
    pre = ew <= e0 - 2.0
    post = ew >= e0 + 3.0
    A = np.vstack([ew[pre], np.ones(pre.sum())]).T
    B = np.vstack([ew[post], np.ones(post.sum())]).T
    pa = np.linalg.pinv(A)
    pb = np.linalg.pinv(B)
    nrm = np.empty((npix, sel.size), dtype=np.float32)
    s_ = np.empty(npix)
    for c0 in range(0, npix, chunk):
        Y = X[sel, c0:c0 + chunk].astype(np.float64)  # nw x m
        cp = pa @ Y[pre]
        cq = pb @ Y[post]
        step = (cq[0] - cp[0]) * e0 + (cq[1] - cp[1])
        noise = np.sqrt(((Y[pre] - A @ cp) ** 2).mean(axis=0))
        with np.errstate(divide="ignore", invalid="ignore"):
            s_[c0:c0 + chunk] = step / noise
            nrm[c0:c0 + chunk] = ((Y - (np.outer(ew, cp[0]) + cp[1])) / step).T
    norm[label] = nrm
    snr[label] = s_
    print(label, "normalized", time.time() - t, flush=True)
del d, X
times["normalize"] = time.time() - t
t = time.time()
mask = np.ones(ny * nx, dtype=bool)
for label, _, _ in windows:
    mask &= np.isfinite(snr[label]) & (snr[label] >= min_snr)
times["reject"] = time.time() - t


def neighbour_search(scores, eps_w, slice_points=2000):
    """DBSCAN.fit's neighbour search, in slices that fit the memory: (seconds, neighbour pairs); see the module doc."""
    t0 = time.time()
    nn = NearestNeighbors(radius=eps_w, leaf_size=30).fit(scores)
    pairs = 0
    n = scores.shape[0]
    for c0 in range(0, n, slice_points):
        ind = nn.radius_neighbors(scores[c0:c0 + slice_points], return_distance=False)
        pairs += int(sum(len(a) for a in ind))
        del ind
        if c0 % (50 * slice_points) == 0:
            print("  neighbour search %d / %d points, %.0f s" % (c0, n, time.time() - t0), flush=True)
    return time.time() - t0, pairs


def subsets(scores, eps_w):
    """sklearn DBSCAN on growing random subsets of the scores; see the module doc."""
    rng = np.random.default_rng(20261121)
    rows = []
    spent = 0.0
    last = None
    for n in subset_sizes:
        if n > scores.shape[0]:
            rows.append({"n": n, "skipped": "only %d kept pixels" % scores.shape[0]})
            break
        if last is not None:
            predicted = last[1] * (n / last[0]) ** 2
            if spent + predicted > subset_budget:
                rows.append({"n": n, "skipped": "predicted %.0f s would pass the %.0f s budget" % (predicted, subset_budget)})
                break
        idx = np.sort(rng.choice(scores.shape[0], size=n, replace=False))
        pts = np.ascontiguousarray(scores[idx], dtype=np.float64)
        coords = "%s_sub%d.f64" % (prefix, n)
        pts.tofile(coords)
        t0 = time.time()
        try:
            lab = DBSCAN(eps=eps_w, min_samples=minpts).fit_predict(pts)
        except MemoryError:
            td = time.time() - t0
            spent += td
            print("subset", n, "dbscan MemoryError after", td, flush=True)
            rows.append({"n": n, "sklearn_s": td, "error": "MemoryError at %.0f GB address-space cap" % cap_gb,
                         "coords": coords})
            break
        td = time.time() - t0
        spent += td
        last = (n, td)
        lab.astype(np.int32).tofile("%s_sub%d.i32" % (prefix, n))
        print("subset", n, "dbscan", td, "clusters", int(lab.max() + 1), flush=True)
        rows.append({"n": n, "sklearn_s": td, "clusters": int(lab.max() + 1), "noise": int((lab == -1).sum()),
                     "coords": coords, "labels": "%s_sub%d.i32" % (prefix, n)})
    return rows


result = {"times": times, "kept": int(mask.sum()), "windows": {}, "mem_cap_gb": cap_gb}
for label, _, _ in windows:
    t = time.time()
    Z = norm[label][mask]
    scores = PCA(n_components=ncomp).fit_transform(Z)
    tp = time.time() - t
    t = time.time()
    print(label, "pca", tp, flush=True)
    if label == "L3" and subset_sizes:
        ts = time.time()
        result["dbscan_subsets"] = subsets(scores, eps[label])
        result["dbscan_subsets_s"] = time.time() - ts  # not part of the pipeline's times
        t = time.time()
    try:
        lab = DBSCAN(eps=eps[label], min_samples=minpts).fit_predict(scores)
    except MemoryError:
        td = time.time() - t
        print(label, "dbscan MemoryError after", td, flush=True)
        result["windows"][label] = {"pca_s": tp, "dbscan_s": td, "dbscan_error": "MemoryError at %.0f GB address-space cap" % cap_gb}
        if lower_bound:
            lb, pairs = neighbour_search(scores, eps[label])
            print(label, "dbscan neighbour search alone (lower bound)", lb, "pairs", pairs, flush=True)
            result["windows"][label].update({"dbscan_lower_bound_s": lb, "neighbour_pairs": pairs,
                                             "neighbourhood_gb": pairs * 8 / 2**30})
        times["pca_" + label] = tp
        times["dbscan_" + label] = td
        continue
    td = time.time() - t
    full = np.full(ny * nx, -2, dtype=np.int32)
    full[mask] = lab
    full.tofile(prefix + "_" + label + ".i32")
    result["windows"][label] = {"pca_s": tp, "dbscan_s": td, "clusters": int(lab.max() + 1),
                                "outliers": int((lab == -1).sum())}
    times["pca_" + label] = tp
    times["dbscan_" + label] = td
result["total_s"] = sum(times.values())
with open(out, "w") as f:
    json.dump(result, f, indent=1)
print(json.dumps(result))
