"""scikit-learn reference for ClusterJobSklearnTest.

Input: seedlike48_snr.h5, a RejectLowSNR output (48 x 48 pixels of the seed-like synthetic stack,
windows L3 700-716 eV and L2 714-730 eV, Minimum SNR 2). For each window: the normalized spectra of
the kept pixels (mask == 1) in pixel order, scikit-learn 1.2.1 PCA(n_components=3, svd_solver='full')
fit_transform, DBSCAN(eps=EPS[label], min_samples=10) on the scores. Writes, per window,
seedlike48_sklearn_<label>.txt: line 1 the explained_variance_ratio_ of the first 10 axes (computed
with n_components=10), line 2 the labels of all 48*48 pixels in row-major order (-2 = not kept).
Run with Debian's /usr/bin/python3 (python3-sklearn 1.2.1, python3-h5py 3.7.0).
"""
import h5py
import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.decomposition import PCA

EPS = {"L3": 0.3, "L2": 0.15}
with h5py.File("seedlike48_snr.h5", "r") as f:
    mask = f["/entry/mask/data"][...].ravel() == 1
    for label in ("L3", "L2"):
        d = f["/entry/norm_" + label + "/data"][...]
        ne = d.shape[0]
        X = d.reshape(ne, -1).T[mask].astype(np.float64)
        ratio = PCA(n_components=10, svd_solver="full").fit(X).explained_variance_ratio_
        scores = PCA(n_components=3, svd_solver="full").fit_transform(X)
        lab = DBSCAN(eps=EPS[label], min_samples=10).fit_predict(scores)
        full = np.full(mask.size, -2, dtype=int)
        full[mask] = lab
        with open("seedlike48_sklearn_" + label + ".txt", "w") as o:
            o.write(" ".join("%.17g" % r for r in ratio) + "\n")
            o.write(" ".join(str(v) for v in full) + "\n")
        print(label, "kept", mask.sum(), "clusters", lab.max() + 1, "noise", (lab == -1).sum(), "ratio", ratio[:3])
