"""PyTorch Dataset over `ovseg3r export pointcept` output (layout: `ovseg3r export pointcept --help`).

Each item is a dict of tensors for one scene:
  coord f32 [N,3], color u8 [N,3], normal f32 [N,3], segment i64 [N] (superpoints 0..S-1),
  optional semantic/instance/segment200 i64 [N] (-1 = void), feat2d [N,C] (when exported),
  views: a list over the visibility table's views of {"visible": i64 [S_v] (ascending superpoints),
  "instances": [(label name, i64 superpoints)]} -- VIP's view-level labels,
  name: the scene name.
"""
import json
import os

import numpy as np
import torch
from torch.utils.data import Dataset


def _csr_rows(offsets, values):
    return [values[int(offsets[i]):int(offsets[i + 1])] for i in range(len(offsets) - 1)]


def load_scene(folder):
    """One exported scene folder as a dict of tensors (see the module doc)."""
    def npy(name):
        path = os.path.join(folder, name + ".npy")
        return np.load(path) if os.path.exists(path) else None

    out = {"name": os.path.basename(os.path.normpath(folder))}
    for key in ("coord", "color", "normal"):
        out[key] = torch.from_numpy(npy(key))
    out["segment"] = torch.from_numpy(npy("segment").astype(np.int64))
    for key in ("semantic", "instance", "segment200"):
        array = npy(key)
        if array is not None:
            out[key] = torch.from_numpy(array.astype(np.int64))
    feat = npy("feat2d")
    if feat is not None:
        out["feat2d"] = torch.from_numpy(feat.astype(np.float32))
    views = []
    visible_offsets = npy("vip_visible_offsets")
    if visible_offsets is not None:
        visible = _csr_rows(visible_offsets, npy("vip_visible").astype(np.int64))
        masks = _csr_rows(npy("vip_mask_offsets"), npy("vip_mask_superpoints").astype(np.int64))
        with open(os.path.join(folder, "vip_labels.json")) as f:
            names = json.load(f)
        views = [{"visible": torch.from_numpy(v), "instances": []} for v in visible]
        for v, m, l in zip(npy("vip_instance_view"), npy("vip_instance_mask"), npy("vip_instance_label")):
            superpoints = masks[int(m)]
            if 0 <= int(v) < len(views) and len(superpoints) > 0:
                views[int(v)]["instances"].append((names[int(l)], torch.from_numpy(superpoints)))
    out["views"] = views
    return out


class OVSeg3RScenes(Dataset):
    """The scenes of an export folder (those listed in export.json, else every sub-folder), sorted by name."""

    def __init__(self, root):
        self.root = root
        listing = os.path.join(root, "export.json")
        if os.path.exists(listing):
            with open(listing) as f:
                names = [entry["result"]["scene"] for entry in json.load(f)["scenes"]]
        else:
            names = [d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))]
        self.names = sorted(names)

    def __len__(self):
        return len(self.names)

    def __getitem__(self, index):
        return load_scene(os.path.join(self.root, self.names[index]))


def scene_targets(scene, class_names, base_classes=None):
    """Scene-level targets as `train` builds them: superpoint s belongs to instance g when more than half of its
    points carry g; instances whose label id is not in `class_names` (id -> name) or not a base class are dropped.
    Returns [(name, sorted superpoint list)] in ascending instance id."""
    segment, instance, semantic = scene["segment"], scene["instance"], scene["semantic"]
    size = torch.bincount(segment).tolist()
    votes, label = {}, {}
    for sp, g, sem in zip(segment.tolist(), instance.tolist(), semantic.tolist()):
        if g <= 0:
            continue
        votes.setdefault(g, {})
        votes[g][sp] = votes[g].get(sp, 0) + 1
        label[g] = sem
    out = []
    for g in sorted(votes):
        name = class_names.get(label[g])
        if name is None or (base_classes is not None and name not in base_classes):
            continue
        members = sorted(s for s, n in votes[g].items() if 2 * n > size[s])
        if members:
            out.append((name, members))
    return out


def box_target(coord, segment, superpoints):
    """(centre [3] metres, size [3] as a fraction of the scene extent clamped to [1e-3, 1-1e-3]) of the points of
    `superpoints`, or None when they hold no point."""
    extent = (coord.max(0).values - coord.min(0).values).clamp(min=1e-3)
    mask = torch.isin(segment, torch.as_tensor(list(superpoints), dtype=segment.dtype))
    if not bool(mask.any()):
        return None
    points = coord[mask]
    lo, hi = points.min(0).values, points.max(0).values
    return (lo + hi) / 2, ((hi - lo) / extent).clamp(1e-3, 1 - 1e-3)


def collate_scenes(batch):
    """Scenes differ in size: a DataLoader batch is the plain list of scene dicts
    (`DataLoader(OVSeg3RScenes(root), batch_size=4, collate_fn=collate_scenes)`)."""
    return list(batch)
