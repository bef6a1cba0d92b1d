"""Python equivalent of NormalizeSpectra -> RejectLowSNR -> DBSCANCluster for SeedChainBenchmark.

numpy per-pixel normalization (pre-edge line below e0 - 2 eV, post-edge line above e0 + 3 eV, e0 from
the derivative maximum of the window's mean spectrum, edge step at e0, pre-edge RMS noise), SNR mask
(every window >= min_snr), then per window scikit-learn PCA(n_components) + DBSCAN(eps, min_samples).
Usage: seedchain_pipeline.py stack.h5 out.json labels_prefix min_snr n_components minpts eps_L3 eps_L2
Writes wall times per step and, per window, the labels (int32 raw, pixel order) to labels_prefix_<label>.i32.
"""
import json
import sys
import time

import h5py
import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.decomposition import PCA

path, out, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
min_snr, ncomp, minpts = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
eps = {"L3": float(sys.argv[7]), "L2": float(sys.argv[8])}
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
for label, lo, hi in windows:
    sel = (e >= lo) & (e <= hi)
    ew = e[sel]
    Y = X[sel, :].astype(np.float64)  # nw x npix
    mean = Y.mean(axis=1)
    e0 = ew[np.argmax(np.gradient(mean, ew))]
    pre = ew <= e0 - 2.0
    post = ew >= e0 + 3.0
    A = np.vstack([ew[pre], np.ones(pre.sum())]).T
    cp = np.linalg.lstsq(A, Y[pre, :], rcond=None)[0]
    B = np.vstack([ew[post], np.ones(post.sum())]).T
    cq = np.linalg.lstsq(B, Y[post, :], rcond=None)[0]
    step = (cq[0] - cp[0]) * e0 + (cq[1] - cp[1])
    resid = Y[pre, :] - A @ cp
    noise = np.sqrt((resid ** 2).mean(axis=0))
    snr[label] = np.where(noise > 0, step / np.where(noise > 0, noise, 1), np.inf)
    line = np.outer(ew, cp[0]) + cp[1]
    norm[label] = ((Y - line) / step).T.astype(np.float32)  # npix x nw
    del Y, resid, line
times["normalize"] = time.time() - t
t = time.time()
mask = np.ones(ny * nx, dtype=bool)
for label, _, _ in windows:
    mask &= np.isfinite(snr[label]) & (snr[label] >= min_snr)
times["reject"] = time.time() - t
result = {"times": times, "kept": int(mask.sum()), "windows": {}}
for label, _, _ in windows:
    t = time.time()
    Z = norm[label][mask]
    scores = PCA(n_components=ncomp).fit_transform(Z)
    tp = time.time() - t
    t = time.time()
    lab = DBSCAN(eps=eps[label], min_samples=minpts).fit_predict(scores)
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
