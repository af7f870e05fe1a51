#!/usr/bin/env python3
"""Checks that tools/torch/vip_loss.py on one exported training step equals the loss `ovseg3r train` computed.

usage: check_parity.py STEP.json EXPORTED_SCENE_FOLDER [TOLERANCE]

STEP.json (written by the Swift test VIPLossParityTests): seeds [Q], vocabulary [T], weights, base_classes,
class_names {label id: name}, views_per_step, predictions [{class_logits, mask_logits, centers, sizes} as
nested lists], loss. The supervision sets are rebuilt here from the exported scene (scene-level targets from
instance/semantic, VIP view sets from the visibility table and the view-level labels, boxes from coord).
Prints `swift=<loss> torch=<loss> diff=<|d|>`; exits 1 when |d| > TOLERANCE (default 1e-4).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovseg3r_dataset import box_target, load_scene, scene_targets  # noqa: E402
from vip_loss import LossWeights, SupervisionSet, Target, set_loss, view_set, vip_loss  # noqa: E402


def build_sets(scene, step):
    vocabulary = {name: i for i, name in enumerate(step["vocabulary"])}
    seeds = torch.tensor(step["seeds"], dtype=torch.int64)
    coord, segment = scene["coord"], scene["segment"]

    def target(name, superpoints):
        if name not in vocabulary:
            return None
        box = box_target(coord, segment, superpoints)
        return None if box is None else Target(vocabulary[name], [int(s) for s in superpoints], box[0], box[1])

    sets = []
    if "instance" in scene:
        names = {int(k): v for k, v in step["class_names"].items()}
        targets = [t for t in scene_targets(scene, names, set(step["base_classes"])) if t[0] in vocabulary]
        if targets:
            built = [target(n, sp) for n, sp in targets]
            sets.append(SupervisionSet(rows=torch.arange(len(seeds)), columns=None, targets=[t for t in built if t]))
    views = [v for v in scene["views"] if v["instances"]][: step["views_per_step"]]
    for v in views:
        built = [target(name, sp.tolist()) for name, sp in v["instances"]]
        s = view_set(seeds, v["visible"], [t for t in built if t])
        if len(s.rows) > 0:
            sets.append(s)
    return seeds, sets


def main(step_path, scene_folder, tolerance=1e-4):
    with open(step_path) as f:
        step = json.load(f)
    scene = load_scene(scene_folder)
    seeds, sets = build_sets(scene, step)
    predictions = [{k: torch.tensor(p[k], dtype=torch.float32) for k in ("class_logits", "mask_logits", "centers", "sizes")}
                   for p in step["predictions"]]
    w = step["weights"]
    weights = LossWeights(w["classification"], w["maskBCE"], w["maskDice"], w["center"], w["size"], w["noObject"])
    loss = float(vip_loss(predictions, seeds, sets, weights))
    diff = abs(loss - step["loss"])
    last = predictions[-1]
    matches = sum(set_loss(last["class_logits"], last["mask_logits"], last["centers"], last["sizes"], seeds, s, weights)[1]
                  for s in sets)
    print(f"swift={step['loss']:.7f} torch={loss:.7f} diff={diff:.2e} sets={len(sets)} "
          f"views={sum(1 for s in sets if s.kind == 'view')} layers={len(predictions)} matches(last layer)={matches}")
    return 0 if diff <= tolerance else 1


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], *(float(a) for a in sys.argv[3:])))
