"""The VIP-truncated instance loss of `ovseg3r train` in PyTorch (Sources/Train: StepBatch, SparseMatcher,
InstanceLoss, LossAggregate), written from the Swift code's documented behaviour.

For every prediction set (one per decoder layer, plus the pre-decoder one) and every supervision set:
  - a supervision set is the whole scene (scene-level ground truth: all queries x all superpoints) or one view
    under VIP: the queries whose seed superpoint the view sees x the superpoints it sees (ascending);
  - matching (SegDINO3D's sparse matcher, top-1): cost = w_cls * (-p(label)) + w_bce * BCE + w_dice * Dice
    + w_center * L1(centre) + w_size * L1(size), only where the query's seed lies in the target (else no match);
    each target takes its single cheapest query (ties: the lowest row);
  - loss = w_cls * CE over the set's rows (unmatched -> the last, no-object class, weighted no_object) +
    w_bce * BCE + w_dice * Dice over matched rows x the set's columns + centre/size L1 (sum over xyz, mean over
    matches);
  - the step's loss sums the scene set and the mean over the view sets, over every prediction set.
The semantic-head cross-entropy (a plain CE on the last layer) is not part of this module.
"""
from dataclasses import dataclass, field
from typing import List, Optional

import torch
import torch.nn.functional as F


@dataclass
class LossWeights:
    classification: float = 0.5
    mask_bce: float = 1.0
    mask_dice: float = 1.0
    center: float = 0.5
    size: float = 0.5
    no_object: float = 0.1


@dataclass
class Target:
    label: int                 # index into the step's vocabulary
    superpoints: List[int]     # all of the target's superpoints (a query matches only if its seed is one of them)
    center: torch.Tensor       # [3] metres
    size: torch.Tensor         # [3] scene fractions


@dataclass
class SupervisionSet:
    rows: torch.Tensor                 # [R] query indices
    columns: Optional[torch.Tensor]    # [C] superpoint ids, None = all
    targets: List[Target] = field(default_factory=list)
    kind: str = "scene"                # "scene" or "view"


def view_set(seeds, visible, targets):
    """VIP: the queries whose seed is in `visible` (ascending) x the visible superpoints."""
    visible = torch.as_tensor(visible, dtype=torch.int64)
    rows = torch.nonzero(torch.isin(seeds, visible)).flatten()
    return SupervisionSet(rows=rows, columns=visible, targets=targets, kind="view")


def _mask_target(target, columns, superpoint_count):
    cols = columns if columns is not None else torch.arange(superpoint_count)
    return torch.isin(cols, torch.as_tensor(target.superpoints, dtype=torch.int64)).double()


def _match(class_logits, mask_logits, centers, sizes, seeds, s, weights):
    """[(row position in s.rows, target index)] in target order."""
    probs = torch.softmax(class_logits.float(), dim=1).double()[s.rows]
    masks = mask_logits.double()[s.rows]
    if s.columns is not None:
        masks = masks[:, s.columns]
    n, cols = masks.shape
    matches = []
    with torch.no_grad():
        softplus = F.softplus(masks).sum(1)
        prob = torch.sigmoid(masks)
        prob_sum = prob.sum(1)
        row_seeds = seeds[s.rows]
        for j, t in enumerate(s.targets):
            allowed = torch.isin(row_seeds, torch.as_tensor(t.superpoints, dtype=torch.int64))
            if n == 0 or not bool(allowed.any()):
                continue
            tm = _mask_target(t, s.columns, mask_logits.shape[1])
            bce = (softplus - masks @ tm) / max(cols, 1)
            dice = 1 - (2 * (prob @ tm) + 1) / (prob_sum + tm.sum() + 1)
            ctr = (centers.double()[s.rows] - t.center.double()).abs().sum(1)
            size = (sizes.double()[s.rows] - t.size.double()).abs().sum(1)
            cost = (weights.classification * -probs[:, t.label] + weights.mask_bce * bce + weights.mask_dice * dice
                    + weights.center * ctr + weights.size * size)
            cost = torch.where(allowed, cost, torch.full_like(cost, float("inf")))
            best = int(torch.argmin(cost))
            if torch.isfinite(cost[best]):
                matches.append((best, j))
    return matches


def set_loss(class_logits, mask_logits, centers, sizes, seeds, s, weights):
    """The weighted loss of one prediction set on one supervision set, and the number of matches."""
    matches = _match(class_logits, mask_logits, centers, sizes, seeds, s, weights)
    k = class_logits.shape[1]
    labels = torch.full((len(s.rows),), k - 1, dtype=torch.int64)
    for row, j in matches:
        labels[row] = s.targets[j].label
    class_weights = torch.ones(k, dtype=torch.float64)
    class_weights[k - 1] = weights.no_object
    total = F.cross_entropy(class_logits.double()[s.rows], labels, weight=class_weights) * weights.classification
    if not matches:
        return total, 0
    rows = s.rows[[row for row, _ in matches]]
    masks = mask_logits.double()[rows]
    if s.columns is not None:
        masks = masks[:, s.columns]
    target = torch.stack([_mask_target(s.targets[j], s.columns, mask_logits.shape[1]) for _, j in matches])
    total = total + F.binary_cross_entropy_with_logits(masks, target) * weights.mask_bce
    p = torch.sigmoid(masks)
    dice = 1 - (2 * (p * target).sum(1) + 1) / (p.sum(1) + target.sum(1) + 1)
    total = total + dice.mean() * weights.mask_dice
    m = len(matches)
    center_target = torch.stack([s.targets[j].center for _, j in matches]).double()
    size_target = torch.stack([s.targets[j].size for _, j in matches]).double()
    total = total + (centers.double()[rows] - center_target).abs().sum() * (weights.center / m)
    total = total + (sizes.double()[rows] - size_target).abs().sum() * (weights.size / m)
    return total, m


def vip_loss(predictions, seeds, sets, weights=LossWeights()):
    """`predictions`: a list of dicts (class_logits [Q,T+1], mask_logits [Q,S], centers [Q,3], sizes [Q,3]) per
    prediction set; `seeds` i64 [Q]; `sets`: SupervisionSets. Returns the scalar loss (differentiable)."""
    view_count = max(1, sum(1 for s in sets if s.kind == "view"))
    total = torch.zeros((), dtype=torch.float64)
    for p in predictions:
        for s in sets:
            value, _ = set_loss(p["class_logits"], p["mask_logits"], p["centers"], p["sizes"], seeds, s, weights)
            total = total + value * (1.0 / view_count if s.kind == "view" else 1.0)
    return total
