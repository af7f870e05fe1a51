#!/usr/bin/env python3
"""Reference reconstruction with Open3D (0.16) on an ovseg3r video folder, and the metrics for BENCHMARKS.md.

Open3D pipeline (the classic Redwood-style system, reduced to one fragment):
  * frame-to-frame RGB-D odometry (hybrid photometric + geometric Jacobian, default pyramid),
  * loop edges between keyframes (every 5th frame) by RGB-D odometry from the current pose estimate,
    marked uncertain, then global pose-graph optimisation (Levenberg–Marquardt with line process),
  * ScalableTSDFVolume integration with the optimised poses (same voxel, truncation 4 voxels), marching cubes.
Metrics, computed by the same code for Open3D's and ovseg3r's output:
  * ATE RMSE after rigid Horn/Umeyama alignment to gt/poses.txt,
  * accuracy / completeness against gt/mesh.ply (fraction within 2 cm, mean distance), after applying the same
    alignment to the mesh,
  * tracking fps (odometry + pose graph time), integration fps (TSDF integration time only), peak RSS.

Two Open3D odometry initialisations (--config, repeatable; default both, each in its own process is fairer for RSS):
  * identity: every frame pair starts from the identity (Open3D's default; the counterpart of our `track`),
  * device:   every frame pair starts from the device poses' relative motion in poses.txt (the counterpart of our
              `refine`, which starts from the same motion).
Open3D results are cached per config in --cache DIR (open3d_<config>.json); a later run with the same --cache and
--ours evaluates our scenes against the cached Open3D figures without re-running Open3D.

Usage:
  python3 tools/bench_recon_open3d.py VIDEO --voxel 0.01 [--frames N] [--config identity|device ...] [--cache DIR]
      [--ours NAME=SCENE ...] [--json OUT.json]
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import open3d as o3d


def read_tum(path):
    rows = []
    for line in open(path):
        if line.startswith('#') or not line.strip():
            continue
        v = [float(x) for x in line.split()]
        rows.append(v)
    poses = []
    for v in rows:
        t = np.array(v[1:4])
        x, y, z, w = v[4:8]
        r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                      [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                      [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
        m = np.eye(4)
        m[:3, :3] = r
        m[:3, 3] = t
        poses.append(m)
    return poses


def horn(a, b):
    """Rigid (R, t) minimising sum |R a_i + t - b_i|^2 (Umeyama without scale)."""
    ca, cb = a.mean(0), b.mean(0)
    h = (a - ca).T @ (b - cb)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    return r, cb - r @ ca


def ate(est, gt):
    a = np.array([p[:3, 3] for p in est])
    b = np.array([p[:3, 3] for p in gt])
    r, t = horn(a, b)
    err = (a @ r.T + t) - b
    return float(np.sqrt((err ** 2).sum(1).mean())), r, t


def surface_metrics(mesh, gt_mesh, r, t, threshold=0.02):
    pts = np.asarray(mesh.vertices) @ r.T + t
    pcd = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(pts))
    gt = gt_mesh.sample_points_uniformly(number_of_points=200000) if hasattr(gt_mesh, 'sample_points_uniformly') else gt_mesh
    d_acc = np.asarray(pcd.compute_point_cloud_distance(gt))
    d_comp = np.asarray(gt.compute_point_cloud_distance(pcd))
    return {
        'accuracy_within_2cm': float((d_acc < threshold).mean()),      # higher is better
        'completeness_within_2cm': float((d_comp < threshold).mean()),  # higher is better
        'accuracy_mean_m': float(d_acc.mean()),                         # lower is better
        'completeness_mean_m': float(d_comp.mean()),                    # lower is better
        'vertices': int(len(pts)),
    }


def run_open3d(args, names, k, intr, rgbd, gt, gt_points, device, config):
    """One Open3D reconstruction (odometry initialised per `config`), its timings and metrics."""
    # --- odometry + pose graph -------------------------------------------------------------------
    option = o3d.pipelines.odometry.OdometryOption()
    option.depth_diff_max = 0.07
    option.depth_max = 4.0
    hybrid = o3d.pipelines.odometry.RGBDOdometryJacobianFromHybridTerm
    n = len(names)
    t0 = time.perf_counter()
    frames = [rgbd(i, True) for i in range(n)]
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    graph = o3d.pipelines.registration.PoseGraph()
    world_from = [device[0].copy() if config == 'device' else np.eye(4)]
    graph.nodes.append(o3d.pipelines.registration.PoseGraphNode(world_from[0]))
    failures = 0
    for i in range(1, n):
        # (i-1)_from_i from the device poses, or the identity.
        init = np.linalg.inv(device[i - 1]) @ device[i] if config == 'device' else np.eye(4)
        ok, trans, info = o3d.pipelines.odometry.compute_rgbd_odometry(frames[i], frames[i - 1], intr, init, hybrid(), option)
        if not ok:
            failures += 1
            trans, info = init, np.eye(6)
        # trans maps frame i into frame i-1: (i-1)_from_i
        world_from.append(world_from[-1] @ trans)
        graph.nodes.append(o3d.pipelines.registration.PoseGraphNode(world_from[-1]))
        # Open3D's edge (s, t, T) constrains T ≈ pose_t⁻¹ · pose_s, i.e. T = t_from_s.
        graph.edges.append(o3d.pipelines.registration.PoseGraphEdge(i, i - 1, trans, info, uncertain=False))
    # Loop candidates: keyframe pairs (every 5th frame, at least 2 keyframes apart) whose current poses are
    # within 1 m, closest first, at most --max-loops attempts (Open3D's odometry is the slow part on 2 cores).
    loops = 0
    keyframes = list(range(0, n, 5))
    pairs = []
    for a_i, a in enumerate(keyframes):
        for b in keyframes[a_i + 2:]:
            init = np.linalg.inv(world_from[a]) @ world_from[b]
            distance = np.linalg.norm(init[:3, 3])
            if distance <= 1.0:
                pairs.append((distance, a, b, init))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    for _, a, b, init in pairs[:args.max_loops]:
        ok, trans, info = o3d.pipelines.odometry.compute_rgbd_odometry(frames[b], frames[a], intr, init, hybrid(), option)
        if ok:
            loops += 1
            graph.edges.append(o3d.pipelines.registration.PoseGraphEdge(b, a, trans, info, uncertain=True))
    odometry_only = [p.copy() for p in world_from]
    o3d.pipelines.registration.global_optimization(
        graph, o3d.pipelines.registration.GlobalOptimizationLevenbergMarquardt(),
        o3d.pipelines.registration.GlobalOptimizationConvergenceCriteria(),
        o3d.pipelines.registration.GlobalOptimizationOption(max_correspondence_distance=args.voxel * 1.4,
                                                            edge_prune_threshold=0.25, reference_node=0))
    t_track = time.perf_counter() - t0
    poses = [np.asarray(node.pose) for node in graph.nodes]

    # --- TSDF integration ------------------------------------------------------------------------
    volume = o3d.pipelines.integration.ScalableTSDFVolume(
        voxel_length=args.voxel, sdf_trunc=4 * args.voxel, color_type=o3d.pipelines.integration.TSDFVolumeColorType.RGB8)
    color_frames = [rgbd(i, False) for i in range(n)]
    t0 = time.perf_counter()
    for i in range(n):
        volume.integrate(color_frames[i], intr, np.linalg.inv(poses[i]))
    t_integrate = time.perf_counter() - t0
    t0 = time.perf_counter()
    mesh = volume.extract_triangle_mesh()
    t_mesh = time.perf_counter() - t0

    ate_o3d, r, t = ate(poses, gt)
    return {
        'version': o3d.__version__, 'config': config,
        'ate_rmse_m': ate_o3d,
        'ate_rmse_odometry_only_m': ate(odometry_only, gt)[0],
        'tracking_fps': n / t_track, 'integration_fps': n / t_integrate, 'mesh_seconds': t_mesh,
        'odometry_failures': failures, 'loop_edges': loops, 'read_seconds': t_read,
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **surface_metrics(mesh, gt_points, r, t),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('video')
    ap.add_argument('--voxel', type=float, default=0.01)
    ap.add_argument('--frames', type=int, default=0, help='use the first N frames (0 = all)')
    ap.add_argument('--ours', action='append', default=[], metavar='NAME=SCENE',
                    help='an ovseg3r scene folder of the same video (repeatable), evaluated with the same metrics')
    ap.add_argument('--max-loops', type=int, default=30, help='loop-closure odometry attempts (closest pairs first)')
    ap.add_argument('--config', action='append', choices=['identity', 'device'],
                    help='Open3D odometry initialisation (repeatable; default both)')
    ap.add_argument('--cache', help='folder of cached Open3D results (read if present, else written)')
    ap.add_argument('--json')
    args = ap.parse_args()
    configs = args.config or ['identity', 'device']
    o3d.utility.set_verbosity_level(o3d.utility.VerbosityLevel.Error)

    k = json.load(open(os.path.join(args.video, 'intrinsics.json')))
    intr = o3d.camera.PinholeCameraIntrinsic(k['width'], k['height'], k['fx'], k['fy'], k['cx'], k['cy'])
    names = sorted(os.listdir(os.path.join(args.video, 'color')))
    if args.frames:
        names = names[:args.frames]
    gt_all = read_tum(os.path.join(args.video, 'gt', 'poses.txt'))
    gt = gt_all[:len(names)]
    depth_max = 4.0

    def rgbd(i, intensity):
        stem = os.path.splitext(names[i])[0]
        color = o3d.io.read_image(os.path.join(args.video, 'color', names[i]))
        depth = o3d.io.read_image(os.path.join(args.video, 'depth', stem + '.png'))
        return o3d.geometry.RGBDImage.create_from_color_and_depth(
            color, depth, depth_scale=k['depth_scale'], depth_trunc=depth_max, convert_rgb_to_intensity=intensity)

    gt_mesh = o3d.io.read_triangle_mesh(os.path.join(args.video, 'gt', 'mesh.ply'))
    gt_points = gt_mesh.sample_points_uniformly(number_of_points=200000)
    n = len(names)
    device = read_tum(os.path.join(args.video, 'poses.txt'))[:n]
    result = {'frames': n, 'voxel': args.voxel, 'device_ate_rmse_m': ate(device, gt)[0]}
    for config in configs:
        cached = os.path.join(args.cache, 'open3d_%s.json' % config) if args.cache else None
        if cached and os.path.exists(cached):
            result['open3d_' + config] = json.load(open(cached))
            continue
        result['open3d_' + config] = run_open3d(args, names, k, intr, rgbd, gt, gt_points, device, config)
        if cached:
            os.makedirs(args.cache, exist_ok=True)
            open(cached, 'w').write(json.dumps(result['open3d_' + config], indent=2) + '\n')
    for entry in args.ours:
        label, _, scene = entry.partition('=')
        if not scene:
            label, scene = 'ours', label
        ours_poses = read_tum(os.path.join(scene, 'poses.txt'))
        views = json.load(open(os.path.join(scene, 'views.json')))
        gt_views = [gt_all[v['frame']] for v in views]
        ate_ours, r2, t2 = ate(ours_poses, gt_views)
        summary = json.load(open(os.path.join(scene, 'recon_summary.json')))
        ours_mesh = o3d.io.read_triangle_mesh(os.path.join(scene, 'mesh.ply'))
        result[label] = {
            'ate_rmse_m': ate_ours,
            'tracking_fps': summary.get('trackingFPS'), 'integration_fps': summary.get('integrationFPS'),
            **surface_metrics(ours_mesh, gt_points, r2, t2),
        }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        open(args.json, 'w').write(text + '\n')


if __name__ == '__main__':
    main()
