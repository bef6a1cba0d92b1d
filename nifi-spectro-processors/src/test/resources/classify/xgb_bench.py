#!/usr/bin/python3
"""XGBoost side of ClassifyBenchmark: trains on the same training profiles the Java trainer used,
measures accuracy, inference and load times. Usage: xgb_bench.py WORKDIR NTHREAD ROUNDS.
Reads WORKDIR/{train,clean,perturbed,real}.csv (first column label, then the profile; real: -1
labels), writes WORKDIR/xgb.json. Settings follow make_mini_mlsm.py (multi:softprob, hist,
max_depth 6, eta 0.3, subsample 0.5) with early stopping on a 10 % split of the training data."""
import json, sys, time, os
import numpy as np
import xgboost as xgb

work, nthread, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    a = np.loadtxt(os.path.join(work, name), delimiter=",", dtype=np.float32, ndmin=2)
    return a[:, 1:], a[:, 0].astype(int)
Xtr, ytr = load("train.csv")
ncls = int(ytr.max()) + 1
rng = np.random.default_rng(0)
idx = rng.permutation(len(ytr)); nval = len(ytr) // 10
val, tr = idx[:nval], idx[nval:]
params = {"objective": "multi:softprob", "eval_metric": "mlogloss", "max_depth": 6, "tree_method": "hist",
          "max_bin": 256, "subsample": 0.5, "eta": 0.3, "num_class": ncls, "seed": 0, "nthread": nthread,
          "verbosity": 0}
dtr = xgb.DMatrix(Xtr[tr], label=ytr[tr]); dval = xgb.DMatrix(Xtr[val], label=ytr[val])
t0 = time.time()
bst = xgb.train(params, dtr, rounds, evals=[(dval, "val")], early_stopping_rounds=5, verbose_eval=False)
train_s = time.time() - t0
path = os.path.join(work, "xgb_model.json"); bst.save_model(path)
t0 = time.time(); b2 = xgb.Booster(); b2.load_model(path); load_s = time.time() - t0
out = {"xgboost": xgb.__version__, "classes": ncls, "train_samples": int(len(tr)), "rounds": int(bst.best_iteration + 1),
       "train_seconds": train_s, "model_bytes": os.path.getsize(path), "load_seconds": load_s}
def topk(p, y, k):
    order = np.argsort(-p, axis=1)[:, :k]
    return float(np.mean([y[i] in order[i] for i in range(len(y))]))
it = (0, bst.best_iteration + 1)
for name in ("clean", "perturbed"):
    X, y = load(name + ".csv")
    p = b2.predict(xgb.DMatrix(X), iteration_range=it)
    out[name] = {"n": int(len(y)), "top1": topk(p, y, 1), "top3": topk(p, y, 3), "top5": topk(p, y, 5)}
X, _ = load("real.csv")
p = b2.predict(xgb.DMatrix(X), iteration_range=it)
out["real_top5"] = [[[int(c), float(row[c])] for c in np.argsort(-row)[:5]] for row in p]
# one PDF at a time (the processor's situation) and a 1000-PDF series in one batch
X1, _ = load("clean.csv")
reps = min(200, len(X1))
t0 = time.time()
for i in range(reps):
    b2.predict(xgb.DMatrix(X1[i:i + 1]), iteration_range=it)
out["ms_per_pdf_single"] = (time.time() - t0) / reps * 1000
series = np.resize(X1, (1000, X1.shape[1]))
t0 = time.time(); b2.predict(xgb.DMatrix(series), iteration_range=it); out["series_1000_seconds_batch"] = time.time() - t0
json.dump(out, open(os.path.join(work, "xgb.json"), "w"), indent=1)
print(json.dumps({k: v for k, v in out.items() if k != "real_top5"}, indent=1))
