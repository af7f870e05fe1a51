#!/usr/bin/env python3
"""Writes the seed and regression corpus of the `scene-contract` fuzz target into
Tests/Fixtures/fuzz/scene-contract/ (see Tests/SceneIOTests/FuzzSceneContract.swift for the input layout).

Each input is a list of records [selector: 1 byte][length: uint32 LE][payload]; the selector picks a file of
FILES (the same order as FuzzSceneContract.files), with 0x80 added to remove it instead. `accept-*` inputs leave a
valid scene (FuzzCorpusTests checks that the contract accepts them), `reject-*` inputs damage it the way the issue's
hostile cases did (it checks that they are refused). Usage: python3 tools/fuzz/contract_seeds.py
"""
import io
import json
import os
import struct

import numpy as np

FILES = [
    "coord.npy", "color.npy", "normal.npy",
    "corr_offsets.npy", "corr_point.npy", "corr_uv.npy", "source_view.npy", "source_uv.npy",
    "instance.npy", "semantic.npy",
    "superpoints.npy",
    "view_labels.json", "vl_offsets.npy", "vl_superpoints.npy", "sp_view_offsets.npy", "sp_view.npy",
    "objects2d_feat.npy", "objects2d_center.npy", "objects2d_view.npy", "feat2d.npy", "feat2d_count.npy",
    "tracks.json", "track_view_mask.npy", "track_offsets.npy", "track_superpoints.npy",
]
N = 8


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def record(name, payload=b"", remove=False):
    selector = FILES.index(name) | (0x80 if remove else 0)
    return bytes([selector]) + struct.pack("<I", len(payload)) + payload


# The template's arrays (FuzzSceneContract.templateScene), as a writer of the contract would store them.
coord = np.array([[i % 2, (i // 2) * 0.5, (i % 3) * 0.25] for i in range(N)], dtype=np.float32)
superpoints = np.array([0, 0, 0, 1, 1, 1, 2, 2], dtype=np.int32)
view_labels = {"format_version": 1, "views": [
    {"view": 0, "frame": 0, "instances": [{"label": "chair", "score": 0.9, "object": 0, "mask": 0}]},
    {"view": 1, "frame": 5, "instances": [{"label": "table", "score": 0.8, "object": 1, "mask": 1},
                                          {"label": "lamp", "score": 0.4, "object": -1, "mask": 2}]}]}
tracks = {"format_version": 1, "tracks": [{"score": 0.9, "votes": {"chair": 0.9}, "views": [0]},
                                          {"score": 0.8, "votes": {"table": 0.8}, "views": [1]}]}


def with_value(array, index, value):
    copy = array.copy()
    copy.flat[index] = value
    return copy


SEEDS = {
    "accept-the-template-unchanged": b"",
    "accept-coord-rewritten": record("coord.npy", npy(coord)),
    "accept-superpoints-relabelled": record("superpoints.npy", npy(np.array([2, 2, 2, 1, 1, 1, 0, 0], np.int32))),
    "accept-ground-truth-as-int64": record("instance.npy", npy(np.array([1, 1, 1, 2, 2, 2, 0, 0], np.int64))),
    "accept-feat2d-as-float32": record("feat2d.npy", npy(np.full((N, 4), 0.5, np.float32))),
    "accept-view-labels-rewritten": record("view_labels.json", json.dumps(view_labels).encode()),
    "accept-tracks-rewritten": record("tracks.json", json.dumps(tracks).encode()),
    "accept-optional-files-removed": b"".join(record(name, remove=True) for name in
                                              ["color.npy", "normal.npy", "source_view.npy", "source_uv.npy",
                                               "objects2d_feat.npy", "feat2d_count.npy"]),
    "accept-no-2d-features": record("feat2d.npy", remove=True) + record("feat2d_count.npy", remove=True),
    # The hostile values, each in an otherwise well-formed array.
    "reject-superpoint-id-minus-5": record("superpoints.npy", npy(with_value(superpoints, 3, -5))),
    "reject-superpoint-id-5e6": record("superpoints.npy", npy(with_value(superpoints, 3, 5_000_000))),
    "reject-superpoint-id-minus-1e6": record("superpoints.npy", npy(with_value(superpoints, 0, -1_000_000))),
    "reject-superpoints-not-dense": record("superpoints.npy", npy(np.array([0, 0, 0, 2, 2, 2, 2, 2], np.int32))),
    "reject-superpoints-one-short": record("superpoints.npy", npy(superpoints[:-1])),
    "reject-coord-infinite": record("coord.npy", npy(with_value(coord, 4, np.inf))),
    "reject-coord-nan": record("coord.npy", npy(with_value(coord, 0, np.nan))),
    "reject-coord-1e30": record("coord.npy", npy(with_value(coord, 7, 1e30))),
    "reject-coord-two-columns": record("coord.npy", npy(coord[:, :2].copy())),
    "reject-corr-offsets-negative": record("corr_offsets.npy", npy(np.array([0, -3, 10], np.int64))),
    "reject-corr-offsets-decreasing": record("corr_offsets.npy", npy(np.array([0, 7, 5], np.int64))),
    "reject-corr-offsets-past-the-end": record("corr_offsets.npy", npy(np.array([0, 5, 11], np.int64))),
    "reject-corr-point-out-of-range": record("corr_point.npy", npy(np.array([0, 1, 2, 3, 4, 3, 4, 5, 6, 8], np.int32))),
    "reject-corr-uv-float64": record("corr_uv.npy", npy(np.zeros((10, 2), np.float64))),
    "reject-source-view-past-the-views": record("source_view.npy", npy(np.array([0, 0, 0, 0, 0, 1, 1, 2], np.int32))),
    "reject-semantic-one-short": record("semantic.npy", npy(np.array([2, 2, 2, 5, 5, 5, 0], np.int32))),
    "reject-vl-superpoints-out-of-range": record("vl_superpoints.npy", npy(np.array([0, 1, 1, 3], np.int32))),
    "reject-sp-view-offsets-past-the-end": record("sp_view_offsets.npy", npy(np.array([0, 2, 9], np.int64))),
    "reject-feat2d-nan": record("feat2d.npy", npy(with_value(np.full((N, 4), 0.5, np.float32), 9, np.nan))),
    "reject-feat2d-no-channels": record("feat2d.npy", npy(np.zeros((N, 0), np.float32))),
    "reject-objects2d-view-past-the-views": record("objects2d_view.npy", npy(np.array([0, 2], np.int32))),
    "reject-view-labels-mask-past-the-rows": record("view_labels.json", json.dumps(
        {**view_labels, "views": [{**view_labels["views"][0], "instances": [
            {"label": "chair", "score": 0.9, "object": 0, "mask": 3}]}]}).encode()),
    "reject-view-labels-not-json": record("view_labels.json", b"{\"format_version\": 1, \"views\": ["),
    "reject-track-superpoint-in-two-tracks": record("track_superpoints.npy", npy(np.array([1, 1], np.int32))),
    "reject-track-view-mask-past-the-tracks": record("track_view_mask.npy", npy(np.array([0, 2, -1], np.int32))),
    "reject-tracks-negative-score": record("tracks.json", json.dumps(
        {**tracks, "tracks": [{**tracks["tracks"][0], "score": -1}, tracks["tracks"][1]]}).encode()),
    "reject-coord-removed": record("coord.npy", remove=True),
    "reject-npy-header-claims-more-than-the-data": record("superpoints.npy", npy(superpoints)[:-8]),
}


def main():
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "fuzz",
                          "scene-contract")
    os.makedirs(folder, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} inputs in {os.path.normpath(folder)}")


if __name__ == "__main__":
    main()
