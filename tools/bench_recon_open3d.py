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

Usage:
  python3 tools/bench_recon_open3d.py VIDEO --voxel 0.01 [--frames N] [--ours SCENE] [--json OUT.json]
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
    gt = gt_mesh.sample_points_uniformly(number_of_points=200000, seed=1) if hasattr(gt_mesh, 'sample_points_uniformly') else gt_mesh
    d_acc = np.asarray(pcd.compute_point_cloud_distance(gt))
    d_comp = np.asarray(gt.compute_point_cloud_distance(pcd))
    return {
        'accuracy_within_2cm': float((d_acc < threshold).mean()),      # higher is better
        'completeness_within_2cm': float((d_comp < threshold).mean()),  # higher is better
        'accuracy_mean_m': float(d_acc.mean()),                         # lower is better
        'completeness_mean_m': float(d_comp.mean()),                    # lower is better
        'vertices': int(len(pts)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('video')
    ap.add_argument('--voxel', type=float, default=0.01)
    ap.add_argument('--frames', type=int, default=0, help='use the first N frames (0 = all)')
    ap.add_argument('--ours', help='an ovseg3r scene folder of the same video, evaluated with the same metrics')
    ap.add_argument('--json')
    args = ap.parse_args()
    o3d.utility.set_verbosity_level(o3d.utility.VerbosityLevel.Error)

    k = json.load(open(os.path.join(args.video, 'intrinsics.json')))
    intr = o3d.camera.PinholeCameraIntrinsic(k['width'], k['height'], k['fx'], k['fy'], k['cx'], k['cy'])
    names = sorted(os.listdir(os.path.join(args.video, 'color')))
    if args.frames:
        names = names[:args.frames]
    gt = read_tum(os.path.join(args.video, 'gt', 'poses.txt'))[:len(names)]
    depth_max = 4.0

    def rgbd(i, intensity):
        stem = os.path.splitext(names[i])[0]
        color = o3d.io.read_image(os.path.join(args.video, 'color', names[i]))
        depth = o3d.io.read_image(os.path.join(args.video, 'depth', stem + '.png'))
        return o3d.geometry.RGBDImage.create_from_color_and_depth(
            color, depth, depth_scale=k['depth_scale'], depth_trunc=depth_max, convert_rgb_to_intensity=intensity)

    # --- odometry + pose graph -------------------------------------------------------------------
    option = o3d.pipelines.odometry.OdometryOption()
    option.max_depth_diff = 0.07
    jacobian = o3d.pipelines.odometry.RGBDOdometryJacobianFromHybridTerm()
    n = len(names)
    t0 = time.perf_counter()
    frames = [rgbd(i, True) for i in range(n)]
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    graph = o3d.pipelines.registration.PoseGraph()
    world_from = [np.eye(4)]
    graph.nodes.append(o3d.pipelines.registration.PoseGraphNode(np.eye(4)))
    failures = 0
    for i in range(1, n):
        ok, trans, info = o3d.pipelines.odometry.compute_rgbd_odometry(frames[i], frames[i - 1], intr, np.eye(4), jacobian, option)
        if not ok:
            failures += 1
            trans, info = np.eye(4), np.eye(6)
        # trans maps frame i into frame i-1: (i-1)_from_i
        world_from.append(world_from[-1] @ trans)
        graph.nodes.append(o3d.pipelines.registration.PoseGraphNode(world_from[-1]))
        graph.edges.append(o3d.pipelines.registration.PoseGraphEdge(i - 1, i, trans, info, uncertain=False))
    loops = 0
    keyframes = list(range(0, n, 5))
    for a_i, a in enumerate(keyframes):
        for b in keyframes[a_i + 2:]:
            init = np.linalg.inv(world_from[a]) @ world_from[b]
            if np.linalg.norm(init[:3, 3]) > 1.0:
                continue
            ok, trans, info = o3d.pipelines.odometry.compute_rgbd_odometry(frames[b], frames[a], intr, init, jacobian, option)
            if ok:
                loops += 1
                graph.edges.append(o3d.pipelines.registration.PoseGraphEdge(a, b, trans, info, uncertain=True))
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

    gt_mesh = o3d.io.read_triangle_mesh(os.path.join(args.video, 'gt', 'mesh.ply'))
    gt_points = gt_mesh.sample_points_uniformly(number_of_points=200000, seed=1)
    ate_o3d, r, t = ate(poses, gt)
    result = {
        'frames': n, 'voxel': args.voxel,
        'open3d': {
            'version': o3d.__version__,
            'ate_rmse_m': ate_o3d,
            'tracking_fps': n / t_track, 'integration_fps': n / t_integrate, 'mesh_seconds': t_mesh,
            'odometry_failures': failures, 'loop_edges': loops, 'read_seconds': t_read,
            'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            **surface_metrics(mesh, gt_points, r, t),
        },
    }
    device = read_tum(os.path.join(args.video, 'poses.txt'))[:n]
    result['device_ate_rmse_m'] = ate(device, gt)[0]
    if args.ours:
        ours_poses = read_tum(os.path.join(args.ours, 'poses.txt'))
        views = json.load(open(os.path.join(args.ours, 'views.json')))
        gt_views = [gt[v['frame']] for v in views]
        ate_ours, r2, t2 = ate(ours_poses, gt_views)
        summary = json.load(open(os.path.join(args.ours, 'recon_summary.json')))
        ours_mesh = o3d.io.read_triangle_mesh(os.path.join(args.ours, 'mesh.ply'))
        result['ours'] = {
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
