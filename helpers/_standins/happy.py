"""Offline stand-ins for the course's "Happy House" dataset (64x64 selfies, 1 = smiling, 0 = not).

The real course files cannot be downloaded here, so this module draws look-alike photos: a
head-and-shoulders selfie in a dark T-shirt, in front of a sunlit front yard (bushes and trees, a
reddish-brown wall or fence, a bright driveway, sometimes a parked car), strongly backlit so that the
background is blown out and the face is comparatively dark.

Only numpy and Pillow are used. Each image is drawn at ``SCALE`` times its final size and shrunk with
a Lanczos filter, so edges are soft like a downsampled phone photo. Every random choice comes from
``np.random.default_rng(seed)``: the same ``(n, seed)`` always gives identical bytes.

The label is carried by the mouth and the muscles around it (a wide, upturned mouth, often open with
a band of teeth, raised cheeks and narrowed eyes) -- never by the background, the person or the light.
Some examples are hard on purpose: closed-mouth near-smiles and open mouths without teeth labelled 0,
a few closed-mouth smiles labelled 1, and people looking away (turned heads) labelled 0. The shares
below were tuned with scripts/measure_happy_difficulty.py so that the course's HappyModel is below 0.97
test accuracy after 1 epoch and reaches 0.95 within 40 epochs, as on the course's photos.
"""
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = 64                # side of the returned images, in pixels
SCALE = 3                # images are drawn at SIZE * SCALE and then shrunk
CANVAS = SIZE * SCALE    # 192

# Skin tones from light to dark; a face takes a random point between two neighbours.
SKIN_TONES = np.array([(242, 206, 182), (226, 180, 150), (198, 146, 110), (165, 112, 78),
                       (128, 84, 56), (92, 60, 42)], dtype=float)
HAIR_COLOURS = [(20, 16, 14), (45, 30, 20), (80, 55, 35), (120, 85, 50), (170, 130, 80),
                (200, 170, 110), (130, 60, 30), (150, 150, 150)]
SHIRT_COLOURS = [(18, 18, 22), (25, 28, 45), (40, 40, 42), (25, 40, 30), (50, 22, 25), (55, 55, 60)]
MOUTH_DARK = (55, 15, 18)
TEETH = (236, 232, 220)
# How much the pose varies (fractions of the image side, degrees); these set how hard the task is.
FACE_HALF_WIDTH = (0.2, 0.23)
MOUTH_X = (0.44, 0.47)   # the mouth anchors the face: like the course's photos, every selfie is framed
MOUTH_Y = (0.49, 0.52)   # alike, and the HappyModel (one 2x2 pooling) can only find a smile near one place
TILT_SD = 5.0
LOOKING_AWAY = 0.2       # share of the not-smiling people whose head is turned away
TOOTHY = 0.99            # share of the smiles that show teeth (the others are closed-mouth smiles)
NEAR_SMILE = 0.04        # share of the not-smiling mouths that curl up a little (hard negatives)
OPEN_NO_TEETH = 0.08     # share of the not-smiling mouths that are open without showing teeth (talking)
_GLARE = [max(0, v - 190) * 4 for v in range(256)] * 3                # how much of a pixel glares
_GRID = (np.mgrid[0:CANVAS, 0:CANVAS] / CANVAS).astype(np.float32)  # (y, x) of every pixel, in [0, 1)


def generate(n, seed):
    """Draw ``n`` stand-in Happy House images.

    n -- number of images (a positive int)
    seed -- int seed; the same (n, seed) always returns identical bytes

    Returns (X, y): X of shape (n, 64, 64, 3), dtype uint8; y of shape (n,), dtype int64 with
    1 = smiling and 0 = not smiling, roughly balanced (47-53 % ones) and in shuffled order.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int (the number of images), got {n!r}.")
    rng = np.random.default_rng(seed)
    n_smiling = int(round(n * rng.uniform(0.47, 0.53)))
    y = rng.permutation(np.arange(n) < n_smiling).astype(np.int64)
    X = np.empty((n, SIZE, SIZE, 3), dtype=np.uint8)
    for i, image_rng in enumerate(rng.spawn(n)):
        X[i] = render_selfie(image_rng, smiling=bool(y[i]))
    return X, y


def render_selfie(rng, smiling):
    """Draw one backlit selfie; returns a uint8 array of shape (64, 64, 3)."""
    background = _draw_background(rng)
    person = _draw_person(rng, smiling)
    image = _light(rng, background, person).resize((SIZE, SIZE), Image.LANCZOS)
    soft = image.filter(ImageFilter.Kernel((3, 3), [1, 2, 1, 2, 4, 2, 1, 2, 1]))   # a little camera blur
    return np.asarray(Image.blend(image, soft, rng.uniform(0.2, 0.8)))


# ----------------------------------------------------------------------------------- background
def _jitter(rng, colour, amount=12):
    """colour (an RGB triple) plus independent noise of +-amount per channel, as an int tuple."""
    return tuple(min(255, max(0, int(c + d))) for c, d in zip(colour, rng.uniform(-amount, amount, 3)))


def _shade(colour, factor):
    """colour scaled by factor (darker below 1, lighter above), as an int tuple."""
    return tuple(min(255, max(0, int(c * factor))) for c in colour)


def _foliage(draw, rng, box, green):
    """A bush or tree crown: many overlapping leaf clusters inside the ellipse ``box``."""
    x0, y0, x1, y1 = box
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    draw.ellipse(box, fill=_shade(green, 0.6))
    for _ in range(int(rng.integers(18, 30))):
        angle, radius = rng.uniform(0, 2 * np.pi), np.sqrt(rng.uniform(0, 1))
        x, y = cx + rx * radius * np.cos(angle), cy + ry * radius * np.sin(angle)
        r = rng.uniform(0.12, 0.3) * min(rx, ry) + 2
        lit = 1.25 - 0.5 * (y - y0) / max(y1 - y0, 1)        # leaves higher up catch more sun
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_shade(_jitter(rng, green, 15), lit * rng.uniform(0.7, 1.2)))


def _draw_background(rng):
    """A sunlit front yard: bright sky, a wall or fence, greenery, a driveway, sometimes a car."""
    S = CANVAS
    image = Image.new("RGB", (S, S), _jitter(rng, (225, 232, 238), 15))
    draw = ImageDraw.Draw(image)
    ground = S * rng.uniform(0.55, 0.8)                      # where the driveway starts
    # A reddish-brown wall (bricks) or fence (vertical boards), covering one side or all of the width.
    wall_top = S * rng.uniform(0.05, 0.4)
    left, right = sorted(S * rng.uniform(-0.3, 1.3, 2))
    if right - left < S * 0.4:
        left, right = -1, S + 1
    wall = _jitter(rng, (150, 82, 60), 25)
    draw.rectangle((left, wall_top, right, ground), fill=wall)
    if rng.random() < 0.5:
        step = S * rng.uniform(0.04, 0.07)
        for x in np.arange(left, right, step):
            draw.line((x, wall_top, x, ground), fill=_shade(wall, 0.7), width=2)
    else:
        step = S * rng.uniform(0.03, 0.05)
        for row, yy in enumerate(np.arange(wall_top, ground, step)):
            draw.line((left, yy, right, yy), fill=_shade(wall, 1.2), width=1)
            for x in np.arange(left + (row % 2) * step, right, 2 * step):
                draw.line((x, yy, x, yy + step), fill=_shade(wall, 1.2), width=1)
    if rng.random() < 0.4 and ground - wall_top > S * 0.25:  # a window in the wall
        wx, wy = rng.uniform(left, right - S * 0.2), rng.uniform(wall_top, ground - S * 0.2)
        draw.rectangle((wx, wy, wx + S * 0.2, wy + S * 0.18), fill=_jitter(rng, (70, 80, 90), 20),
                       outline=(230, 230, 225), width=3)
    # The driveway: very bright concrete, a little darker towards the camera.
    concrete = _jitter(rng, (215, 210, 200), 15)
    for yy in range(int(ground), S):
        draw.line((0, yy, S, yy), fill=_shade(concrete, 1.1 - 0.2 * (yy - ground) / S))
    if rng.random() < 0.35:                                  # a dark parked car on one side
        side = rng.choice([-1, 1])
        x0 = S * (0.62 if side > 0 else -0.25) + rng.uniform(-15, 15)
        y0 = ground - S * rng.uniform(0.15, 0.25)
        body = _jitter(rng, (35, 38, 45), 20)
        draw.rounded_rectangle((x0, y0, x0 + S * 0.7, ground + S * 0.1), radius=12, fill=body)
        draw.rounded_rectangle((x0 + 10, y0 - S * 0.1, x0 + S * 0.5, y0 + 5), radius=10, fill=_shade(body, 0.8))
        draw.rectangle((x0 + 16, y0 - S * 0.08, x0 + S * 0.46, y0), fill=_jitter(rng, (120, 135, 150), 20))
        for wheel in (x0 + S * 0.12, x0 + S * 0.55):
            draw.ellipse((wheel - 14, ground + S * 0.04, wheel + 14, ground + S * 0.04 + 28), fill=(15, 15, 15))
    # Greenery: a few bushes along the wall and trees higher up.
    for _ in range(int(rng.integers(2, 6))):
        green = _jitter(rng, rng.choice([(60, 110, 40), (40, 90, 35), (95, 130, 50), (50, 80, 45)]), 15)
        w, h = S * rng.uniform(0.2, 0.55), S * rng.uniform(0.15, 0.45)
        x = rng.uniform(-0.2, 1.0) * S
        y = rng.uniform(-0.3, 0.1) * S if rng.random() < 0.4 else ground - h * rng.uniform(0.6, 1.0)
        _foliage(draw, rng, (x, y, x + w, y + h), green)
    return image


# --------------------------------------------------------------------------------------- person
def _curve(center_x, center_y, half_width, lift, sag=0.0, points=13):
    """Points of a mouth line: corners raised by ``lift`` pixels, the middle lowered by ``sag``."""
    t = np.linspace(-1, 1, points)
    return [(center_x + half_width * u, center_y - lift * u * u + sag * (1 - u * u)) for u in t]


def _draw_mouth(draw, rng, mx, my, a, b, skin, smile, open_amount):
    """The mouth at (mx, my); ``smile`` in [-0.4, 1] sets width and corner lift, ``open_amount`` in [0, 1]."""
    half_width = a * (0.3 + 0.25 * max(smile, 0) + rng.uniform(-0.03, 0.03))
    lift = b * 0.13 * smile
    lip = _shade(_jitter(rng, (170, 85, 80), 15), 0.55 + 0.45 * skin.mean() / 255)
    if open_amount > 0:
        depth = b * 0.25 * open_amount
        upper = _curve(mx, my, half_width, lift)
        lower = _curve(mx, my, half_width, lift, sag=depth)[::-1]
        draw.polygon(upper + lower, fill=MOUTH_DARK, outline=lip)
        if smile > 0.3:                                      # a smile shows the upper teeth
            band = min(depth * 0.7, b * 0.13)
            teeth = _curve(mx, my + 2, half_width * 0.85, lift * 0.85)
            teeth_low = _curve(mx, my + 2, half_width * 0.85, lift * 0.85, sag=band)[::-1]
            draw.polygon(teeth + teeth_low, fill=_jitter(rng, TEETH, 10))
        draw.line(upper, fill=lip, width=4)
        draw.line(lower, fill=lip, width=5)
    else:
        lower_lip = _curve(mx, my + b * 0.045, half_width * 0.7, lift * 0.7)
        draw.line(lower_lip, fill=_shade(lip, 1.1), width=max(4, int(b * 0.06)))
        draw.line(_curve(mx, my, half_width, lift), fill=_shade(lip, 0.55), width=4)


def _hair_mask(a, b, cx, cy, top, width, hairline, part):
    """A mask of the hair on top of the head: an ellipse above a hairline that dips at the temples."""
    mask = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((cx - width * a, top, cx + width * a, cy + b), fill=255)
    line_y = cy - hairline * b
    draw.polygon([(0, CANVAS), (0, cy + 0.1 * b), (cx - 1.05 * a, cy - 0.05 * b), (cx - 0.75 * a, line_y),
                  (cx + part * a, line_y - 0.12 * b), (cx + 0.75 * a, line_y), (cx + 1.05 * a, cy - 0.05 * b),
                  (CANVAS, cy + 0.1 * b), (CANVAS, CANVAS)], fill=0)
    return mask


def _expression(rng, smiling):
    """Pick (smile, open_amount): smile in [-0.4, 1] curls the mouth corners up, open_amount in [0, 1].

    Label 1 is a grin showing teeth or, less often, a closed-mouth smile. Label 0 is a neutral or
    slightly sad closed mouth, a closed near-smile (the hard cases), or an open mouth without teeth.
    """
    if smiling:
        if rng.random() < TOOTHY:
            return rng.uniform(0.55, 1.0), rng.uniform(0.6, 1.0)
        return rng.uniform(0.5, 0.9), 0.0
    kind = rng.random()
    if kind < NEAR_SMILE:
        return rng.uniform(0.1, 0.3), 0.0
    if kind < NEAR_SMILE + OPEN_NO_TEETH:
        return rng.uniform(-0.2, 0.1), rng.uniform(0.25, 0.5)
    return rng.uniform(-0.4, 0.1), 0.0


def _draw_head(rng, smiling, a, b, cx, cy, skin, turn):
    """The head on a transparent layer: hair, ears, face, eyes, nose, beard and mouth."""
    S = CANVAS
    layer = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    hair = _jitter(rng, HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))], 10)
    style = rng.choice(["bald", "buzz", "short", "short", "long", "curly"], p=[0.08, 0.14, 0.38, 0.1, 0.18, 0.12])
    volume = {"bald": 0, "buzz": 0.04, "short": rng.uniform(0.08, 0.2), "long": rng.uniform(0.08, 0.18),
              "curly": rng.uniform(0.25, 0.4)}[style] * b
    top = cy - b - volume
    gaze = turn * 0.6 + rng.uniform(-0.15, 0.15)
    shift = turn * 0.32 * a                                  # facial features slide towards the turn
    if style == "long":
        draw.rounded_rectangle((cx - 1.17 * a, top, cx + 1.17 * a, cy + rng.uniform(1.0, 1.5) * b), radius=a, fill=hair)
    for side in (-1, 1):                                      # ears; the far one hides when turned
        if side * turn > 0.45:
            continue
        ex = cx + side * (0.97 * a - 0.25 * a * max(0.0, side * turn))
        draw.ellipse((ex - 0.17 * a, cy - 0.2 * b, ex + 0.17 * a, cy + 0.22 * b), fill=_shade(skin, 0.85))
    draw.ellipse((cx - a, cy - b, cx + a, cy + 0.5 * b), fill=skin)          # skull and cheeks
    draw.ellipse((cx - 0.88 * a, cy - 0.6 * b, cx + 0.88 * a, cy + b), fill=skin)  # a narrower jaw
    smile, open_amount = _expression(rng, smiling)
    cheek = max(smile, 0) * rng.uniform(0.6, 1.0)
    fx = cx + shift
    if cheek > 0.3:                                            # raised cheeks and smile lines
        for side in (-1, 1):
            x = fx + side * 0.45 * a
            draw.ellipse((x - 0.22 * a, cy + 0.2 * b, x + 0.22 * a, cy + 0.38 * b), fill=_shade(skin, 1.08))
            draw.arc((fx - 0.55 * a, cy + 0.15 * b, fx + 0.55 * a, cy + 0.75 * b),
                     start=100 if side < 0 else 20, end=160 if side < 0 else 80, fill=_shade(skin, 0.8), width=3)
    # Eyes and eyebrows; a smile narrows the eyes.
    eye_y, eye_h = cy - 0.08 * b, b * 0.075 * (1 - 0.45 * cheek) * rng.uniform(0.85, 1.15)
    brow = rng.uniform(-0.03, 0.04) * b
    for side in (-1, 1):
        far = max(0.0, side * turn)                            # the eye on the far side looks narrower
        ex, half = fx + side * 0.4 * a * (1 - 0.5 * far), 0.17 * a * (1 - 0.6 * far)
        draw.ellipse((ex - half * 1.4, eye_y - eye_h * 2, ex + half * 1.4, eye_y + eye_h * 1.8), fill=_shade(skin, 0.82))
        draw.ellipse((ex - half, eye_y - eye_h, ex + half, eye_y + eye_h), fill=_shade(np.asarray(skin) * 0.35 + 150, 1.0))
        ix, r = ex + gaze * half * 0.6, min(0.09 * a, eye_h * 1.1)
        draw.ellipse((ix - r, eye_y - r, ix + r, eye_y + r), fill=(35, 25, 20))
        by = eye_y - 0.2 * b + brow - 0.02 * b * side * rng.uniform(-1, 1)
        draw.line((ex - half * 1.3, by + 3, ex, by - 2, ex + half * 1.3, by + 2), fill=_shade(hair, 0.9),
                  width=max(3, int(0.055 * b)))
    # Nose: a shaded side of the bridge, the shadow under the tip and two nostrils.
    nx, ny = fx + turn * 0.12 * a, cy + 0.28 * b
    side = 1 if turn >= 0 else -1
    draw.polygon([(fx + side * 0.05 * a, eye_y + 0.05 * b), (nx + side * 0.15 * a, ny - 0.02 * b),
                  (nx, ny + 0.02 * b)], fill=_shade(skin, 0.82))
    draw.ellipse((nx - 0.2 * a, ny - 0.02 * b, nx + 0.2 * a, ny + 0.08 * b), fill=_shade(skin, 0.78))
    for s in (-1, 1):
        draw.ellipse((nx + s * 0.1 * a - 3, ny, nx + s * 0.1 * a + 3, ny + 4), fill=_shade(skin, 0.45))
    # Beard or stubble: the hair colour over the jaw, drawn before the mouth so the mouth stays visible.
    if rng.random() < 0.3:
        mask = Image.new("L", (S, S), 0)
        m = ImageDraw.Draw(mask)
        density = int(rng.uniform(90, 230))
        m.ellipse((cx - a, cy - b, cx + a, cy + b * 1.06), fill=density)
        cheek_line = cy + rng.uniform(0.25, 0.42) * b
        m.polygon([(0, 0), (S, 0), (S, cy - 0.1 * b), (cx + 0.9 * a, cy - 0.1 * b), (fx + 0.4 * a, cheek_line),
                   (fx - 0.4 * a, cheek_line), (cx - 0.9 * a, cy - 0.1 * b), (0, cy - 0.1 * b)], fill=0)
        beard = np.minimum(np.asarray(hair, dtype=float), np.asarray(skin) * 0.6)
        layer.paste(_shade(beard, 1.0) + (255,), (0, 0), mask.filter(ImageFilter.GaussianBlur(3)))
    if style != "bald":
        mask = _hair_mask(a, b, cx, cy, top, 1.05 + 0.25 * volume / b, rng.uniform(0.45, 0.7), rng.uniform(-0.5, 0.5))
        if style == "buzz":
            mask = mask.point(lambda v: v * 2 // 3)
        if style == "curly":                                   # curls along the outline
            curls = ImageDraw.Draw(mask)
            for angle in np.linspace(np.pi * 1.05, np.pi * 1.95, 9):
                x, y, r = cx + 1.2 * a * np.cos(angle), cy - 0.15 * b + (b + volume) * np.sin(angle), 0.22 * a
                curls.ellipse((x - r, y - r, x + r, y + r), fill=255)
        layer.paste(hair + (255,), (0, 0), mask)
    _draw_mouth(draw, rng, fx + turn * 0.05 * a, cy + 0.55 * b, a * (1 - 0.25 * abs(turn)), b, np.asarray(skin), smile, open_amount)
    return layer


def _draw_person(rng, smiling):
    """The person (head, neck and dark T-shirt) on a transparent layer, the head tilted in-plane."""
    S = CANVAS
    a = S * rng.uniform(*FACE_HALF_WIDTH)            # half-width of the face
    b = a * rng.uniform(1.28, 1.38)                  # half-height of the face
    turn = rng.uniform(-0.35, 0.35)                  # how far the head is turned to the side
    if not smiling and rng.random() < LOOKING_AWAY:
        turn = rng.choice([-1, 1]) * rng.uniform(0.5, 0.85)
    mx, my = S * rng.uniform(*MOUTH_X), S * rng.uniform(*MOUTH_Y)
    cx, cy = mx - 0.37 * turn * a, my - 0.55 * b     # face centre; the top of the head near the top edge
    tone = rng.uniform(0, len(SKIN_TONES) - 1)
    low = int(min(tone, len(SKIN_TONES) - 2))
    skin = SKIN_TONES[low] + (tone - low) * (SKIN_TONES[low + 1] - SKIN_TONES[low])
    skin = _jitter(rng, skin, 8)
    layer = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    chin = cy + b
    body_x = cx + rng.uniform(-0.15, 0.15) * a
    draw.rectangle((cx - 0.5 * a, cy, cx + 0.5 * a, chin + 0.5 * b), fill=_shade(skin, 0.75))
    shirt = _jitter(rng, SHIRT_COLOURS[rng.integers(len(SHIRT_COLOURS))], 8)
    shoulders = chin + rng.uniform(0.2, 0.4) * b
    draw.ellipse((body_x - 2.8 * a, shoulders, body_x + 2.8 * a, shoulders + 3 * b), fill=shirt)
    draw.ellipse((cx - 0.5 * a, shoulders - 0.3 * b, cx + 0.5 * a, shoulders + 0.3 * b), fill=_shade(skin, 0.75))
    head = _draw_head(rng, smiling, a, b, cx, cy, skin, turn)
    tilt = float(np.clip(rng.normal(0, TILT_SD), -2.5 * TILT_SD, 2.5 * TILT_SD))
    head = head.rotate(tilt, resample=Image.BILINEAR, center=(mx, my))
    # Round the head: darken it towards its outline (a blurred silhouette is low near the edges).
    outline = head.getchannel("A").resize((S // 4, S // 4), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.075 * a))
    roundness = np.asarray(outline.resize((S, S), Image.BILINEAR), dtype=np.float32) / 255
    pixels = np.asarray(head, dtype=np.float32)
    pixels[..., :3] *= (0.7 + 0.3 * roundness)[..., None]
    head = Image.fromarray(pixels.astype(np.uint8), "RGBA")
    return Image.alpha_composite(layer, head)


# ------------------------------------------------------------------------------------- lighting
def _light(rng, background, person):
    """Backlight: a blown-out background, a darker subject, and glare bleeding over the edges."""
    S = CANVAS
    bg = np.asarray(background, dtype=np.float32) / 255
    bg = 1 - (1 - bg) * rng.uniform(0.35, 0.8)                 # overexposed yard
    yy, xx = _GRID
    sun_x, sun_y = rng.uniform(-0.2, 1.2), rng.uniform(-0.3, 0.4)
    glow = np.exp(-((xx - sun_x) ** 2 + (yy - sun_y) ** 2) / (2 * rng.uniform(0.15, 0.4) ** 2))
    bg = bg + (1 - bg) * glow[..., None] * rng.uniform(0.5, 1.0)
    rgba = np.asarray(person, dtype=np.float32) / 255
    alpha = rgba[..., 3:]
    side = rng.uniform(-0.25, 0.25)                             # one side of the face a bit lighter
    exposure = rng.uniform(0.65, 1.0) * (1 + side * (xx - 0.5))[..., None]
    image = bg * (1 - alpha) + rgba[..., :3] * exposure * alpha
    image = np.clip(image * (1 + rng.normal(0, 0.04, 3)).astype(np.float32), 0, 1)  # white balance
    # Glare: the bright background bleeds a little over the dark subject (blurred at a quarter size).
    small = Image.fromarray((image * 255).astype(np.uint8)).resize((S // 4, S // 4), Image.BILINEAR)
    bright = small.point(_GLARE).filter(ImageFilter.GaussianBlur(2))
    glare = np.asarray(bright.resize((S, S), Image.BILINEAR), dtype=np.float32) / 255 * rng.uniform(0.2, 0.5)
    out = 1 - (1 - image) * (1 - glare)
    return Image.fromarray((out * 255).astype(np.uint8))
