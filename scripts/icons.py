"""Draws the app icons (public/icons/*.png) from the favicon's design: a gold star on Party red.
Run once after changing the design: python3 scripts/icons.py (needs Pillow)."""
import math
from PIL import Image, ImageDraw

RED, GOLD = (183, 28, 28, 255), (255, 213, 79, 255)


def star(draw, cx, cy, r):
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=GOLD)


def icon(size, maskable=False, rounded=True):
    scale = 4  # drawn large, then reduced: smooth edges
    s = size * scale
    im = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    if maskable or not rounded:
        d.rectangle((0, 0, s, s), fill=RED)
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s * 0.19, fill=RED)
    # A maskable icon keeps its content inside the central 80% circle.
    star(d, s / 2, s * 0.53, s * (0.30 if maskable else 0.40))
    return im.resize((size, size), Image.LANCZOS)


for size in (192, 512):
    icon(size).save(f"public/icons/icon-{size}.png")
    icon(size, maskable=True).save(f"public/icons/maskable-{size}.png")
icon(180, rounded=False).save("public/icons/apple-touch-icon.png")
