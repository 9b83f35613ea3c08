"""Offline stand-in for the course's SIGNS dataset: hands showing 0 to 5 fingers, drawn from scratch.

The real SIGNS files (64x64 photos of hands against a wall) cannot be downloaded here, so
``helpers.datasets`` calls ``generate`` once and caches the arrays in an h5 file.

How a picture is made (all in NumPy, at ``RENDER`` px, then downsampled to 64x64 with Pillow):

1. A hand is a list of *parts* in hand coordinates (wrist at the origin, fingers pointing up
   along +y, one unit is about a palm's width): a forearm, a palm, a thumb-side bulge, and one
   capsule chain (rounded-end segments) per finger.  Extended fingers point up; folded fingers
   are short bands curled over the palm, so a fist still shows four knuckle bumps.
2. Every pixel is mapped into hand coordinates (scale, in-plane rotation, position, mirroring),
   and each part gives a signed distance: negative inside, positive outside.
3. The wall is off-white with a brightness gradient; the hand's silhouette, shifted and blurred,
   darkens it as a soft shadow.  The skin is one flat tone per "person", darker towards the
   outline, with crease lines where a finger lies on or beside another part.

Public interface: ``generate(n, seed) -> (X, y)``.
"""
import numpy as np
from PIL import Image, ImageFilter

SIZE = 64  # side of the returned images, as in the course's SIGNS
RENDER = 192  # side of the picture drawn before downsampling (3x SIZE)
N_CLASSES = 6

FINGERS = ("index", "middle", "ring", "little")
# Finger base (x, y) on the palm's top edge, length, radius and splay angle (degrees, + = little side).
FINGER_SHAPE = {
    "index": ((-0.27, 0.90), 0.72, 0.088, -7.0),
    "middle": ((-0.09, 0.94), 0.81, 0.092, 0.0),
    "ring": ((0.09, 0.92), 0.75, 0.088, 6.0),
    "little": ((0.26, 0.84), 0.58, 0.076, 14.0),
}
# Which fingers are extended for each label: (probability, set of fingers incl. "thumb").
POSES = {
    0: [(0.7, ()), (0.3, "O")],
    1: [(0.8, ("index",)), (0.1, ("middle",)), (0.1, ("thumb",))],
    2: [(0.65, ("index", "middle")), (0.25, ("thumb", "index")), (0.1, ("index", "little"))],
    3: [(0.5, ("index", "middle", "ring")), (0.4, ("thumb", "index", "middle")),
        (0.1, ("middle", "ring", "little"))],
    4: [(0.85, ("index", "middle", "ring", "little")), (0.15, ("thumb", "index", "middle", "ring"))],
    5: [(1.0, ("thumb", "index", "middle", "ring", "little"))],
}
# Pixel centres of the render grid, in image fractions (u to the right, v down).
PIXEL_U, PIXEL_V = np.meshgrid(*2 * [(np.arange(RENDER, dtype=np.float32) + 0.5) / RENDER])
KNEE, WHITE = 215.0, 243.0  # tone curve: values above KNEE are compressed smoothly towards WHITE
LIGHT_SKIN, TAN_SKIN = np.array([222.0, 172.0, 145.0]), np.array([164.0, 108.0, 76.0])


# ----------------------------------------------------------------------------- signed distances
FAR = 10.0  # distance given to pixels outside a part's window (nothing there is near the part)


def capsule_distance(px, py, a, b, ra, rb):
    """Signed distance from points (px, py) to a segment a->b whose radius tapers from ra to rb."""
    bax, bay = b[0] - a[0], b[1] - a[1]
    pax, pay = px - a[0], py - a[1]
    h = np.clip((pax * bax + pay * bay) / (bax * bax + bay * bay), 0.0, 1.0)
    return np.sqrt((pax - bax * h) ** 2 + (pay - bay * h) ** 2) - (ra + (rb - ra) * h)


class Canvas:
    """The render grid seen in hand coordinates, and the distance fields of shapes drawn on it.

    Hand coordinates: wrist at the origin, fingers along +y, one unit is about a palm's width.
    wrist  -- (u, v) position of the wrist in image fractions (u to the right, v down)
    scale  -- image fraction per hand unit; theta -- rotation in radians; mirror -- +1 or -1 (left hand)
    """

    def __init__(self, wrist, scale, theta, mirror):
        self.wrist, self.scale, self.mirror = (float(wrist[0]), float(wrist[1])), float(scale), float(mirror)
        self.cos, self.sin = float(np.cos(theta)), float(np.sin(theta))
        dx, dy = (PIXEL_U - self.wrist[0]) / self.scale, (self.wrist[1] - PIXEL_V) / self.scale
        self.px = self.mirror * (self.cos * dx - self.sin * dy)
        self.py = self.sin * dx + self.cos * dy
        self.pixel = 1.0 / (RENDER * self.scale)  # one render pixel in hand units

    def window(self, points, margin):
        """Slices of the grid that hold every pixel within ``margin`` hand units of ``points``."""
        x, y = self.mirror * np.array([p[0] for p in points]), np.array([p[1] for p in points])
        cols = (self.wrist[0] + self.scale * (self.cos * x + self.sin * y)) * RENDER
        rows = (self.wrist[1] - self.scale * (-self.sin * x + self.cos * y)) * RENDER
        pad = margin * self.scale * RENDER + 2
        c0, c1 = max(int(cols.min() - pad), 0), max(int(cols.max() + pad + 1), 0)
        r0, r1 = max(int(rows.min() - pad), 0), max(int(rows.max() + pad + 1), 0)
        return slice(r0, r1), slice(c0, c1)  # slicing past RENDER is harmless

    def capsule(self, a, b, ra, rb):
        """Distance field of a capsule a->b (radius ra -> rb), computed only near it."""
        field = np.full((RENDER, RENDER), FAR, dtype=np.float32)
        window = self.window([a, b], max(ra, rb) + 0.25)
        field[window] = capsule_distance(self.px[window], self.py[window], a, b, ra, rb)
        return field

    def chain(self, points, r0, r1):
        """Distance field of a bent finger: capsules through ``points``, radius tapering r0 -> r1."""
        radii = np.linspace(r0, r1, len(points))
        return np.minimum.reduce([self.capsule(points[i], points[i + 1], radii[i], radii[i + 1])
                                  for i in range(len(points) - 1)])

    def rounded_box(self, centre, half_w, half_h, radius, taper=0.0):
        """Distance field of a rounded rectangle; ``taper`` widens it towards +y (a palm is wider at the top)."""
        half_w = half_w + taper * (self.py - centre[1])
        qx = np.abs(self.px - centre[0]) - (half_w - radius)
        qy = np.abs(self.py - centre[1]) - (half_h - radius)
        outside = np.sqrt(np.maximum(qx, 0.0) ** 2 + np.maximum(qy, 0.0) ** 2)
        return outside + np.minimum(np.maximum(qx, qy), 0.0) - radius


def smooth_min(a, b, k):
    """Union of two distance fields with a rounded join of size k (polynomial smooth minimum)."""
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b + (a - b) * h - k * h * (1.0 - h)


def walk(start, angle_deg, lengths, bends_deg):
    """Points of a finger that starts at ``start`` heading ``angle_deg`` from +y, bending at each joint."""
    points, (x, y), angle = [start], start, np.radians(angle_deg)
    for length, bend in zip(lengths, bends_deg):
        angle += np.radians(bend)
        x, y = x + length * np.sin(angle), y + length * np.cos(angle)
        points.append((x, y))
    return points


# ----------------------------------------------------------------------------- one hand
def hand_parts(canvas, extended, rng):
    """Distance fields of one hand, in drawing order.

    canvas   -- the Canvas to draw on
    extended -- tuple of extended finger names (may include "thumb"), or "O" for the O-shaped zero
    Returns (body, overlays, tips): ``body`` is the forearm/palm/extended-finger silhouette as one field;
    ``overlays`` is a list of (field, crease_strength) drawn on top of it in order (folded fingers,
    an extended finger's sides, the folded thumb), whose outlines show as creases; ``tips`` is the
    list of extended fingertip positions.
    """
    length_scale = rng.uniform(0.9, 1.1)
    spread = rng.uniform(0.7, 1.8)
    palm = canvas.rounded_box((0.0, 0.50), 0.37, 0.45, 0.17, taper=0.06)
    palm = smooth_min(palm, canvas.capsule((-0.22, 0.15), (-0.31, 0.45), 0.15, 0.13), 0.08)  # thumb bulge
    forearm = canvas.capsule((0.0, 0.2), (rng.uniform(-0.15, 0.15), -3.0), 0.29, 0.36)
    body = smooth_min(forearm, palm, 0.12)
    overlays = []

    if extended == "O":  # fingers curl left and down onto the thumb tip, leaving a hole beside the palm
        curl = rng.uniform(-8, 8)
        for k, name in enumerate(reversed(FINGERS)):  # little first, index last (in front)
            (bx, by), length, radius, _ = FINGER_SHAPE[name]
            lengths = np.array([0.42, 0.32, 0.26]) * length * length_scale
            points = walk((bx, by - 0.08), -10.0 - 6 * k + curl, lengths, [0.0, -75.0 + 5 * k, -70.0])
            overlays.append((canvas.chain(points, radius * 1.05, radius * 0.9), 0.22))
        thumb_tip = points[-1]
        thumb = [(-0.3, 0.28), (-0.52, 0.55), (thumb_tip[0] + 0.02, thumb_tip[1] - 0.1)]
        body = smooth_min(body, canvas.chain(thumb, 0.12, 0.09), 0.05)
        return body, overlays, []

    tip_points = []
    for name in FINGERS:
        (bx, by), length, radius, splay = FINGER_SHAPE[name]
        length *= length_scale * rng.uniform(0.95, 1.05)
        if name in extended:
            angle = splay * spread + rng.uniform(-4, 4)
            thirds = [0.45 * length, 0.3 * length, 0.25 * length]
            bends = [0.0] + list(rng.uniform(-2, 7, size=2))
            points = walk((bx, by - 0.12), angle, [0.12] + thirds, [0.0] + bends)
            finger = canvas.chain(points, radius * 1.05, radius * 0.85)
            body = smooth_min(body, finger, 0.04)
            # the finger's own sides, faded out inside the palm: lines between touching fingers
            overlays.append((np.where(palm < -0.06, FAR, finger), 0.14))
            tip_points.append(points[-1])
        else:  # curled over the palm: a knuckle bump at the top edge, fingertip lower down
            drop = rng.uniform(0.3, 0.42)
            points = [(bx, by + 0.02), (bx + 0.3 * splay / 40.0, by - drop)]
            overlays.append((canvas.capsule(points[0], points[1], radius * 1.2, radius * 1.1), 0.22))
    if "thumb" in extended:
        angle = -rng.uniform(35, 60) * (0.6 + 0.4 * spread)
        points = walk((-0.3, 0.28), angle, [0.33, 0.3, 0.26], [0.0, 12.0, 8.0])
        body = smooth_min(body, canvas.chain(points, 0.12, 0.085), 0.06)
        tip_points.append(points[-1])
    else:  # folded across the palm (or across the curled fingers in a fist)
        reach = rng.uniform(0.55, 0.75) if len(extended) == 0 else rng.uniform(0.4, 0.55)
        points = [(-0.36, 0.2), (-0.22, reach - 0.08), (0.02 + rng.uniform(-0.05, 0.1), reach)]
        overlays.append((canvas.chain(points, 0.115, 0.09), 0.22))
    return body, overlays, tip_points


# ----------------------------------------------------------------------------- one picture
def draw_hand(label, rng):
    """Render one hand showing ``label`` fingers; returns a (SIZE, SIZE, 3) uint8 array."""
    choices = POSES[label]
    pose = choices[rng.choice(len(choices), p=[p for p, _ in choices])][1]

    # Placement: scale (image fraction per hand unit), rotation about the wrist, position of the palm.
    scale = rng.uniform(0.40, 0.50)
    theta = np.radians(np.clip(rng.normal(0.0, 10.0), -45.0, 45.0))
    palm_top = np.array([0.5 + rng.uniform(-0.07, 0.07), 0.46 + rng.uniform(-0.05, 0.05)])
    # the wrist lies 0.95 hand units below the middle of the palm's top edge, along the rotated hand axis
    wrist = palm_top - scale * 0.95 * np.array([np.sin(theta), -np.cos(theta)])
    canvas = Canvas(wrist, scale, theta, mirror=rng.choice([-1.0, 1.0]))
    body, overlays, tips = hand_parts(canvas, pose, rng)
    silhouette = np.minimum.reduce([body] + [field for field, _ in overlays])
    coverage = np.clip(0.5 - silhouette / canvas.pixel, 0.0, 1.0)

    # Wall: off-white to light warm grey, brightness gradient in a random direction.
    wall = np.array([234.0, 229.0, 221.0]) + rng.uniform(-16, 6) - np.array([0.0, 1.0, 2.0]) * rng.uniform(0, 4)
    light_angle = rng.uniform(0, 2 * np.pi)
    ramp = (PIXEL_U - 0.5) * np.cos(light_angle) + (PIXEL_V - 0.5) * np.sin(light_angle)
    image = wall.astype(np.float32) * (1.0 + rng.uniform(0.06, 0.2) * ramp)[..., None]

    # Soft shadow: the silhouette shifted away from the light and blurred.
    shadow = Image.fromarray((coverage * 255).astype(np.uint8))
    shift = rng.uniform(0.02, 0.06, size=2) * RENDER * np.array([rng.choice([-1, 1]), 1.0])
    shadow = shadow.transform(shadow.size, Image.AFFINE, (1, 0, -shift[0], 0, 1, -shift[1]))
    shadow = np.asarray(shadow.filter(ImageFilter.GaussianBlur(RENDER * rng.uniform(0.03, 0.06))), np.float32)
    image *= (1.0 - rng.uniform(0.3, 0.5) / 255.0 * shadow)[..., None]

    # Skin: one tone per person, diffuse light across the hand, darker rim, soft creases.
    # (Shaded only inside the hand's bounding box, to save time.)
    rows, cols = np.flatnonzero(coverage.any(axis=1)), np.flatnonzero(coverage.any(axis=0))
    box = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    skin = LIGHT_SKIN + (TAN_SKIN - LIGHT_SKIN) * rng.uniform(0, 1) + rng.uniform(-6, 6, size=3)
    shade = (1.0 + 0.16 * ramp[box]) * (1.0 - 0.35 * np.exp(np.minimum(silhouette[box], 0.0) / 0.07))
    for field, strength in overlays:
        shade *= 1.0 - strength * np.exp(-((field[box] + 0.012) / 0.03) ** 2)
    hand = skin.astype(np.float32) * shade[..., None]
    px, py = canvas.px[box], canvas.py[box]
    for tip in tips:  # fingertips a little pinker
        blob = np.exp(-((px - tip[0]) ** 2 + (py - tip[1]) ** 2) / (2 * 0.06**2))
        hand *= 1.0 + blob[..., None] * np.array([0.04, -0.03, -0.03], np.float32)
    image[box] += (hand - image[box]) * coverage[box][..., None]

    # A camera-like soft shoulder keeps the bright wall below WHITE instead of clipping it flat.
    image = np.where(image > KNEE, KNEE + (WHITE - KNEE) * np.tanh((image - KNEE) / (WHITE - KNEE)), image)
    picture = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).resize((SIZE, SIZE), Image.LANCZOS)
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.6)))
    return np.clip(np.asarray(picture), 15, WHITE).astype(np.uint8)


def generate(n, seed):
    """Return a stand-in SIGNS dataset.

    n    -- int, number of images, a positive multiple of 6 (n // 6 per class)
    seed -- int, the same (n, seed) always gives identical arrays
    Returns X of shape (n, 64, 64, 3) dtype uint8 and y of shape (n,) dtype int64 with labels
    0..5 (the number of extended fingers), classes balanced and in a shuffled order.
    """
    if not isinstance(n, (int, np.integer)) or n <= 0 or n % N_CLASSES:
        raise ValueError(f"n must be a positive multiple of {N_CLASSES} (balanced classes), got n={n!r}.")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(N_CLASSES, dtype=np.int64), n // N_CLASSES))
    X = np.stack([draw_hand(int(label), rng) for label in y])
    return X, y
