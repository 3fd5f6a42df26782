#!/usr/bin/python3
"""Reference values for the model report's metrics, computed with scikit-learn and numpy.

The report's TypeScript metrics (src/model-reports/metrics/) are checked against these figures; the
figures are written into fixtures, never computed at test time, so the tests need no Python.

Run with Debian's Python (scikit-learn 1.2, numpy), not a pyenv one:

  /usr/bin/python3 scripts/model-report-reference.py --generate test/fixtures/model-reports/reference-set.csv
      writes the fixed data set once (seeded; already committed, rerunning rewrites the same bytes)
  /usr/bin/python3 scripts/model-report-reference.py --reference-set test/fixtures/model-reports/reference-set.csv \
      --out test/fixtures/model-reports/reference-sklearn.json
      mode 1: AUC, KS, Brier, log loss, ECE on the set's window rows; PSI of the score and of every
      feature column between its reference and window rows
  /usr/bin/python3 scripts/model-report-reference.py --predictions P.csv --model DIR/model.json --out F.json
      mode 2: P.csv holds id,probability,label,outcomeKnown (the report's own probabilities, e.g. from
      `draagkracht model report --predictions-out`); AUC, KS, Brier, log loss, ECE over the rows with a
      known outcome, and the score PSI of all rows against model.json's reference.score

Definitions (the same as the TypeScript's, stated in src/model-reports/):
- AUC: sklearn.metrics.roc_auc_score.
- KS: max |TPR - FPR| over sklearn.metrics.roc_curve(drop_intermediate=False).
- Brier: sklearn.metrics.brier_score_loss. Log loss: sklearn.metrics.log_loss with eps=1e-15.
- ECE: 10 equal-width bins on [0, 1] (p = 1 in the last), sum over bins of rows/n * |observed - mean predicted|.
- PSI: edges = numpy quantile(method="inverted_cdf") of the reference's present values at 0.1 .. 0.9,
  duplicates removed; bin = np.searchsorted(edges, v, side="left") (first edge >= v), missing values
  in a bin of their own after the last; shares floored at 1e-4; bins empty on both sides skipped.
"""
import argparse
import csv
import json
import math
import sys

import numpy as np
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score, roc_curve

PSI_BINS = 10
PSI_SHARE_FLOOR = 1e-4
ECE_BINS = 10
REFERENCE_SET_SEED = 20261205
FEATURES = ["income", "utilisation", "missed_payments"]


def ks_statistic(labels, probability):
    fpr, tpr, thresholds = roc_curve(labels, probability, drop_intermediate=False)
    gaps = np.abs(tpr - fpr)
    best = int(np.argmax(gaps))
    return float(gaps[best]), float(thresholds[best])


def ece(labels, probability, bins=ECE_BINS):
    index = np.minimum(np.floor(probability * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        rows = int(mask.sum())
        if rows == 0:
            continue
        total += rows * abs(labels[mask].mean() - probability[mask].mean())
    return total / len(probability)


def quantile_edges(values, bins=PSI_BINS):
    present = values[~np.isnan(values)]
    if present.size == 0:
        return np.array([])
    edges = np.quantile(present, np.arange(1, bins) / bins, method="inverted_cdf")
    return np.unique(edges)


def bin_counts(edges, values):
    counts = np.zeros(len(edges) + 2, dtype=np.int64)
    missing = np.isnan(values)
    counts[len(edges) + 1] = int(missing.sum())
    index = np.searchsorted(edges, values[~missing], side="left")
    np.add.at(counts, index, 1)
    return counts


def psi_from_counts(reference, window):
    reference = np.asarray(reference, dtype=float)
    window = np.asarray(window, dtype=float)
    keep = (reference > 0) | (window > 0)
    e = np.maximum(reference / reference.sum(), PSI_SHARE_FLOOR)[keep]
    a = np.maximum(window / window.sum(), PSI_SHARE_FLOOR)[keep]
    return float(np.sum((a - e) * np.log(a / e)))


def headline(labels, probability):
    ks, ks_threshold = ks_statistic(labels, probability)
    return {
        "rows": int(len(labels)),
        "positives": int(labels.sum()),
        "auc": float(roc_auc_score(labels, probability)),
        "ks": ks,
        "ksThreshold": ks_threshold,
        "brier": float(brier_score_loss(labels, probability)),
        "logLoss": float(log_loss(labels, probability, eps=1e-15, labels=[0, 1])),
        "ece": float(ece(labels, probability)),
    }


def psi_entry(reference_values, window_values):
    edges = quantile_edges(reference_values)
    reference = bin_counts(edges, reference_values)
    window = bin_counts(edges, window_values)
    return {"edges": [float(e) for e in edges], "referenceCounts": reference.tolist(), "windowCounts": window.tolist(), "psi": psi_from_counts(reference, window)}


def fmt(value):
    """Shortest text that reads back as the same double (empty for missing)."""
    return "" if math.isnan(value) else repr(float(value))


def generate(path):
    """A fixed set: 1,800 reference rows and 1,200 window rows whose score and features have shifted by known amounts.

    Probabilities are rounded to three decimals so that many rows tie (AUC and KS must handle ties the
    way scikit-learn does); missed_payments is mostly zero so its decile edges collapse (duplicate edges
    removed); every feature has missing values.
    """
    rng = np.random.default_rng(REFERENCE_SET_SEED)
    rows = []
    for population, n, shift in (("reference", 1800, 0.0), ("window", 1200, 0.35)):
        latent = rng.normal(shift, 1.0 + shift / 2, n)
        probability = np.clip(np.round(1 / (1 + np.exp(-(-2.0 + 1.1 * latent))), 3), 0.001, 0.999)
        # Slightly over-confident at the top, so calibration error is not zero by construction.
        label = (rng.random(n) < np.minimum(probability * 0.9 + 0.01, 1)).astype(int)
        income = np.round(rng.lognormal(7.6 - shift / 3, 0.4, n), -1)
        income[rng.random(n) < 0.08] = np.nan
        utilisation = np.round(np.clip(rng.beta(2 + 3 * shift, 3, n), 0, 1), 2)
        utilisation[rng.random(n) < 0.05] = np.nan
        missed = rng.poisson(0.4 + shift, n).astype(float)
        missed[rng.random(n) < 0.03 + shift / 10] = np.nan
        for i in range(n):
            rows.append([fmt(probability[i]), str(int(label[i])), population, fmt(income[i]), fmt(utilisation[i]), fmt(missed[i])])
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["probability", "label", "population"] + FEATURES)
        writer.writerows(rows)


def read_reference_set(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        records = list(reader)

    def column(name, mask=None):
        values = np.array([float(r[name]) if r[name] != "" else np.nan for r in records])
        return values if mask is None else values[mask]

    population = np.array([r["population"] for r in records])
    return records, population, column


def mode_reference_set(path, out):
    records, population, column = read_reference_set(path)
    reference = population == "reference"
    window = population == "window"
    labels = column("label").astype(int)
    probability = column("probability")
    result = {
        "source": "scripts/model-report-reference.py --reference-set " + path,
        "sklearn": __import__("sklearn").__version__,
        "numpy": np.__version__,
        "rows": {"reference": int(reference.sum()), "window": int(window.sum())},
        "window": headline(labels[window], probability[window]),
        "all": headline(labels, probability),
        "psi": {
            "score": psi_entry(probability[reference], probability[window]),
            "features": {name: psi_entry(column(name, reference), column(name, window)) for name in FEATURES},
        },
    }
    write_json(out, result)


def mode_predictions(predictions, model_path, out):
    with open(predictions, newline="") as f:
        records = list(csv.DictReader(f))
    if not records or list(records[0].keys())[:4] != ["id", "probability", "label", "outcomeKnown"]:
        sys.exit(f"{predictions}: expected the columns id,probability,label,outcomeKnown")
    probability = np.array([float(r["probability"]) for r in records])
    known = np.array([r["outcomeKnown"] in ("1", "true") for r in records])
    labels = np.array([int(r["label"]) if r["label"] != "" else 0 for r in records])
    with open(model_path) as f:
        bundle = json.load(f)
    result = {"source": f"scripts/model-report-reference.py --predictions {predictions} --model {model_path}", "sklearn": __import__("sklearn").__version__, "numpy": np.__version__}
    result.update(headline(labels[known], probability[known]))
    result["rowsWithOutcome"] = result.pop("rows")
    result["rows"] = int(len(records))
    reference = (bundle.get("reference") or {}).get("score")
    if reference is None:
        result["scorePsi"] = None
    else:
        edges = np.array(reference["edges"], dtype=float)
        result["scorePsi"] = psi_from_counts(reference["counts"], bin_counts(edges, probability))
    write_json(out, result)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generate", metavar="CSV")
    parser.add_argument("--reference-set", metavar="CSV")
    parser.add_argument("--predictions", metavar="CSV")
    parser.add_argument("--model", metavar="MODEL_JSON")
    parser.add_argument("--out", metavar="JSON")
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    elif args.reference_set and args.out:
        mode_reference_set(args.reference_set, args.out)
    elif args.predictions and args.model and args.out:
        mode_predictions(args.predictions, args.model, args.out)
    else:
        parser.error("give --generate CSV, or --reference-set CSV --out JSON, or --predictions CSV --model MODEL_JSON --out JSON")


if __name__ == "__main__":
    main()
