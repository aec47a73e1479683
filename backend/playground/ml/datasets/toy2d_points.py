"""How each 2-D toy set draws its raw points and targets (the parameters are in toy2d.py).

Each function returns raw points (N, 2) float64 and targets: class ids (N,) int64 or
regression values (N, 1) float64. All randomness comes from the generator passed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from playground.ml.datasets.toy2d import (
        CircleData,
        GaussianData,
        MoonsData,
        MultiGaussianData,
        PlaneData,
        SpiralData,
        XorData,
    )

# Half-width of the square most points fall in, as in the classic playground's plane.
DOMAIN = 5.0
# XOR points are pushed this far off the axes so that no label sits on a boundary.
XOR_PAD = 0.3
# multi_gaussian bumps: (cx, cy, height); width BUMP_STD.
BUMPS = (
    (-3.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (3.0, 2.5, 1.0),
    (-3.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (3.0, -2.5, -1.0),
)
BUMP_STD = 1.2


def _class_sizes(n: int, k: int) -> np.ndarray:
    """Split n samples as evenly as possible over k classes."""
    return np.array([n // k + (c < n % k) for c in range(k)])


def _polar(r: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)


def circle(spec: CircleData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_out, n_in = _class_sizes(spec.n_samples, 2)
    # Radii drawn uniformly over area: disc r < 2.5, ring 3.5 < r < 5.
    r_in = DOMAIN * 0.5 * np.sqrt(rng.uniform(0.0, 1.0, n_in))
    r_out = DOMAIN * np.sqrt(rng.uniform(0.7**2, 1.0, n_out))
    r = np.concatenate([r_out, r_in])
    xy = _polar(r, rng.uniform(0.0, 2 * np.pi, r.size))
    xy += rng.normal(0.0, spec.noise * DOMAIN, xy.shape)
    return xy, np.repeat(np.arange(2), [n_out, n_in])


def xor(spec: XorData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    xy = rng.uniform(-DOMAIN, DOMAIN, (spec.n_samples, 2))
    xy += np.where(xy >= 0, XOR_PAD, -XOR_PAD)
    labels = (xy[:, 0] * xy[:, 1] > 0).astype(np.int64)
    xy += rng.normal(0.0, spec.noise * DOMAIN, xy.shape)
    return xy, labels


def gaussian(spec: GaussianData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    sizes = _class_sizes(spec.n_samples, spec.n_classes)
    labels = np.repeat(np.arange(spec.n_classes), sizes)
    # Centres on a circle of radius 3.5, rotated so two classes sit at (2.5, 2.5), (-2.5, -2.5).
    angles = np.pi / 4 + 2 * np.pi * np.arange(spec.n_classes) / spec.n_classes
    centres = _polar(np.full(spec.n_classes, 0.7 * DOMAIN), angles)
    xy = centres[labels] + rng.normal(0.0, spec.noise * DOMAIN, (labels.size, 2))
    return xy, labels


def spiral(spec: SpiralData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    sizes = _class_sizes(spec.n_samples, spec.n_classes)
    labels = np.repeat(np.arange(spec.n_classes), sizes)
    t = rng.uniform(0.0, 1.0, labels.size)  # position along the arm, centre -> rim
    angle = spec.turns * 2 * np.pi * t + 2 * np.pi * labels / spec.n_classes
    # Noise in data units: scaled by the radius, even 0.1 would blur neighbouring arms.
    xy = _polar(DOMAIN * t, angle) + rng.normal(0.0, spec.noise, (labels.size, 2))
    return xy, labels


def moons(spec: MoonsData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_upper, n_lower = _class_sizes(spec.n_samples, 2)
    t_up, t_low = np.linspace(0, np.pi, n_upper), np.linspace(0, np.pi, n_lower)
    upper = np.stack([np.cos(t_up), np.sin(t_up)], axis=1)
    lower = np.stack([1 - np.cos(t_low), 0.5 - np.sin(t_low)], axis=1)
    xy = np.concatenate([upper, lower]) + rng.normal(0.0, spec.noise, (spec.n_samples, 2))
    return xy, np.repeat(np.arange(2), [n_upper, n_lower])


def plane(spec: PlaneData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    xy = rng.uniform(-DOMAIN, DOMAIN, (spec.n_samples, 2))
    target = (xy[:, 0] + xy[:, 1]) / (2 * DOMAIN)
    target += rng.normal(0.0, spec.noise, target.shape)
    return xy, target[:, None]


def multi_gaussian(
    spec: MultiGaussianData, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    xy = rng.uniform(-DOMAIN, DOMAIN, (spec.n_samples, 2))
    bumps = np.array(BUMPS)  # (6, 3)
    d2 = ((xy[:, None, :] - bumps[None, :, :2]) ** 2).sum(axis=2)  # (N, 6)
    target = (bumps[:, 2] * np.exp(-d2 / (2 * BUMP_STD**2))).sum(axis=1)
    target += rng.normal(0.0, spec.noise, target.shape)
    return xy, target[:, None]
