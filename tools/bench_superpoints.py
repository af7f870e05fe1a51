#!/usr/bin/env python3
"""Superpoint and lifting quality against SceneSynth ground truth (BENCHMARKS.md, "Superpoints and lifting").

usage: bench_superpoints.py quality SCENE SP.npy [SP.npy ...]     superpoint purity / boundary recall / UE / count
       bench_superpoints.py lift SCENE VIDEO                       view-level label precision / recall / label accuracy
       bench_superpoints.py speed OVSEG3R POINT_SCENE [ROUNDS]     superpoints vs scipy cKDTree kNN (k+1, workers=2)
       bench_superpoints.py segspeed OVSEG3R SEGMENTATOR MESH.ply [ROUNDS]   segment-mesh vs ScanNet's Segmentator
       bench_superpoints.py pair OVSEG3R_A OVSEG3R_B POINT_SCENE [ROUNDS]     two binaries alternating (A/B), same output?
Ground truth: SCENE/instance.npy (per-point GT instance, 0 = none) and SCENE/instances.json (category, flat, structural).
"""
import json, sys
import numpy as np


def load_gt(scene):
    inst = np.load(f"{scene}/instance.npy").astype(np.int64)
    meta = {d["id"]: d for d in json.load(open(f"{scene}/instances.json"))}
    return inst, meta


def knn_pairs(coord, k=8):
    # Exact kNN pairs by a uniform grid (numpy only): pairs closer than 2.5 cm are "adjacent".
    from collections import defaultdict
    r = 0.025
    cells = np.floor(coord / r).astype(np.int64)
    key = (cells[:, 0] * 73856093) ^ (cells[:, 1] * 19349663) ^ (cells[:, 2] * 83492791)
    buckets = defaultdict(list)
    for i, kk in enumerate(key.tolist()):
        buckets[kk].append(i)
    a, b = [], []
    offsets = [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)]
    cell_list = {}
    for i, c in enumerate(map(tuple, cells.tolist())):
        cell_list.setdefault(c, []).append(i)
    for c, members in cell_list.items():
        m = np.array(members)
        for o in offsets:
            n = cell_list.get((c[0] + o[0], c[1] + o[1], c[2] + o[2]))
            if n is None:
                continue
            n = np.array(n)
            d = np.linalg.norm(coord[m][:, None, :] - coord[n][None, :, :], axis=2)
            ii, jj = np.nonzero((d < r) & (m[:, None] < n[None, :]))
            a.append(m[ii]); b.append(n[jj])
    return np.concatenate(a), np.concatenate(b)


def quality(scene, sp_files):
    inst, meta = load_gt(scene)
    coord = np.load(f"{scene}/coord.npy")
    flat_ids = np.array([i for i, d in meta.items() if d.get("flat")], dtype=np.int64)
    is_flat = np.isin(inst, flat_ids)
    a, b = knn_pairs(coord)
    boundary = inst[a] != inst[b]
    flat_boundary = boundary & (is_flat[a] | is_flat[b])
    rows = []
    for f in sp_files:
        sp = np.load(f).astype(np.int64)
        S = sp.max() + 1
        G = inst.max() + 1
        joint = np.zeros((S, G), dtype=np.int64)
        np.add.at(joint, (sp, inst), 1)
        purity = joint.max(axis=1).sum() / len(sp)
        major = joint.argmax(axis=1)
        own = major[sp] == inst
        flat_purity = own[is_flat].mean() if is_flat.any() else float("nan")
        size = joint.sum(axis=1)
        overlap_out = np.minimum(joint, size[:, None] - joint)
        ue = overlap_out[:, 1:].sum() / len(sp)
        ue_flat = overlap_out[:, flat_ids].sum() / max(is_flat.sum(), 1)
        br = (sp[a] != sp[b])[boundary].mean()
        br_flat = (sp[a] != sp[b])[flat_boundary].mean() if flat_boundary.any() else float("nan")
        rows.append((f, S, purity, flat_purity, br, br_flat, ue, ue_flat))
    print("file\tS\tpurity\tflat_own\tBR\tBR_flat\tUE\tUE_flat")
    for r in rows:
        print("%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f" % r)


def lift(scene, video):
    inst, meta = load_gt(scene)
    sp = np.load(f"{scene}/superpoints.npy").astype(np.int64)
    off = np.load(f"{scene}/corr_offsets.npy"); pts = np.load(f"{scene}/corr_point.npy")
    vo = np.load(f"{scene}/vl_offsets.npy"); vs = np.load(f"{scene}/vl_superpoints.npy")
    labels = json.load(open(f"{scene}/view_labels.json"))["views"]
    thing = np.array([not d.get("structural") for d in meta.values()])
    thing_ids = set(i for i, d in meta.items() if not d.get("structural"))
    tp = n_pred = n_gt = correct = 0
    for v, view in enumerate(labels):
        p = pts[off[v]:off[v + 1]]
        g = inst[p]
        gts = [gid for gid in np.unique(g) if gid in thing_ids and (g == gid).sum() >= 20]
        preds = []
        for item in view["instances"]:
            m = item["mask"]
            member = np.isin(sp[p], vs[vo[m]:vo[m + 1]])
            preds.append((member, item["label"]))
        n_pred += len(preds); n_gt += len(gts)
        used = set()
        for member, label in sorted(preds, key=lambda x: -x[0].sum()):
            best, best_iou = None, 0.5
            for gid in gts:
                if gid in used:
                    continue
                gm = g == gid
                iou = (member & gm).sum() / max((member | gm).sum(), 1)
                if iou > best_iou:
                    best, best_iou = gid, iou
            if best is not None:
                used.add(best); tp += 1
                correct += label == meta[best]["category"]
    print("views\tpred\tgt\tprecision\trecall\tlabel_acc")
    print("%d\t%d\t%d\t%.4f\t%.4f\t%.4f" % (len(labels), n_pred, n_gt, tp / max(n_pred, 1), tp / max(n_gt, 1), correct / max(tp, 1)))


def timed(cmd):
    """Wall seconds, stdout and CPU seconds (user + sys) of a child process."""
    import resource, subprocess, time
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {r.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return time.perf_counter() - t0, r.stdout, cpu


def speed(binary, scene, rounds=5):
    # Alternating rounds in one session; medians of wall seconds. The reference is the kNN query alone
    # (what the graph needs), by scipy's cKDTree on 2 threads, tree build included.
    import re, time
    from scipy.spatial import cKDTree
    coord = np.load(f"{scene}/coord.npy")
    ours, graph, cluster, ref, ours_cpu, ref_cpu = [], [], [], [], [], []
    for _ in range(rounds):
        t, out, cpu = timed([binary, "superpoints", scene, "--mode", "geometric"])
        m = re.search(r"graph ([0-9.]+), cut [0-9.]+, cluster ([0-9.]+)", out)
        ours.append(t); ours_cpu.append(cpu); graph.append(float(m.group(1))); cluster.append(float(m.group(2)))
        t0, c0 = time.perf_counter(), time.process_time()
        cKDTree(coord).query(coord, k=17, workers=2)
        ref.append(time.perf_counter() - t0); ref_cpu.append(time.process_time() - c0)
    med = lambda x: float(np.median(x))
    print("points\tours_total_s\tours_graph_s\tours_cluster_s\tckdtree_knn_s\tgraph/ckdtree\ttotal/ckdtree\tours_cpu_s\tckdtree_cpu_s")
    print("%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f" % (len(coord), med(ours), med(graph), med(cluster), med(ref),
          med(graph) / med(ref), med(ours) / med(ref), med(ours_cpu), med(ref_cpu)))


def pair(binary_a, binary_b, scene, rounds=5):
    # Paired A/B: the two binaries alternate on copies of the same scene, so both see the same machine load;
    # medians of wall seconds, the printed graph / cluster seconds and CPU seconds; labels must be identical.
    import os, re, shutil, tempfile
    work = tempfile.mkdtemp()
    copies = {}
    for name in ("A", "B"):
        copies[name] = os.path.join(work, name)
        shutil.copytree(scene, copies[name])
    stats = {"A": [], "B": []}
    for _ in range(rounds):
        for name, binary in (("A", binary_a), ("B", binary_b)):
            t, out, cpu = timed([binary, "superpoints", copies[name], "--mode", "geometric"])
            m = re.search(r"graph ([0-9.]+), cut [0-9.]+, cluster ([0-9.]+)", out)
            stats[name].append((t, float(m.group(1)), float(m.group(2)), cpu))
    same = np.array_equal(np.load(f"{copies['A']}/superpoints.npy"), np.load(f"{copies['B']}/superpoints.npy"))
    med = lambda name, i: float(np.median([r[i] for r in stats[name]]))
    print("binary\twall_s\tgraph_s\tcluster_s\tcpu_s")
    for name, binary in (("A", binary_a), ("B", binary_b)):
        print("%s %s\t%.2f\t%.2f\t%.2f\t%.2f" % (name, binary, med(name, 0), med(name, 1), med(name, 2), med(name, 3)))
    print("B/A wall %.2f, cpu %.2f; identical superpoints: %s" % (med("B", 0) / med("A", 0), med("B", 3) / med("A", 3), same))
    shutil.rmtree(work)


def segspeed(binary, segmentator, mesh, rounds=3):
    import json as js, os, shutil, tempfile
    work = tempfile.mkdtemp()
    local = os.path.join(work, "mesh.ply")
    shutil.copy(mesh, local)
    ours, ref = [], []
    for _ in range(rounds):
        ours.append(timed([binary, "segment-mesh", local, "--out", os.path.join(work, "ours.json")])[0])
        ref.append(timed([segmentator, local, "0.01", "20"])[0])
    a = js.load(open(os.path.join(work, "ours.json")))["segIndices"]
    b = js.load(open(os.path.join(work, "mesh.0.010000.segs.json")))["segIndices"]
    print("vertices\tours_s\tscannet_s\tratio\tidentical_ids")
    print("%d\t%.2f\t%.2f\t%.2f\t%s" % (len(a), np.median(ours), np.median(ref), np.median(ours) / np.median(ref), a == b))
    shutil.rmtree(work)


if __name__ == "__main__":
    if sys.argv[1] == "speed":
        speed(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 5)
        sys.exit()
    if sys.argv[1] == "pair":
        pair(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 5)
        sys.exit()
    if sys.argv[1] == "segspeed":
        segspeed(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 3)
        sys.exit()
    if sys.argv[1] == "quality":
        quality(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "lift":
        lift(sys.argv[2], sys.argv[3])
