"""Offline stand-in for the course's SIGNS dataset: a hand showing 0 to 5 in front of a light wall.

The real SIGNS files (64x64 photos of one hand against a plain wall) cannot be downloaded here, so
``helpers.datasets`` calls ``generate`` once and caches the arrays in an h5 file.

The signs are the course's (right hand, palm towards the camera for 1 to 5):

====  ==========================================================================================
0     an "O": the fingertips curl over to meet the thumb's tip and make a ring with a hole in it,
      usually seen from the side (the palm faces sideways), sometimes three-quarters on
1     the index finger up; the other fingers curled into the palm, the thumb across them
2     index and middle finger up in a V; the thumb holds the ring and little finger down
3     thumb, index and middle finger up, the thumb pointing sideways; ring and little curled
4     the four fingers up, the thumb folded across the palm
5     the open hand: all five spread
====  ==========================================================================================

How a picture is made (all in NumPy at ``RENDER`` px, then shrunk to 64x64 with Pillow):

1. ``pose`` turns the label into *parts* in hand coordinates (wrist at the origin, fingers along
   +y, one unit is about a palm's width): a forearm, a palm, the thumb's ball, and one chain of
   rounded segments (a "capsule chain") per finger, extended or curled.
2. ``place`` frames it as at arm's length: the hand tilted up to about 40 degrees either way,
   often off-centre, its top near the top edge, so that the wrist and forearm enter from the
   bottom edge or a bottom corner; a left hand now and then (mirrored).
3. Every pixel is mapped into hand coordinates and each part gives a signed distance (negative
   inside). A part is a rounded solid: its height above the wall grows like a cylinder's from its
   outline inwards, so the height map gives surface normals, and a soft light from the front and
   above shades the hand as in a photo (darker sides, lit ridges, creases where parts meet).
4. The wall is off-white to light grey with a gentle gradient; the hand's outline, shifted away
   from the light and blurred, darkens it as a soft shadow. The camera's exposure and white balance
   differ a little from photo to photo; the picture is shrunk to 64x64 and gets a little blur and
   sensor noise, like a downsampled phone photo.

Public interface: ``generate(n, seed) -> (X, y)``.
"""
import numpy as np
from PIL import Image, ImageFilter

SIZE = 64  # side of the returned images, as in the course's SIGNS
RENDER = 128  # side of the picture drawn before downsampling (2x SIZE)
N_CLASSES = 6

FINGERS = ("index", "middle", "ring", "little")
# Finger base (x, y) on the palm's top edge, length, radius and splay angle (degrees, + = little side).
FINGER_SHAPE = {
    "index": ((-0.26, 0.90), 0.74, 0.080, -6.0),
    "middle": ((-0.088, 0.94), 0.82, 0.083, 0.0),
    "ring": ((0.088, 0.92), 0.76, 0.079, 6.0),
    "little": ((0.255, 0.85), 0.60, 0.069, 13.0),
}
THUMB_BASE = (-0.30, 0.26)  # where the thumb leaves the palm (on the -x side, before mirroring)
SIGNS = {  # the fingers that are up for each label ("O": the ring of label 0)
    0: "O",
    1: ("index",),
    2: ("index", "middle"),
    3: ("thumb", "index", "middle"),
    4: ("index", "middle", "ring", "little"),
    5: ("thumb", "index", "middle", "ring", "little"),
}
# How open the fingers are, per label: range of the factor on the splay angles above.
SPREAD = {1: (0.6, 1.4), 2: (1.4, 2.6), 3: (1.0, 2.2), 4: (0.5, 1.3), 5: (1.2, 2.3)}
SIDE_VIEW = 0.75  # share of the O signs seen from the side (the rest three-quarters on)
LEFT_HAND = 0.2  # share of left hands (drawn as mirrored right hands)

# Framing (image fractions): the hand at arm's length, anywhere in the upper middle, tilted.
SCALE = (0.34, 0.5)  # image fraction per hand unit: a palm is a quarter to a third of the picture
MIDDLE_V = (0.22, 0.6)  # where the middle of the hand is, from the top edge ...
OFF_CENTRE = 0.25  # ... and up to this far left or right of the picture's middle
EDGE = 0.01  # the hand keeps at least this far from the top, left and right edges
MAX_TILT = 40.0  # degrees: the hand leans at most this far from upright ...
TILT_SD = 22.0  # ... drawn from a normal distribution with this spread

# Relief (hand units), which the light turns into shading.
MASS_RELIEF = 0.34  # how far palm and forearm stand out of their outline (the palm is rounded)
MELT = 0.12  # size of the rounded joins between forearm, palm and the thumb's ball
MASS_BLUR = 0.05  # the blur that rounds the mass's surface
WEB = 0.04  # size of the rounded joins where the raised fingers grow out of the palm
ON_TOP = 0.8  # a curled finger or folded thumb stands out of the surface below it by this share of its radius

# Colours (0-255) and the camera.
WALL = np.array([216.0, 208.0, 198.0])  # a light warm-grey wall, before its brightness and tint are varied
LIGHT_SKIN, TAN_SKIN = np.array([240.0, 198.0, 176.0]), np.array([212.0, 160.0, 128.0])
SHADOW_TINT = np.array([1.0, 0.93, 0.9], np.float32)  # skin in shade turns a little redder (light under the skin)
EXPOSURE = (0.85, 1.08)  # the camera's automatic exposure differs from photo to photo: a factor on every pixel ...
WHITE_BALANCE = 0.04  # ... and so does its white balance: a factor of up to 1 +- this on each colour channel
LOWEST, HIGHEST = 12, 246  # the camera's darkest and brightest values: nothing is pure black or white

# Pixel centres of the render grid, in image fractions (u to the right, v down).
PIXEL_U, PIXEL_V = np.meshgrid(*2 * [(np.arange(RENDER, dtype=np.float32) + 0.5) / RENDER])


# ----------------------------------------------------------------------------- signed distances
FAR = 10.0  # distance given to pixels outside a part's window (nothing there is near the part)


def capsule_distance(px, py, a, b, ra, rb):
    """Signed distance from points (px, py) to a segment a->b whose radius tapers from ra to rb."""
    bax, bay = b[0] - a[0], b[1] - a[1]
    pax, pay = px - a[0], py - a[1]
    h = np.clip((pax * bax + pay * bay) / (bax * bax + bay * bay), 0.0, 1.0)
    return np.sqrt((pax - bax * h) ** 2 + (pay - bay * h) ** 2) - (ra + (rb - ra) * h)


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


def arc(centre, radius_x, radius_y, start_deg, end_deg, n=7):
    """n points on an ellipse around ``centre`` from angle start_deg to end_deg (0 = +x, 90 = +y)."""
    angles = np.radians(np.linspace(start_deg, end_deg, n))
    return [(centre[0] + radius_x * np.cos(a), centre[1] + radius_y * np.sin(a)) for a in angles]


class Part:
    """One rounded solid of the hand, in hand coordinates.

    kind   -- "chain" (capsules through ``points``, radius tapering r0 -> r1) or "palm" (a rounded box)
    layer  -- "mass": forearm, palm and the thumb's ball, melted into one smooth body; "finger": a
              finger standing out of it; 1 and 2: lying in front of the palm (curled fingers, then a
              folded thumb), drawn over what is below them in that order
    relief -- how high the part stands out of its own outline, in hand units (a finger: its radius)
    """

    def __init__(self, kind, points, r0, r1=None, layer="finger", relief=None):
        self.kind, self.points, self.r0 = kind, [tuple(map(float, p)) for p in points], float(r0)
        self.r1 = self.r0 if r1 is None else float(r1)
        self.layer = layer
        self.relief = min(self.r0, self.r1) if relief is None else relief


def palm_part(half_width, bottom, top):
    """The palm as a "palm" Part of the mass: a rounded box from y=bottom to y=top, wider at the top."""
    corners = [(-half_width, bottom), (half_width, bottom), (-half_width, top), (half_width, top)]
    return Part("palm", corners, min(0.22, half_width), layer="mass")


# ----------------------------------------------------------------------------- the signs
def pose(label, rng):
    """The parts of a right hand showing ``label``, in hand coordinates; returns (parts, tips).

    ``tips`` are the positions of the fingertips that stand out (they are drawn a little pinker).
    Proportions vary a little from picture to picture, like different people's hands.
    """
    length_scale = rng.uniform(0.92, 1.08)
    palm_width = rng.uniform(0.95, 1.05)
    forearm = Part("chain", [(0.0, 0.25), (rng.uniform(-0.2, 0.2), -3.2)], 0.27 * palm_width,
                   0.34 * palm_width, layer="mass")
    if SIGNS[label] == "O":
        return o_pose(rng, forearm, length_scale, palm_width)

    extended = SIGNS[label]
    spread = rng.uniform(*SPREAD[label])
    parts = [forearm, palm_part(0.37 * palm_width, 0.05, 0.95),
             Part("chain", [(-0.2, 0.14), (-0.29, 0.46)], 0.15, 0.12, layer="mass")]  # the thumb's ball
    tips = []
    for name in FINGERS:
        (bx, by), length, radius, splay = FINGER_SHAPE[name]
        bx, length = bx * palm_width, length * length_scale * rng.uniform(0.96, 1.04)
        if name in extended:
            angle = splay * spread + rng.uniform(-3, 3)
            if label == 2:  # a clear V: index and middle lean apart
                angle = {"index": -1, "middle": 1}[name] * rng.uniform(6, 13) + rng.uniform(-2, 2)
            bends = [0.0, 0.0] + list(rng.uniform(-1, 6, size=2))  # fingers curve forward a little
            points = walk((bx, by - 0.12), angle, [0.12, 0.45 * length, 0.3 * length, 0.25 * length], bends)
            parts.append(Part("chain", points, radius * 1.06, radius * 0.86))
            tips.append(points[-1])
        else:  # curled into the palm: seen from the front, the bent finger is a short band over the palm
            drop = rng.uniform(0.3, 0.42)
            points = [(bx, by + 0.01), (bx + 0.04 * splay / 10.0, by - drop)]
            parts.append(Part("chain", points, radius * 1.2, radius * 1.12, layer=1))
    if "thumb" in extended:  # out to the side: wide for 3, less so for the open hand
        angle = -(rng.uniform(50, 72) if label == 3 else rng.uniform(32, 55) * (0.7 + 0.3 * spread / 2.3))
        points = walk(THUMB_BASE, angle, [0.32, 0.29, 0.25], [0.0, rng.uniform(5, 15), rng.uniform(0, 10)])
        parts.append(Part("chain", points, 0.115, 0.085))
        tips.append(points[-1])
    else:  # folded across the palm, over the curled fingers (1, 2) or below the raised ones (4)
        reach = rng.uniform(0.52, 0.66) if label in (1, 2) else rng.uniform(0.42, 0.55)
        end_x = (0.1 if label == 1 else 0.22 if label == 2 else 0.12) + rng.uniform(-0.06, 0.06)
        points = arc((end_x * palm_width, 0.2), end_x * palm_width + 0.34, reach - 0.2, 180, 90, n=5)
        parts.append(Part("chain", points, 0.13, 0.1, layer=2))
    return parts, tips


def o_pose(rng, forearm, length_scale, palm_width):
    """The O of label 0: the fingers arch over from the knuckles and down to the thumb's tip, the thumb
    comes round from the bottom of the palm, and the palm closes the ring: a hole in front of the palm.

    ``side`` = 1 is the hand seen exactly from the side (the palm edge-on, as thick as a hand);
    smaller values turn it towards three-quarters on: a wider palm and a narrower ring.
    """
    side = rng.uniform(0.8, 1.0) if rng.random() < SIDE_VIEW else rng.uniform(0.5, 0.8)
    half_width = (0.37 + (0.21 - 0.37) * side) * palm_width  # from the palm's half-width to the hand's thickness
    radius = rng.uniform(0.22, 0.29) * length_scale  # of the ring's centre line
    stretch = 0.6 + 0.4 * side  # seen three-quarters on, the ring looks narrower
    centre = (-half_width - 0.55 * radius * stretch, rng.uniform(0.62, 0.72))
    meet = rng.uniform(215, 240)  # where the fingertips touch the thumb (degrees round the ring)
    parts = [forearm, palm_part(half_width, 0.05, 0.88),
             Part("chain", [(-half_width + 0.1, 0.18), (-half_width - 0.02, 0.4)], 0.15, 0.13, layer="mass")]
    # The little, ring and middle fingers curl behind the index, each a little wider: seen from the
    # side they thicken the arch and peek out beyond it; the index is drawn last, in front.
    for widen, reach in ((0.1, 0.8), (0.065, 0.88), (0.03, 0.94), (0.0, 1.0)):
        points = [(-0.02 + 0.6 * widen, 0.84 + 0.5 * widen)] + arc(
            centre, (radius + widen) * stretch, radius + widen, 55, 55 + (meet - 55) * reach, n=8)
        parts.append(Part("chain", points, 0.095, 0.08))
    tips = [parts[-1].points[-1]]
    # The thumb leaves the palm low down and comes round the bottom of the ring to the index's tip.
    thumb = [(-half_width + 0.04, 0.3)] + arc(centre, radius * stretch, radius * 0.95, 300, meet + 10, n=6)
    parts.insert(3, Part("chain", thumb, 0.12, 0.095))
    return parts, tips


# ----------------------------------------------------------------------------- framing
def to_image(points, wrist, scale, theta, mirror):
    """(u, v) image fractions of hand-coordinate ``points`` for a hand placed with these values (see Canvas)."""
    x, y = mirror * np.array([p[0] for p in points]), np.array([p[1] for p in points])
    u = wrist[0] + scale * (np.cos(theta) * x + np.sin(theta) * y)
    v = wrist[1] - scale * (-np.sin(theta) * x + np.cos(theta) * y)
    return u, v


def place(parts, rng):
    """Frame the hand as at arm's length; returns (wrist, scale, theta, mirror) for a Canvas.

    The hand leans by theta (radians; up to MAX_TILT degrees either way) and is scaled so that hand and
    forearm fill most of the picture's height. The middle of the hand (of the box around it, forearm
    left out) lands at a random point around the upper middle of the picture, whatever the sign, so
    that no sign has a place of its own; the hand stays inside the picture, and the forearm leaves it
    through the bottom edge or a bottom corner.
    """
    theta = np.radians(np.clip(rng.normal(0.0, TILT_SD), -MAX_TILT, MAX_TILT))
    scale = rng.uniform(*SCALE)
    mirror = -1.0 if rng.random() < LEFT_HAND else 1.0
    hand = [p for part in parts[1:] for p in part.points]  # everything but the forearm
    margin = scale * max(part.r0 for part in parts[1:])
    u, v = to_image(hand, (0.0, 0.0), scale, theta, mirror)
    left, right, top, bottom = u.min() - margin, u.max() + margin, v.min() - margin, v.max() + margin
    middle = np.array([0.5 + rng.uniform(-OFF_CENTRE, OFF_CENTRE), rng.uniform(*MIDDLE_V)])
    shift_u = np.clip(middle[0] - (left + right) / 2, EDGE - left, 1 - EDGE - right)
    shift_v = max(middle[1] - (top + bottom) / 2, EDGE - top)
    return (shift_u, shift_v), scale, theta, mirror


class Canvas:
    """The render grid seen in hand coordinates, and the distance fields of shapes drawn on it.

    Hand coordinates: wrist at the origin, fingers along +y, one unit is about a palm's width.
    wrist  -- (u, v) position of the wrist in image fractions (u to the right, v down)
    scale  -- image fraction per hand unit; theta -- rotation in radians; mirror -- +1, or -1 for a left hand
    """

    def __init__(self, wrist, scale, theta, mirror):
        self.wrist, self.scale, self.mirror = (float(wrist[0]), float(wrist[1])), float(scale), float(mirror)
        self.theta = float(theta)
        cos, sin = np.cos(self.theta), np.sin(self.theta)
        dx, dy = (PIXEL_U - self.wrist[0]) / self.scale, (self.wrist[1] - PIXEL_V) / self.scale
        self.px = self.mirror * (cos * dx - sin * dy)
        self.py = sin * dx + cos * dy
        self.pixel = 1.0 / (RENDER * self.scale)  # one render pixel in hand units

    def window(self, points, margin):
        """Slices of the grid that hold every pixel within ``margin`` hand units of ``points``."""
        u, v = to_image(points, self.wrist, self.scale, self.theta, self.mirror)
        pad = margin * self.scale * RENDER + 2
        c0, c1 = max(int(u.min() * RENDER - pad), 0), max(int(u.max() * RENDER + pad + 1), 0)
        r0, r1 = max(int(v.min() * RENDER - pad), 0), max(int(v.max() * RENDER + pad + 1), 0)
        return slice(r0, r1), slice(c0, c1)  # slicing past RENDER is harmless

    def distance(self, part):
        """Signed distance field of a Part (FAR away from it)."""
        field = np.full((RENDER, RENDER), FAR, dtype=np.float32)
        window = self.window(part.points, max(part.r0, part.r1) + 0.1)
        px, py = self.px[window], self.py[window]
        if part.kind == "palm":  # rounded box, 6 % wider at the top than at the bottom
            (x0, y0), (x1, _), (_, y1) = part.points[0], part.points[1], part.points[3]
            centre_y, half_h = (y0 + y1) / 2, (y1 - y0) / 2
            half_w = (x1 - x0) / 2 + 0.06 * (py - centre_y)
            qx = np.abs(px - (x0 + x1) / 2) - (half_w - part.r0)
            qy = np.abs(py - centre_y) - (half_h - part.r0)
            outside = np.sqrt(np.maximum(qx, 0.0) ** 2 + np.maximum(qy, 0.0) ** 2)
            field[window] = outside + np.minimum(np.maximum(qx, qy), 0.0) - part.r0
            return field
        radii = np.linspace(part.r0, part.r1, len(part.points))
        field[window] = np.minimum.reduce([
            capsule_distance(px, py, part.points[i], part.points[i + 1], radii[i], radii[i + 1])
            for i in range(len(part.points) - 1)])
        return field


def relief(field, height):
    """Height of a rounded part at each pixel: rising like a cylinder's side from 0 at the outline to
    ``height`` at that depth inside, flat deeper in; -1 outside (nothing there)."""
    depth = np.clip(-field, 0.0, height)
    return np.where(field < 0, np.sqrt(depth * (2 * height - depth)), -1.0)


# ----------------------------------------------------------------------------- one picture
def blur(array, factor):
    """A cheap wide blur of a float array: shrink it ``factor`` times and enlarge it back (bilinear)."""
    small = Image.fromarray(array.astype(np.float32), "F").resize((RENDER // factor,) * 2, Image.BILINEAR)
    return np.asarray(small.resize((RENDER, RENDER), Image.BILINEAR))


def gaussian_blur(array, sigma):
    """A 2-D array blurred with a Gaussian of ``sigma`` pixels (separable; edges extended)."""
    radius = int(3 * sigma)
    weights = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    weights /= weights.sum()
    for axis in (0, 1):
        padded = np.pad(array, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        length = array.shape[axis]
        array = sum(w * np.take(padded, np.arange(k, k + length), axis=axis) for k, w in enumerate(weights))
    return array


def draw_hand(label, rng):
    """Render one photo of a hand showing ``label``; returns a (SIZE, SIZE, 3) uint8 array."""
    parts, tips = pose(label, rng)
    canvas = Canvas(*place(parts, rng))
    fields = [canvas.distance(part) for part in parts]
    mass = [field for part, field in zip(parts, fields) if part.layer == "mass"]
    body = mass[0]
    for field in mass[1:]:
        body = smooth_min(body, field, MELT)

    # Height of the visible surface: fingers grow out of the rounded mass (the higher surface wins,
    # with a rounded join); curled fingers, then a folded thumb, lie on whatever is below them.
    # (The palm's outline is a box: its distance field has ridges along the diagonals, which a blur smooths away.)
    rounded = gaussian_blur(np.maximum(relief(body, MASS_RELIEF), 0.0), MASS_BLUR / canvas.pixel)
    height = np.where(body < 0, rounded, -1.0)
    for layer in ("finger", 1, 2):
        for part, field in zip(parts, fields):
            if part.layer != layer:
                continue
            bump = relief(field, part.relief)
            if layer == "finger":
                body = smooth_min(body, field, WEB)
                height = np.where(field < 0, -smooth_min(-np.maximum(height, 0.0), -bump, WEB), height)
            else:
                height = np.where(field < 0, np.maximum(height, 0.0) + ON_TOP * bump, height)
    height = np.maximum(height, 0.0)
    silhouette = np.minimum.reduce([body] + fields)
    coverage = np.clip(0.5 - silhouette / canvas.pixel, 0.0, 1.0)

    # Light: soft, from the front and above, a little to one side; the same light casts the wall shadow.
    light = np.array([rng.uniform(-0.45, 0.45), rng.uniform(-0.6, -0.25), 0.8])
    light /= np.linalg.norm(light)
    slope_v, slope_u = np.gradient(height, canvas.pixel)
    slope_u, slope_v = np.clip(slope_u, -4, 4), np.clip(slope_v, -4, 4)  # the outline's slope is infinite
    lambert = np.maximum((-slope_u * light[0] - slope_v * light[1] + light[2])
                         / np.sqrt(1.0 + slope_u ** 2 + slope_v ** 2), 0.0)
    cavity = np.clip((blur(height, 6) - height) / 0.06, 0.0, 1.0)  # creases and corners get less light
    shade = (0.42 + 0.62 * lambert) * (1.0 - 0.35 * cavity)

    # Wall: off-white to light grey, a gentle gradient, a faint blotchiness.
    warmth = np.array([0.0, 1.5, 3.0]) * rng.uniform(-1, 2)  # from a faintly cool grey to a warm off-white
    wall = WALL * rng.uniform(0.9, 1.04) + rng.uniform(-3, 3, size=3) - warmth
    ramp = (PIXEL_U - 0.5) * rng.uniform(-0.12, 0.12) + (PIXEL_V - 0.5) * rng.uniform(-0.1, 0.14)
    blotches = blur(rng.normal(0.0, 1.0, (RENDER, RENDER)).astype(np.float32), 24) * 0.06
    image = wall.astype(np.float32) * (1.0 + ramp + blotches)[..., None]

    # Soft shadow on the wall: the outline shifted away from the light and blurred.
    shadow = Image.fromarray((coverage * 255).astype(np.uint8))
    shift = -light[:2] / light[2] * rng.uniform(0.03, 0.07) * RENDER
    shadow = shadow.transform(shadow.size, Image.AFFINE, (1, 0, -shift[0], 0, 1, -shift[1]))
    shadow = np.asarray(shadow.filter(ImageFilter.GaussianBlur(RENDER * rng.uniform(0.025, 0.05))), np.float32)
    image *= (1.0 - rng.uniform(0.25, 0.42) / 255.0 * shadow)[..., None]

    # Skin: one tone per picture (mostly light), shaded, redder in shade, pinker at the fingertips.
    skin = LIGHT_SKIN + (TAN_SKIN - LIGHT_SKIN) * rng.uniform(0, 1) ** 2 + rng.uniform(-6, 6, size=3)
    rows, cols = np.flatnonzero(coverage.any(axis=1)), np.flatnonzero(coverage.any(axis=0))
    box = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)  # shade only around the hand, to save time
    tone = shade[box][..., None]
    hand = skin.astype(np.float32) * tone * (SHADOW_TINT + (1 - SHADOW_TINT) * np.minimum(tone, 1.0))
    px, py = canvas.px[box], canvas.py[box]
    for tip in tips:
        blob = np.exp(-((px - tip[0]) ** 2 + (py - tip[1]) ** 2) / (2 * 0.06 ** 2))
        hand *= 1.0 + blob[..., None] * np.array([0.03, -0.04, -0.04], np.float32)
    image[box] += (hand - image[box]) * coverage[box][..., None]

    # The camera: its exposure and white balance; shrunk to 64x64, a little blur and sensor noise, capped at LOWEST, HIGHEST.
    image *= rng.uniform(*EXPOSURE) * (1.0 + rng.uniform(-WHITE_BALANCE, WHITE_BALANCE, size=3)).astype(np.float32)
    picture = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).resize((SIZE, SIZE), Image.LANCZOS)
    picture = np.asarray(picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.6))), np.float32)
    picture += rng.normal(0.0, 1.2, picture.shape)
    return np.clip(np.round(picture), LOWEST, HIGHEST).astype(np.uint8)


def generate(n, seed):
    """Return a stand-in SIGNS dataset.

    n    -- int, number of images, a positive multiple of 6 (n // 6 per class)
    seed -- int, the same (n, seed) always gives identical arrays
    Returns X of shape (n, 64, 64, 3) dtype uint8 and y of shape (n,) dtype int64 with labels
    0..5 (the number the hand shows), classes balanced and in a shuffled order.
    """
    if not isinstance(n, (int, np.integer)) or n <= 0 or n % N_CLASSES:
        raise ValueError(f"n must be a positive multiple of {N_CLASSES} (balanced classes), got n={n!r}.")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(N_CLASSES, dtype=np.int64), n // N_CLASSES))
    X = np.stack([draw_hand(int(label), rng) for label in y])
    return X, y
