#!/usr/bin/env python3
"""Reference learners for `npm run bench:learner`.

Reads the CSV files bench/learner.ts wrote (header, then numbers; `nan` = missing; last column `y`),
trains scikit-learn's HistGradientBoostingClassifier and RandomForestClassifier and xgboost (hist) with
the same settings as our learner, and prints one JSON line per (data set, learner):
  {"dataset", "learner", "train_s", "predict_s", "auc", "note"?}
or {"dataset", "learner", "error"} when a package is missing or a fit fails. Only fit and predict are
timed, not reading the CSV (bench/learner.ts does not time its own data preparation either).

  python3 bench/learner_reference.py DIR NAME [NAME ...]     (reads DIR/NAME-train.csv and DIR/NAME-test.csv)
"""
import json
import os
import sys
import time

# Both cores, no more: the same budget our learner gets. Set before numpy / OpenMP start.
os.environ.setdefault("OMP_NUM_THREADS", "2")
# OpenMP threads spin while they wait by default. On this shared 2-core machine (load 10+ from other
# work) that made HistGradientBoosting 16x slower (Taiwan: 79 s against 4.8 s passive, 3.0 s on one
# thread); waiting passively keeps the reference from being handicapped by the machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

THREADS = 2
ITERATIONS = 200
LEARNING_RATE = 0.1
LEAVES = 31
BINS = 255
FOREST_TREES = 100
MIN_SAMPLES_LEAF = 20
# scikit-learn's forest at 400,000 rows can take many minutes; it grows in steps of 10 trees and stops
# adding trees once this budget is spent (the result says how many trees it reached).
FOREST_BUDGET_S = float(os.environ.get("BENCH_FOREST_BUDGET_S", "300"))


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: learner_reference.py DIR NAME [NAME ...]")
    directory, names = sys.argv[1], sys.argv[2:]
    try:
        import numpy as np
        from sklearn.metrics import roc_auc_score
    except ImportError as error:
        emit(dataset="*", learner="*", error=f"numpy / scikit-learn missing: {error}")
        return
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    except ImportError as error:
        HistGradientBoostingClassifier = RandomForestClassifier = None
        emit(dataset="*", learner="sklearn", error=f"scikit-learn ensembles missing: {error}")
    try:
        import xgboost
    except ImportError as error:
        xgboost = None
        emit(dataset="*", learner="xgboost-hist", error=f"xgboost missing: {error}")

    def load(path):
        table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
        return table[:, :-1], table[:, -1].astype(np.int32)

    for name in names:
        x_train, y_train = load(os.path.join(directory, f"{name}-train.csv"))
        x_test, y_test = load(os.path.join(directory, f"{name}-test.csv"))

        def run(learner, make, note=None):
            try:
                model = make()
                start = time.perf_counter()
                model.fit(x_train, y_train)
                train_s = time.perf_counter() - start
                start = time.perf_counter()
                p = model.predict_proba(x_test)[:, 1]
                predict_s = time.perf_counter() - start
                fields = dict(dataset=name, learner=learner, train_s=train_s, predict_s=predict_s, auc=float(roc_auc_score(y_test, p)))
                if note:
                    fields["note"] = note
                emit(**fields)
            except Exception as error:  # a failed reference must not hide the others
                emit(dataset=name, learner=learner, error=f"{type(error).__name__}: {error}")

        if HistGradientBoostingClassifier is not None:
            run("sklearn-histgb", lambda: HistGradientBoostingClassifier(
                max_iter=ITERATIONS, learning_rate=LEARNING_RATE, max_leaf_nodes=LEAVES, max_depth=None,
                min_samples_leaf=MIN_SAMPLES_LEAF, l2_regularization=0.0, max_bins=BINS, early_stopping=False, random_state=1))
        if xgboost is not None:
            run("xgboost-hist", lambda: xgboost.XGBClassifier(
                n_estimators=ITERATIONS, learning_rate=LEARNING_RATE, tree_method="hist", grow_policy="lossguide",
                max_leaves=LEAVES, max_depth=0, max_bin=BINS, n_jobs=THREADS, random_state=1))
        if RandomForestClassifier is not None:
            forest_rf(name, x_train, y_train, x_test, y_test, RandomForestClassifier, roc_auc_score)


def forest_rf(name, x_train, y_train, x_test, y_test, RandomForestClassifier, roc_auc_score):
    """100 trees, grown 10 at a time (warm start) so a slow fit can stop at the time budget."""
    try:
        import numpy as np
        # scikit-learn's forest does not take NaN in every version; missing values become a sentinel
        # far below the data (a tree can still split them off), as one would do by hand.
        if np.isnan(x_train).any() or np.isnan(x_test).any():
            low = np.nanmin(np.concatenate([x_train, x_test])) - 1.0
            x_train = np.where(np.isnan(x_train), low, x_train)
            x_test = np.where(np.isnan(x_test), low, x_test)
        model = RandomForestClassifier(n_estimators=0, warm_start=True, max_features="sqrt", min_samples_leaf=MIN_SAMPLES_LEAF,
                                       n_jobs=THREADS, random_state=1)
        train_s = 0.0
        trees = 0
        while trees < FOREST_TREES:
            trees += 10
            model.set_params(n_estimators=trees)
            start = time.perf_counter()
            model.fit(x_train, y_train)
            train_s += time.perf_counter() - start
            if train_s > FOREST_BUDGET_S and trees < FOREST_TREES:
                break
        start = time.perf_counter()
        p = model.predict_proba(x_test)[:, 1]
        predict_s = time.perf_counter() - start
        note = None if trees == FOREST_TREES else f"stopped at {trees} trees after {train_s:.0f} s (budget {FOREST_BUDGET_S:.0f} s)"
        fields = dict(dataset=name, learner="sklearn-rf", train_s=train_s, predict_s=predict_s, auc=float(roc_auc_score(y_test, p)), trees=trees)
        if note:
            fields["note"] = note
        emit(**fields)
    except Exception as error:
        emit(dataset=name, learner="sklearn-rf", error=f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
